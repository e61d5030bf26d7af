"""The feeds validate against RFC 4287's RELAX NG schema (with jing), the sitemap against the sitemaps.org XSD
(with lxml); entries carry full content with absolute URLs and each page's own dates.

jing comes from Debian (`apt-get install jing`, .ci/run does it); without it the feed-schema test skips,
unless REQUIRE_BROWSER=1 (CI), where it fails.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from html import unescape

import pytest
from lxml import etree

from tests.conftest import PUBLISHED_BASE_URL, ROOT, skip_or_fail
from tests.published import read_head

SCHEMAS = ROOT / "tests" / "schemas"
ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
FEEDS = ("feed.xml", "chapters/feed.xml", "missions/feed.xml")
BROKEN_FEED = '<feed xmlns="http://www.w3.org/2005/Atom"><title>t</title><updated>yesterday</updated></feed>\n'


def jing(*files) -> subprocess.CompletedProcess:
    found = shutil.which("jing")
    if found is None:
        skip_or_fail("jing is missing: apt-get install jing")
    return subprocess.run([found, "-c", str(SCHEMAS / "atom.rnc"), *map(str, files)], capture_output=True, text=True)


def test_every_feed_is_valid_atom(published, tmp_path):
    result = jing(*(published / name for name in FEEDS))
    assert result.returncode == 0, result.stdout + result.stderr
    broken = tmp_path / "broken.xml"
    broken.write_text(BROKEN_FEED, encoding="utf-8")
    assert jing(broken).returncode != 0, "jing accepted a feed without id and with a bad date"


def entries(published, name: str) -> list[ET.Element]:
    return ET.parse(published / name).getroot().findall(f"{ATOM}entry")


def test_the_schematron_rules_of_rfc_4287_hold(published):
    """The schema's s:rule annotations, which RELAX NG validators skip: authors, and a link per entry."""
    for name in FEEDS:
        feed = ET.parse(published / name).getroot()
        assert feed.find(f"{ATOM}author/{ATOM}name").text
        for entry in feed.findall(f"{ATOM}entry"):
            assert [link.get("rel") for link in entry.findall(f"{ATOM}link")] == ["alternate"]


def test_the_series_feeds_split_the_main_one(published):
    chapters = {e.find(f"{ATOM}id").text for e in entries(published, "chapters/feed.xml")}
    missions = {e.find(f"{ATOM}id").text for e in entries(published, "missions/feed.xml")}
    everything = {e.find(f"{ATOM}id").text for e in entries(published, "feed.xml")}
    assert len(chapters) == 5 and len(missions) >= 30 and not chapters & missions
    assert everything == chapters | missions
    assert all(i.startswith(PUBLISHED_BASE_URL + "chapters/") for i in chapters)


def test_entries_carry_full_content_with_absolute_urls_and_their_pages_dates(published):
    for entry in entries(published, "feed.xml"):
        url = entry.find(f"{ATOM}id").text
        content = entry.find(f"{ATOM}content")
        assert content.get("type") == "html"
        html = content.text
        for target in re.findall(r'(?:href|src)="([^"]*)"', html):
            assert unescape(target).startswith(("https://", "http://")), f"{url}: {target}"
        head = read_head(published / url.removeprefix(PUBLISHED_BASE_URL) / "index.html")
        assert entry.find(f"{ATOM}updated").text == head.meta["article:modified_time"], url
        assert entry.find(f"{ATOM}published").text == head.meta["article:published_time"], url
    origins = next(e for e in entries(published, "feed.xml") if e.find(f"{ATOM}id").text.endswith("/origins/"))
    assert len(origins.find(f"{ATOM}content").text) > 5000  # the whole chapter, not its summary


def test_the_sitemap_is_valid_and_dates_every_page(published, tmp_path):
    schema = etree.XMLSchema(etree.parse(str(SCHEMAS / "sitemap.xsd")))
    document = etree.parse(str(published / "sitemap.xml"))
    # hreflang alternates are Google's xhtml:link extension, which the sitemaps.org XSD admits only with a
    # schema of its own (none is published): check them by hand, then validate the rest against the XSD
    alternates = document.getroot().findall(f".//{XHTML_LINK}")
    assert alternates and all(
        a.get("rel") == "alternate" and a.get("hreflang") and a.get("href", "").startswith("https://")
        for a in alternates
    )
    for link in alternates:
        link.getparent().remove(link)
    assert schema.validate(document), schema.error_log
    broken = etree.fromstring(b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>x</loc>'
                              b"<lastmod>soon</lastmod></url></urlset>")  # fmt: skip
    assert not schema.validate(broken)
    for url in document.getroot():
        loc, lastmod = url.findtext(f"{SITEMAP}loc"), url.findtext(f"{SITEMAP}lastmod")
        page = published / loc.removeprefix(PUBLISHED_BASE_URL) / "index.html"
        head = read_head(page)
        assert lastmod, loc
        if "article:modified_time" in head.meta:
            assert lastmod == head.meta["article:modified_time"], loc
    locs = [url.findtext(f"{SITEMAP}loc") for url in document.getroot()]
    assert PUBLISHED_BASE_URL + "missions/mars-3/" in locs and not [loc for loc in locs if "404" in loc]


XHTML_LINK = "{http://www.w3.org/1999/xhtml}link"


@pytest.mark.parametrize("name", FEEDS)
def test_every_page_links_the_main_feed_and_each_section_its_own(published, name):
    for prefix in ("", "ru/"):  # each language links its own feeds
        home = read_head(published / prefix / "index.html")
        assert home.links["feed"] == [f"/soviet-mars/{prefix}feed.xml"]
        if name != "feed.xml":
            section = read_head(published / prefix / name.replace("feed.xml", "index.html"))
            assert section.links["feed"] == [f"/soviet-mars/{prefix}feed.xml", f"/soviet-mars/{prefix}" + name]
