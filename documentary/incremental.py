"""Incremental rebuilds for the dev server: render again only the pages whose inputs changed.

What a page depends on is what it read the last time it was rendered: `render` notes every read of
the site, every reference a body resolved and every template loaded, each with a digest of its value
(documentary/reads.py). After a change the content is loaded and linked again and each page's reads
are asked of the new build; a page is rendered again when any answer differs, so the served folder
always holds what a clean build would write, whatever a template or a context builder starts to read.
A stylesheet's change renames it (fingerprinted assets): the pages that name it asked `asset` for it, so
they render again; pictures and share cards come from the cache folder, or are drawn in memory without one.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

import jinja2

from . import cards
from .assets import published_names
from .cache import BodyCache
from .errors import BuildFailed, error
from .gallery import Gallery, ImageCache, encode_in_memory, produce
from .graph import Site
from .load import display_path
from .pack import store
from .pipeline import Memo, Options, Prepared, Progress, palette_of, prepare
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
    assets: Mapping[str, str] = field(default_factory=dict)  # static file -> its published (fingerprinted) name
    share_cards: tuple[cards.Card, ...] = ()  # the share cards the pages show

    def published(self) -> set[str]:
        return {self.assets.get(name, name) for name in self.static}


@dataclass(frozen=True, eq=False)
class Update:
    """What a rebuild produced; `apply` puts it on disk."""

    snapshot: Snapshot
    pages: dict[str, bytes]
    static: tuple[str, ...]  # static files to copy
    removed: tuple[str, ...]  # outputs of the previous build that are gone
    full: bool  # first build: anything else in the folder is stale too
    files: dict[str, Path] = field(default_factory=dict)  # pictures and share cards, cached on disk


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
    return start(options, previous, touched, progress, cache, memo).finish()


def start(
    options: Options,
    previous: Snapshot | None,
    touched: Iterable[Path] = (),
    progress: Progress | None = None,
    cache: BodyCache | None = None,
    memo: Memo | None = None,
) -> Rebuild:
    """The first half of a rebuild: load and link the content again and render the pages of the files just
    saved (`Rebuild.first`), which are the pages the author is looking at; `finish` does the rest."""
    progress = progress or (lambda stage, count, seconds: None)
    touched = {path.resolve() for path in touched}
    content = _scan(options.content)
    static = _scan(options.static)
    folder = (cache.folder if cache is not None else None) or options.cache
    images = ImageCache.open(folder / "img") if folder else None
    prepared = _prepared(options, previous, content, static, touched, progress, cache, memo, images)
    env, templates = _templates(options.templates, previous)
    started = time.perf_counter()
    assets = published_names(options.static, sorted(static), options.fingerprint)
    renderer = Renderer(
        prepared.site,
        prepared.md,
        options.templates,
        env,
        assets=assets,
        gallery=prepared.gallery,
        palette=prepared.palette,
    )
    if renderer.errors:
        raise BuildFailed(renderer.errors)
    known = {**(previous.memo if previous else {}), **(cache.digests() if cache else {})}
    renderer.digests = Digests(known)  # bodies stand for themselves by their cache key; the rest, once a session
    jobs = renderer.jobs()
    own = [output for output in own_pages(prepared.site, touched) if output in jobs] if previous else []
    first = renderer.render(own)
    if renderer.errors:
        raise BuildFailed(renderer.errors)
    state = _State(options, previous, touched, progress, images, prepared, env, templates, content, static, assets)
    return Rebuild(state, renderer, first, started)


def own_pages(site: Site, touched: set[Path]) -> list[str]:
    """The pages made from the content files in `touched` (a chapter's page, a mission's page), every language."""
    names = {display_path(path) for path in touched}  # as the nodes name their files
    found = []
    for edition in site.editions:
        for node in edition.chapters + edition.pages:
            if node.doc.file.path in names:
                found.append(edition.prefix + node.url + "index.html")
        for mission in edition.missions:
            if mission.doc.doc.path in names:
                found.append(edition.prefix + mission.url + "index.html")
    return found


@dataclass(frozen=True, eq=False)
class _State:
    """What the first half of a rebuild found, for the second."""

    options: Options
    previous: Snapshot | None
    touched: set[Path]
    progress: Progress
    images: ImageCache | None
    prepared: Prepared
    env: jinja2.Environment
    templates: dict[str, str]
    content: dict[str, Stat]
    static: dict[str, Stat]
    assets: Mapping[str, str]


@dataclass(frozen=True, eq=False)
class Rebuild:
    """A rebuild half done: `first` holds the saved files' own pages, already rendered from the new site."""

    state: _State
    renderer: Renderer
    first: dict[str, bytes]
    started: float

    def finish(self, stop: Callable[[], bool] = lambda: False) -> Update:
        """Render every other page whose reads changed; the Update holds the first pages too.

        `stop()` turning true (a newer save is waiting) ends the work early, between two pages: the pages
        not yet looked at keep what they read when they were last rendered, so the next rebuild compares
        them with its own site and renders those that are stale by then. A new page not yet rendered is
        left out (the next rebuild renders it)."""
        state, renderer = self.state, self.renderer
        options, previous, prepared = state.options, state.previous, state.prepared
        jobs = renderer.jobs()
        old = previous.reads if previous else {}
        replay = Replay(renderer.answer, renderer.digests)
        pages = {**self.first, **renderer.render(stale(old, jobs, replay, set(self.first), stop), stop)}
        if renderer.errors:
            raise BuildFailed(renderer.errors)
        state.progress("render", len(pages), time.perf_counter() - self.started)
        reads = {output: found for output in jobs if (found := renderer.reads.get(output) or old.get(output))}
        shown = renderer.share_cards(reads)
        if state.images is not None:
            files = _pictures(prepared.gallery, shown, state.images)
        else:  # no cache folder to keep them in: encode and draw in memory what was not published before
            files = {}
            done = {p.picture for p in previous.prepared.gallery.photos} if previous else set()
            drawn = {card.name for card in previous.share_cards} if previous else set()
            pages |= _pictures_in_memory(prepared.gallery, tuple(c for c in shown if c.name not in drawn), done)
        kept = renderer.digests.kept()
        snapshot = Snapshot(
            prepared, state.env, state.templates, reads, state.content, state.static, kept, state.assets, shown
        )
        copies = _copies(previous, state.static, _under(options.static, state.touched))
        return Update(snapshot, pages, copies, _removed(previous, snapshot), previous is None, files)


