"""The fixture site's English and Russian editions in Chromium: the language switcher keeps the page,
and each language's search page searches its own language's Pagefind index."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from functools import partial
from http.server import ThreadingHTTPServer
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PREFIX, PrefixHandler, Served, Watch, open_context
from tests.conftest import FIXTURE_SITE, run_cli

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def fixture_served(chromium_path, tmp_path_factory) -> Iterator[Served]:
    out = tmp_path_factory.mktemp("editions-browser") / "site"
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(PrefixHandler, directory=str(out)))
    server.daemon_threads = True
    base_url = f"http://127.0.0.1:{server.server_address[1]}{PREFIX}"
    result = run_cli(["build", "--out", str(out), "--base-url", base_url, "-q", "--strict"], cwd=FIXTURE_SITE)
    assert result.returncode == 0, result.stderr
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield Served(out, base_url)
    server.shutdown()
    server.server_close()


@pytest.fixture
def fixture_page(browser, fixture_served):
    watch = Watch()
    context = open_context(browser, fixture_served, watch)
    page = context.new_page()
    page.watch = watch
    yield page
    context.close()


def _paths(page) -> list[str]:
    hrefs = page.locator("#search-results li > a").evaluate_all("els => els.map(e => e.href)")
    return [urlsplit(h).path for h in hrefs]


def test_the_switcher_goes_to_the_same_page_in_the_other_language(fixture_page, fixture_served):
    page = fixture_page
    page.goto(fixture_served.url("missions/alpha-1/"))
    page.locator(".language-switch").get_by_role("link", name="Русский").click()
    page.wait_for_url(fixture_served.url("ru/missions/alpha-1/"))
    assert page.locator("html").get_attribute("lang") == "ru"
    assert page.locator("h1").inner_text() == "Альфа-1"
    page.locator(".language-switch").get_by_role("link", name="English").click()
    page.wait_for_url(fixture_served.url("missions/alpha-1/"))
    assert page.locator("h1").inner_text().startswith("Alpha 1")
    assert page.watch.console_errors == [] and page.watch.bad_responses == []


def test_russian_search_finds_russian_pages_only(fixture_page, fixture_served):
    page = fixture_page
    page.goto(fixture_served.url("ru/search/"))
    page.get_by_label("Поиск по главам и миссиям").fill("Птолемей")
    page.wait_for_selector("#search-results li")
    assert _paths(page) == [f"{PREFIX}ru/missions/alpha-1/"]
    assert page.locator("#search-status").inner_text() == "1 результат по запросу «Птолемей»."
    assert page.watch.console_errors == [] and page.watch.foreign_requests == [] and page.watch.bad_responses == []


def test_english_search_does_not_find_the_russian_words(fixture_page, fixture_served):
    page = fixture_page
    page.goto(fixture_served.url("search/?q=Ptolemaeus"))
    page.wait_for_selector("#search-results li")
    assert _paths(page) == [f"{PREFIX}missions/alpha-1/"]
    page.goto(fixture_served.url("search/?q=Птолемей"))
    expect(page.locator("#search-status")).to_have_text("No results for “Птолемей”.")
    assert _paths(page) == []


def test_the_russian_timeline_filter_speaks_russian(fixture_page, fixture_served):
    page = fixture_page
    page.goto(fixture_served.url("ru/timeline/"))
    assert page.locator("#filter-status").inner_text() == "Показаны все 4 миссии."
    page.get_by_role("checkbox", name="Неудача").uncheck()
    assert page.locator("#filter-status").inner_text() == "Показано 2 из 4 миссий."
