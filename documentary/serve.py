"""The dev server: build, serve the output, rebuild on every save and reload open browsers.

Watching is watchfiles (it notices a save in about 0.1 s and hands over a burst of saves as one batch,
including everything saved while a rebuild runs). Telling the browser is a long poll, as MkDocs does:
every served HTML page gets `<script src="/__reload.js">` (a same-origin file, so the site's
Content-Security-Policy allows it) which asks `/__reload?since=<version>` and reloads the page when the
version changes. The script is added to responses only; the files on disk are what a build writes.

A failed build leaves the last good output in place and every HTML page shows the errors over it.
Writes and reads of the output folder take the same lock, so a page never mixes two builds.
"""

from __future__ import annotations

import dataclasses
import html
import mimetypes
import re
import secrets
import signal
import socket
import sys
import threading
import time
import traceback
import webbrowser
from collections.abc import Callable, Iterable
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from functools import partial
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import watchfiles

from .cache import BodyCache, cache_dir
from .errors import BuildFailed, ContentError, UsageError, error
from .incremental import Snapshot, Update, apply, rebuild
from .pipeline import Options, search_language
from .search import SearchUnavailable, index_site
from .write import check_output_dir

WATCH_TICK_MS = 200  # how long the watcher waits for a change before answering "none"
SEARCH_QUIET_SECONDS = 2.0  # the search index is rebuilt once saves pause this long
POLL_SECONDS = 25  # a long poll answers at least this often, so dead connections are noticed
HEAD_END = re.compile(rb"</head\s*>", re.IGNORECASE)
BODY_START = re.compile(rb"<body\b[^>]*>", re.IGNORECASE)
TYPES = {".js": "text/javascript", ".mjs": "text/javascript", ".wasm": "application/wasm", ".xml": "application/xml"}

RELOAD_JS = b"""// Added by `build.py serve`: reload this page when the site is rebuilt.
(() => {
  const version = document.currentScript.dataset.version;
  const pause = (ms) => new Promise((resume) => setTimeout(resume, ms));
  async function watch() {
    for (;;) {
      try {
        const answer = await fetch(`/__reload?since=${encodeURIComponent(version)}`, { cache: "no-store" });
        if (answer.ok && (await answer.text()) !== version) {
          location.reload();
          return;
        }
        if (!answer.ok) await pause(1000);
      } catch {
        await pause(1000); // the server is restarting: ask again
      }
    }
  }
  watch();
})();
"""

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

ASSETS = {"/__reload.js": ("text/javascript", RELOAD_JS), "/__reload.css": ("text/css", OVERLAY_CSS)}
BLANK_PAGE = (  # shown for a missing page when there is no 404.html yet (the first build failed)
    b'<!doctype html>\n<html lang="en">\n<head><meta charset="utf-8"><title>Not built</title></head>\n'
    b"<body>\n<p>Nothing here yet.</p>\n</body>\n</html>\n"
)


@dataclass(frozen=True)
class State:
    """What the browsers should show: a version that changes on every build, and the build's errors."""

    version: str
    errors: tuple[ContentError, ...] = ()


class Live:
    """The served folder and the current build state, shared by the builder and the request threads."""

    def __init__(self, out: Path, prefix: str):
        self.out = out.resolve()
        self.prefix = prefix
        self.lock = threading.Lock()  # held while a build writes the folder and while a request reads it
        self.search_lock = threading.Lock()  # held while the search index is written
        self._changed = threading.Condition()
        self._boot = secrets.token_hex(4)  # a restarted server has new versions, so open pages reload
        self._count = 0
        self.state = State(f"{self._boot}.0")

    def publish(self, errors: Iterable[ContentError] = ()) -> None:
        with self._changed:
            self._count += 1
            self.state = State(f"{self._boot}.{self._count}", tuple(errors))
            self._changed.notify_all()

    def wait(self, since: str, timeout: float) -> State:
        with self._changed:
            self._changed.wait_for(lambda: self.state.version != since, timeout)
            return self.state


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


def inject(page: bytes, state: State) -> bytes:
    """Add the reload script, and the error overlay while the build fails, to one served HTML page."""
    extra = f'<script src="/__reload.js" data-version="{state.version}" defer></script>\n'
    if state.errors:
        extra += '<link rel="stylesheet" href="/__reload.css">\n'
    head = HEAD_END.search(page)
    page = page[: head.start()] + extra.encode() + page[head.start() :] if head else extra.encode() + page
    if state.errors:
        body = BODY_START.search(page)
        at = body.end() if body else len(page)
        page = page[:at] + b"\n" + overlay(state.errors) + page[at:]
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


