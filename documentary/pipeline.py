"""The one place that knows the order of the stages: load, validate, graph, render, write."""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import MappingProxyType

from markdown_it import MarkdownIt

from . import cards
from .assets import published_names
from .cache import BodyCache, cache_dir, compile_all
from .dating import from_epoch
from .errors import BuildFailed, ContentError, error
from .gallery import Gallery, ImageCache, encode_in_memory, gather, produce
from .graph import Site, build_graph
from .load import display_path, list_static, load_content
from .markdown import make_parser
from .models import normalise_base_url, validate
from .parallel import paused_gc
from .render import render_site
from .revisions import read_revisions
from .search import SearchUnavailable, index_site
from .write import check_output_dir, write_site

Progress = Callable[[str, int, float], None]


@dataclass(frozen=True)
class Options:
    content: Path
    templates: Path
    static: Path
    base_url: str | None = None
    strict: bool = False
    search: bool = True
    workers: int = 0  # processes for parsing and rendering; 0: every core when the site is big enough
    cache: Path | None = None  # compiled-body cache folder; `build` defaults to <out>.cache
    git_dates: bool = True  # date pages by their commits when the content folder is in a (full) git clone


@dataclass(frozen=True)
class Result:
    site: Site
    pages: dict[str, bytes]
    static_files: tuple[str, ...]
    warnings: tuple[ContentError, ...] = field(default=())
    assets: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))  # static name -> published
    gallery: Gallery = field(default=Gallery())
    share_cards: tuple[cards.Card, ...] = ()  # the share cards the pages show, drawn by `build`


def _quiet(stage: str, count: int, seconds: float) -> None:
    pass


@dataclass(frozen=True)
class Prepared:
    """The linked site before rendering: what `check` renders and what the dev server re-renders from."""

    site: Site
    md: MarkdownIt
    static_files: tuple[str, ...]
    warnings: tuple[ContentError, ...]
    gallery: Gallery = field(default=Gallery())
    palette: cards.Palette = field(default=cards.Palette())


@paused_gc()  # the dev server calls prepare directly: its rebuilds parse faster this way too
def prepare(
    options: Options, progress: Progress = _quiet, cache: BodyCache | None = None, images: ImageCache | None = None
) -> Prepared:
    """Load, validate and link the content, then find and check its images; raise BuildFailed with all problems.

    Bodies found in `cache` are not parsed again; keep one BodyCache across rebuilds to skip the disk too.
    Images whose header `images` remembers (by path, size and time) are not read again.
    """
    started = time.perf_counter()
    raw = load_content(options.content)
    progress("load", len(raw.chapters) + len(raw.missions) + len(raw.pages), _since(started))
    started = time.perf_counter()
    content, problems = validate(raw)
    if content is None:
        raise BuildFailed(problems)
    if options.base_url:
        content = _with_base_url(content, options.base_url, problems)
    progress("validate", len(content.missions) + len(content.chapters), _since(started))
    started = time.perf_counter()
    static_files = list_static(options.static)
    md = make_parser(content.site.allow_html)
    parse_all = lambda jobs: compile_all(md, jobs, cache, options.workers)  # noqa: E731
    revisions = _revisions(options) if options.git_dates else {}
    epoch = from_epoch(os.environ.get("SOURCE_DATE_EPOCH", ""))
    site, graph_problems = build_graph(
        content, md, static_files, parse_all, display_path(options.static), revisions, epoch
    )
    problems += graph_problems
    progress("graph", len(site.outputs), _since(started))
    started = time.perf_counter()
    gallery, image_problems = gather(site, options.content, images or ImageCache())
    problems += image_problems
    progress("images", len(gallery.photos), _since(started))
    errors, warnings = _split(problems, options.strict)
    if errors:
        raise BuildFailed(errors)
    return Prepared(site, md, static_files, tuple(warnings), gallery, _palette(options.static))


