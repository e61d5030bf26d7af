"""The print edition: a whole chapter printed to PDF by Chromium, read back with poppler's pdftotext.

The PDF is what a reader gets from the browser's "Save as PDF": A4, the site's print stylesheet. Its
pages are pictured with pdftoppm into test-artifacts/print/. Without poppler-utils this skips, unless
REQUIRE_BROWSER=1 (CI), where it fails.
"""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from tests.browser.conftest import ARTIFACTS
from tests.conftest import skip_or_fail

pytestmark = pytest.mark.browser

CHAPTER = "chapters/mars-2-and-3/"
ON_SCREEN_ONLY = ("Skip to content", "Dark theme", "Download the ebook", "In this chapter", "Previous", "Next")


@pytest.fixture(scope="module")
def printed(browser, served, tmp_path_factory):
    """The chapter's PDF as text, page by page (pdftotext -layout), and the headings the page has."""
    if not shutil.which("pdftotext") or not shutil.which("pdftoppm"):
        skip_or_fail("the print test needs poppler-utils (pdftotext, pdftoppm)")
    context = browser.new_context()
    page = context.new_page()
    page.goto(served.url(CHAPTER))
    page.evaluate("() => window.dispatchEvent(new Event('beforeprint'))")  # what the browser does before printing
    page.emulate_media(media="print")
    headings = page.locator(".chapter-body h2, .chapter-body h3").all_inner_texts()
    styles = page.evaluate(
        """() => ({
          h2: getComputedStyle(document.querySelector('.chapter-body h2')).breakAfter,
          nav: getComputedStyle(document.querySelector('.site-header')).display,
          footnotes: getComputedStyle(document.querySelector('.footnotes')).display,
        })"""
    )
    folder = tmp_path_factory.mktemp("print")
    pdf = folder / "chapter.pdf"
    page.pdf(path=str(pdf), format="A4", print_background=False)
    context.close()
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    pictures = ARTIFACTS / "print"
    pictures.mkdir(parents=True, exist_ok=True)
    for old in pictures.glob("chapter-page-*.png"):
        old.unlink()
    pages = text.split("\f")[:-1] or [text]
    for number in sorted({1, 2, len(pages)}):  # the opening, a page of text, and the notes and sources at the end
        name = str(pictures / f"chapter-page-{number}")
        subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", str(number), "-singlefile", str(pdf), name], check=True)
    return {"pages": pages, "headings": headings, "styles": styles, "pictures": pictures}


def words(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def test_the_chapter_prints_on_several_pages_with_its_title_notes_and_sources(printed):
    whole = words(" ".join(printed["pages"]))
    assert len(printed["pages"]) >= 3
    assert "Mars 2 and 3: 1969–1971" in whole
    assert "Sources" in whole and "NASA" in whole
    assert "Some Russian accounts give a transmission of 14 to 14.5 seconds" in whole  # a footnote, in full


def test_no_navigation_search_theme_or_ebook_link_is_printed(printed):
    assert printed["styles"]["nav"] == "none"
    whole = words(" ".join(printed["pages"]))
    for label in ON_SCREEN_ONLY:
        assert label not in whole, label
    assert "↩" not in whole  # footnote back-links are for the screen


def test_outside_links_are_followed_by_their_address(printed):
    whole = re.sub(r"\s+", "", " ".join(printed["pages"]))  # an address may break across lines
    assert "<https://solarsystem.nasa.gov/missions/mars-03/in-depth/>" in whole
    assert "/soviet-mars/missions/mars-3/>" in whole  # a mission link prints its full address too


def test_no_page_ends_with_a_heading(printed):
    assert printed["styles"]["h2"] == "avoid"
    assert printed["headings"]
    for number, text in enumerate(printed["pages"][:-1], 1):
        lines = [line.strip() for line in text.splitlines() if line.strip()]
        assert lines and lines[-1] not in printed["headings"], f"page {number} ends with the heading {lines[-1]!r}"


def test_the_pages_are_pictured(printed):
    pictures = sorted(printed["pictures"].glob("chapter-page-*.png"))
    assert len(pictures) == 3 and all(p.read_bytes().startswith(b"\x89PNG") for p in pictures)
