"""Property tests: whatever bytes land in a mission, a chapter or site.yaml, the answer is a build
or `path:line:col: error:` lines, never a traceback.

Each test owns a small valid site and overwrites one file per example, then runs the whole pipeline
in-process (`pipeline.check`): the only exception allowed out of it is BuildFailed.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from documentary.errors import BuildFailed
from documentary.pipeline import Options, check
from tests.conftest import ROOT

SITE = "title: T\ndescription: D\nbase_url: https://example.org/sub/\nauthor: A\nlicence: L\nupdated: 2024-01-02\n"
SOURCES = "src-a: {title: A, publisher: P, url: 'https://example.org/a'}\n"
MISSION = """\
name: Probe 1
program: soviet
type: [orbiter, lander]
launch: {date: 1971-05-28, time: "15:26:30", vehicle: Proton-K, site: Baikonur}
outcome: partial
summary: Lost.
events:
  - {id: landing, date: 1971-12-02, title: Lands}
  - {date: 1972-08, title: Ends}
landing_site: {lat: -45.0, lon: -158.0, name: Ptolemaeus}
description: |
  Flew with [[probe-1|itself]]. [@src-a]
sources: [src-a]
"""
CHAPTER = """\
---
title: One
summary: S.
---
[[probe-1]] landed on [[probe-1:events.landing.date]]; [[count:program=soviet]] tries. [@src-a]
"""
LINE = re.compile(r"^(?P<path>[^\n]+?):(?P<line>\d+):(?P<col>\d+): (error|warning): \S[^\n]*$")

# Pieces that YAML and our Markdown extensions give meaning to, so that random text hits the parsers' edges.
YAML_BITS = [
    ":", ": ", "- ", "[", "]", "{", "}", ",", "'", '"', "\n", "  ", "\t", "&a ", "*a", "!!str ", "!!python/name:x ",
    "!x ", "#", "---\n", "...\n", "? ", "|\n  ", ">\n  ", "~", "null", "yes", "1e9", "0x1F", ".nan", "15:26:30",
    "name", "date", "launch", "events", "type", "sources", "1971-05-28", "1971-13-02", "1971-02", "<<: ", "%YAML 1.1\n",
    "0000", "0001-01-01", "9999-12-31", "-90", "1e400",
    "\\", "\x00", "\ufeff", "é", "\u2028", "\r", "9" * 30,
]  # fmt: skip
MD_BITS = [
    "[[", "]]", "|", ":", "[@", "@", ";", "]", "[", "(", ")", "](", "![", "#", "## ", "*", "_", "`", "```\n", "\n",
    "\n\n", "<", ">", "{", "}", "{#x}", "{.c}", "[^1]", "[^1]: ", "- ", "1. ", "> ", "| a |\n| - |\n", "&amp;", "\\",
    "probe-1", "probe-1:launch.date", "probe-1:events.landing.date", "count:program=soviet", "count:from=x", "src-a",
    "probe-1:landing_site.lat", "probe-1:outcome", "probe-1:program", "probe-1:name_ru", "count:type=lander to=1980",
    "javascript:", "http://x", "/timeline/", "\t", "    ", "---\n", "\x00", "é", "\u200b",
]  # fmt: skip


def joined(bits: list[str], max_size: int = 40) -> st.SearchStrategy[str]:
    return st.lists(st.one_of(st.sampled_from(bits), st.text(max_size=5)), max_size=max_size).map("".join)


def spliced(base: str, bits: list[str]) -> st.SearchStrategy[str]:
    """The valid text with a random stretch replaced: broken in one place, valid elsewhere."""
    return st.tuples(st.integers(0, len(base)), st.integers(0, 40), joined(bits, 8)).map(
        lambda t: base[: t[0]] + t[2] + base[t[0] + t[1] :]
    )


scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=20), st.dates())
values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
    max_leaves=10,
)
MISSION_FIELDS = ["name", "program", "type", "launch", "outcome", "summary", "events", "landing_site", "sources"]
mission_like = st.dictionaries(st.sampled_from(MISSION_FIELDS) | st.text(max_size=8), values, max_size=10).map(
    lambda d: yaml.safe_dump(d, allow_unicode=True)
)


def maybe(valid: st.SearchStrategy) -> st.SearchStrategy:
    return st.integers(0, 9).flatmap(lambda n: values if n == 9 else valid)  # mostly right, sometimes anything


PRECISIONS = ("%Y", "%Y-%m", "%Y-%m-%d")
dates = st.tuples(st.dates(), st.sampled_from(PRECISIONS)).map(lambda t: f"{t[0].year:04d}" + t[0].strftime(t[1])[4:])
days = st.dates().map(lambda d: f"{d.year:04d}-{d:%m-%d}")
times = st.tuples(st.times(), st.sampled_from(("%H:%M", "%H:%M:%S"))).map(lambda t: t[0].strftime(t[1]))
names = st.text(min_size=1, max_size=12)
event = st.fixed_dictionaries(
    {"date": maybe(dates), "title": maybe(names)},
    optional={"id": maybe(st.sampled_from(["landing", "orbit"])), "time": maybe(times)},
)
place = st.fixed_dictionaries(
    {"name": maybe(names)},
    optional={
        "lat": st.floats(-100, 100) | st.integers(-90, 90), "lon": st.floats(-200, 200) | st.integers(-180, 180),
        "kind": st.sampled_from(["landing", "impact"]), "note": names,
    },
)  # fmt: skip
launch = st.fixed_dictionaries(
    {"date": maybe(days), "vehicle": maybe(names), "site": maybe(names)}, optional={"time": maybe(times)}
)
PROGRAM_NAMES = ["soviet", "russia", "usa", "europe", "china", "india", "japan", "uae"]
TYPE_NAMES = ["flyby", "orbiter", "lander", "impactor", "rover", "penetrator", "sample-return"]
FACT_PATHS = ["launch.date", "launch.vehicle", "events", "type"]
# A mission whose every field is usually well-formed, so that examples get past validation into the
# graph, the charts and the templates with unusual but legal values.
mission_fields = st.fixed_dictionaries(
    {
        "name": maybe(names), "program": maybe(st.sampled_from(PROGRAM_NAMES)), "launch": maybe(launch),
        "type": maybe(st.lists(st.sampled_from(TYPE_NAMES), min_size=1, max_size=3)),
        "outcome": maybe(st.sampled_from(["success", "partial", "failure"])), "summary": maybe(names),
    },
    optional={
        "aliases": st.lists(names, max_size=2), "name_ru": names, "designation": names,
        "cospar_id": st.from_regex(r"\A\d{4}-\d{3}[A-Z]{1,3}\Z") | names,
        "partners": st.lists(st.sampled_from(PROGRAM_NAMES), max_size=2), "events": maybe(st.lists(event, max_size=4)),
        "landing_site": maybe(place), "description": joined(MD_BITS, 30),
        "unconfirmed": maybe(st.lists(st.sampled_from(FACT_PATHS), max_size=2)),
        "sources": maybe(st.lists(st.just("src-a"), max_size=2)),
    },
).map(lambda d: yaml.safe_dump(d, allow_unicode=True))  # fmt: skip


def yaml_text(base: str) -> st.SearchStrategy[str | bytes]:
    return st.one_of(
        st.binary(max_size=300), st.text(max_size=300), joined(YAML_BITS), spliced(base, YAML_BITS), mission_like
    )


def markdown_text(base: str) -> st.SearchStrategy[str | bytes]:
    fenced = joined(MD_BITS, 60).map(lambda body: f"---\ntitle: T\nsummary: S\n---\n{body}")
    return st.one_of(st.binary(max_size=300), st.text(max_size=300), fenced, spliced(base, MD_BITS + YAML_BITS))


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("property-site")
    files = {
        "site.yaml": SITE,
        "sources.yaml": SOURCES,
        "missions/probe-1.yaml": MISSION,
        "missions/probe-2.yaml": MISSION.replace("Probe 1", "Probe 2"),
        "chapters/01-one.md": CHAPTER,
    }
    for name, text in files.items():
        (root / "content" / name).parent.mkdir(parents=True, exist_ok=True)
        (root / "content" / name).write_text(text, encoding="utf-8")
    return root


def own_copy(base: Path, name: str) -> Path:
    target = base.parent / f"{base.name}-{name}"
    if not target.exists():
        shutil.copytree(base, target)
    return target / "content"


def assert_build_or_clean_errors(content: Path, file: Path, data: str | bytes) -> None:
    """Write `data` into `file`, check the site, and require a result or well-formed problems."""
    file.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8", "surrogatepass"))
    options = Options(content=content, templates=ROOT / "templates", static=ROOT / "static", search=False)
    try:
        result = check(options)
    except BuildFailed as failed:
        problems = failed.errors
        assert problems, "BuildFailed without a problem"
    else:
        assert result.pages
        problems = result.warnings
    lines = len(re.split(rb"\r\n|\r|\n", file.read_bytes()))  # as the loader and editors count them
    for problem in problems:
        text = problem.format()
        assert LINE.match(text), text
        assert problem.source.line >= 1 and problem.source.col >= 1, text
        if problem.source.path == str(file):  # the fuzzed file: the position must lie inside it
            assert problem.source.line <= lines, (text, lines)


# No example database: the tests must not write into the repository; a failure prints its example.
SETTINGS = settings(max_examples=200, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
RENDERING = settings(SETTINGS, max_examples=120)  # most of these examples reach the templates: slower each


@SETTINGS
@given(data=yaml_text(MISSION))
def test_any_mission_file_builds_or_gives_clean_errors(base: Path, data: str | bytes):
    content = own_copy(base, "mission")
    assert_build_or_clean_errors(content, content / "missions/probe-1.yaml", data)


@RENDERING
@given(data=mission_fields)
def test_any_well_typed_mission_builds_or_gives_clean_errors(base: Path, data: str):
    content = own_copy(base, "fields")
    assert_build_or_clean_errors(content, content / "missions/probe-9.yaml", data)  # one no chapter depends on


@RENDERING
@given(data=markdown_text(CHAPTER))
def test_any_chapter_builds_or_gives_clean_errors(base: Path, data: str | bytes):
    content = own_copy(base, "chapter")
    assert_build_or_clean_errors(content, content / "chapters/01-one.md", data)


@RENDERING
@given(data=markdown_text("Flew with [[probe-1|itself]] on [[probe-1:launch.date]]. [@src-a]\n"))
def test_any_mission_description_builds_or_gives_clean_errors(base: Path, data: str | bytes):
    content = own_copy(base, "description")
    body = data.decode("utf-8", "replace") if isinstance(data, bytes) else data
    text = MISSION.split("description:")[0] + "description: |\n" + "".join(f"  {line}\n" for line in body.split("\n"))
    assert_build_or_clean_errors(content, content / "missions/probe-1.yaml", text + "sources: [src-a]\n")


@SETTINGS
@given(data=yaml_text(SITE))
def test_any_site_yaml_builds_or_gives_clean_errors(base: Path, data: str | bytes):
    content = own_copy(base, "site")
    assert_build_or_clean_errors(content, content / "site.yaml", data)


@settings(max_examples=150, deadline=None, database=None)
@given(data=yaml_text(SOURCES))
def test_any_sources_file_builds_or_gives_clean_errors(base: Path, data: str | bytes):
    content = own_copy(base, "sources")
    assert_build_or_clean_errors(content, content / "sources.yaml", data)
