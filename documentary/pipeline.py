"""The one place that knows the order of the stages: load, validate, graph, render, write."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from markdown_it import MarkdownIt

from .cache import BodyCache, cache_dir, compile_all
from .epub import downloads, render_books
from .errors import BuildFailed, ContentError, error
from .graph import Site, build_graph
from .load import display_path, list_static, load_content
from .markdown import make_parser
from .models import normalise_base_url, validate
from .parallel import paused_gc
from .render import compile_templates, make_environment, render_site
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
    books: dict[str, bytes] = field(default_factory=dict)  # output name -> EPUB


def _quiet(stage: str, count: int, seconds: float) -> None:
    pass


@dataclass(frozen=True)
class Prepared:
    """The linked site before rendering: what `check` renders and what the dev server re-renders from."""

    site: Site
    md: MarkdownIt
    static_files: tuple[str, ...]
    warnings: tuple[ContentError, ...]


@paused_gc()  # the dev server calls prepare directly: its rebuilds parse faster this way too
def prepare(options: Options, progress: Progress = _quiet, cache: BodyCache | None = None) -> Prepared:
    """Load, validate and link the content; raise BuildFailed with all problems found.

    Bodies found in `cache` are not parsed again; keep one BodyCache across rebuilds to skip the disk too.
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
    env = make_environment(options.templates)
    books, book_errors = {}, []
    if options.ebook and not compile_templates(env, options.templates):  # else render_site reports the templates
        books, book_errors = render_books(prepared.site, prepared.md, options.templates, env)
        progress("ebook", len(books), _since(started))
        started = time.perf_counter()
    site, md, workers = prepared.site, prepared.md, options.workers
    pages, render_errors = render_site(site, md, options.templates, workers, downloads(books), env)
    if render_errors or book_errors:
        raise BuildFailed(render_errors or book_errors)
    progress("render", len(pages), _since(started))
    return Result(prepared.site, pages, prepared.static_files, prepared.warnings, books)


def build(options: Options, out: Path, protected: list[Path], progress: Progress = _quiet) -> Result:
    """Check, then write the site to `out` (and index it for search) without losing the old one."""
    check_output_dir(out, protected, sources=(options.content, options.templates, options.static))
    cache = BodyCache.open(options.cache or cache_dir(out))
    try:
        result = check(options, progress, cache)
    finally:
        cache.save()  # entries are keyed by their input, so even a failed build's are good next time
    started = time.perf_counter()
    finish = None
    if options.search:
        finish = lambda folder: _index(folder, search_language(result.site), progress)  # noqa: E731
    try:
        write_site({**result.pages, **result.books}, options.static, result.static_files, out, finish)
    except SearchUnavailable as exc:
        raise BuildFailed([error(str(out), 1, 1, str(exc))]) from None
    except OSError as exc:
        raise BuildFailed([error(str(out), 1, 1, f"cannot write the site: {exc.strerror or exc}")]) from None
    progress("write", len(result.pages) + len(result.static_files), _since(started))
    return result


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
