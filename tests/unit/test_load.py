"""load.py: decoding, front matter and reading the content folder, on strings and a temporary folder."""

import os

from documentary.load import decode, load_content, parse_markdown_file, split_front_matter


def messages(errors):
    return [e.format() for e in errors]


def test_decode_rejects_bom_with_its_position():
    text, errors = decode("a.yaml", b"\xef\xbb\xbfname: x\n")
    assert text is None
    assert messages(errors) == [
        "a.yaml:1:1: error: file starts with a byte-order mark (BOM); save it as UTF-8 without BOM"
    ]


def test_decode_names_the_bad_byte_line_column_and_offset():
    _, errors = decode("a.md", b"ok\nbad \xff here\n")
    assert messages(errors) == ["a.md:2:5: error: file is not valid UTF-8: byte 0xff at offset 7"]


def test_decode_normalises_line_endings():
    text, errors = decode("a.md", b"a\r\nb\rc\n")
    assert (text, errors) == ("a\nb\nc\n", [])


def test_front_matter_is_split_and_the_body_line_counted():
    assert split_front_matter("c.md", "---\ntitle: x\n---\nBody\n") == ("title: x", "Body\n", 4)


def test_front_matter_that_never_closes():
    result = split_front_matter("c.md", "---\ntitle: x\nBody\n")
    assert result.format() == "c.md:1:1: error: front matter opened on line 1 is never closed with '---'"


def test_front_matter_positions_count_from_the_file_s_first_line():
    doc, errors = parse_markdown_file("c.md", "c", "---\ntitle: x\nsummary: [s\n---\nBody\n")
    assert doc is None
    assert errors[0].format() == "c.md:3:10: error: YAML syntax error: '[' is never closed with ']'"
    doc, errors = parse_markdown_file("c.md", "c", "---\ntitle: x\n---\nBody\n")
    assert (doc.meta.where(("title",)).line, doc.body_line, errors) == (2, 4, [])


def test_markdown_file_without_front_matter():
    doc, errors = parse_markdown_file("c.md", "c", "# Just text\n")
    assert doc is None
    assert "must start with front matter" in errors[0].message


def test_load_content_reads_every_kind_and_reports_bad_names(write_tree, tmp_path, monkeypatch):
    write_tree(
        {
            "content/site.yaml": "title: t\n",
            "content/chapters/01-one.md": "---\ntitle: One\nsummary: s\n---\nText\n",
            "content/chapters/intro.md": "---\ntitle: x\nsummary: s\n---\n",
            "content/missions/mars-3.yaml": "name: Mars 3\n",
            "content/missions/Bad_Name.yaml": "name: x\n",
            "content/pages/about.md": "---\ntitle: About\n---\nHi\n",
        }
    )
    monkeypatch.chdir(tmp_path)
    raw = load_content(tmp_path / "content")
    assert [c.slug for c in raw.chapters] == ["one"]
    assert raw.chapters[0].number == 1 and raw.chapters[0].body_line == 5
    assert [slug for slug, _ in raw.missions] == ["mars-3"]
    assert [p.slug for p in raw.pages] == ["about"]
    assert messages(raw.errors) == [
        "content/chapters/intro.md:1:1: error: chapter file name 'intro.md' must be NN-slug.md, e.g. 01-origins.md",
        "content/missions/Bad_Name.yaml:1:1: error: mission file name 'Bad_Name.yaml' must be <slug>.yaml"
        " with a lowercase-hyphen slug",
    ]


def test_missing_site_yaml(tmp_path, monkeypatch):
    (tmp_path / "content").mkdir()
    monkeypatch.chdir(tmp_path)
    raw = load_content(tmp_path / "content")
    assert messages(raw.errors) == ["content/site.yaml:1:1: error: missing file: every site needs site.yaml"]


def test_with_a_memo_a_file_whose_stat_is_unchanged_is_not_read_again(tmp_path, monkeypatch):
    from documentary.load import ParseMemo

    monkeypatch.chdir(tmp_path)
    chapter = tmp_path / "content/chapters/01-one.md"
    chapter.parent.mkdir(parents=True)
    (tmp_path / "content/site.yaml").write_text("title: T\n", encoding="utf-8")
    chapter.write_text("---\ntitle: One\n---\nFirst.\n", encoding="utf-8")
    memo = ParseMemo()
    assert load_content(tmp_path / "content", memo).chapters[0].body == "First.\n"
    stat = chapter.stat()
    chapter.write_text("---\ntitle: One\n---\nSecnd.\n", encoding="utf-8")  # same size
    os.utime(chapter, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # and the same time: a save within one tick
    assert load_content(tmp_path / "content", memo).chapters[0].body == "First.\n"
    assert load_content(tmp_path / "content", memo, fresh=frozenset({chapter})).chapters[0].body == "Secnd.\n"
    chapter.write_text("---\ntitle: One\n---\nThird one.\n", encoding="utf-8")
    assert load_content(tmp_path / "content", memo).chapters[0].body == "Third one.\n"
    assert load_content(tmp_path / "content").chapters[0].body == "Third one.\n"