class Handler(BaseHTTPRequestHandler):
    """Answers GET and HEAD from the live folder, plus the reload endpoints."""

    server_version = "documentary-serve"
    protocol_version = "HTTP/1.1"  # keep-alive: every response has a Content-Length

    def __init__(self, live: Live, *args, **kwargs):
        self.live = live
        super().__init__(*args, **kwargs)

    def do_GET(self) -> None:
        self._send(self._answer())

    def do_HEAD(self) -> None:
        self._send(self._answer(), body=False)

    def log_message(self, format: str, *args) -> None:
        pass  # one line per request would drown the build messages

    def _answer(self) -> Response:
        url = urlsplit(self.path)
        if url.path == "/__reload":
            since = parse_qs(url.query).get("since", [""])[0]
            return Response(200, self.live.wait(since, POLL_SECONDS).version.encode())
        if url.path in ASSETS:
            kind, data = ASSETS[url.path]
            return Response(200, data, f"{kind}; charset=utf-8")
        found = locate(self.live.out, self.live.prefix, self.path)
        if isinstance(found, Response):
            return self._missing() if found.status == 404 and url.path.startswith(self.live.prefix) else found
        return self._file(found)

    def _file(self, file: Path, status: int = 200) -> Response:
        searching = file.relative_to(self.live.out).as_posix().startswith("pagefind/")
        with self.live.search_lock if searching else nullcontext(), self.live.lock:
            try:
                data = file.read_bytes()
            except OSError:
                return Response(404, b"not found\n")
            state = self.live.state
        kind = TYPES.get(file.suffix) or mimetypes.guess_type(file.name)[0] or "application/octet-stream"
        if kind == "text/html":
            return Response(status, inject(data, state), "text/html; charset=utf-8")
        return Response(status, data, kind + ("; charset=utf-8" if kind.startswith("text/") else ""))

    def _missing(self) -> Response:
        page = self.live.out / "404.html"
        if page.is_file():
            return self._file(page, 404)
        return Response(404, inject(BLANK_PAGE, self.live.state), "text/html; charset=utf-8")

    def _send(self, response: Response, body: bool = True) -> None:
        self.send_response(response.status)
        self.send_header("Content-Type", response.content_type)
        self.send_header("Content-Length", str(len(response.body)))
        self.send_header("Cache-Control", "no-store")
        if response.location:
            self.send_header("Location", response.location)
        self.end_headers()
        if body:
            self.wfile.write(response.body)


@dataclass(frozen=True)
class Console:
    """The terminal: progress unless quiet, details when verbose, problems always."""

    quiet: bool = False
    verbose: bool = False

    def say(self, text: str) -> None:
        if not self.quiet:
            print(text, file=sys.stderr, flush=True)

    def detail(self, text: str) -> None:
        if self.verbose and not self.quiet:
            print(text, file=sys.stderr, flush=True)

    def progress(self, stage: str, count: int, seconds: float) -> None:
        """One line per stage of the first build, as `build` prints."""
        self.say(f"{stage:<9} {count:>6}  {seconds * 1000:8.1f} ms")

    def stage(self, stage: str, count: int, seconds: float) -> None:
        """The same for a rebuild, shown only with -v."""
        self.detail(f"  {stage:<9} {count:>6}  {seconds * 1000:8.1f} ms")

    def problems(self, problems: Iterable[ContentError]) -> None:
        problems = list(problems)
        for problem in problems:
            print(problem.format(), file=sys.stderr)
        errors = sum(1 for p in problems if p.severity == "error")
        counts = [(errors, "error"), (len(problems) - errors, "warning")]
        parts = [f"{n} {word}{'s' if n != 1 else ''}" for n, word in counts if n]
        if parts:
            print(", ".join(parts), file=sys.stderr, flush=True)


class Indexer:
    """Re-indexes the served folder for search in the background, once the author pauses: a reload never
    waits for it, and search results catch up a few seconds after the pages do."""

    def __init__(self, live: Live, console: Console):
        self.live = live
        self.console = console
        self.wanted = threading.Event()
        self.stopping = threading.Event()
        self.language: str | None = "en"
        self.thread = threading.Thread(target=self._run, name="search-index", daemon=True)
        self.thread.start()

    def request(self, language: str | None) -> None:
        self.language = language
        self.wanted.set()

    def stop(self) -> None:
        self.stopping.set()
        self.wanted.set()

    def _run(self) -> None:
        while self.wanted.wait() and not self.stopping.is_set():
            self.wanted.clear()
            if self.wanted.wait(SEARCH_QUIET_SECONDS):
                continue  # still saving: wait for a pause, so indexing never competes with a rebuild
            if not self.stopping.is_set():
                self._index()

    def _index(self) -> None:
        started = time.perf_counter()
        try:
            with self.live.search_lock:
                count = index_site(self.live.out, self.language)
        except SearchUnavailable as exc:
            self.console.problems([error(str(self.live.out), 1, 1, str(exc))])
            return
        self.console.detail(f"  search    {count:>6}  {(time.perf_counter() - started) * 1000:8.1f} ms")


