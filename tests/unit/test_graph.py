"""graph.py: URLs, references, backlinks, citations, launch windows and collisions."""

import datetime as dt
from dataclasses import replace

from documentary.graph import window_of
from documentary.yaml_marks import parse_yaml

from .sitekit import chapter_md, content, linked, mission_yaml


def graph(missions, chapters=None, pages=None, static=(), **kw):
    site, problems = linked(content(missions, chapters, pages, **kw), static)
    return site, [p.format() for p in problems]


def test_launch_windows_follow_the_synodic_period():
    assert window_of(dt.date(2020, 7, 30)) == 0
    assert window_of(dt.date(1971, 5, 28)) == window_of(dt.date(1971, 5, 19))
    assert window_of(dt.date(1973, 7, 21)) == window_of(dt.date(1971, 5, 28)) + 1
    assert window_of(dt.date(1960, 10, 10)) != window_of(dt.date(1962, 11, 1))


def test_missions_are_ordered_by_launch_and_grouped_by_window():
    site, _ = graph(
        {
            "b": mission_yaml("B", "1971-05-30"),
            "a": mission_yaml("A", "1971-05-19"),
            "c": mission_yaml("C", "1960-10-10"),
        }
    )
    assert [m.slug for m in site.missions] == ["c", "a", "b"]
    assert [(w.label, w.missions) for w in site.windows] == [("1960 window", ("c",)), ("1971 window", ("a", "b"))]


def test_backlinks_and_citation_numbers():
    chapters = {"01-one": chapter_md("One", "About [[a]] [@src].\n"), "02-two": chapter_md("Two", "No links.\n")}
    site, problems = graph(
        {"a": mission_yaml("A"), "b": mission_yaml("B", extra="description: See [[a]].\n")}, chapters
    )
    a = site.mission("a")
    assert [(link.title, link.url) for link in a.backlinks] == [("One", "chapters/one/"), ("B", "missions/b/")]
    assert [c.number for c in site.chapters[0].citations] == [1]
    assert (site.chapters[0].next.url, site.chapters[1].prev.url) == ("chapters/two/", "chapters/one/")
    assert "content/missions/b.yaml:1:1: warning: mission 'b' is mentioned in no chapter" in problems


def test_unknown_references_are_errors_at_their_place():
    body = "See [[mars-9]] and [[a:launch.dat]],\nthen [@nope] and [[count:colour=red]].\n"
    _, problems = graph({"a": mission_yaml("A")}, {"01-one": chapter_md("One", body)})
    errors = [p for p in problems if ": error: " in p]
    assert errors[0] == "content/chapters/01-one.md:5:5: error: unknown mission 'mars-9' in [[mars-9]]"
    assert errors[1].startswith("content/chapters/01-one.md:5:20: error: unknown fact path 'launch.dat' for A")
    assert errors[2] == "content/chapters/01-one.md:6:6: error: unknown source key 'nope'"
    assert errors[3].startswith("content/chapters/01-one.md:6:18: error: unknown count filter 'colour'")


def test_unknown_reference_in_a_mission_description_points_into_the_yaml():
    extra = "description: |\n  First line.\n  Then [[nobody]].\n"
    _, problems = graph({"a": mission_yaml("A", extra=extra)})
    assert "content/missions/a.yaml:10:8: error: unknown mission 'nobody' in [[nobody]]" in problems


def test_mission_source_keys_must_exist_and_a_mission_without_sources_warns():
    text = mission_yaml("A").replace("sources: [src]", "sources: [src, srcc]")
    _, problems = graph({"a": text, "b": mission_yaml("B").replace("sources: [src]\n", "")})
    assert "content/missions/a.yaml:7:16: error: unknown source key 'srcc'; did you mean 'src'?" in problems
    assert "content/missions/b.yaml:1:1: warning: mission 'b' lists no sources" in problems


