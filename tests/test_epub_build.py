"""The ebooks from the outside: built by `build.py build`, byte-identical twice, and valid by epubcheck.

epubcheck is Debian's package (`apt-get install epubcheck`, a jar at /usr/bin/epubcheck, run with
java). Without it these checks skip, unless REQUIRE_BROWSER=1 (CI), where they fail.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
import yaml

from tests.conftest import ROOT, run_cli, skip_or_fail

EPUBCHECK = Path("/usr/bin/epubcheck")
BUILD = ["build", "--out", "out", "--no-search", "-q"]
FIXED = {"SOURCE_DATE_EPOCH": "1700000000"}


def built_books(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.glob("*.epub"))}


def test_two_builds_give_byte_identical_ebooks(site_copy, cli):
    for out, env in (("one", FIXED), ("two", FIXED), ("three", {"SOURCE_DATE_EPOCH": ""})):
        result = cli(["build", "--out", out, "--no-search", "-q"], cwd=site_copy, env=env)
        assert result.returncode == 0, result.stderr
    one, two, three = (built_books(site_copy / name) for name in ("one", "two", "three"))
    assert list(one) == ["fixture-documentary.en.epub", "fixture-documentary.ru.epub"]
    assert one == two
    assert one != three  # the date is the book's: SOURCE_DATE_EPOCH, else site.yaml's `updated`


def test_every_page_links_its_languages_book_with_its_size(site_copy, cli):
    assert cli(BUILD, cwd=site_copy).returncode == 0
    out = site_copy / "out"
    size = (out / "fixture-documentary.ru.epub").stat().st_size
    for page in ("index.html", "chapters/beginnings/index.html"):
        assert 'href="/fixture/fixture-documentary.en.epub"' in (out / page).read_text()
    russian = (out / "ru/chapters/the-pair/index.html").read_text()
    assert 'href="/fixture/fixture-documentary.ru.epub"' in russian
    assert f"(EPUB, {(size + 1023) // 1024} КБ)" in russian


def test_no_epub_builds_none_and_links_none(site_copy, cli):
    assert cli([*BUILD, "--no-epub"], cwd=site_copy).returncode == 0
    out = site_copy / "out"
    assert built_books(out) == {}
    assert "epub" not in (out / "index.html").read_text()


def epubcheck(paths: list[Path]) -> dict[Path, subprocess.CompletedProcess]:
    """Run epubcheck on every book at once (one JVM each, in parallel: each takes seconds to start)."""
    java = shutil.which("java")
    if not java or not EPUBCHECK.exists():
        skip_or_fail("epubcheck needs java and Debian's epubcheck package (apt-get install epubcheck)")
    running = {
        p: subprocess.Popen([java, "-jar", str(EPUBCHECK.resolve()), str(p)], stdout=-1, stderr=-1, text=True)
        for p in paths
    }
    results = {}
    for path, process in running.items():
        out, err = process.communicate(timeout=600)
        results[path] = subprocess.CompletedProcess(process.args, process.returncode, out, err)
    return results


def problems(result: subprocess.CompletedProcess) -> list[str]:
    return re.findall(r"^(?:FATAL|ERROR|WARNING)\(.*$", result.stdout + result.stderr, re.M)


@pytest.mark.slow
def test_epubcheck_finds_no_error_or_warning_in_the_fixture_and_real_books(site_copy, tmp_path):
    assert run_cli(BUILD, cwd=site_copy).returncode == 0
    real = tmp_path / "real"
    result = run_cli(["build", "--out", str(real), "--no-search", "-q"], cwd=ROOT, timeout=300)
    assert result.returncode == 0, result.stderr
    config = yaml.safe_load((ROOT / "content" / "site.yaml").read_text(encoding="utf-8"))
    languages = config.get("languages") or [config.get("language", "en")]
    assert sorted(p.name for p in real.glob("*.epub")) == sorted(
        f"red-planet-red-star.{lang}.epub" for lang in languages
    )
    books = sorted((site_copy / "out").glob("*.epub")) + sorted(real.glob("*.epub"))
    canary = tmp_path / "broken.epub"  # proves the checker runs and reports, in the same run
    with zipfile.ZipFile(canary, "w", zipfile.ZIP_DEFLATED) as broken:
        broken.writestr("mimetype", "application/epub+zip")  # compressed, and nothing else: invalid
    results = epubcheck([*books, canary])
    assert results.pop(canary).returncode != 0, "epubcheck found nothing wrong with a broken book"
    for path, checked in results.items():
        assert problems(checked) == [] and checked.returncode == 0, f"{path.name}:\n{checked.stdout}{checked.stderr}"
        assert "No errors or warnings detected" in checked.stdout + checked.stderr
