"""Search while serving: the folder is indexed again in a background thread once the author pauses, so a
reload never waits for Pagefind and results catch up a few seconds after the pages do."""

from __future__ import annotations

import threading
import time
from pathlib import Path

from .console import Console
from .errors import error
from .search import SearchUnavailable, index_site

QUIET_SECONDS = 2.0  # the index is rebuilt once saves pause this long


class Indexer:
    def __init__(self, folder: Path, console: Console):
        self.folder = folder
        self.console = console
        self.wanted = threading.Event()
        self.stopping = threading.Event()
        self.language: str | None = None  # None: one index per page language
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
            if self.wanted.wait(QUIET_SECONDS):
                continue  # still saving: wait for a pause, so indexing never competes with a rebuild
            if not self.stopping.is_set():
                self._index()

    def _index(self) -> None:
        started = time.perf_counter()
        try:
            count = index_site(self.folder, self.language)
        except SearchUnavailable as exc:
            self.console.problems([error(str(self.folder), 1, 1, str(exc))])
            return
        self.console.detail(f"  search    {count:>6}  {(time.perf_counter() - started) * 1000:8.1f} ms")