class Builder:
    """Runs the first build and every rebuild; a failure is shown, never raised."""

    def __init__(
        self, options: Options, out: Path, live: Live, console: Console, on_built: Callable[[str | None], None]
    ):
        self.options = options
        self.out = out
        self.live = live
        self.console = console
        self.on_built = on_built
        self.previous: Snapshot | None = None
        self.touched: set[Path] = set()  # changes since the last good build, kept across failed ones
        self.cache = BodyCache.open(options.cache or cache_dir(out))  # shared with `build`

    def run(self, changes: set[Path]) -> bool:
        """Build what changed, put it in the served folder, tell the browsers; False if the build failed."""
        started = time.perf_counter()
        self.touched |= changes
        first = self.previous is None
        progress = self.console.progress if first else self.console.stage
        try:
            update = rebuild(self.options, self.previous, self.touched, progress, self.cache)
            with self.live.lock:  # requests wait, so none sees half of this build
                written, removed = apply(update, self.out, self.options.static)
                self._report(update, "built" if first else "rebuilt", written, removed, started)
                if written or removed or first or self.live.state.errors:
                    self.live.publish()
        except BuildFailed as exc:
            return self._failed(exc.errors)
        except Exception as exc:  # a bug must not stop the server: show it and keep watching
            traceback.print_exc()
            return self._failed([error("build.py", 1, 1, f"internal error: {type(exc).__name__}: {exc}")])
        self.previous, self.touched = update.snapshot, set()
        self.cache.save()
        if self.options.search and (first or any(n.endswith(".html") for n in written + removed)):
            self.on_built(search_language(update.snapshot.prepared.site))
        return True

    def _failed(self, errors: Iterable[ContentError]) -> bool:
        errors = tuple(errors)
        self.console.problems(errors)
        self.live.publish(errors)
        return False

    def _report(self, update: Update, verb: str, written: list[str], removed: list[str], started: float) -> None:
        self.console.problems(update.snapshot.prepared.warnings)
        changes = f"{len(written)} written" + (f", {len(removed)} removed" if removed else "")
        took = (time.perf_counter() - started) * 1000
        self.console.say(f"{verb}: {len(update.pages)} pages rendered, {changes} in {took:.0f} ms")
        for name in written:
            self.console.detail(f"  wrote   {name}")
        for name in removed:
            self.console.detail(f"  removed {name}")


def serve(
    options: Options,
    out: Path,
    protected: list[Path],
    host: str,
    port: int,
    open_browser: bool,
    quiet: bool = False,
    verbose: bool = False,
) -> int:
    """Build, then serve `out` on host:port and rebuild on every change until interrupted."""
    watched = [folder for folder in (options.content, options.templates, options.static) if folder.is_dir()]
    check_output_dir(out, protected, sources=tuple(watched))
    live = Live(out, _prefix(options.base_url))
    server = _bind(host, port, live)
    base_url = f"http://{_shown(host)}:{server.server_address[1]}{live.prefix}"
    # Links and feeds point at this server. One process: forking while the server's threads hold locks
    # can leave a worker deadlocked, and the body cache already spares rebuilds most parsing.
    options = dataclasses.replace(options, base_url=base_url, workers=1)
    console = Console(quiet, verbose)
    indexer = Indexer(live, console) if options.search else None
    builder = Builder(options, out, live, console, indexer.request if indexer else lambda language: None)
    try:
        with _terminate_as_interrupt():
            _watch(watched, builder, server, base_url if open_browser else None)
    except KeyboardInterrupt:
        pass
    finally:
        if indexer:
            indexer.stop()
        server.server_close()
    return 0


def _watch(watched: list[Path], builder: Builder, server: ThreadingHTTPServer, open_url: str | None) -> None:
    changes = watchfiles.watch(*watched, rust_timeout=WATCH_TICK_MS, yield_on_timeout=True)
    next(changes)  # the watcher is live once it first answers: nothing saved from now on is missed
    builder.run(set())
    threading.Thread(target=server.serve_forever, name="http", daemon=True).start()
    try:
        print(f"serving {builder.options.base_url} (Ctrl-C to stop)", file=sys.stderr, flush=True)
        if open_url:
            webbrowser.open(open_url)
        for batch in changes:  # everything saved during a build comes as one batch after it
            if batch:
                builder.run({Path(path) for _, path in batch})
    finally:
        server.shutdown()


class _Server(ThreadingHTTPServer):
    daemon_threads = True  # a waiting long poll must not keep the process alive

    def __init__(self, address: tuple[str, int], handler):
        self.address_family = socket.AF_INET6 if ":" in address[0] else socket.AF_INET
        super().__init__(address, handler)


def _bind(host: str, port: int, live: Live) -> ThreadingHTTPServer:
    try:
        server = _Server((host, port), partial(Handler, live))
    except OSError as exc:
        raise UsageError(f"cannot serve on {host}:{port}: {exc.strerror or exc}") from None
    return server


def _prefix(base_url: str | None) -> str:
    """The path the site is served under: --base-url's path when one is given, else the root."""
    path = urlsplit(base_url).path.strip("/") if base_url else ""
    return f"/{path}/" if path else "/"


def _shown(host: str) -> str:
    """The host to put in URLs: a wildcard address is reached through the loopback one."""
    shown = {"": "127.0.0.1", "0.0.0.0": "127.0.0.1", "::": "::1"}.get(host, host)
    return f"[{shown}]" if ":" in shown else shown


@contextmanager
def _terminate_as_interrupt():
    """Stop on SIGTERM (a test harness, a process manager) as cleanly as on Ctrl-C."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGTERM, _interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _interrupt(signum, frame) -> None:
    raise KeyboardInterrupt
