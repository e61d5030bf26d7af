"""Pictures in a real browser: the fixture site (figures, an inline picture, a mission image, a picture from
the content root) built and served under /soviet-mars/, at 375 and 1280 px, light and dark.

Checks that nothing shifts while pictures load (every <img> has width and height; the Layout Instability
API reports a cumulative layout shift of 0), that Chromium chooses the WebP source, and that every
picture loads under the sub-path. Screenshots go to test-artifacts/.
"""

from __future__ import annotations

import shutil
import threading
from functools import partial
from http.server import ThreadingHTTPServer

import pytest

from tests.browser.conftest import ARTIFACTS, PREFIX, PrefixHandler, Served, open_context
from tests.conftest import FIXTURE_SITE, run_cli

pytestmark = pytest.mark.browser

PAGES = {
    "chapter": ("chapters/beginnings/", 2),
    "rotated": ("chapters/afterwards/", 1),
    "mission": ("missions/alpha-1/", 1),
    "page": ("about/", 1),
    "credits": ("credits/", 5),
}

# Registered before any page script: sums every layout shift not caused by input, as CLS does.
OBSERVE_SHIFTS = """
window.__shifts = [];
window.__shiftSources = [];
new PerformanceObserver(list => {
  for (const entry of list.getEntries()) {
    if (entry.hadRecentInput) continue;
    window.__shifts.push(entry.value);
    for (const source of entry.sources || []) {  // what moved, where from and to: a failure says why
      const node = source.node;
      const name = node ? (node.nodeName + (node.className ? '.' + node.className : '')) : '?';
      const box = r => [r.x, r.y, r.width, r.height].map(Math.round).join(',');
      window.__shiftSources.push(`${entry.value.toFixed(4)} at ${Math.round(entry.startTime)} ms: ${name} `
        + `${box(source.previousRect)} -> ${box(source.currentRect)}`);
    }
  }
}).observe({type: 'layout-shift', buffered: true});
"""

PICTURES = """() => Array.from(document.querySelectorAll('main picture img'), img => ({
  src: img.currentSrc, complete: img.complete, natural: img.naturalWidth,
  width: img.getAttribute('width'), height: img.getAttribute('height'),
  shown: img.getBoundingClientRect().width,
  ratio: img.getBoundingClientRect().height / img.getBoundingClientRect().width,
  attrRatio: img.getAttribute('height') / img.getAttribute('width'),
}))"""


@pytest.fixture(scope="module")
def pictures_site(chromium_path, tmp_path_factory):
    root = tmp_path_factory.mktemp("pictures")
    shutil.copytree(FIXTURE_SITE, root / "site")
    out = root / "out"
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(PrefixHandler, directory=str(out)))
    server.daemon_threads = True
    base_url = f"http://127.0.0.1:{server.server_address[1]}{PREFIX}"
    result = run_cli(["build", "--out", str(out), "--base-url", base_url, "--no-search", "-q"], cwd=root / "site")
    assert result.returncode == 0, result.stderr
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield Served(out, base_url)
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", [375, 1280])
def test_pictures_load_as_webp_without_shifting_the_page(browser, pictures_site, watch, width, scheme):
    context = open_context(browser, pictures_site, watch, viewport={"width": width, "height": 800}, color_scheme=scheme)
    context.add_init_script(OBSERVE_SHIFTS)
    page = context.new_page()
    ARTIFACTS.mkdir(exist_ok=True)
    for kind, (path, count) in PAGES.items():
        response = page.goto(pictures_site.url(path), wait_until="load")
        assert response.status == 200, path
        page.evaluate("window.scrollTo(0, document.body.scrollHeight)")  # bring the lazy ones in
        page.wait_for_function(
            "Array.from(document.querySelectorAll('main picture img')).every(i => i.complete && i.naturalWidth)"
        )
        page.wait_for_timeout(100)  # let the observer deliver the last entries
        pictures = page.evaluate(PICTURES)
        assert len(pictures) == count, path
        for picture in pictures:
            assert picture["width"] and picture["height"], picture
            assert picture["src"].startswith(pictures_site.url("img/")) and picture["src"].endswith(".webp"), picture
            assert picture["shown"] <= int(picture["width"]) + 0.5, picture  # scaled down, never up
            assert abs(picture["ratio"] - picture["attrRatio"]) < 0.02, picture
        shifted = page.evaluate("window.__shifts.reduce((a, b) => a + b, 0)")
        assert shifted == 0, f"{path}: layout shift {shifted}: {page.evaluate('window.__shiftSources')}"
        page.evaluate("window.scrollTo(0, 0)")
        page.screenshot(path=str(ARTIFACTS / f"pictures-{kind}-{width}-{scheme}.png"), full_page=True)
    context.close()
    assert watch.bad_responses == [] and watch.failed == [] and watch.console_errors == []
    assert watch.foreign_requests == []


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_pages_with_pictures_pass_axe(browser, pictures_site, watch, scheme):
    from axe_playwright_python.sync_playwright import Axe

    context = open_context(browser, pictures_site, watch, color_scheme=scheme)
    page = context.new_page()
    for path, _ in PAGES.values():
        page.goto(pictures_site.url(path), wait_until="load")
        results = Axe().run(page)
        assert results.violations_count == 0, f"{path}: {results.generate_report()}"
    context.close()
