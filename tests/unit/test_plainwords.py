"""Plain fields: a reference in a title, summary or name, at its exact column; worked on strings."""

from __future__ import annotations

from documentary.plainwords import problems
from documentary.yaml_marks import parse_yaml


def located(text: str, offset: int = 0):
    doc, errors = parse_yaml("m.yaml", text, line_offset=offset)
    assert not errors
    return doc.file, doc.data


def positions(text: str, loc: tuple, offset: int = 0, original: bool = True) -> list[str]:
    file, data = located(text, offset)
    value = data
    for part in loc:
        value = value[part]
    return [str(p.source) for p in problems(file, offset + 1, loc, value, original)]


def test_each_reference_at_its_own_column_even_when_two_are_equal():
    assert positions("summary: Before [[a]] and after [[a]].\n", ("summary",)) == ["m.yaml:1:17", "m.yaml:1:33"]


def test_inside_quotes_and_in_front_matter_the_column_is_in_the_file():
    assert positions('title: x\nsummary: "With [@src], quoted"\n', ("summary",), offset=1) == ["m.yaml:3:16"]


def test_a_folded_value_reports_the_line_the_reference_is_on():
    text = "summary: >-\n  Lost on the way,\n  like [[probe-1]].\n"
    assert positions(text, ("summary",)) == ["m.yaml:3:8"]


def test_a_reference_the_value_wraps_is_reported_where_the_value_starts():
    text = "summary: >-\n  Lost like [[probe\n  -1]].\n"  # folded into "[[probe -1]]": not in the text as written
    assert positions(text, ("summary",)) == ["m.yaml:1:10"]  # the value's '>-', where its other problems are


def test_a_translation_is_not_blamed_for_words_it_takes_from_its_original():
    text = "name: Зонд-1\n"
    file, _ = located(text)
    assert problems(file, 1, ("summary",), "Lost, like [[probe-1]].", original=False) == []


def test_words_without_a_reference_are_fine():
    assert positions("summary: Brackets [like these] and [[unclosed are words.\n", ("summary",)) == []
