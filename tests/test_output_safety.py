"""The output folder: never destroy what build.py did not write, never lose the previous site.

Faults (disk full, permission denied, a crash mid-swap, Ctrl-C) are simulated in-process through
`documentary.cli.main`, since the tests may run as root, where a read-only folder is still writable.
"""

from __future__ import annotations

import errno
import os
import shutil
from pathlib import Path

import pytest

from documentary import cli, search, write
from tests.conftest import ROOT

MARKER = ".documentary-output"


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def build(*args: str) -> int:
    return cli.main(["build", "--no-search", "-q", *args])


@pytest.fixture
def site(site_copy: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The fixture site as the working directory, with a first good build in out/."""
    monkeypatch.chdir(site_copy)
    assert build("--out", "out") == 0
    return site_copy


def one_error_line(stderr: str) -> str:
    assert "Traceback" not in stderr
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert len(lines) == 2 and lines[1] == "1 error", lines  # the problem, then the count
    return lines[0]


def leftovers(parent: Path) -> list[str]:
    return sorted(p.name for p in parent.iterdir() if p.name.startswith((".out.new-", ".out.old-")))


# --- refusing dangerous output folders (exit 2, nothing touched) ---------------------------------


def test_a_non_empty_folder_without_the_marker_is_refused(site: Path, capsys: pytest.CaptureFixture):
    mine = site / "mine"
    mine.mkdir()
    (mine / "thesis.txt").write_text("years of work")
    assert build("--out", "mine") == 2
    refusal = f"refusing to replace mine: it is not empty and was not written by build.py (no {MARKER})"
    assert capsys.readouterr().err == f"build.py: error: {refusal}\n"
    assert snapshot(mine) == {"thesis.txt": b"years of work"}


def test_an_empty_folder_and_a_marked_folder_are_accepted(site: Path):
    (site / "empty").mkdir()
    assert build("--out", "empty") == 0
    assert (site / "empty" / MARKER).is_file()
    (site / "out" / "stale.html").write_text("from an old build")
    assert build("--out", "out") == 0
    assert not (site / "out" / "stale.html").exists()


@pytest.mark.parametrize("target", ["project", "content", "templates", "static", "cwd", "parent"])
def test_source_folders_and_their_ancestors_are_refused(target: str, site: Path, capsys: pytest.CaptureFixture):
    folder = {
        "project": ROOT,
        "content": site / "content",
        "templates": ROOT / "templates",
        "static": ROOT / "static",
        "cwd": site,
        "parent": site.parent,
    }[target]
    before = sorted(p.name for p in folder.iterdir())
    assert build("--out", str(folder)) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"build.py: error: refusing to use {folder} as output: it would replace ")
    assert err.count("\n") == 1
    assert sorted(p.name for p in folder.iterdir()) == before


@pytest.mark.parametrize("inside", ["content/_site", "content/missions/out"])
def test_a_folder_inside_the_content_is_refused(inside: str, site: Path, capsys: pytest.CaptureFixture):
    before = snapshot(site / "content")
    assert build("--out", inside) == 2
    assert "it is inside content" in capsys.readouterr().err
    assert snapshot(site / "content") == before


def test_a_folder_inside_a_static_folder_is_refused(site: Path, capsys: pytest.CaptureFixture):
    static = site / "static"
    (static / "css").mkdir(parents=True)
    (static / "css" / "extra.css").write_text("p{}")
    assert build("--static", "static", "--out", "static/site") == 2
    assert "it is inside static" in capsys.readouterr().err
    assert snapshot(static) == {"css/extra.css": b"p{}"}


def test_a_file_is_refused_as_output(site: Path, capsys: pytest.CaptureFixture):
    (site / "notes.txt").write_text("keep")
    assert build("--out", "notes.txt") == 2
    assert "it is a file" in capsys.readouterr().err
    assert (site / "notes.txt").read_text() == "keep"


# --- failures leave the previous site byte-identical (exit 1, one line) --------------------------


def test_a_content_error_leaves_the_previous_site(site: Path, capsys: pytest.CaptureFixture):
    before = snapshot(site / "out")
    mission = site / "content/missions/gamma-3.yaml"
    mission.write_text(mission.read_text().replace("1960-10-10", "1960-13-10"))
    capsys.readouterr()
    assert build("--out", "out") == 1
    line = one_error_line(capsys.readouterr().err)
    assert line.startswith("content/missions/gamma-3.yaml:5:9: error: launch.date: invalid date '1960-13-10'")
    assert snapshot(site / "out") == before


def fail_after(calls: int, exc: BaseException):
    """A stand-in for `real` that works `calls` times, raises `exc` once, then works again."""

    def install(real):
        count = {"n": 0}

        def fake(*args, **kwargs):
            count["n"] += 1
            if count["n"] == calls + 1:
                raise exc
            return real(*args, **kwargs)

        return fake

    return install


DISK_FULL = OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
DENIED = PermissionError(errno.EACCES, os.strerror(errno.EACCES))


@pytest.mark.parametrize(
    ("where", "exc", "message"),
    [
        ("page", DISK_FULL, "No space left on device"),
        ("page", DENIED, "Permission denied"),
        ("static", DISK_FULL, "No space left on device"),
        ("folder", DENIED, "Permission denied"),
        ("swap", DISK_FULL, "No space left on device"),
    ],
)
def test_a_write_fault_leaves_the_previous_site(where, exc, message, site, monkeypatch, capsys):
    before = snapshot(site / "out")
    if where == "page":  # the fifth page fails to write (or, unchanged, to be linked): a half-written new folder
        monkeypatch.setattr(Path, "write_bytes", fail_after(4, exc)(Path.write_bytes))
        monkeypatch.setattr(write.os, "link", fail_after(4, exc)(os.link))
        monkeypatch.setattr(write.shutil, "copyfile", fail_after(4, exc)(shutil.copyfile))
    elif where == "static":
        monkeypatch.setattr(shutil, "copyfile", fail_after(1, exc)(shutil.copyfile))
    elif where == "folder":  # the fresh sibling folder can't even be made
        monkeypatch.setattr(write.tempfile, "mkdtemp", fail_after(0, exc)(write.tempfile.mkdtemp))
    else:  # out has been moved aside; moving the new site in fails; the old one must come back
        monkeypatch.setattr(write.os, "rename", fail_after(1, exc)(os.rename))
    capsys.readouterr()
    assert build("--out", "out") == 1
    assert one_error_line(capsys.readouterr().err) == f"out:1:1: error: cannot write the site: {message}"
    monkeypatch.undo()
    assert snapshot(site / "out") == before
    assert leftovers(site) == []


def test_a_search_index_failure_leaves_the_previous_site(site, monkeypatch, capsys):
    before = snapshot(site / "out")

    def broken(folder: Path, language: str) -> int:
        (folder / "pagefind").mkdir()
        raise search.SearchUnavailable("search indexing failed: pagefind crashed")

    monkeypatch.setattr("documentary.pipeline.index_site", broken)
    capsys.readouterr()
    assert cli.main(["build", "-q", "--out", "out"]) == 1
    assert one_error_line(capsys.readouterr().err) == "out:1:1: error: search indexing failed: pagefind crashed"
    assert snapshot(site / "out") == before
    assert leftovers(site) == []


def test_an_interrupt_while_writing_leaves_the_previous_site(site, monkeypatch, capsys):
    before = snapshot(site / "out")
    monkeypatch.setattr(Path, "write_bytes", fail_after(3, KeyboardInterrupt())(Path.write_bytes))
    monkeypatch.setattr(write.os, "link", fail_after(3, KeyboardInterrupt())(os.link))  # unchanged pages
    assert build("--out", "out") == 130
    monkeypatch.undo()
    assert "Traceback" not in capsys.readouterr().err
    assert snapshot(site / "out") == before
    assert leftovers(site) == []


def test_an_interrupt_in_the_middle_of_the_swap_puts_the_previous_site_back(site, monkeypatch):
    before = snapshot(site / "out")
    monkeypatch.setattr(write.os, "rename", fail_after(1, KeyboardInterrupt())(os.rename))
    assert build("--out", "out") == 130
    monkeypatch.undo()
    assert snapshot(site / "out") == before
    assert leftovers(site) == []


def test_a_new_output_folder_that_cannot_be_written_leaves_nothing_behind(site, monkeypatch, capsys):
    monkeypatch.setattr(Path, "write_bytes", fail_after(0, DISK_FULL)(Path.write_bytes))
    assert build("--out", "fresh") == 1
    monkeypatch.undo()
    assert one_error_line(capsys.readouterr().err) == "fresh:1:1: error: cannot write the site: No space left on device"
    assert not (site / "fresh").exists()
    assert sorted(p.name for p in site.iterdir() if p.name.startswith(".fresh")) == []
