"""The dev server's HTTP side, on Tornado: the private output folder, the reload script and the overlay.

Pages come from the folder that `serve` builds into (never the published output). Every HTML response
gets `<script src="/livereload.js?port=N">`: livereload's own `LiveReloadJSHandler` serves that file and
its `LiveReloadHandler` carries the reload over a WebSocket, in the standard LiveReload protocol that
editors and browser extensions speak. The script is external and same-origin, so the site's
Content-Security-Policy allows it unchanged; livereload's `Server` class is not used because it adds an
inline script (which the CSP forbids) and watches files with its own polling watcher (which drops saves).
While a build is broken every page also shows its errors, and a missing page shows the 404 page.
"""

from __future__ import annotations

import contextlib
import html
import json
import mimetypes
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from livereload.handlers import LiveReloadHandler, LiveReloadJSHandler
from tornado import web

from .errors import ContentError

HEAD_END = re.compile(rb"</head\s*>", re.IGNORECASE)
BODY_START = re.compile(rb"<body\b[^>]*>", re.IGNORECASE)
TYPES = {".js": "text/javascript", ".mjs": "text/javascript", ".wasm": "application/wasm", ".xml": "application/xml"}
OVERLAY_PATH = "/__overlay.css"
OVERLAY_CSS = b"""/* Added by `build.py serve` while the build fails. */
.documentary-build-errors {
  position: fixed; inset: 0 0 auto 0; z-index: 2147483647; max-height: 80vh; overflow: auto;
  margin: 0; padding: 1rem 1.5rem; background: #2b0a0a; color: #ffe9e9; border-bottom: 4px solid #ff5c5c;
  font: 15px/1.5 system-ui, sans-serif; box-shadow: 0 4px 24px rgb(0 0 0 / 50%);
}
.documentary-build-errors h2 { margin: 0 0 0.5rem; font-size: 1.2rem; color: #fff; }
.documentary-build-errors p { margin: 0 0 0.5rem; }
.documentary-build-errors pre {
  margin: 0; white-space: pre-wrap; overflow-wrap: anywhere; font: 14px/1.5 ui-monospace, monospace; color: #ffe9e9;
}
"""
BLANK_PAGE = (  # shown for a missing page when there is no 404.html yet (the first build failed)
    b'<!doctype html>\n<html lang="en">\n<head><meta charset="utf-8"><title>Not built</title></head>\n'
    b"<body>\n<p>Nothing here yet.</p>\n</body>\n</html>\n"
)


@dataclass(frozen=True)
class Response:
    status: int
    body: bytes = b""
    content_type: str = "text/plain; charset=utf-8"
    location: str | None = None


def locate(out: Path, prefix: str, request_path: str) -> Path | Response:
    """The file a URL names inside `out`, or the response for a URL that names none (never a file outside)."""
    path = urlsplit(request_path).path
    if not path.startswith(prefix):
        return Response(302, location=prefix) if path == "/" else Response(404, b"not found\n")
    parts = unquote(path[len(prefix) :]).split("/")
    if any(part.startswith(".") or "\\" in part or "\0" in part for part in parts):
        return Response(404, b"not found\n")  # .., . and hidden files, however they were encoded
    target = out.joinpath(*[part for part in parts if part])
    if target.is_dir():
        if not path.endswith("/"):
            return Response(301, location=path + "/")
        target = target / "index.html"
    real = target.resolve()
    if not real.is_relative_to(out):
        return Response(403, b"forbidden\n")  # a symlink that leads out of the output
    return real if real.is_file() else Response(404, b"not found\n")


def inject(page: bytes, port: int, errors: tuple[ContentError, ...] = ()) -> bytes:
    """Add the reload script, and the error overlay while the build fails, to one served HTML page."""
    extra = f'<script src="/livereload.js?port={port}" defer></script>\n'
    if errors:
        extra += f'<link rel="stylesheet" href="{OVERLAY_PATH}">\n'
    head = HEAD_END.search(page)
    page = page[: head.start()] + extra.encode() + page[head.start() :] if head else extra.encode() + page
    if errors:
        body = BODY_START.search(page)
        at = body.end() if body else len(page)
        page = page[:at] + b"\n" + overlay(errors) + page[at:]
    return page


