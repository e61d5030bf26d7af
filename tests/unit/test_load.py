"""load.py: decoding, front matter and YAML with positions, all on strings."""

from documentary.load import decode, load_content, parse_markdown_file, parse_yaml, split_front_matter


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


def test_yaml_values_know_their_lines_and_keys_know_theirs():
    doc, errors = parse_yaml("m.yaml", "name: Mars 3\nlaunch:\n  date: 1971-05-28\n")
    assert errors == []
    assert doc.where(("launch", "date")).line == 3
    assert doc.where(("launch", "date")).col == 9
    assert doc.where(("launch",), key=True).col == 1


def test_yaml_dates_stay_text_and_unquoted_times_are_not_numbers():
    doc, _ = parse_yaml("m.yaml", "d: 1971-05-28\nt: 15:26:30\nn: 3\nf: 1.5\nb: true\n")
    assert doc.data == {"d": "1971-05-28", "t": "15:26:30", "n": 3, "f": 1.5, "b": True}


def test_yaml_position_falls_back_to_the_nearest_parent():
    doc, _ = parse_yaml("m.yaml", "a:\n  b: 1\n")
    assert doc.where(("a", "missing")).line == 2


def test_yaml_line_offset_shifts_every_position():
    doc, errors = parse_yaml("c.md", "title: x\n", line_offset=1)
    assert doc.where(("title",)).line == 2
    _, errors = parse_yaml("c.md", "title: [x\n", line_offset=1)
    assert errors[0].source.line >= 2


def test_duplicate_key_is_reported_at_the_second_key():
    _, errors = parse_yaml("m.yaml", "name: a\nname: b\n")
    assert messages(errors) == ["m.yaml:2:1: error: duplicate key 'name' (first on line 1)"]


def test_aliases_are_refused_where_they_are_used():
    doc, errors = parse_yaml("m.yaml", "a: &x [1]\nb: *x\n")
    assert doc is None
    assert messages(errors) == [
        "m.yaml:2:4: error: YAML aliases (*x) are not allowed in content files; write the value out"
    ]


def test_python_tags_are_errors_not_code():
    doc, errors = parse_yaml("m.yaml", "a: !!python/object/apply:os.system [echo hi]\n")
    assert doc is None
    assert "YAML tag '!!python/object/apply:os.system' is not allowed" in errors[0].message
    assert (errors[0].source.line, errors[0].source.col) == (1, 4)


def test_tab_indentation_gets_a_plain_message():
    _, errors = parse_yaml("m.yaml", "a:\n\tb: 1\n")
    assert messages(errors) == [
        "m.yaml:2:1: error: YAML syntax error: tab character used for indentation; indent with spaces"
    ]


def test_empty_yaml_is_an_error():
    _, errors = parse_yaml("m.yaml", "# only a comment\n")
    assert messages(errors) == ["m.yaml:1:1: error: file is empty"]


def test_front_matter_is_split_and_the_body_line_counted():
    assert split_front_matter("c.md", "---\ntitle: x\n---\nBody\n") == ("title: x", "Body\n", 4)


def test_front_matter_that_never_closes():
    result = split_front_matter("c.md", "---\ntitle: x\nBody\n")
    assert result.format() == "c.md:1:1: error: front matter opened on line 1 is never closed with '---'"


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
