"""The published documentary in a real browser: links, requests, accessibility, timeline, search, theme."""

from __future__ import annotations

import re
import urllib.error
import urllib.request
import xml.etree.ElementTree as ET
from collections import deque
from dataclasses import dataclass
from urllib.parse import unquote, urldefrag, urlsplit

import pytest

from tests.browser.conftest import ARTIFACTS, PREFIX, Served, Watch, open_context
from tests.conftest import ROOT

pytestmark = pytest.mark.browser

MISSIONS = sorted(p.stem for p in (ROOT / "content" / "missions").glob("*.yaml"))
SOVIET_PROGRAMS = ("soviet", "russia")

# One page of every kind, by path under the site root.
KINDS = {
    "home": "",
    "chapter": "chapters/mars-2-and-3/",
    "chapters": "chapters/",
    "mission": "missions/mars-3/",
    "missions": "missions/",
    "timeline": "timeline/",
    "sources": "sources/",
    "search": "search/?q=Ptolemaeus",
    "page": "about/",
    "404": "no-such-page/",
}

COLLECT = """() => ({
  ids: Array.from(document.querySelectorAll('[id]'), e => e.id),
  links: [
    ...Array.from(document.querySelectorAll('a[href], link[href]'), e => e.href),
    ...Array.from(document.querySelectorAll('script[src], img[src]'), e => e.src),
    ...Array.from(document.querySelectorAll('form[action]'), e => e.action),
  ],
})"""


@dataclass(frozen=True)
class Visited:
    status: int
    ids: frozenset[str]
    links: tuple[str, ...]


@dataclass(frozen=True)
class Crawl:
    pages: dict[str, Visited]
    assets: dict[str, int]  # URL -> HTTP status
    watch: Watch


def _is_page(url: str) -> bool:
    path = urlsplit(url).path
    return path.endswith("/") or path.endswith(".html")


def _status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


def crawl_site(browser, served: Served) -> Crawl:
    """Every page reachable from the home page, opened in the browser; every asset fetched once."""
    watch = Watch()
    context = open_context(browser, served, watch)
    page = context.new_page()
    pages: dict[str, Visited] = {}
    assets: dict[str, int] = {}
    queue = deque([served.url()])
    while queue:
        url = queue.popleft()
        if url in pages:
            continue
        response = page.goto(url, wait_until="load")
        found = page.evaluate(COLLECT)
        pages[url] = Visited(response.status if response else 0, frozenset(found["ids"]), tuple(found["links"]))
        for link in found["links"]:
            target = urldefrag(link)[0]
            if not target.startswith(served.base_url):
                continue
            if _is_page(target):
                queue.append(target)
            elif target not in assets:
                assets[target] = _status(target)
    context.close()
    return Crawl(pages, assets, watch)


@pytest.fixture(scope="module")
def crawl(browser, served) -> Crawl:
    return crawl_site(browser, served)


