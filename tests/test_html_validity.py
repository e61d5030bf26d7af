"""Every HTML file of a real-content build is valid HTML, according to the Nu Html Checker (vnu).

Install the checker with `bash tests/tools/install-vnu.sh` (into .cache/vnu); it needs Java.
Without them this test skips, unless REQUIRE_BROWSER=1 (CI), where it fails.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess

import pytest

from tests.conftest import ROOT, run_cli

VNU_JAR = ROOT / ".cache" / "vnu" / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
CANARY = "<!doctype html><html lang=en><title>canary</title><p><span>unclosed</p></html>"


def skip_or_fail(reason: str) -> None:
    if os.environ.get("REQUIRE_BROWSER") == "1":
        pytest.fail(f"{reason} (REQUIRE_BROWSER=1)")
    pytest.skip(reason)


def vnu_errors(*paths) -> list[dict]:
    """Run the checker once over every path; return its error messages."""
    java = shutil.which("java")
    if not java or not VNU_JAR.is_file():
        skip_or_fail("the Nu Html Checker needs java and `bash tests/tools/install-vnu.sh`")
    command = [java, "-jar", str(VNU_JAR), "--errors-only", "--skip-non-html", "--format", "json", *map(str, paths)]
    result = subprocess.run(command, capture_output=True, text=True, timeout=300)
    report = json.loads(result.stderr or '{"messages": []}')
    return [m for m in report["messages"] if m.get("type") in ("error", "non-document-error")]


@pytest.mark.slow
def test_the_whole_output_folder_is_valid_html(tmp_path):
    out = tmp_path / "site"
    result = run_cli(["build", "--out", str(out), "--no-search", "-q"], cwd=ROOT)
    assert result.returncode == 0, result.stderr
    canary = tmp_path / "canary" / "broken.html"  # proves the checker runs and reports, in the same call
    canary.parent.mkdir()
    canary.write_text(CANARY, encoding="utf-8")
    errors = vnu_errors(out, canary.parent)
    from_site = [f"{m['url']}:{m.get('lastLine', 0)}: {m['message']}" for m in errors if "/canary/" not in m["url"]]
    assert from_site == []
    assert any("/canary/" in m["url"] for m in errors), "the checker found nothing wrong with a broken page"
    assert len(list(out.rglob("*.html"))) >= 45


@pytest.mark.slow
def test_both_editions_of_the_fixture_site_are_valid_html(tmp_path):
    from tests.conftest import FIXTURE_SITE

    out = tmp_path / "fixture"
    result = run_cli(["build", "--out", str(out), "--no-search", "-q"], cwd=FIXTURE_SITE)
    assert result.returncode == 0, result.stderr
    assert (out / "ru" / "index.html").is_file()
    assert [f"{m['url']}:{m.get('lastLine', 0)}: {m['message']}" for m in vnu_errors(out)] == []
