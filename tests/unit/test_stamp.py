"""stamp.py: `translated_from` set by a one-line edit; the rest of the file is untouched."""

import pytest

from documentary.stamp import stamp_markdown, stamp_yaml


def test_markdown_gets_the_line_at_the_end_of_its_front_matter():
    text = "---\ntitle: Т\nsummary: С.\n---\nТекст.\n"
    assert (
        stamp_markdown(text, "0123456789ab")
        == "---\ntitle: Т\nsummary: С.\ntranslated_from: 0123456789ab\n---\nТекст.\n"
    )


def test_an_existing_line_is_replaced_in_place_keeping_crlf():
    text = "---\r\ntranslated_from: 111111111111\r\ntitle: Т\r\n---\r\nbody\r\n"
    assert stamp_markdown(text, "abcdefabcdef") == "---\r\ntranslated_from: abcdefabcdef\r\ntitle: Т\r\n---\r\nbody\r\n"


def test_a_translated_from_line_in_the_body_is_not_touched():
    text = "---\ntitle: Т\n---\ntranslated_from: not front matter\n"
    assert (
        stamp_markdown(text, "0123456789ab")
        == "---\ntitle: Т\ntranslated_from: 0123456789ab\n---\ntranslated_from: not front matter\n"
    )


def test_yaml_gets_the_line_first_or_replaced_and_digits_are_quoted():
    assert stamp_yaml("name: М\n", "0123456789ab") == "translated_from: 0123456789ab\nname: М\n"
    assert stamp_yaml("name: М\ntranslated_from: x\n", "123456789012") == 'name: М\ntranslated_from: "123456789012"\n'
    assert stamp_yaml("events:\n  - translated_from: x\n", "0123456789ab").startswith("translated_from: 0123456789ab\n")


def test_a_file_without_front_matter_is_refused():
    with pytest.raises(ValueError, match="front matter"):
        stamp_markdown("title: x\n", "0123456789ab")
