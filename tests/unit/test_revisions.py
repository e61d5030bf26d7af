"""revisions.py: git's log parsed on strings; a real repository, a shallow clone and no repository at all."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from documentary import revisions
from documentary.revisions import parse_log, read_revisions

LOG = (
    "\x00commit 300\n\nchapters/01-a.md\nsources.yaml\n"
    "\x00commit 200\n\nmissions/x.yaml\n"
    "\x00commit 100\n\nchapters/01-a.md\n"
)


def utc(seconds: int) -> dt.datetime:
    return dt.datetime.fromtimestamp(seconds, dt.UTC)


def test_the_newest_commit_is_the_last_change_and_the_oldest_the_first():
    found = parse_log(LOG)
    assert found["chapters/01-a.md"].first == utc(100) and found["chapters/01-a.md"].last == utc(300)
    assert found["missions/x.yaml"].first == found["missions/x.yaml"].last == utc(200)
    assert list(found) == ["chapters/01-a.md", "missions/x.yaml", "sources.yaml"]
    assert parse_log("") == {}


needs_git = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


def git(folder: Path, *args: str, when: int | None = None) -> None:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org"}
    env |= {"GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.org"}
    if when is not None:
        env |= {"GIT_AUTHOR_DATE": f"@{when} +0000", "GIT_COMMITTER_DATE": f"@{when} +0000"}
    subprocess.run(["git", "-C", str(folder), *args], check=True, capture_output=True, env=env)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    (root / "content" / "chapters").mkdir(parents=True)
    git(root, "init", "-q")
    (root / "content" / "chapters" / "01-a.md").write_text("one\n")
    (root / "outside.txt").write_text("not content\n")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "first", when=1_000_000_000)
    (root / "content" / "chapters" / "01-a.md").write_text("two\n")
    (root / "content" / "chapters" / "02-ü.md").write_text("new\n")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "second", when=1_100_000_000)
    return root


@needs_git
def test_a_repository_dates_each_file_of_the_content_folder(repo: Path):
    found = read_revisions(repo / "content")
    assert set(found) == {"chapters/01-a.md", "chapters/02-ü.md"}  # relative to content/, nothing outside it
    assert found["chapters/01-a.md"].first == utc(1_000_000_000)
    assert found["chapters/01-a.md"].last == utc(1_100_000_000)
    assert found["chapters/02-ü.md"].first == utc(1_100_000_000)


@needs_git
def test_a_shallow_clone_and_a_folder_outside_git_give_no_dates(repo: Path, tmp_path: Path):
    shallow = tmp_path / "shallow"
    subprocess.run(["git", "clone", "-q", "--depth", "1", repo.as_uri(), str(shallow)], check=True)
    assert (shallow / "content" / "chapters" / "01-a.md").is_file()
    assert read_revisions(shallow / "content") == {}
    outside = tmp_path / "plain"
    outside.mkdir()
    assert read_revisions(outside) == {}


def test_one_git_log_for_the_whole_folder_however_many_files(monkeypatch, tmp_path: Path):
    calls = []

    def fake_run(command, **kwargs):
        calls.append(command)
        out = "false\n" if "rev-parse" in command else "".join(f"\x00commit 1\n\nf{i}.md\n" for i in range(5000))
        return subprocess.CompletedProcess(command, 0, out, "")

    monkeypatch.setattr(revisions.subprocess, "run", fake_run)
    assert len(read_revisions(tmp_path)) == 5000
    assert len(calls) == 2 and "log" in calls[1]
