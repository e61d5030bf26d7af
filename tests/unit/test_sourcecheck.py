"""sourcecheck.py: sources at known republishers, and chapters that cite only encyclopedias and blogs."""

from __future__ import annotations

import pytest

from documentary.load import parse_yaml
from documentary.markdown import make_parser, parse
from documentary.models import SourceEntry
from documentary.sourcecheck import Republisher, check_chapter, check_site, parse_republishers, republisher_of

REPUBLISHERS = "# copies\n- kiwix.lema.org\n- '*.ipns.dweb.link'\n- Wikimili.com\n"
SOURCES = """nasa-mars-3:
  title: Mars 3 in depth
  publisher: NASA Science
  url: https://solarsystem.nasa.gov/missions/mars-03/in-depth/
  kind: agency
wikipedia-mars-3:
  title: Mars 3
  publisher: Wikipedia
  url: https://kiwix.lema.org/wikipedia_en_all_mini_2024-02/A/Mars_3
  kind: encyclopedia
mitchell-mars-3:
  title: 20 Seconds on Mars
  publisher: Don P. Mitchell
  url: https://donpmitchell.wordpress.com/2013/05/24/20-seconds-on-mars/
  kind: blog
"""


def sources(text: str = SOURCES) -> tuple[dict[str, SourceEntry], object]:
    doc, problems = parse_yaml("content/sources.yaml", text)
    assert problems == []
    return {key: SourceEntry.model_validate(value) for key, value in doc.data.items()}, doc


def republishers(text: str = REPUBLISHERS):
    doc, problems = parse_yaml("content/republishers.yaml", text)
    assert problems == []
    return doc


def body(text: str):
    return parse(make_parser(), text)


@pytest.mark.parametrize(
    ("host", "pattern", "matches"),
    [
        ("kiwix.lema.org", "kiwix.lema.org", True),
        ("www.wikimili.com", "wikimili.com", True),  # a plain name covers its subdomains
        ("notwikimili.com", "wikimili.com", False),
        ("nzt-eth.ipns.dweb.link", "*.ipns.dweb.link", True),
        ("ipns.dweb.link", "*.ipns.dweb.link", False),  # a wildcard covers only the subdomains
        ("en.wikipedia.org", "wikimili.com", False),
    ],
)
def test_a_pattern_matches_its_host_and_subdomains(host: str, pattern: str, matches: bool):
    assert Republisher(pattern).matches(host) is matches


def test_the_list_is_read_lowercased_and_a_url_is_matched_by_its_host():
    found, problems = parse_republishers(republishers())
    assert problems == []
    assert [r.pattern for r in found] == ["kiwix.lema.org", "*.ipns.dweb.link", "wikimili.com"]
    assert republisher_of("https://WIKIMILI.com/en/Mariner_4", found) == Republisher("wikimili.com")
    assert republisher_of("https://en.wikipedia.org/wiki/Mariner_4", found) is None


def test_a_bad_item_in_the_list_is_an_error_at_its_line():
    _, problems = parse_republishers(republishers("- kiwix.lema.org\n- 'not a host'\n- 12\n"))
    assert [p.format() for p in problems] == [
        "content/republishers.yaml:2:3: error: 'not a host' is not a host name like example.org or *.example.org",
        "content/republishers.yaml:3:3: error: '12' is not a host name like example.org or *.example.org",
    ]
    _, problems = parse_republishers(republishers("kiwix.lema.org: yes\n"))
    assert [p.message for p in problems] == ["republishers.yaml must be a list of host names, e.g. - example.org"]


def test_a_source_at_a_republisher_is_a_warning_at_its_url():
    entries, doc = sources()
    problems = check_site(entries, doc, republishers())
    assert [p.format() for p in problems] == [
        "content/sources.yaml:9:8: warning: source 'wikipedia-mars-3' links to kiwix.lema.org, which republishes "
        "others' pages (republishers.yaml: kiwix.lema.org); cite the original publisher at its own address"
    ]


def test_without_a_list_no_host_is_flagged():
    entries, doc = sources()
    assert check_site(entries, doc, None) == []


def test_a_chapter_citing_only_encyclopedias_and_blogs_is_a_warning_at_its_first_citation():
    entries, _ = sources()
    chapter = body("Intro.\n\nIt landed. [@wikipedia-mars-3]\n\nIt fell silent. [@mitchell-mars-3]\n")
    problem = check_chapter("content/chapters/02-mars.md", chapter, entries)
    assert problem is not None
    assert problem.format() == (
        "content/chapters/02-mars.md:3:12: warning: every citation in this chapter is to a source of kind "
        "blog, encyclopedia; cite an agency, a book or a journal too"
    )


def test_one_primary_citation_or_none_at_all_is_enough_to_pass():
    entries, _ = sources()
    mixed = body("It landed. [@wikipedia-mars-3]\n\nNASA agrees. [@nasa-mars-3]\n")
    assert check_chapter("c.md", mixed, entries) is None
    assert check_chapter("c.md", body("No citations here.\n"), entries) is None


def test_a_source_without_a_kind_is_not_counted_as_an_encyclopedia():
    entries, _ = sources("x: {title: T, publisher: P, url: 'https://example.org/x'}\n")
    assert check_chapter("c.md", body("Claim. [@x]\n"), entries) is None
