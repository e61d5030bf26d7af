"""The one place that knows the order of the stages: load, validate, graph, render, write."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from markdown_it import MarkdownIt

from . import record
from .cache import BodyCache, cache_dir, compile_all, fingerprint
from .epub import downloads, render_books
from .errors import BuildFailed, ContentError, error
from .graph import Site, build_graph
from .load import ParseMemo, display_path, list_static, load_content
from .markdown import make_parser
from .models import CheckMemo, normalise_base_url, validate
from .parallel import paused_gc
from .reads import Digests, Replay
from .render import Renderer, compile_templates, make_environment, make_renderer, render_pages
from .search import SearchUnavailable, index_site
from .translations import translate
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
    ebook: bool = True  # an EPUB per language at the site root
    workers: int = 0  # processes for parsing and rendering; 0: every core when the site is big enough
    cache: Path | None = None  # compiled-body cache folder; `build` defaults to <out>.cache


@dataclass(frozen=True)
class Result:
    site: Site
    pages: dict[str, bytes]
    static_files: tuple[str, ...]
    warnings: tuple[ContentError, ...] = field(default=())
    reused: tuple[str, ...] = ()  # pages linked unchanged from the previous output, not rendered
    books: dict[str, bytes] = field(default_factory=dict)  # output name -> EPUB


def _quiet(stage: str, count: int, seconds: float) -> None:
    pass


@dataclass(frozen=True)
class Memo:
    """What the dev server keeps between rebuilds, besides the body cache: parsed and validated files."""

    parsed: ParseMemo = field(default_factory=ParseMemo)
    checked: CheckMemo = field(default_factory=CheckMemo)


@dataclass(frozen=True)
class Prepared:
    """The linked site before rendering: what `check` renders and what the dev server re-renders from."""

    site: Site
    md: MarkdownIt
    static_files: tuple[str, ...]
    warnings: tuple[ContentError, ...]


@paused_gc()  # the dev server calls prepare directly: its rebuilds parse faster this way too
def prepare(
    options: Options, progress: Progress = _quiet, cache: BodyCache | None = None, memo: Memo | None = None
) -> Prepared:
    """Load, validate and link the content; raise BuildFailed with all problems found.

    Bodies found in `cache` are not parsed again; keep one BodyCache across rebuilds to skip the disk too,
    and one Memo to skip parsing and validating the files that did not change.
    """
    started = time.perf_counter()
    raw = load_content(options.content, memo=memo.parsed if memo else None)
    progress("load", len(raw.chapters) + len(raw.missions) + len(raw.pages), _since(started))
    started = time.perf_counter()
    content, problems = validate(raw, memo.checked if memo else None)
    if options.base_url:
        content = _with_base_url(content, options.base_url, problems)
    translations, translation_problems = translate(content, raw)
    problems += translation_problems
    progress("validate", len(content.missions) + len(content.chapters), _since(started))
    started = time.perf_counter()
    static_files = list_static(options.static)
    md = make_parser(content.site.allow_html)
    parse_all = lambda jobs: compile_all(md, jobs, cache, options.workers)  # noqa: E731
    site, graph_problems = build_graph(content, md, static_files, parse_all, display_path(options.static), translations)
    problems += graph_problems
    progress("graph", len(site.outputs), _since(started))
    errors, warnings = _split(problems, options.strict)
    if errors:
        raise BuildFailed(errors)
    return Prepared(site, md, static_files, tuple(warnings))


@paused_gc()
def check(options: Options, progress: Progress = _quiet, cache: BodyCache | None = None) -> Result:
    """Run every stage but writing; raise BuildFailed with all problems found."""
    prepared = prepare(options, progress, cache)
    started = time.perf_counter()
    books = _books(prepared, options, progress)
    renderer = _renderer(prepared, options, downloads=downloads(books))
    pages, render_errors, _ = render_pages(renderer, renderer.jobs(), options.workers)
    if render_errors:
        raise BuildFailed(render_errors)
    progress("render", len(pages), _since(started))
    return Result(prepared.site, pages, prepared.static_files, prepared.warnings, books=books)


def _books(prepared: Prepared, options: Options, progress: Progress) -> dict[str, bytes]:
    """Every language's EPUB, unless switched off; broken templates are left for the page renderer to report."""
    if not options.ebook or compile_templates(make_environment(options.templates), options.templates):
        return {}
    started = time.perf_counter()
    books, errors = render_books(prepared.site, prepared.md, options.templates)
    if errors:
        raise BuildFailed(errors)
    progress("ebook", len(books), _since(started))
    return books


