"""parsing.py: every body of every edition compiled in one batch, and the graph handed finished documents."""

from types import MappingProxyType

import pytest

from documentary import bodies, markdown
from documentary.cache import BodyCache
from documentary.graph import build_graph
from documentary.markdown import make_parser
from documentary.parsing import body_jobs, compile_bodies

from .sitekit import chapter_md, content, mission_yaml
from .test_translations import MARS_3, RU_CHAPTER, RU_MARS_3, translated

DESCRIBED = mission_yaml("B", extra="description: |\n  First line.\n  Then [[a]].\n")


def test_every_chapter_page_and_description_is_one_job_named_by_its_file():
    site = content(
        {"a": mission_yaml("A"), "b": DESCRIBED},
        {"01-one": chapter_md("One", "Text.\n")},
        {"about": "---\ntitle: About\n---\nAbout.\n"},
    )
    jobs = body_jobs(site)
    assert list(jobs) == [
        ("content/chapters/01-one.md", "body"),
        ("content/pages/about.md", "body"),
        ("content/missions/b.yaml", "description"),
    ]
    assert jobs["content/chapters/01-one.md", "body"] == bodies.ParseJob("Text.\n", 5)
    description = jobs["content/missions/b.yaml", "description"]
    assert (description.first_line, description.file_text) == (9, DESCRIBED)  # a block starts below its key


def test_a_translation_adds_its_own_files_and_no_untranslated_description():
    two = {
        "mars-3": MARS_3 + "description: Lands after [[mars-2]].\n",
        "mars-2": mission_yaml("Mars 2", date="1971-05-19", extra="description: Its twin.\n"),
    }
    ru = {"mars-3": RU_MARS_3 + "description: Садится после [[mars-2]].\n"}  # Mars 2 stays untranslated
    original, editions, _ = translated(missions=two, ru_missions=ru, ru_chapters={"01-one": RU_CHAPTER})
    jobs = body_jobs(original, editions)
    assert sorted(jobs) == [
        ("content/chapters/01-one.md", "body"),
        ("content/missions/mars-2.yaml", "description"),
        ("content/missions/mars-3.yaml", "description"),
        ("content/ru/chapters/01-one.md", "body"),
        ("content/ru/missions/mars-3.yaml", "description"),
    ]


def test_the_bodies_are_read_only_and_come_from_the_cache_the_second_time():
    site = content({"a": mission_yaml("A"), "b": DESCRIBED}, {"01-one": chapter_md("One", "[[a]] [@src]\n")})
    cache = BodyCache()
    first = compile_bodies(make_parser(), site, cache=cache, workers=1)
    assert isinstance(first, MappingProxyType) and len(first) == 2 and cache.hits == 0
    cache.save()
    again = compile_bodies(make_parser(), site, cache=cache, workers=1)
    assert cache.hits == 2 and all(again[key] is first[key] for key in first)


def test_the_graph_parses_nothing_and_reports_body_problems_at_their_place(monkeypatch: pytest.MonkeyPatch):
    site = content({"a": mission_yaml("A"), "b": DESCRIBED}, {"01-one": chapter_md("One", "See [[nobody]].\n")})
    compiled = compile_bodies(make_parser(), site)

    def refuse(*args, **kwargs):
        raise AssertionError("the graph parsed a body")

    monkeypatch.setattr(markdown, "parse", refuse)
    monkeypatch.setattr(bodies, "parse", refuse)
    monkeypatch.setattr(bodies, "compile_doc", refuse)
    linked, problems = build_graph(site, compiled)
    assert [p.format() for p in problems if p.severity == "error"] == [
        "content/chapters/01-one.md:5:5: error: unknown mission 'nobody' in [[nobody]]"
    ]
    assert linked.mission("b").description is compiled["content/missions/b.yaml", "description"]
    assert linked.mission("a").description is None