def _pictures_in_memory(gallery: Gallery, shown: tuple[cards.Card, ...], done: set) -> dict[str, bytes]:
    """The pictures not published before (`done`), and the cards not drawn before."""
    found, problems = encode_in_memory(gallery, done)
    if problems:
        raise BuildFailed(problems)
    return found | {card.name: card.render() for card in shown}


def _pictures(gallery: Gallery, shown: tuple[cards.Card, ...], images: ImageCache) -> dict[str, Path]:
    """The encoded pictures and the pages' share cards, from (or into) the cache.

    One process: forking beside the server's threads risks a deadlocked worker."""
    files, problems = produce(gallery, images, workers=1)
    images.save()
    if problems:
        raise BuildFailed(problems)
    assert images.folder is not None
    folder = images.folder.parent / "cards"
    folder.mkdir(parents=True, exist_ok=True)
    for card in shown:
        target = folder / card.name.removeprefix("img/cards/")
        if not target.is_file():
            store(target, card.render())
        files[card.name] = target
    return files


def stale(
    reads: Mapping[str, Reads], jobs: Mapping[str, Job], replay: Replay, done: set[str], stop: Callable[[], bool]
) -> Iterator[str]:
    """The outputs to render, as they are found: those never rendered, and those for which something they
    read has changed, except those `done` already; none once `stop()` is true."""
    for output in sorted(jobs):
        if stop():
            return
        if output not in done and (output not in reads or replay.changed(reads[output])):
            yield output


def _prepared(
    options: Options, previous: Snapshot | None, content, static, touched, progress, cache, memo, images
) -> Prepared:
    """Load and link the content again unless only templates or the bytes of static files changed (the share
    cards' colours are read again from the stylesheet then)."""
    if (
        previous is None
        or content != previous.content
        or _under(options.content, touched)
        or static.keys() != previous.static.keys()  # a new static file may collide with a page
    ):
        return prepare(options, progress, cache, memo, images, frozenset(touched))
    if static != previous.static:
        return replace(previous.prepared, palette=palette_of(options.static))
    return previous.prepared


def _under(folder: Path, paths: set[Path]) -> set[str]:
    """The names, relative to `folder`, of the paths inside it."""
    folder = folder.resolve()
    return {path.relative_to(folder).as_posix() for path in paths if path.is_relative_to(folder)}


def _scan(folder: Path) -> dict[str, Stat]:
    """Every file under `folder`, relative to it, with its stat, sorted by name (scandir on strings: pathlib
    cost 30 ms for 1,100 files). Taken before the files are read, so a save that lands in between is seen by
    the next rebuild. The folder's hidden files are listed too: the loader decides what it reads."""
    found: dict[str, Stat] = {}

    def walk(path: str, prefix: str) -> None:
        with contextlib.suppress(FileNotFoundError, NotADirectoryError), os.scandir(path) as entries:
            for entry in entries:
                with contextlib.suppress(FileNotFoundError):  # deleted since it was listed: the watcher will say so
                    if entry.is_dir(follow_symlinks=False):  # as os.walk: a link to a folder may loop
                        walk(entry.path, prefix + entry.name + "/")
                    elif entry.is_file(follow_symlinks=True):
                        info = entry.stat()
                        found[prefix + entry.name] = (info.st_size, info.st_mtime_ns)

    walk(os.fspath(folder), "")
    return dict(sorted(found.items()))


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
    return tuple(sorted(_published(previous) - _published(snapshot)))


def _published(snapshot: Snapshot) -> set[str]:
    """Every file a build made: pages, static files (by their published names), share cards and pictures."""
    shown = {card.name for card in snapshot.share_cards}
    pictures = {variant.name for variant in snapshot.prepared.gallery.variants}
    return snapshot.reads.keys() | snapshot.published() | shown | pictures


def apply(update: Update, out: Path, static_dir: Path) -> tuple[list[str], list[str]]:
    """Write an update into the served folder: only files whose bytes changed. Returns (written, removed)."""
    out.mkdir(parents=True, exist_ok=True)
    expected = _published(update.snapshot)
    removed = _strays(out, expected) if update.full else list(update.removed)
    for name in removed:
        _remove(out, name)
    written = sync(update.pages, out)
    assets = update.snapshot.assets
    written += sync({name: path.read_bytes() for name, path in update.files.items() if _differs(out / name, path)}, out)
    written += sync({assets.get(name, name): (static_dir / name).read_bytes() for name in update.static}, out)
    if not (out / MARKER).is_file():
        (out / MARKER).write_bytes(MARKER_TEXT)
    return written, removed


def _differs(target: Path, source: Path) -> bool:
    """Pictures are named after their content: one already in place with the same size is the same file."""
    try:
        return target.stat().st_size != source.stat().st_size
    except OSError:
        return True


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
