"""Each page's dates, end to end: from front matter, else git, else SOURCE_DATE_EPOCH, as the built pages show."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import PUBLISHED_BASE_URL, ROOT
from tests.published import read_head
from tests.unit.test_revisions import git, needs_git


def stamp(seconds: int) -> str:
    return dt.datetime.fromtimestamp(seconds, dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def dates(out: Path, page: str) -> tuple[str, str] | None:
    meta = read_head(out / page / "index.html").meta
    if "article:published_time" not in meta:
        return None
    return meta["article:published_time"], meta["article:modified_time"]


def commit_times(path: str) -> list[int]:
    result = subprocess.run(["git", "-C", str(ROOT), "log", "--format=%ct", "--", path], capture_output=True, text=True)
    return [int(line) for line in result.stdout.split()]


@needs_git
def test_the_real_site_is_dated_by_its_commits(published):
    shallow = subprocess.run(
        ["git", "-C", str(ROOT), "rev-parse", "--is-shallow-repository"], capture_output=True, text=True
    ).stdout.strip()
    if shallow != "false":
        pytest.skip("not a full clone (a shallow one has no history to date pages by); fetch with fetch-depth: 0")
    for source, page in (
        ("content/chapters/01-origins.md", "chapters/origins"),
        ("content/missions/mars-3.yaml", "missions/mars-3"),
        ("content/pages/method.md", "method"),
    ):
        times = commit_times(source)
        assert times, source
        assert dates(published, page) == (stamp(min(times)), stamp(max(times))), source
    feed = (published / "feed.xml").read_text(encoding="utf-8")
    assert f'<link href="{PUBLISHED_BASE_URL}feed.xml"' in feed


@pytest.fixture
def fixture_repo(site_copy: Path) -> Path:
    """The fixture site in a git repository of its own: two commits, three days apart."""
    git(site_copy, "init", "-q")
    git(site_copy, "add", "-A")
    git(site_copy, "commit", "-qm", "first", when=1_700_000_000)
    mission = site_copy / "content" / "missions" / "delta-4.yaml"
    mission.write_text(mission.read_text(encoding="utf-8").replace("Stranded", "Left stranded"), encoding="utf-8")
    git(site_copy, "commit", "-qam", "second", when=1_700_259_200)
    return site_copy


@needs_git
def test_front_matter_dates_win_and_git_dates_the_rest(fixture_repo: Path, cli):
    result = cli(["build", "--out", "out", "--no-search", "-q"], cwd=fixture_repo, env={"SOURCE_DATE_EPOCH": "1"})
    assert result.returncode == 0, result.stderr
    out = fixture_repo / "out"
    assert dates(out, "chapters/beginnings") == ("2024-01-02T00:00:00Z", "2024-03-04T00:00:00Z")  # both set
    assert dates(out, "missions/gamma-3") == (stamp(1_700_000_000), "2024-01-15T00:00:00Z")  # updated set
    assert dates(out, "chapters/the-pair") == ("2024-01-02T00:00:00Z",) * 2  # published set, after git's last
    assert dates(out, "missions/delta-4") == (stamp(1_700_000_000), stamp(1_700_259_200))  # none set: git
    page = (out / "missions" / "delta-4" / "index.html").read_text(encoding="utf-8")
    assert 'Last updated <time datetime="2023-11-17">17 November 2023</time>' in page


def test_outside_git_source_date_epoch_dates_what_the_author_did_not(site_copy: Path, cli):
    result = cli(["build", "--out", "out", "--no-search", "-q"], cwd=site_copy, env={"SOURCE_DATE_EPOCH": "1600000000"})
    assert result.returncode == 0, result.stderr
    assert dates(site_copy / "out", "missions/delta-4") == (stamp(1_600_000_000), stamp(1_600_000_000))
    assert dates(site_copy / "out", "missions/alpha-1") == ("2024-01-10T00:00:00Z", "2024-02-20T00:00:00Z")
    shutil.rmtree(site_copy / "out")
    result = cli(["build", "--out", "out", "--no-search", "-q"], cwd=site_copy, env={"SOURCE_DATE_EPOCH": ""})
    assert result.returncode == 0, result.stderr
    assert dates(site_copy / "out", "missions/delta-4") is None  # nothing knows its date: none is made up


def test_a_bad_date_or_an_update_before_publication_is_an_error_at_its_line(site_copy: Path, cli):
    chapter = site_copy / "content" / "chapters" / "01-beginnings.md"
    chapter.write_text(chapter.read_text(encoding="utf-8").replace("updated: 2024-03-04", "updated: 2024-02-30"))
    mission = site_copy / "content" / "missions" / "alpha-1.yaml"
    mission.write_text(mission.read_text(encoding="utf-8").replace("updated: 2024-02-20", "updated: 2023-02-20"))
    result = cli(["check"], cwd=site_copy)
    assert result.returncode == 1
    assert (
        "content/chapters/01-beginnings.md:5:10: error: updated: invalid date '2024-02-30': February 2024 has 29 days"
        in result.stderr
    )
    assert "content/missions/alpha-1.yaml:41:10: error: updated 2023-02-20 is before published 2024-01-10" in (
        result.stderr
    )
    assert result.stderr.count("updated 2023-02-20 is before published") == 1  # not again for the translation
