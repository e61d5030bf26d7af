"""Shared test helpers. Tests never build inside the repository's own content folder."""

from __future__ import annotations

import contextlib
import io
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
FIXTURE_SITE = FIXTURES / "site"
# CHROMIUM_PATH names the browser (CI sets it to the Chromium `playwright install` fetched); else Debian's.
CHROMIUM = Path(os.environ.get("CHROMIUM_PATH") or "/usr/bin/chromium")
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def skip_or_fail(reason: str) -> None:
    """A missing tool skips locally; under REQUIRE_BROWSER=1 (CI) it is a failure."""
    if os.environ.get("REQUIRE_BROWSER") == "1":
        pytest.fail(f"{reason} (REQUIRE_BROWSER=1)")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def chromium_path() -> Path:
    if not CHROMIUM.exists():
        skip_or_fail(f"{CHROMIUM} is missing: apt-get install chromium, or set CHROMIUM_PATH to a Chromium")
    return CHROMIUM


@pytest.fixture(scope="session")
def browser(chromium_path):
    """One Chromium for the whole session: Playwright's sync API allows one running instance per thread."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(chromium_path), args=LAUNCH_ARGS)
        yield chromium
        chromium.close()


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden", action="store_true", help="rewrite tests/fixtures/golden from the current build"
    )


def run_cli(
    args: list[str], cwd: Path, env: dict[str, str] | None = None, timeout: float = 120
) -> subprocess.CompletedProcess:
    """Run build.py as a user would, in `cwd`, and capture its output."""
    full_env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1", **(env or {})}
    full_env.pop("GITHUB_ACTIONS", None) if env is None or "GITHUB_ACTIONS" not in env else None
    return subprocess.run(
        [sys.executable, str(ROOT / "build.py"), *args],
        cwd=cwd,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def run_in_process(args: list[str], cwd: Path) -> subprocess.CompletedProcess:
    """`run_cli` without starting an interpreter: `cli.main` in this process, in `cwd`, output captured.

    For tests of what the build reports; those about the command itself (exit codes from build.py,
    start-up, signals) keep `run_cli`.
    """
    from documentary import cli

    out, err, before = io.StringIO(), io.StringIO(), Path.cwd()
    os.chdir(cwd)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = cli.main(list(args))
    finally:
        os.chdir(before)
    return subprocess.CompletedProcess(["build.py", *args], code, out.getvalue(), err.getvalue())


@pytest.fixture
def cli():
    return run_cli


@pytest.fixture
def site_copy(tmp_path: Path) -> Path:
    """A writable copy of the fixture site (its content/ folder), as the working directory root."""
    target = tmp_path / "site"
    shutil.copytree(FIXTURE_SITE, target)
    return target


@pytest.fixture
def write_tree(tmp_path: Path):
    """Write {relative path: text or bytes} under tmp_path and return tmp_path."""

    def write(files: dict[str, str | bytes], base: Path | None = None) -> Path:
        root = base or tmp_path
        for name, data in files.items():
            path = root / name
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(data, bytes):
                path.write_bytes(data)
            else:
                path.write_text(data, encoding="utf-8")
        return root

    return write


PUBLISHED_BASE_URL = "https://example.org/soviet-mars/"


@pytest.fixture(scope="session")
def published(tmp_path_factory) -> Path:
    """The real documentary, built once under a sub-path with --strict, for the tests of what it publishes."""
    out = tmp_path_factory.mktemp("published") / "site"
    args = ["build", "--out", str(out), "--no-search", "--strict", "-q", "--base-url", PUBLISHED_BASE_URL]
    result = run_cli(args, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    return out