def overlay(errors: tuple[ContentError, ...]) -> bytes:
    count = sum(1 for e in errors if e.severity == "error")
    lines = "\n".join(html.escape(e.format()) for e in errors)
    return (
        '<aside class="documentary-build-errors" role="alert" aria-labelledby="documentary-build-errors-title">\n'
        f'<h2 id="documentary-build-errors-title">Build failed: {count} error{"s" if count != 1 else ""}</h2>\n'
        "<p>This is the last good build. Fix these and save: the page reloads by itself.</p>\n"
        f"<pre>{lines}</pre>\n</aside>\n"
    ).encode()


@dataclass(frozen=True)
class Served:
    """What the page handler needs: the folder, the site's path, the port, and the current build errors."""

    folder: Path
    prefix: str
    port: Callable[[], int]
    errors: Callable[[], tuple[ContentError, ...]]


def answer(served: Served, request_path: str) -> Response:
    """The response to one GET: a file of the folder, with the script (and overlay) added to HTML."""
    found = locate(served.folder, served.prefix, request_path)
    if isinstance(found, Response):
        if found.status == 404 and urlsplit(request_path).path.startswith(served.prefix):
            return _missing(served)
        return found
    return _file(served, found)


def _file(served: Served, file: Path, status: int = 200) -> Response:
    try:
        data = file.read_bytes()
    except OSError:
        return Response(404, b"not found\n")
    kind = TYPES.get(file.suffix) or mimetypes.guess_type(file.name)[0] or "application/octet-stream"
    if kind == "text/html":
        return Response(status, inject(data, served.port(), served.errors()), "text/html; charset=utf-8")
    return Response(status, data, kind + ("; charset=utf-8" if kind.startswith("text/") else ""))


def _missing(served: Served) -> Response:
    page = served.folder / "404.html"
    if page.is_file():
        return _file(served, page, 404)
    return Response(404, inject(BLANK_PAGE, served.port(), served.errors()), "text/html; charset=utf-8")


class PageHandler(web.RequestHandler):
    """GET and HEAD for everything but the reload endpoints; no caching, so a reload always refetches."""

    def initialize(self, served: Served) -> None:
        self.served = served

    def get(self, _path: str = "") -> None:
        self._send(answer(self.served, self.request.uri or "/"))

    def head(self, _path: str = "") -> None:
        self._send(answer(self.served, self.request.uri or "/"), body=False)

    def _send(self, response: Response, body: bool = True) -> None:
        self.set_status(response.status)
        self.set_header("Content-Type", response.content_type)
        self.set_header("Cache-Control", "no-store")
        if response.location:
            self.set_header("Location", response.location)
        if body:
            self.write(response.body)
        else:
            self.set_header("Content-Length", str(len(response.body)))


class OverlayHandler(web.RequestHandler):
    def get(self) -> None:
        self.set_header("Content-Type", "text/css; charset=utf-8")
        self.set_header("Cache-Control", "no-store")
        self.write(OVERLAY_CSS)


class PageSocket(LiveReloadHandler):
    """livereload's WebSocket handler, remembering which page each browser shows (the protocol's `info`
    message carries its URL), so a reload can spare the pages that are already up to date."""

    page: str | None = None

    def on_message(self, message) -> None:
        with contextlib.suppress(ValueError, TypeError, AttributeError):
            url = json.loads(message).get("url")
            if isinstance(url, str):
                self.page = urlsplit(url).path
        super().on_message(message)


def make_app(served: Served) -> web.Application:
    return web.Application(
        [
            (r"/livereload", PageSocket),
            (r"/livereload\.js", LiveReloadJSHandler),
            (re.escape(OVERLAY_PATH), OverlayHandler),
            (r"(.*)", PageHandler, {"served": served}),
        ],
        log_function=lambda handler: None,  # one line per request would drown the build messages
    )
