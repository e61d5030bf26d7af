"""The real documentary: it builds, every mission and chapter has its page, no internal link is broken."""

from __future__ import annotations

import pytest

from tests.conftest import ROOT, run_cli
from tests.linkcheck import broken_links

BASE_URL = "https://example.org/soviet-mars/"


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("real") / "site"
    result = run_cli(["build", "--out", str(out), "--no-search", "--strict", "-q", "--base-url", BASE_URL], cwd=ROOT)
    assert result.returncode == 0, result.stderr
    return out


def test_every_mission_has_a_page(built):
    slugs = sorted(p.stem for p in (ROOT / "content" / "missions").glob("*.yaml"))
    assert len(slugs) >= 30
    assert [s for s in slugs if not (built / "missions" / s / "index.html").is_file()] == []


def test_every_chapter_and_page_kind_exists(built):
    chapters = sorted(p.stem.split("-", 1)[1] for p in (ROOT / "content" / "chapters").glob("*.md"))
    assert len(chapters) == 5
    assert [c for c in chapters if not (built / "chapters" / c / "index.html").is_file()] == []
    for name in (
        "index.html",
        "404.html",
        "timeline/index.html",
        "sources/index.html",
        "search/index.html",
        "missions/index.html",
        "chapters/index.html",
        "sitemap.xml",
        "robots.txt",
        "feed.xml",
        "about/index.html",
        "method/index.html",
        "claims/index.html",
    ):
        assert (built / name).is_file(), name


def test_no_internal_link_asset_or_anchor_is_broken(built):
    assert broken_links(built, BASE_URL) == []


def test_the_link_checker_itself_catches_a_broken_link(built, tmp_path):
    page = built / "about" / "index.html"
    original = page.read_text()
    try:
        page.write_text(
            original.replace("</main>", '<a href="/soviet-mars/nowhere/">x</a><a href="#nope">y</a></main>')
        )
        problems = broken_links(built, BASE_URL)
    finally:
        page.write_text(original)
    assert len(problems) == 2


def test_timeline_lists_every_mission_with_a_time_element(built):
    html = (built / "timeline" / "index.html").read_text()
    assert html.count('<li class="entry"') == len(list((ROOT / "content" / "missions").glob("*.yaml")))
    assert '<time datetime="1971-05-28">28 May 1971</time>' in html


def test_no_page_prints_an_unresolved_citation_or_mission_reference(built):
    """A `[@...]` or `[[...]]` the parser did not take (a citation split over two lines once was) would be
    printed to readers as it was written."""
    for page in sorted(built.rglob("*.html")):
        text = page.read_text(encoding="utf-8")
        assert "[@" not in text and "[[" not in text, page.relative_to(built)