def test_the_crawl_reaches_every_page_in_the_sitemap(crawl, served):
    sitemap = ET.parse(served.root / "sitemap.xml").getroot()
    listed = {loc.text for loc in sitemap.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")}
    assert len(listed) >= 44  # 30 missions, 5 chapters, 3 pages, 6 fixed pages (404 is not listed)
    assert sorted(listed - set(crawl.pages)) == []


def test_no_broken_link_asset_or_anchor_and_nothing_escapes_the_prefix(crawl, served):
    problems = [f"{url}: HTTP {v.status}" for url, v in crawl.pages.items() if v.status != 200]
    problems += [f"{url}: HTTP {status}" for url, status in crawl.assets.items() if status != 200]
    for url, visited in crawl.pages.items():
        for link in visited.links:
            problem = _link_problem(link, served, crawl.pages)
            if problem:
                problems.append(f"{url} -> {link}: {problem}")
    assert problems == []


def _link_problem(link: str, served: Served, pages: dict[str, Visited]) -> str | None:
    parts = urlsplit(link)
    if parts.scheme not in ("http", "https"):
        return f"unexpected scheme {parts.scheme}"
    if f"{parts.scheme}://{parts.netloc}" != served.origin:
        return None  # a link to a source elsewhere: followed by readers, never requested by the page
    if not parts.path.startswith(PREFIX):
        return f"escapes {PREFIX}"
    target, fragment = urldefrag(link)
    if fragment and target in pages and unquote(fragment) not in pages[target].ids:  # the browser encodes it
        return f"no element with id '{fragment}'"
    return None


def test_no_console_error_on_any_page(crawl):
    print(f"\ncrawled {len(crawl.pages)} pages and {len(crawl.assets)} other files")
    assert crawl.watch.console_errors == []
    assert len(crawl.pages) >= 44


RECORD_VIOLATIONS = """window.__violations = [];
document.addEventListener('securitypolicyviolation', (e) => window.__violations.push(e.violatedDirective));"""
READ_JSON_LD = """() => Array.from(document.querySelectorAll('script[type="application/ld+json"]'),
  (s) => JSON.parse(s.textContent)['@graph'].map((n) => n['@type']))"""
INLINE_SCRIPT = "() => { const s = document.createElement('script'); s.textContent = '1'; document.head.append(s); }"


def test_json_ld_is_data_the_content_security_policy_lets_through(page, served, watch):
    page.add_init_script(RECORD_VIOLATIONS)
    for path, kind in (("", "WebSite"), ("missions/mars-3/", "Event"), ("chapters/mars-2-and-3/", "Article")):
        page.goto(served.url(path), wait_until="load")
        [types] = page.evaluate(READ_JSON_LD)
        assert kind in types and "BreadcrumbList" in types, path
        assert page.evaluate("window.__violations") == [], path
    assert watch.console_errors == []
    page.evaluate(INLINE_SCRIPT)  # the canary: a real inline script is refused, and the listener hears it
    page.wait_for_function("window.__violations.length > 0")
    assert page.evaluate("window.__violations") == ["script-src-elem"]


def test_no_request_leaves_the_site(crawl):
    assert crawl.watch.foreign_requests == []
    assert crawl.watch.failed == []
    assert crawl.watch.bad_responses == []


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("kind", list(KINDS))
def test_axe_finds_no_violation(browser, served, watch, kind, scheme):
    from axe_playwright_python.sync_playwright import Axe

    context = open_context(browser, served, watch, color_scheme=scheme)
    page = context.new_page()
    _open(page, served, kind)
    results = Axe().run(page)
    context.close()
    assert results.violations_count == 0, results.generate_report()
    # The 404 page is served with status 404, which Chromium logs against the document itself.
    expected = f"[{served.url(KINDS['404'])}]" if kind == "404" else None
    assert [e for e in watch.console_errors if not (expected and e.endswith(expected))] == []


def _open(page, served: Served, kind: str) -> None:
    response = page.goto(served.url(KINDS[kind]), wait_until="load")
    assert response.status == (404 if kind == "404" else 200)
    if kind == "search":
        page.wait_for_selector("#search-results li")


def test_the_timeline_without_javascript_lists_every_mission_with_its_date(browser, served, watch):
    context = open_context(browser, served, watch, java_script_enabled=False)
    page = context.new_page()
    page.goto(served.url("timeline/"))
    entries = page.locator(".timeline li.entry")
    assert entries.count() == len(MISSIONS) == 30
    for index in range(entries.count()):
        entry = entries.nth(index)
        assert entry.is_visible()
        assert re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", entry.locator("time").first.get_attribute("datetime"))
    assert page.locator("#timeline-filters").is_hidden()
    links = {urlsplit(a).path for a in entries.locator("a").evaluate_all("els => els.map(e => e.href)")}
    assert links == {f"{PREFIX}missions/{slug}/" for slug in MISSIONS}
    context.close()


def test_the_timeline_filters_hide_and_show_entries(page, served, watch):
    page.goto(served.url("timeline/"))
    form = page.locator("#timeline-filters")
    assert form.is_visible()
    visible = page.locator(".timeline li.entry:visible")
    assert visible.count() == 30
    for program in SOVIET_PROGRAMS:
        form.get_by_role("checkbox", name=_program_label(page, program), exact=True).uncheck()
    soviet = page.locator('.entry[data-program="soviet"], .entry[data-program="russia"]')
    assert visible.count() == 30 - soviet.count() > 0
    assert all(p not in SOVIET_PROGRAMS for p in _visible_attribute(page, "data-program"))
    form.get_by_role("checkbox", name="Success", exact=True).uncheck()
    assert set(_visible_attribute(page, "data-outcome")) <= {"partial", "failure"}
    assert page.locator("#window-1962-10").is_hidden()  # a window with only Soviet missions disappears
    assert re.search(r"Showing \d+ of 30 missions", page.locator("#filter-status").inner_text())
    form.get_by_role("checkbox", name="Success", exact=True).check()
    for program in SOVIET_PROGRAMS:
        form.get_by_role("checkbox", name=_program_label(page, program), exact=True).check()
    assert visible.count() == 30
    assert watch.console_errors == []


def _program_label(page, program: str) -> str:
    return page.locator(f'#timeline-filters input[value="{program}"]').locator("xpath=..").inner_text().strip()


def _visible_attribute(page, name: str) -> list[str]:
    return page.locator(".timeline li.entry:visible").evaluate_all(f"els => els.map(e => e.getAttribute('{name}'))")


def _result_paths(page) -> list[str]:
    hrefs = page.locator("#search-results li > a").evaluate_all("els => els.map(e => e.href)")
    return [urlsplit(h).path for h in hrefs]


def test_searching_ptolemaeus_finds_the_mars_3_page(page, served, watch):
    page.goto(served.url("search/"))
    page.get_by_label("Search chapters and missions").fill("Ptolemaeus")  # results come as you type
    page.wait_for_selector("#search-results li")
    assert f"{PREFIX}missions/mars-3/" in _result_paths(page)
    assert "Ptolemaeus" in page.locator("#search-results").inner_text()
    assert "q=Ptolemaeus" in page.url
    assert watch.console_errors == [] and watch.foreign_requests == [] and watch.bad_responses == []


def test_the_header_search_box_submits_to_the_search_page(page, served, watch):
    page.goto(served.url())
    page.locator("#header-q").fill("Ptolemaeus")
    page.locator("#header-q").press("Enter")
    page.wait_for_url(re.compile(r"/soviet-mars/search/\?q=Ptolemaeus"))
    page.wait_for_selector("#search-results li")
    assert f"{PREFIX}missions/mars-3/" in _result_paths(page)
    assert page.locator("#search-input").input_value() == "Ptolemaeus"


def test_the_program_filter_keeps_only_that_programs_missions(page, served):
    page.goto(served.url("search/?q=lander"))
    page.wait_for_selector("#search-results li")
    everything = set(_result_paths(page))
    page.locator("#search-program").select_option("United States")
    page.wait_for_function("() => /United States/.test(document.getElementById('search-status').textContent)")
    american = set(_result_paths(page))
    usa = {f"{PREFIX}missions/{p.stem}/" for p in (ROOT / "content" / "missions").glob("*.yaml") if _is_usa(p)}
    assert american and american <= usa
    assert everything - usa  # without the filter, chapters and other programs were found too


def _is_usa(path) -> bool:
    return re.search(r"^program:\s*usa\s*$", path.read_text(encoding="utf-8"), re.M) is not None


def _theme_state(page) -> dict:
    return page.evaluate(
        """() => ({
            theme: document.documentElement.getAttribute('data-theme'),
            atBody: window.__themeAtBody,
            pressed: document.querySelector('.theme-toggle').getAttribute('aria-pressed'),
            background: getComputedStyle(document.body).backgroundColor,
        })"""
    )


# Records the theme at the moment <body> is parsed: before the first paint.
RECORD_THEME_AT_BODY = """
new MutationObserver((_, observer) => {
  if (document.body) {
    window.__themeAtBody = document.documentElement.getAttribute('data-theme');
    observer.disconnect();
  }
}).observe(document, {childList: true, subtree: true});
"""


def test_the_theme_toggle_switches_and_persists_without_a_flash(browser, served, watch):
    context = open_context(browser, served, watch, color_scheme="light")
    context.add_init_script(RECORD_THEME_AT_BODY)
    page = context.new_page()
    page.goto(served.url("chapters/origins/"))
    light = _theme_state(page)
    assert light["theme"] is None and light["pressed"] == "false"
    page.get_by_role("button", name="Dark theme").click()
    dark = _theme_state(page)
    assert dark["theme"] == "dark" and dark["pressed"] == "true"
    assert dark["background"] != light["background"]
    page.reload()
    again = _theme_state(page)
    assert again["atBody"] == "dark" and again["pressed"] == "true" and again["background"] == dark["background"]
    page.goto(served.url("timeline/"))  # and on every other page
    assert _theme_state(page)["atBody"] == "dark"
    page.get_by_role("button", name="Dark theme").click()
    page.reload()
    assert _theme_state(page)["atBody"] == "light"
    context.close()
    assert watch.console_errors == []


def test_the_skip_link_is_the_first_stop_and_focus_is_visible(page, served):
    page.goto(served.url("chapters/origins/"))
    page.keyboard.press("Tab")
    skip = page.locator(".skip-link")
    assert skip.evaluate("e => e === document.activeElement") and skip.is_visible()
    assert skip.evaluate("e => getComputedStyle(e).outlineStyle") != "none"
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.id") == "main"
    page.keyboard.press("Tab")  # the next stop is inside the content, not back in the header
    assert page.evaluate("() => !!document.activeElement.closest('main')")


def test_print_shows_outside_addresses_and_hides_the_navigation(page, served):
    page.goto(served.url("chapters/mars-2-and-3/"))
    page.emulate_media(media="print")
    assert page.locator(".site-header").is_hidden()
    assert page.locator(".toc").is_hidden()
    assert page.locator(".footnotes").is_visible()
    after = page.locator(".citations a[rel~='external']").first.evaluate(
        "a => [getComputedStyle(a, '::after').content, a.getAttribute('href')]"
    )
    assert after[1] in after[0]
    page.evaluate("() => window.dispatchEvent(new Event('beforeprint'))")
    inside = page.locator(".prose a.mission-link").first.evaluate("a => getComputedStyle(a, '::after').content")
    assert served.url("missions/") in inside  # a link within the site prints its full address
    page.screenshot(path=str(_artifact("print", "chapter.png")), full_page=True)


def _artifact(folder: str, name: str):
    path = ARTIFACTS / folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", [375, 1280])
@pytest.mark.parametrize("kind", list(KINDS))
def test_screenshot_and_no_sideways_scrolling(browser, served, watch, kind, width, scheme):
    context = open_context(browser, served, watch, viewport={"width": width, "height": 900}, color_scheme=scheme)
    page = context.new_page()
    _open(page, served, kind)
    suffix = "" if scheme == "light" else "-dark"
    page.screenshot(path=str(_artifact("screenshots", f"{kind}-{width}{suffix}.png")), full_page=True)
    overflow = page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
    context.close()
    assert overflow <= 0, f"{kind} scrolls sideways by {overflow}px at {width}px"


HEADER_PARTS = """() => {
  const box = e => {
    const r = e.getBoundingClientRect();
    return {top: r.top, bottom: r.bottom, left: r.left, right: r.right};
  };
  const title = document.querySelector('.site-title');
  const line = parseFloat(getComputedStyle(title).lineHeight) || parseFloat(getComputedStyle(title).fontSize) * 1.5;
  return {
    title: box(title), line,
    nav: [...document.querySelectorAll('.site-nav a')].map(box),
    tools: [...document.querySelectorAll('.header-tools > *')].filter(e => e.offsetParent).map(box),
  };
}"""


@pytest.mark.parametrize("path", ["chapters/origins/", "ru/chapters/origins/"])
@pytest.mark.parametrize("width", [640, 1024, 1280, 1440])
def test_the_header_title_and_navigation_each_keep_to_one_line(browser, served, watch, width, path):
    """On a tablet or a desktop the site's name is one line and the four sections one row, in English and in
    the longer Russian words, and nothing in the header overlaps (at 1,280 px the name wrapped onto two lines
    and "Sources" onto a row of its own, beside the search form)."""
    context = open_context(browser, served, watch, viewport={"width": width, "height": 800})
    page = context.new_page()
    page.goto(served.url(path), wait_until="load")
    parts = page.evaluate(HEADER_PARTS)
    context.close()
    title = parts["title"]
    assert title["bottom"] - title["top"] < 1.5 * parts["line"], f"the site's name wraps at {width}px"
    assert len({round(link["top"]) for link in parts["nav"]}) == 1, f"the navigation wraps at {width}px"
    boxes = [title, *parts["nav"], *parts["tools"]]
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            apart = (
                a["right"] <= b["left"] or b["right"] <= a["left"] or a["bottom"] <= b["top"] or b["bottom"] <= a["top"]
            )
            assert apart, f"{a} overlaps {b} at {width}px"


def test_the_largest_chapter_weighs_at_most_100_kb_of_html_css_and_js(page, served):
    chapters = sorted(served.root.glob("chapters/*/index.html"), key=lambda p: p.stat().st_size)
    largest = chapters[-1].parent.relative_to(served.root).as_posix() + "/"
    responses = []
    page.on("response", lambda response: responses.append(response))
    page.goto(served.url(largest), wait_until="networkidle")
    kinds = ("document", "stylesheet", "script")
    loaded = {r.url: len(r.body()) for r in responses if r.request.resource_type in kinds}
    names = sorted(re.sub(r"\.[0-9a-f]{8}\.", ".", urlsplit(url).path.rsplit("/", 1)[-1]) for url in loaded)
    assert names == ["", "site.css", "site.js", "theme.js"]  # fingerprinted: site.<hash>.css
    total = sum(loaded.values())
    print(f"\n{largest}: {total} bytes of HTML, CSS and JS ({loaded})")
    assert total <= 100_000
