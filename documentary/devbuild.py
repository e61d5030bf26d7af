"""The dev server's builder: the first build and every rebuild, into the server's private folder.

A rebuild is computed in a worker thread (the event loop keeps answering requests meanwhile) and its
files are put in the folder on the loop's own thread. It comes in two halves: once the content is linked
again, the pages of the files just saved are rendered, written and reloaded first (the author is looking
at one of them); then every other page whose inputs changed. A failed build is shown, never raised: the
folder keeps the last good build and the pages show the errors (a content error stops a rebuild before
anything is written; only a template failing on another page can leave the first page written).
"""

from __future__ import annotations

import asyncio
import gc
import threading
import traceback
from collections.abc import Callable, Iterable
from pathlib import Path

from .cache import BodyCache
from .console import Console
from .errors import BuildFailed, ContentError, error
from .incremental import Snapshot, Update, apply, start
from .pipeline import Memo, Options, search_language
from .write import sync

IDLE_SECONDS = 2.0  # collect garbage once no save has come for this long
COLLECT_AFTER = 5  # and, after this many builds in a row, the younger generations only (see `run`)


class Builder:
    def __init__(
        self,
        options: Options,
        folder: Path,
        cache: BodyCache,
        console: Console,
        on_change: Callable[[tuple[str, ...], tuple[str, ...]], None],
    ):
        self.options = options
        self.folder = folder
        self.cache = cache
        self.memo = Memo()  # parsed and validated files, kept between rebuilds: only changed files are redone
        self.console = console
        # told the output names that changed (or () after a failure), and those already reloaded and unchanged since
        self.on_change = on_change
        self.previous: Snapshot | None = None
        self.touched: set[Path] = set()  # changes since the last good build, kept across failed ones
        self.errors: tuple[ContentError, ...] = ()
        self.builds = 0
        self.pending: set[Path] = set()  # saved since the running (or last) build started
        self.waiting = threading.Event()  # set when `pending` has news: read by the build's worker thread
        self.uncollected = 0  # builds since the last garbage collection
        self.collecting: asyncio.TimerHandle | None = None

    def saved(self, paths: Iterable[Path]) -> None:
        """The watcher's report (on the event loop): these files changed. A build running now stops rendering
        the pages that are not the saved file's own (they are looked at again by the next build)."""
        self.pending |= set(paths)
        self.waiting.set()

    async def run(self) -> bool:
        """Build what changed since the last build and put it in the folder; False if the build failed.

        The cyclic garbage collector is off while serving (serve.py): a full collection walks every object
        the server keeps, 0.4-0.8 s at 5,000 pages, which a save should not wait for. It runs here instead,
        once the author has stopped saving for a moment. An author who never stops for that long gets a
        collection of the younger generations every COLLECT_AFTER builds (what the builds since the last
        collection made), not a full one: that held the event loop for about a second at 5,000 pages, and
        the next save's page waited for it (the slowest edit of a run of 20). The first build's objects,
        most of which every later build keeps, are frozen out of the collector's sight once it is done: a
        collection then walks only what the rebuilds made. (Should a frozen object become part of a cycle
        of garbage later, it stays: at most what one build made, once per session.)"""
        if self.collecting is not None:
            self.collecting.cancel()
        first = self.previous is None
        built = await self._run()
        if first and built:
            gc.collect()
            gc.freeze()
        self.uncollected += 1
        if self.uncollected >= COLLECT_AFTER:
            gc.collect(1)
            self.uncollected = 0
        self.collecting = asyncio.get_running_loop().call_later(IDLE_SECONDS, self._collect)
        return built

    def _take_pending(self) -> None:
        self.waiting.clear()
        self.touched |= self.pending
        self.pending = set()

    def _collect(self) -> None:
        gc.collect()
        self.uncollected, self.collecting = 0, None

    async def _run(self) -> bool:
        started = asyncio.get_running_loop().time()
        first = self.previous is None
        progress = self.console.progress if first else self.console.stage
        try:
            half = None
            while half is None or self.waiting.is_set():  # more of a burst came while linking: take it too
                self._take_pending()
                half = await asyncio.to_thread(
                    start, self.options, self.previous, set(self.touched), progress, self.cache, self.memo
                )
            early = sync(half.first, self.folder)  # the saved file's own page, first: the one being looked at
            if early:
                self.on_change(tuple(early), ())
            update = await asyncio.to_thread(half.finish, self.waiting.is_set)
            written, removed = apply(update, self.folder, self.options.static)
        except BuildFailed as exc:
            return self._failed(exc.errors)
        except Exception as exc:  # a bug must not stop the server: show it and keep watching
            traceback.print_exc()
            return self._failed([error("build.py", 1, 1, f"internal error: {type(exc).__name__}: {exc}")])
        was_failing, self.errors = bool(self.errors), ()
        self.previous, self.touched = update.snapshot, set()
        self.builds += 1
        took = (asyncio.get_running_loop().time() - started) * 1000
        self._report(update, "built" if first else "rebuilt", sorted(set(written) | set(early)), removed, took)
        if written or removed or first or was_failing:  # pages showing an early page that is still right stay
            self.on_change(tuple(written + removed) or ("*",), tuple(early))
        await asyncio.to_thread(self.cache.save)  # rewriting the pack takes a while at thousands of bodies
        return True

    def language(self) -> str | None:
        """What the search index is built as: None when there are several languages (one index each)."""
        return search_language(self.previous.prepared.site) if self.previous else None

    def _failed(self, errors: Iterable[ContentError]) -> bool:
        self.errors = tuple(errors)
        self.console.problems(self.errors)
        self.on_change((), ())
        return False

    def _report(self, update: Update, verb: str, written: list[str], removed: list[str], took: float) -> None:
        self.console.problems(update.snapshot.prepared.warnings)
        changes = f"{len(written)} written" + (f", {len(removed)} removed" if removed else "")
        self.console.say(f"{verb}: {len(update.pages)} pages rendered, {changes} in {took:.0f} ms")
        for name in written:
            self.console.detail(f"  wrote   {name}")
        for name in removed:
            self.console.detail(f"  removed {name}")
