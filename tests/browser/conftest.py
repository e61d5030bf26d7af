"""Browser tests: the real documentary, built under a sub-path, served locally, driven in Chromium.

The site is built once per session with search (so Pagefind runs), served by a small threaded
stdlib server under /soviet-mars/ only (404 elsewhere, like a GitHub Pages project site), and
opened in Chromium: the one CHROMIUM_PATH names, else Debian's /usr/bin/chromium. Without it these tests
skip, unless REQUIRE_BROWSER=1 (CI), where a missing browser is a failure.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.conftest import CHROMIUM, LAUNCH_ARGS, ROOT, run_cli, skip_or_fail  # noqa: F401

PREFIX = "/soviet-mars/"
ARTIFACTS = ROOT / "test-artifacts"


class PrefixHandler(SimpleHTTPRequestHandler):
    """Serves `directory` at PREFIX only; a missing file gets the site's own 404 page."""

    extensions_map = {**SimpleHTTPRequestHandler.extensions_map, ".js": "text/javascript", ".xml": "application/xml"}

    def translate_path(self, path: str) -> str:
        url_path = urlsplit(path).path
        if not url_path.startswith(PREFIX):
            return str(Path(self.directory) / "\0outside-the-prefix")  # a name no file can have
        return super().translate_path("/" + url_path[len(PREFIX) :])

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        page = Path(self.directory) / "404.html"
        if code != 404 or not page.is_file():
            super().send_error(code, message, explain)
            return
        body = page.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def log_message(self, format: str, *args) -> None:  # quiet: pytest shows failures, not access logs
        pass


@dataclass(frozen=True)
class Served:
    root: Path
    base_url: str  # http://127.0.0.1:<port>/soviet-mars/

    @property
    def origin(self) -> str:
        parts = urlsplit(self.base_url)
        return f"{parts.scheme}://{parts.netloc}"

    def url(self, path: str = "") -> str:
        return self.base_url + path.lstrip("/")


@pytest.fixture(scope="session")
def served(chromium_path, tmp_path_factory) -> Iterator[Served]:
    out = tmp_path_factory.mktemp("browser") / "site"
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(PrefixHandler, directory=str(out)))
    server.daemon_threads = True
    base_url = f"http://127.0.0.1:{server.server_address[1]}{PREFIX}"
    result = run_cli(["build", "--out", str(out), "--base-url", base_url, "-q"], cwd=ROOT, timeout=300)
    assert result.returncode == 0, result.stderr
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield Served(out, base_url)
    server.shutdown()
    server.server_close()


@dataclass
class Watch:
    """What pages did that they should not: console errors, requests to other hosts, failed loads."""

    console_errors: list[str] = field(default_factory=list)
    foreign_requests: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    bad_responses: list[str] = field(default_factory=list)  # HTTP 4xx/5xx, with the page that asked


def open_context(browser, served: Served, watch: Watch, **options):
    """A fresh browser context that refuses and records any request leaving the local server."""
    context = browser.new_context(**options)

    def guard(route) -> None:
        url = route.request.url
        if url.startswith(served.origin + "/") or url.startswith(("data:", "blob:")):
            route.continue_()
        else:
            watch.foreign_requests.append(url)
            route.abort()

    context.route("**/*", guard)
    context.on("page", lambda page: _listen(page, watch))
    return context


def _listen(page, watch: Watch) -> None:
    page.on("console", lambda msg: _console(page, msg, watch))
    page.on("pageerror", lambda exc: watch.console_errors.append(f"{page.url}: {exc}"))
    page.on("requestfailed", lambda req: _failed(req, watch))
    page.on(
        "response",
        lambda res: watch.bad_responses.append(f"{page.url}: {res.status} {res.url}") if res.status >= 400 else None,
    )


def _console(page, message, watch: Watch) -> None:
    if message.type == "error":
        source = (message.location or {}).get("url") or page.url
        watch.console_errors.append(f"{page.url}: {message.text} [{source}]")


def _failed(request, watch: Watch) -> None:
    # ERR_ABORTED is a load the browser itself cancelled (leaving the page, or our guard): not a fault.
    if "ERR_ABORTED" not in (request.failure or ""):
        watch.failed.append(f"{request.url}: {request.failure}")


@pytest.fixture
def watch() -> Watch:
    return Watch()


@pytest.fixture
def context(browser, served, watch):
    ctx = open_context(browser, served, watch)
    yield ctx
    ctx.close()


@pytest.fixture
def page(context):
    return context.new_page()