def test_duplicate_event_ids_and_bad_unconfirmed_fields():
    extra = (
        "events:\n  - {id: x, date: 1971, title: One}\n  - {id: x, date: 1972, title: Two}\n"
        "unconfirmed: [designation]\n"
    )
    _, problems = graph({"a": mission_yaml("A", extra=extra)})
    assert "content/missions/a.yaml:10:10: error: event id 'x' is used twice (first at events.0)" in problems
    assert any(p.startswith("content/missions/a.yaml:11:15: error: unconfirmed: A has no value") for p in problems)


def test_pages_cannot_take_reserved_slugs_and_static_files_cannot_overwrite_pages():
    pages = {"timeline": "---\ntitle: T\n---\nx\n"}
    _, problems = graph({"a": mission_yaml("A")}, pages=pages, static=("missions/a/index.html", "css/site.css"))
    assert (
        "content/pages/timeline.md:1:1: error: page slug 'timeline' is reserved for the site's own /timeline/"
        in problems
    )
    assert (
        "static/missions/a/index.html:1:1: error: static file would overwrite the generated page"
        " /missions/a/index.html" in problems
    )
    assert not any("css/site.css" in p for p in problems)


def test_outputs_list_every_page():
    site, _ = graph({"a": mission_yaml("A")}, {"01-one": chapter_md("One", "[[a]] [@src]")})
    assert "missions/a/index.html" in site.outputs and "chapters/one/index.html" in site.outputs
    assert {"index.html", "404.html", "sitemap.xml", "timeline/index.html", "feed.xml"} <= set(site.outputs)


def test_unused_sources_warn():
    sources = "src: {title: T, publisher: P, url: 'https://e.org/'}\nlonely: {title: T, publisher: P, url: 'https://e.org/'}\n"
    _, problems = graph({"a": mission_yaml("A")}, sources=sources)
    assert "content/sources.yaml:2:1: warning: source 'lonely' is never cited" in problems


def test_site_links_must_name_a_page():
    body = "[ok](/timeline/) [ok](/missions/a/) [bad](/nowhere/)\n"
    _, problems = graph({"a": mission_yaml("A")}, {"01-one": chapter_md("One", body + "[[a]] [@src]")})
    errors = [p for p in problems if ": error: " in p]
    assert errors == [
        "content/chapters/01-one.md:5:37: error: link to /nowhere/ matches no page of this site"
        " (site links start with / and name a page, e.g. /timeline/)"
    ]


def test_sources_are_grouped_by_kind_primary_first_and_counted():
    sources = (
        "w: {title: T, publisher: P, url: 'https://e.org/w', kind: encyclopedia}\n"
        "src: {title: T, publisher: P, url: 'https://e.org/s', kind: agency}\n"
        "b: {title: T, publisher: P, url: 'https://e.org/b', kind: book}\n"
        "n: {title: T, publisher: P, url: 'https://e.org/n'}\n"
        "a: {title: T, publisher: P, url: 'https://e.org/a', kind: agency}\n"
    )
    site, _ = graph({"m": mission_yaml("M")}, sources=sources)
    assert [(kind, [key for key, _ in entries]) for kind, entries in site.sources_by_kind] == [
        ("agency", ["a", "src"]),
        ("book", ["b"]),
        ("encyclopedia", ["w"]),
        (None, ["n"]),
    ]
    assert site.primary_sources == 3


def test_a_source_at_a_republisher_warns_through_the_graph():
    sources = "src: {title: T, publisher: P, url: 'https://wikimili.com/en/X', kind: encyclopedia}\n"
    republishers = parse_yaml("content/republishers.yaml", "- wikimili.com\n")[0]
    base = content({"m": mission_yaml("M")}, sources=sources)
    site, problems = linked(replace(base, republishers_doc=republishers))
    assert [p.format() for p in problems] == [
        "content/sources.yaml:1:36: warning: source 'src' links to wikimili.com, which republishes others' pages "
        "(republishers.yaml: wikimili.com); cite the original publisher at its own address"
    ]