def _renderer(
    prepared: Prepared, options: Options, compiled: Path | None = None, downloads: dict | None = None
) -> Renderer:
    renderer, errors = make_renderer(prepared.site, prepared.md, options.templates, compiled, downloads)
    if renderer is None:
        raise BuildFailed(errors)
    return renderer


def build(options: Options, out: Path, protected: list[Path], progress: Progress = _quiet) -> Result:
    """Check, then write the site to `out` (and index it for search) without losing the old one.

    Pages whose recorded reads all answer the same as last time, and whose file in `out` is unchanged,
    are linked from there instead of rendered (documentary/record.py)."""
    check_output_dir(out, protected, sources=(options.content, options.templates, options.static))
    folder = options.cache or cache_dir(out)
    cache = BodyCache.open(folder)
    try:
        prepared = prepare(options, progress, cache)
    finally:
        cache.save()  # entries are keyed by their input, so even a failed build's are good next time
    started = time.perf_counter()
    books = _books(prepared, options, progress)
    renderer = _renderer(prepared, options, _compiled(folder), downloads(books))
    generator = fingerprint(prepared.md)
    recorded = record.read(folder, generator, out, options.templates)
    jobs = renderer.jobs()
    renderer.digests = Digests(cache.digests())
    replay = Replay(renderer.answer, renderer.digests)
    with paused_gc():
        reused = tuple(o for o in sorted(jobs) if o in recorded and _still(recorded[o], replay, out, o))
        pages, render_errors, reads = render_pages(renderer, sorted(set(jobs) - set(reused)), options.workers)
    if render_errors:
        raise BuildFailed(render_errors)
    progress("render", len(pages), _since(started))
    result = Result(prepared.site, pages, prepared.static_files, prepared.warnings, reused=reused, books=books)
    started = time.perf_counter()
    finish = None
    if options.search:
        finish = lambda folder: _index(folder, search_language(result.site), progress)  # noqa: E731
    try:
        write_site({**result.pages, **result.books}, options.static, result.static_files, out, finish, reused)
    except SearchUnavailable as exc:
        raise BuildFailed([error(str(out), 1, 1, str(exc))]) from None
    except OSError as exc:
        raise BuildFailed([error(str(out), 1, 1, f"cannot write the site: {exc.strerror or exc}")]) from None
    entries = {o: record.Entry(record.sha256(data), reads[o]) for o, data in pages.items()}
    entries |= {o: recorded[o] for o in reused}
    record.write(folder, record.Record(generator, str(out.resolve()), str(options.templates.resolve()), entries))
    progress("write", len(result.pages) + len(reused) + len(result.static_files), _since(started))
    return result


def _compiled(folder: Path) -> Path | None:
    """Jinja's bytecode cache beside the body cache; none if the folder can't be made."""
    try:
        (folder / "templates").mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    return folder / "templates"


def _still(entry: record.Entry, replay: Replay, out: Path, output: str) -> bool:
    return not replay.changed(entry.reads) and record.unchanged_file(out, output, entry.sha256)


def search_language(site: Site) -> str | None:
    """One language: index everything as it. Several: Pagefind keeps an index per page's <html lang>."""
    return None if site.translations else site.config.language


def _index(folder: Path, language: str | None, progress: Progress) -> None:
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
        return sorted({ContentError(p.source, p.message) for p in problems}), []
    problems = sorted(set(problems))  # an edition's check may repeat the original's
    return [p for p in problems if p.severity == "error"], [p for p in problems if p.severity != "error"]


def _since(started: float) -> float:
    return time.perf_counter() - started
