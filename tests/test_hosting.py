"""What hosts and crawlers read besides the pages: _headers, fingerprinted assets, robots.txt, the 404 page."""

from __future__ import annotations

import hashlib
import re

from tests.conftest import PUBLISHED_BASE_URL
from tests.published import pages, read_head

BASE_PATH = "/soviet-mars/"


def parse_headers(text: str) -> dict[str, dict[str, str]]:
    """Netlify's and Cloudflare Pages' _headers: a path line, then indented `Name: value` lines."""
    rules: dict[str, dict[str, str]] = {}
    path = None
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        if not line[0].isspace():
            path = line.strip()
            assert path.startswith("/") and path not in rules, line
            rules[path] = {}
            continue
        name, _, value = line.strip().partition(": ")
        assert path and re.fullmatch(r"[A-Za-z-]+", name) and value, line
        rules[path][name] = value
    return rules


def test_headers_set_the_pages_csp_with_frame_ancestors_and_the_safety_headers(published):
    rules = parse_headers((published / "_headers").read_text(encoding="utf-8"))
    everything = rules[BASE_PATH + "*"]
    meta = read_head(published / "index.html").meta
    html = (published / "index.html").read_text(encoding="utf-8")
    [policy] = re.findall(r'<meta http-equiv="Content-Security-Policy" content="([^"]+)">', html)
    assert everything["Content-Security-Policy"] == policy + "; frame-ancestors 'none'"
    assert everything["X-Content-Type-Options"] == "nosniff"
    assert everything["Referrer-Policy"] == meta["referrer"] == "no-referrer"


def test_css_and_js_are_fingerprinted_and_cached_forever(published):
    rules = parse_headers((published / "_headers").read_text(encoding="utf-8"))
    cached = {path for path, headers in rules.items() if "immutable" in headers.get("Cache-Control", "")}
    assets = sorted(p for p in published.rglob("*") if p.suffix in (".css", ".js") and "pagefind" not in p.parts)
    assert len(assets) == 4
    for asset in assets:
        stem, digest = asset.stem.rsplit(".", 1)
        assert digest == hashlib.sha256(asset.read_bytes()).hexdigest()[:8], asset.name
        assert BASE_PATH + asset.relative_to(published).as_posix() in cached
        assert rules[BASE_PATH + asset.relative_to(published).as_posix()]["Cache-Control"] == (
            "public, max-age=31536000, immutable"
        )
    named = set()
    for path in pages(published).values():
        head = read_head(path)
        named |= set(head.scripts) | set(head.stylesheets)
    assert named and named <= cached  # every page names the fingerprinted files, nothing else
    assert not [p for p in cached if not (published / p.removeprefix(BASE_PATH)).is_file()]


def test_robots_names_the_absolute_sitemap(published):
    lines = (published / "robots.txt").read_text(encoding="utf-8").splitlines()
    assert f"Sitemap: {PUBLISHED_BASE_URL}sitemap.xml" in lines
    assert "User-agent: *" in lines


def test_the_404_page_is_not_indexed_and_claims_no_address(published):
    head = read_head(published / "404.html")
    assert head.meta["robots"] == "noindex"
    assert "canonical" not in head.links and "og:url" not in head.meta
    assert read_head(published / "index.html").links["canonical"] == [PUBLISHED_BASE_URL]


def test_articles_have_open_graph_dates_and_a_locale(published):
    articles = 0
    for name, path in pages(published).items():
        head = read_head(path)
        assert head.meta["og:locale"] == ("ru_RU" if name.startswith("ru/") else "en_US"), name
        if head.meta["og:type"] == "article":
            articles += 1
            assert head.meta["article:published_time"] <= head.meta["article:modified_time"], name
            assert head.times and head.times[0] == head.meta["article:modified_time"][:10], name  # Last updated
    assert articles == 2 * (5 + 3 + len(list((published / "missions").glob("*/index.html"))))  # both editions
