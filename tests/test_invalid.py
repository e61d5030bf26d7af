"""The catalogue of bad inputs: each case in tests/fixtures/invalid/<case>/ gets its exact message.

A case is a tiny site (`content/`, and `templates/` or `static/` when its args name them), an
`expected.txt` with every `path:line:col: error: message` line the build must print, and an
optional `args.txt` with extra command-line arguments.
"""

from __future__ import annotations

import errno
import os
import shlex
import shutil
from pathlib import Path

import pytest

from documentary import load
from documentary.errors import BuildFailed
from documentary.pipeline import Options, check
from tests.conftest import FIXTURES, ROOT, run_cli, run_in_process

CATALOGUE = FIXTURES / "invalid"
CASES = sorted(p.name for p in CATALOGUE.iterdir() if (p / "expected.txt").is_file())
MARKER = ".documentary-output"

# The kinds of mistake issue 7 asks the catalogue to cover (and a few more), each by the case that shows it.
REQUIRED = {
    "yaml-unclosed-bracket", "yaml-tab-indentation", "yaml-bad-quoting", "duplicate-key",
    "date-month-13", "date-february-30", "date-in-words", "wrong-types", "unknown-key",
    "missing-required", "enum-value", "empty-file", "not-utf8", "bom", "front-matter-unclosed",
    "chapter-without-number", "duplicate-chapter-slug", "page-reserved-url", "prose-unknown-mission",
    "prose-unknown-fact", "prose-unknown-source", "template-syntax-error", "template-undefined-variable",
    "static-overwrites-page", "strict-no-source", "python-tag", "alias-bomb", "several-problems",
    "broken-mission-referenced", "site-yaml-invalid", "missing-site-yaml", "yaml-control-character",
    "source-kind-unknown", "strict-republisher-source", "strict-encyclopedia-only-chapter", "flightpath-block",
    "image-missing", "image-corrupt", "image-truncated", "image-unsupported-format", "image-without-alt-strict",
    "image-without-credit-strict", "image-credit-file-invalid", "mission-image-without-credit",
    "mission-image-missing-file", "image-remote", "image-outside-content",
    "translation-unknown-key", "translation-events-count", "translation-stale", "translation-missing",
    # exact positions (issue 11): second line of a paragraph, second on a line, list, table, quote, page,
    # YAML description, images, references inside a link's text, and references wrapped over two lines
    "position-chapter-paragraph", "position-chapter-list-table", "position-page-and-description",
    "position-image-without-alt", "position-link-text", "position-link-text-description", "position-wrapped-reference",
    # headings may name a mission but not hold a fact; alt text holds no references; a root-relative image
    "heading-fact", "image-alt-reference", "image-root-relative-missing",
    # titles, summaries, names, event titles and the site's words are printed as written: a reference is an error
    "plain-words-reference",
}  # fmt: skip


def previous_output(out: Path) -> dict[str, bytes]:
    """A folder an earlier build left behind; returns its files so the test can compare them."""
    files = {MARKER: b"written by build.py\n", "index.html": b"<p>the previous site</p>\n", "css/site.css": b"p{}\n"}
    for name, data in files.items():
        (out / name).parent.mkdir(parents=True, exist_ok=True)
        (out / name).write_bytes(data)
    return snapshot(out)


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def error_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if ": error: " in line]


def test_the_catalogue_covers_every_required_kind_of_mistake():
    assert set(CASES) >= REQUIRED, sorted(REQUIRED - set(CASES))


@pytest.mark.parametrize("case", CASES)
def test_each_mistake_gets_its_exact_message_and_the_old_site_survives(case: str, tmp_path: Path):
    folder = shutil.copytree(CATALOGUE / case, tmp_path / case)
    out = tmp_path / "out"
    before = previous_output(out)
    args_file = folder / "args.txt"
    extra = shlex.split(args_file.read_text()) if args_file.is_file() else []
    result = run_in_process(["build", "--out", str(out), "--no-search", *extra], cwd=folder)
    expected = (folder / "expected.txt").read_text(encoding="utf-8").splitlines()
    assert result.returncode == 1, result.stderr
    assert error_lines(result.stderr) == expected
    count = len(expected)
    assert f"{count} error{'s' if count != 1 else ''}" in result.stderr.splitlines()
    assert "Traceback" not in result.stdout + result.stderr
    assert snapshot(out) == before
    assert not list(tmp_path.glob(".out.*"))  # no half-written new folder, no set-aside old one


def test_a_python_tag_never_runs(tmp_path: Path):
    folder = shutil.copytree(CATALOGUE / "python-tag", tmp_path / "case")
    run_in_process(["build", "--out", str(tmp_path / "out"), "--no-search"], cwd=folder)
    assert not (folder / "pwned").exists()
    assert not (tmp_path / "out").exists()


def test_check_reports_the_same_problems_and_writes_nothing(tmp_path: Path):
    folder = shutil.copytree(CATALOGUE / "date-month-13", tmp_path / "case")
    result = run_cli(["check"], cwd=folder)
    assert result.returncode == 1
    assert error_lines(result.stderr) == (folder / "expected.txt").read_text().splitlines()
    assert sorted(p.name for p in folder.iterdir()) == ["content", "expected.txt"]


def test_a_file_that_vanishes_while_loading_is_a_problem_not_a_crash(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    folder = shutil.copytree(CATALOGUE / "strict-no-source", tmp_path / "case")
    monkeypatch.chdir(folder)
    real = load.read_bytes

    def vanishing(path: str) -> bytes:
        if path.endswith("/probe-1.yaml"):
            raise FileNotFoundError(errno.ENOENT, os.strerror(errno.ENOENT), path)
        return real(path)

    monkeypatch.setattr(load, "read_bytes", vanishing)
    options = Options(content=Path("content"), templates=ROOT / "templates", static=ROOT / "static", search=False)
    with pytest.raises(BuildFailed) as failed:
        check(options)
    assert [e.format() for e in failed.value.errors] == [
        "content/missions/probe-1.yaml:1:1: error: cannot read the file: No such file or directory"
    ]
