"""models.py and dates.py: typed content and one clear message per problem."""

import pytest
from pydantic import ValidationError

from documentary.dates import PartialDate, parse_date, parse_time
from documentary.load import parse_markdown_file
from documentary.models import Mission, SiteConfig, validate
from documentary.raw import Located, RawContent
from documentary.yaml_marks import parse_yaml

MISSION = """name: Mars 3
program: soviet
type: [orbiter, lander]
launch:
  date: 1971-05-28
  time: "15:26:30"
  vehicle: Proton-K/D
  site: Baikonur
outcome: partial
summary: One sentence.
sources: [nasa-mars-3]
"""
SITE = "title: T\ndescription: D\nbase_url: https://example.org/sub\nauthor: A\nlicence: L\nupdated: 2024-01-01\n"


def check(text: str, model=Mission):
    doc, errors = parse_yaml("m.yaml", text)
    assert errors == []
    site_doc, _ = parse_yaml("site.yaml", SITE)
    raw = RawContent(site_doc, (), (("m", doc),) if model is Mission else (), None, (), ())
    content, problems = validate(raw)
    return content, [p.format() for p in problems]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1971", PartialDate(1971)),
        ("1972-08", PartialDate(1972, 8)),
        ("1971-05-28", PartialDate(1971, 5, 28)),
        (1971, PartialDate(1971)),
    ],
)
def test_dates_keep_their_precision(text, expected):
    assert parse_date(text) == expected


def test_dates_render_with_the_precision_written():
    assert PartialDate(1971, 5, 28).human == "28 May 1971"
    assert PartialDate(1972, 8).human == "August 1972"
    assert PartialDate(1972).iso == "1972"
    assert PartialDate(1972, 8).iso == "1972-08"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("1971-13-02", "invalid date '1971-13-02': month 13 is not between 1 and 12"),
        ("1971-02-30", "invalid date '1971-02-30': February 1971 has 28 days"),
        ("May 1971", "invalid date 'May 1971': write it as YYYY, YYYY-MM or YYYY-MM-DD"),
    ],
)
def test_bad_dates_say_what_is_wrong(text, message):
    with pytest.raises(ValueError, match=message):
        parse_date(text)


def test_times_must_be_quoted_clock_times():
    assert parse_time("09:05") == "09:05"
    with pytest.raises(ValueError):
        parse_time("25:00")


def test_a_valid_mission_validates_and_is_frozen():
    content, problems = check(MISSION)
    assert problems == []
    mission = content.missions[0].data
    assert mission.launch.date == PartialDate(1971, 5, 28)
    with pytest.raises(ValidationError, match="frozen"):
        mission.name = "changed"


def test_invalid_date_points_at_the_value():
    _, problems = check(MISSION.replace("1971-05-28", "1971-13-02"))
    assert problems == ["m.yaml:5:9: error: launch.date: invalid date '1971-13-02': month 13 is not between 1 and 12"]


def test_unknown_field_suggests_the_right_one():
    _, problems = check(MISSION.replace("summary:", "sumary:"))
    assert "m.yaml:10:1: error: unknown field 'sumary'; did you mean 'summary'?" in problems


def test_unknown_nested_field_suggests_from_the_nested_model():
    _, problems = check(MISSION.replace("  site:", "  sight:"))
    assert "m.yaml:8:3: error: unknown field 'launch.sight'; did you mean 'site'?" in problems


def test_enum_lists_the_allowed_values():
    _, problems = check(MISSION.replace("outcome: partial", "outcome: mixed"))
    assert problems == ["m.yaml:9:10: error: outcome: 'mixed' is not one of 'success', 'partial' or 'failure'"]


def test_missing_field_is_reported_at_its_parent():
    _, problems = check(MISSION.replace("  vehicle: Proton-K/D\n", ""))
    assert problems == ["m.yaml:5:3: error: missing required field 'launch.vehicle'"]


def test_a_date_where_a_list_is_expected():
    _, problems = check(MISSION.replace("type: [orbiter, lander]", "type: 1971-05-28"))
    assert problems == ["m.yaml:3:7: error: type: expected a list, got text"]


def test_all_problems_come_in_one_run():
    bad = MISSION.replace("outcome: partial", "outcome: mixed").replace("1971-05-28", "May")
    _, problems = check(bad)
    assert len(problems) == 2


def test_landing_site_needs_both_coordinates_or_none():
    _, problems = check(MISSION + "landing_site: {lat: -45, name: Ptolemaeus}\n")
    assert problems == ["m.yaml:12:15: error: landing_site: give both lat and lon, or neither"]


def test_site_base_url_must_be_absolute_and_gets_a_trailing_slash():
    doc, _ = parse_yaml("site.yaml", SITE)
    assert SiteConfig.model_validate(doc.data).base_url == "https://example.org/sub/"
    doc, _ = parse_yaml("site.yaml", SITE.replace("https://example.org/sub", "/sub/"))
    raw = RawContent(doc, (), (), None, (), ())
    _, problems = validate(raw)
    assert [p.message for p in problems] == ["base_url: '/sub/' is not an absolute http(s) URL"]


def check_sources(text: str):
    site_doc, _ = parse_yaml("site.yaml", SITE)
    sources_doc, errors = parse_yaml("sources.yaml", text)
    assert errors == []
    content, problems = validate(RawContent(site_doc, (), (), sources_doc, (), ()))
    return content, [p.format() for p in problems]


def test_a_source_kind_must_be_known_and_a_near_miss_gets_a_hint():
    content, problems = check_sources(
        "a: {title: T, publisher: P, url: 'https://e.org/a', kind: agancy}\n"
        "b: {title: T, publisher: P, url: 'https://e.org/b', kind: podcast}\n"
        "c: {title: T, publisher: P, url: 'https://e.org/c', kind: journal}\n"
    )
    expected = "'agency', 'book', 'journal', 'encyclopedia', 'news', 'reference' or 'blog'"
    assert problems == [
        f"sources.yaml:1:59: error: a.kind: 'agancy' is not one of {expected}; did you mean 'agency'?",
        f"sources.yaml:2:59: error: b.kind: 'podcast' is not one of {expected}",
    ]
    assert content.sources["c"].primary


def test_a_source_may_have_no_kind_and_is_then_not_primary():
    content, problems = check_sources("a: {title: T, publisher: P, url: 'https://e.org/a'}\n")
    assert problems == []
    assert content.sources["a"].kind is None and not content.sources["a"].primary


def test_validated_files_keep_where_their_fields_stand_not_the_parsed_values():
    content, problems = check(MISSION)
    mission = content.missions[0]
    assert problems == [] and isinstance(mission.doc, Located) and not hasattr(mission.doc, "data")
    assert (mission.doc.path, mission.doc.text) == ("m.yaml", MISSION)
    assert str(mission.doc.where(("launch", "vehicle"))) == "m.yaml:7:12"
    chapter, _ = parse_markdown_file("c/01-a.md", "a", "---\ntitle: A\nsummary: S.\n---\nBody\n", 1)
    site_doc, _ = parse_yaml("site.yaml", SITE)
    text = validate(RawContent(site_doc, (chapter,), (), None, (), ()))[0].chapters[0]
    assert (text.file.path, text.file.slug, text.file.number, text.file.body, text.file.body_line) == (
        "c/01-a.md",
        "a",
        1,
        "Body\n",
        5,
    )
    assert isinstance(text.file.meta, Located) and str(text.file.meta.where(("summary",))) == "c/01-a.md:3:10"
