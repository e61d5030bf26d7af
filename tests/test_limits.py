"""Limits: a 10 MB chapter and a mission with 10,000 events build completely.

Generated in tmp_path. No time is asserted here (the benchmarks measure speed); these tests show
that size alone breaks nothing: no recursion limit, no quadratic blow-up that never ends, no lost text.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from tests.conftest import run_cli

SITE = "title: T\ndescription: D\nbase_url: https://example.org/\nauthor: A\nlicence: L\nupdated: 2024-01-02\n"
SOURCES = "src-a: {title: A, publisher: P, url: 'https://example.org/a'}\n"
MISSION = """\
name: Probe 1
program: soviet
type: [orbiter]
launch: {date: 1971-05-28, vehicle: Proton-K, site: Baikonur}
outcome: failure
summary: Lost.
sources: [src-a]
"""
PARAGRAPH = (
    "The probe [[probe-1]] flew on [[probe-1:launch.date]] and was lost; *emphasis*, `code`, "
    "a [link](https://example.org/) and a citation. [@src-a]\n\n"
)


def site(root: Path, files: dict[str, str]) -> Path:
    for name, text in {"site.yaml": SITE, "sources.yaml": SOURCES, **files}.items():
        (root / "content" / name).parent.mkdir(parents=True, exist_ok=True)
        (root / "content" / name).write_text(text, encoding="utf-8")
    return root


def huge_chapter(size: int) -> tuple[str, int]:
    """Front matter and about `size` bytes of dense Markdown, with a heading every 50 paragraphs."""
    parts, total, count = ["---\ntitle: Huge\nsummary: Ten megabytes.\n---\n"], 0, 0
    while total < size:
        if count % 50 == 0:
            parts.append(f"## Section {count // 50}\n\n")
        parts.append(PARAGRAPH)
        total += len(PARAGRAPH)
        count += 1
    return "".join(parts), (count - 1) // 50


@pytest.mark.slow
def test_a_10_mb_chapter_builds_whole(tmp_path: Path):
    text, last_section = huge_chapter(10_000_000)
    root = site(tmp_path, {"chapters/01-huge.md": text, "missions/probe-1.yaml": MISSION})
    assert len(text.encode()) >= 10_000_000
    result = run_cli(["build", "--out", "out", "--no-search", "-q"], cwd=root, timeout=900)
    assert result.returncode == 0, result.stderr[-2000:]
    page = (root / "out/chapters/huge/index.html").read_text(encoding="utf-8")
    assert f'id="section-{last_section}"' in page  # the end of the chapter made it into the page
    assert page.count('<a class="mission-link"') == text.count("[[probe-1]]")


def test_a_mission_with_10000_events_builds_whole(tmp_path: Path):
    start = dt.date(1971, 5, 28)
    events = "".join(
        f"  - {{date: {start + dt.timedelta(days=i // 3)}, title: Telemetry session {i}}}\n" for i in range(10_000)
    )
    root = site(tmp_path, {"missions/probe-1.yaml": MISSION + "events:\n" + events})
    result = run_cli(["build", "--out", "out", "--no-search", "-q"], cwd=root, timeout=900)
    assert result.returncode == 0, result.stderr[-2000:]
    page = (root / "out/missions/probe-1/index.html").read_text(encoding="utf-8")
    assert "Telemetry session 0<" in page and "Telemetry session 9999<" in page
    assert page.count("Telemetry session ") == 10_000
