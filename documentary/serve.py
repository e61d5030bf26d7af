"""`build.py serve`: build into a private folder, serve it, rebuild on every save and reload the browsers.

The published output (`_site`, or any `--out` of `build`) is never touched: the server builds into a
temporary folder of its own, deleted when it stops, with links pointing at the server. One event loop
runs it all: Tornado answers requests (devhttp), watchfiles' `awatch` reports saves (10–20 ms after
them), the builder rebuilds in a worker thread, a burst of saves as one rebuild (devbuild), and livereload's
WebSocket handler tells open pages to reload, or to swap a changed stylesheet in place.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import shutil
import signal
import sys
import tempfile
import webbrowser
from pathlib import Path
from urllib.parse import urlsplit

import watchfiles
from livereload.handlers import LiveReloadHandler
from tornado.httpserver import HTTPServer
from tornado.netutil import bind_sockets

from .cache import BodyCache, cache_dir
from .console import Console
from .devbuild import Builder
from .devhttp import Served, make_app
from .devsearch import Indexer
from .errors import UsageError
from .parallel import paused_gc
from .pipeline import Options

WATCH_TICK_MS = 200  # how long the watcher waits for a change before answering "none"
# A batch of changes ends after this long without another (watchfiles' default: 50, which answered a save 65 ms
# later). A burst of saves that outlasts it comes as several batches: the builder takes them as one (devbuild).
WATCH_STEP_MS = 10


class _NoWatcher:
    """livereload's handler logs its own watcher's last path; we watch with watchfiles instead."""

    filepath = None


def serve(
    options: Options,
    host: str,
    port: int,
    open_browser: bool,
    quiet: bool = False,
    verbose: bool = False,
    cache: Path | None = None,
) -> int:
    """Build, then serve on host:port and rebuild on every change until interrupted or terminated."""
    sockets = _bind(host, port)
    folder = Path(tempfile.mkdtemp(prefix="documentary-serve-"))
    try:
        with paused_gc():  # the builder collects garbage when the author pauses (devbuild)
            asyncio.run(_serve(options, folder, sockets, host, open_browser, Console(quiet, verbose), cache))
    except KeyboardInterrupt:
        pass
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return 0


async def _serve(options, folder, sockets, host, open_browser, console, cache) -> None:
    port = sockets[0].getsockname()[1]
    prefix = _prefix(options.base_url)
    base_url = f"http://{_shown(host)}:{port}{prefix}"
    # Links and feeds point at this server. One process: forking beside the loop's threads risks a
    # deadlocked worker, and the body cache already spares rebuilds most parsing.
    # Stylesheets keep their names, so an edit to one changes no page and is swapped in place.
    options = dataclasses.replace(options, base_url=base_url, workers=1, fingerprint=False)
    watched = [folder for folder in (options.content, options.templates, options.static) if folder.is_dir()]
    body_cache = BodyCache.open(cache or cache_dir(Path("_site")))  # shared with `build`'s default
    indexer = Indexer(folder, console) if options.search else None

    def changed(names: tuple[str, ...], settled: tuple[str, ...] = ()) -> None:
        _reload(prefix, names, settled)
        if indexer and any(name.endswith(".html") or name == "*" for name in names):
            indexer.request(builder.language())

    builder = Builder(options, folder, body_cache, console, changed)
    LiveReloadHandler.watcher, LiveReloadHandler.live_css = _NoWatcher(), True
    server = HTTPServer(make_app(Served(folder.resolve(), prefix, lambda: port, lambda: builder.errors)))
    server.add_sockets(sockets)
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    try:
        changes = watchfiles.awatch(
            *watched, step=WATCH_STEP_MS, stop_event=stop, rust_timeout=WATCH_TICK_MS, yield_on_timeout=True
        )
        await anext(changes)  # the watcher is live once it first answers: nothing saved from now on is missed
        await builder.run()
        print(f"serving {base_url} (Ctrl-C to stop)", file=sys.stderr, flush=True)
        console.detail(f"  folder  {folder}")
        if open_browser:
            webbrowser.open(base_url)
        await _rebuild_on_saves(changes, builder)
    finally:
        server.stop()
        if indexer:
            indexer.stop()


async def _rebuild_on_saves(changes, builder: Builder) -> None:
    """Watch and build side by side: a save that comes while a build runs is told to the builder at once
    (which then leaves the rest of its pages to the next build), and everything saved meanwhile is built next."""
    saved = asyncio.Event()

    async def watch() -> None:
        async for batch in changes:
            if batch:
                builder.saved(Path(path) for _, path in batch)
                saved.set()
        saved.set()  # stopped

    watching = asyncio.create_task(watch())
    try:
        while not watching.done() or builder.pending:
            await saved.wait()
            saved.clear()
            if builder.pending:
                await builder.run()
        watching.result()  # a watcher that failed says why
    finally:
        watching.cancel()


def _reload(prefix: str, names: tuple[str, ...], settled: tuple[str, ...] = ()) -> None:
    """Tell every open page: a stylesheet alone is swapped in place, anything else reloads the page, except
    a page showing one of the `settled` outputs (reloaded a moment ago, with what it still shows)."""
    if names and all(name.endswith(".css") for name in names):
        for name in names:
            LiveReloadHandler.reload_waiters(prefix + name)
        return
    spared = {prefix + name.removesuffix("index.html") for name in settled} | {prefix + name for name in settled}
    message = {"command": "reload", "path": "*", "liveCSS": True, "liveImg": True}
    for waiter in list(LiveReloadHandler.waiters):
        if getattr(waiter, "page", None) not in spared:
            with contextlib.suppress(Exception):  # a browser that went away: livereload drops it on close
                waiter.write_message(message)


def _bind(host: str, port: int):
    try:
        return bind_sockets(port, host or None)
    except OSError as exc:
        raise UsageError(f"cannot serve on {host}:{port}: {exc.strerror or exc}") from None


def _prefix(base_url: str | None) -> str:
    """The path the site is served under: --base-url's path when one is given, else the root."""
    path = urlsplit(base_url).path.strip("/") if base_url else ""
    return f"/{path}/" if path else "/"


def _shown(host: str) -> str:
    """The host to put in URLs: a wildcard address is reached through the loopback one."""
    shown = {"": "127.0.0.1", "0.0.0.0": "127.0.0.1", "::": "::1"}.get(host, host)
    return f"[{shown}]" if ":" in shown else shown