def _palette(static: Path) -> cards.Palette:
    """The share cards' colours come from the site's stylesheet, when it has one."""
    try:
        return cards.palette((static / "css" / "site.css").read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError):
        return cards.Palette()


@paused_gc()
def check(
    options: Options,
    progress: Progress = _quiet,
    cache: BodyCache | None = None,
    images: ImageCache | None = None,
) -> Result:
    """Run every stage but writing (pictures and share cards are checked, not drawn); raise BuildFailed
    with all problems found."""
    prepared = prepare(options, progress, cache, images)
    started = time.perf_counter()
    assets = published_names(options.static, prepared.static_files)
    pages, render_errors, shown = render_site(
        prepared.site, prepared.md, options.templates, options.workers, assets, prepared.gallery, prepared.palette
    )
    if render_errors:
        raise BuildFailed(render_errors)
    progress("render", len(pages), _since(started))
    return Result(prepared.site, pages, prepared.static_files, prepared.warnings, assets, prepared.gallery, shown)


def build(options: Options, out: Path, protected: list[Path], progress: Progress = _quiet) -> Result:
    """Check, then write the site to `out` (and index it for search) without losing the old one."""
    check_output_dir(out, protected, sources=(options.content, options.templates, options.static))
    folder = options.cache or cache_dir(out)
    cache, images = BodyCache.open(folder), ImageCache.open(folder / "img")
    try:
        result = check(options, progress, cache, images)
    finally:
        cache.save()  # entries are keyed by their input, so even a failed build's are good next time
        images.save()
    started = time.perf_counter()
    pages, files = dict(result.pages), {}
    if _usable(folder / "img"):
        files, image_errors = produce(result.gallery, images, options.workers)
    else:  # a cache that cannot be written costs time, never the build
        encoded, image_errors = encode_in_memory(result.gallery)
        pages |= encoded
    if image_errors:
        raise BuildFailed(image_errors)
    progress("encode", len(result.gallery.variants), _since(started))
    started = time.perf_counter()
    try:
        files |= cards.produce(result.share_cards, folder / "cards", options.workers)
    except OSError:  # the cache folder cannot hold them: draw them for this build only
        pages |= {card.name: card.render() for card in result.share_cards}
    progress("cards", len(result.share_cards), _since(started))
    started = time.perf_counter()
    finish = None
    if options.search:
        finish = lambda folder: _index(folder, result.site.config.language, progress)  # noqa: E731
    try:
        write_site(pages, options.static, result.static_files, out, finish, result.assets, files)
    except SearchUnavailable as exc:
        raise BuildFailed([error(str(out), 1, 1, str(exc))]) from None
    except OSError as exc:
        raise BuildFailed([error(str(out), 1, 1, f"cannot write the site: {exc.strerror or exc}")]) from None
    progress("write", len(pages) + len(files) + len(result.static_files), _since(started))
    return result


def _revisions(options: Options) -> dict:
    """Git's dates by file path as problems name it (content/chapters/01-origins.md), as the graph looks them up."""
    return {display_path(options.content / name): rev for name, rev in read_revisions(options.content).items()}


def _usable(folder: Path) -> bool:
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return False
    return folder.is_dir()


def _index(folder: Path, language: str, progress: Progress) -> None:
    started = time.perf_counter()
    count = index_site(folder, language)
    progress("search", count, _since(started))


def _with_base_url(content, base_url: str, problems: list[ContentError]):
    try:
        url = normalise_base_url(base_url)
    except ValueError as exc:
        problems.append(error("--base-url", 1, 1, str(exc)))
        return content
    return replace(content, site=content.site.model_copy(update={"base_url": url}))


def _split(problems: list[ContentError], strict: bool) -> tuple[list[ContentError], list[ContentError]]:
    if strict:
        return [ContentError(p.source, p.message) for p in problems], []
    return [p for p in problems if p.severity == "error"], [p for p in problems if p.severity != "error"]


def _since(started: float) -> float:
    return time.perf_counter() - started
