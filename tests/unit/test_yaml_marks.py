"""yaml_marks.py: YAML values with their positions, and PyYAML's problems as one line of advice each."""

from types import MappingProxyType

from documentary.yaml_marks import MAX_YAML_DEPTH, parse_yaml


def messages(errors):
    return [e.format() for e in errors]


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


def test_positions_are_read_only_and_shared_with_nothing_else():
    doc, _ = parse_yaml("m.yaml", "a: 1\n")
    assert isinstance(doc.file.marks, MappingProxyType) and isinstance(doc.file.key_marks, MappingProxyType)
    assert (doc.path, doc.text) == ("m.yaml", "a: 1\n")


def test_each_top_level_key_gets_its_own_positions():
    doc, _ = parse_yaml("s.yaml", "a: {title: T}\nb:\n  title: U\n")
    parts = doc.file.by_key()
    assert parts["b"].where(("title",)).line == 3 and parts["b"].where(("title",), key=True).col == 3
    assert parts["a"].where(("title",)).col == 12 and parts["a"].path == "s.yaml"


def test_pyyaml_syntax_errors_are_reworded_as_advice_at_the_place_to_fix():
    cases = {
        "a: [1, 2\nb: 3\n": "1:4: error: YAML syntax error: '[' is never closed with ']'",
        "a: {b: 1\nc: 2\n": "1:4: error: YAML syntax error: '{' is never closed with '}'",
        'a: "open\n': "1:4: error: YAML syntax error: quoted text is never closed",
        "a: b: c\n": "1:5: error: YAML syntax error: unexpected ':'; put a value that contains ': ' in quotes,"
        " or fix the indentation",
        "a: 1\n---\nb: 2\n": "2:1: error: YAML syntax error: a second YAML document ('---') in the same file",
        "a: @x\n": "1:4: error: YAML syntax error: a value cannot start with '@'; put the whole value in quotes",
        "a:\n  b: 1\n c: 2\n": "3:2: error: YAML syntax error: expected a 'key: value' line here, aligned with line 1",
        'a: "it" s\n': "1:9: error: YAML syntax error: text after a closing quote; to put quotes inside a value,"
        " wrap it in the other kind of quotes or double them ('it''s')",
    }
    for text, expected in cases.items():
        assert messages(parse_yaml("m.yaml", text)[1]) == [f"m.yaml:{expected}"], text


def test_values_that_are_not_plain_data_are_refused_at_their_position():
    cases = {
        "a: \x07\n": "1:4: error: character U+0007 is not allowed in YAML; remove it",
        "a: !!int x\n": "1:4: error: invalid int 'x'; put it in quotes if it is text",
        "? [1]\n: 2\n": "1:3: error: a mapping key must be plain text",
        "a: " + "[" * 60 + "]" * 60 + "\n": f"1:54: error: values are nested more than {MAX_YAML_DEPTH} levels deep",
    }
    for text, expected in cases.items():
        assert parse_yaml("m.yaml", text)[0] is None
        assert messages(parse_yaml("m.yaml", text)[1]) == [f"m.yaml:{expected}"], text
