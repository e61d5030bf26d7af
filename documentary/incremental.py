"""Incremental rebuilds for the dev server: render again only the pages whose inputs changed.

What a page depends on is what it read the last time it was rendered: `render` notes every read of
the site, every reference a body resolved and every template loaded, each with a digest of its value
(documentary/reads.py). After a change the content is loaded and linked again and each page's reads
are asked of the new build; a page is rendered again when any answer differs, so the served folder
always holds what a clean build would write, whatever a template or a context builder starts to read.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import jinja2

from .cache import BodyCache
from .errors import BuildFailed, error
from .load import list_static
from .pipeline import Memo, Options, Prepared, Progress, prepare
from .reads import Digests, Reads, Replay
from .render import Job, Renderer, compile_templates, make_environment
from .write import MARKER, MARKER_TEXT, sync

KEEP = ("pagefind/",)  # written by the search indexer, not by a rebuild
Stat = tuple[int, int]  # (size, mtime_ns)


@dataclass(frozen=True, eq=False)
class Snapshot:
    """The last good build: what the next rebuild compares against."""

    prepared: Prepared
    env: jinja2.Environment
    templates: dict[str, str]  # every template's source
    reads: dict[str, Reads]  # output -> what it read when it was last rendered
    content: dict[str, Stat]  # content file -> its stat when it was read
    static: dict[str, Stat]  # static file -> its stat when it was copied
    memo: dict = field(default_factory=dict)  # digests of the frozen objects this build read (Digests.memo)


@dataclass(frozen=True, eq=False)
class Update:
    """What a rebuild produced; `apply` puts it on disk."""

    snapshot: Snapshot
    pages: dict[str, bytes]
    static: tuple[str, ...]  # static files to copy
    removed: tuple[str, ...]  # outputs of the previous build that are gone
    full: bool  # first build: anything else in the folder is stale too


def rebuild(
    options: Options,
    previous: Snapshot | None,
    touched: Iterable[Path] = (),
    progress: Progress | None = None,
    cache: BodyCache | None = None,
    memo: Memo | None = None,
) -> Update:
    """Build again since `previous` (None: from scratch); raise BuildFailed with every problem.

    Changes are found by comparing file stats and template sources with `previous`; `touched` (the
    watcher's paths) also counts, for a file saved twice within one tick of the file system's clock.
    """
    progress = progress or (lambda stage, count, seconds: None)
    touched = {path.resolve() for path in touched}
    content = _stats(options.content, _files(options.content))
    static = _stats(options.static, list_static(options.static))
    prepared = _prepared(options, previous, content, static, touched, progress, cache, memo)
    env, templates = _templates(options.templates, previous)
    started = time.perf_counter()
    renderer = Renderer(prepared.site, prepared.md, options.templates, env)
    if renderer.errors:
        raise BuildFailed(renderer.errors)
    jobs = renderer.jobs()
    known = {**(previous.memo if previous else {}), **(cache.digests() if cache else {})}
    renderer.digests = Digests(known)  # bodies stand for themselves by their cache key; the rest, once a session
    todo = stale(previous.reads if previous else {}, jobs, Replay(renderer.answer, renderer.digests))
    pages = renderer.render(todo)
    if renderer.errors:
        raise BuildFailed(renderer.errors)
    progress("render", len(pages), time.perf_counter() - started)
    old = previous.reads if previous else {}
    reads = {output: renderer.reads.get(output) or old[output] for output in jobs}
    snapshot = Snapshot(prepared, env, templates, reads, content, static, renderer.digests.kept())
    copies = _copies(previous, static, _under(options.static, touched))
    return Update(snapshot, pages, copies, _removed(previous, snapshot), previous is None)


def stale(reads: dict[str, Reads], jobs: dict[str, Job], replay: Replay) -> list[str]:
    """The outputs to render: those never rendered, and those for which something they read has changed."""
    return sorted(output for output in jobs if output not in reads or replay.changed(reads[output]))


def _prepared(options: Options, previous: Snapshot | None, content, static, touched, progress, cache, memo) -> Prepared:
    """Load and link the content again unless only templates or the bytes of static files changed."""
    if (
        previous is None
        or content != previous.content
        or _under(options.content, touched)
        or static.keys() != previous.static.keys()  # a new static file may collide with a page
    ):
        return prepare(options, progress, cache, memo)
    return previous.prepared


def _under(folder: Path, paths: set[Path]) -> set[str]:
    """The names, relative to `folder`, of the paths inside it."""
    folder = folder.resolve()
    return {path.relative_to(folder).as_posix() for path in paths if path.is_relative_to(folder)}


def _files(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())


def _stats(folder: Path, names: Iterable[str]) -> dict[str, Stat]:
    """Taken before the files are read, so a save that lands in between is seen by the next rebuild."""
    stats = {}
    for name in names:
        with contextlib.suppress(FileNotFoundError):  # deleted since it was listed: the watcher will say so
            info = (folder / name).stat()
            stats[name] = (info.st_size, info.st_mtime_ns)
    return stats


def _templates(folder: Path, previous: Snapshot | None) -> tuple[jinja2.Environment, dict[str, str]]:
    """The Jinja environment, made (and every template compiled, once) again only when a template changed."""
    sources = read_templates(folder)
    if previous and sources == previous.templates:
        return previous.env, previous.templates
    env = make_environment(folder)
    errors = compile_templates(env, folder)
    if errors:
        raise BuildFailed(errors)
    return env, sources


def read_templates(folder: Path) -> dict[str, str]:
    names = [name for name in jinja2.FileSystemLoader(str(folder)).list_templates() if not name.startswith(".")]
    sources = {}
    for name in names:
        try:
            sources[name] = (folder / name).read_text(encoding="utf-8")
        except UnicodeDecodeError as exc:
            raise BuildFailed([error(str(folder / name), 1, 1, f"template is not valid UTF-8: {exc.reason}")]) from None
    return sources


def _copies(previous: Snapshot | None, static: dict[str, Stat], touched: set[str]) -> tuple[str, ...]:
    old = previous.static if previous else {}
    return tuple(sorted(name for name, stat in static.items() if old.get(name) != stat or name in touched))


def _removed(previous: Snapshot | None, snapshot: Snapshot) -> tuple[str, ...]:
    if previous is None:
        return ()
    before = previous.reads.keys() | previous.static.keys()
    return tuple(sorted(before - snapshot.reads.keys() - snapshot.static.keys()))


def apply(update: Update, out: Path, static_dir: Path) -> tuple[list[str], list[str]]:
    """Write an update into the served folder: only files whose bytes changed. Returns (written, removed)."""
    out.mkdir(parents=True, exist_ok=True)
    expected = update.snapshot.reads.keys() | update.snapshot.static.keys()
    removed = _strays(out, expected) if update.full else list(update.removed)
    for name in removed:
        _remove(out, name)
    written = sync(update.pages, out)
    written += sync({name: (static_dir / name).read_bytes() for name in update.static}, out)
    if not (out / MARKER).is_file():
        (out / MARKER).write_bytes(MARKER_TEXT)
    return written, removed


def _strays(out: Path, expected: set[str]) -> list[str]:
    """Files in the folder that a clean build would not write (left by an older build)."""
    found = []
    for folder, _, files in os.walk(out):
        for file in files:
            name = Path(folder, file).relative_to(out).as_posix()
            if name not in expected and name != MARKER and not name.startswith(KEEP):
                found.append(name)
    return sorted(found)


def _remove(out: Path, name: str) -> None:
    target = out / name
    target.unlink(missing_ok=True)
    for folder in target.parents:  # drop the folders a removed page leaves empty
        if folder == out or not folder.is_relative_to(out) or any(folder.iterdir()):
            break
        folder.rmdir()
