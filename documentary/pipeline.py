"""The one place that knows the order of the stages: load, validate, graph, render, write."""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import MappingProxyType

import jinja2
from markdown_it import MarkdownIt

from . import cards, precompile, record
from .assets import published_names
from .cache import BodyCache, cache_dir, fingerprint
from .dating import from_epoch
from .epub import Kept, Made, downloads, make_books, members_generator
from .errors import BuildFailed, ContentError, error
from .gallery import Gallery, ImageCache, Photo, encode_in_memory, gather, produce
from .graph import Site, build_graph
from .load import ParseMemo, display_path, list_static, load_content
from .markdown import make_parser
from .memo import IdentityMemo
from .models import CheckMemo, normalise_base_url, validate
from .parallel import paused_gc
from .parsing import compile_bodies
from .reads import Digests, Replay
from .render import Renderer, compile_templates, make_environment, make_renderer, render_pages
from .reuse import NodeMemo
from .revisions import read_revisions
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
    git_dates: bool = True  # date pages by their commits when the content folder is in a (full) git clone
    fingerprint: bool = True  # CSS and JS under content-hash names (cacheable forever); serve turns it off


@dataclass(frozen=True)
class Result:
    site: Site
    pages: Mapping[str, bytes]  # read-only, like books and assets
    static_files: tuple[str, ...]
    warnings: tuple[ContentError, ...] = field(default=())
    reused: tuple[str, ...] = ()  # pages linked unchanged from the previous output, not rendered
    rendered_members: tuple[str, ...] = ()  # the books' members rendered ("<book>/<href>"); the rest were kept
    books: Mapping[str, bytes] = field(default_factory=lambda: MappingProxyType({}))  # output name -> EPUB
    assets: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))  # static name -> published
    gallery: Gallery = field(default=Gallery())
    share_cards: tuple[cards.Card, ...] = ()  # the share cards the pages show (reused ones too), drawn by `build`


def _quiet(stage: str, count: int, seconds: float) -> None:
    pass


@dataclass(frozen=True)
class Memo:
    """What the dev server keeps between rebuilds, besides the body cache: parsed and validated files."""

    parsed: ParseMemo = field(default_factory=ParseMemo)
    checked: CheckMemo = field(default_factory=CheckMemo)
    nodes: NodeMemo = field(default_factory=NodeMemo)
    graph: IdentityMemo = field(default_factory=IdentityMemo)  # the parts of linking done per body or file


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
    options: Options,
    progress: Progress = _quiet,
    cache: BodyCache | None = None,
    memo: Memo | None = None,
    images: ImageCache | None = None,
    fresh: frozenset[Path] = frozenset(),
) -> Prepared:
    """Load, validate and link the content, then find and check its images; raise BuildFailed with all problems.

    Bodies found in `cache` are not parsed again; keep one BodyCache across rebuilds to skip the disk too,
    and one Memo to skip reading, parsing, validating and linking again what did not change (`fresh`: the
    files just saved, read again whatever their stat says). Images whose header `images` remembers (by path,
    size and time) are not read again.
    """
    started = time.perf_counter()
    raw = load_content(options.content, memo.parsed if memo else None, fresh)
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
    bodies = compile_bodies(md, content, translations, cache, options.workers)
    progress("parse", len(bodies), _since(started))
    started = time.perf_counter()
    revisions = _revisions(options) if options.git_dates else {}
    epoch = from_epoch(os.environ.get("SOURCE_DATE_EPOCH", ""))
    site, graph_problems = build_graph(
        content,
        bodies,
        static_files,
        display_path(options.static),
        revisions=revisions,
        epoch=epoch,
        translations=translations,
        memo=memo.graph if memo else None,
    )
    problems += graph_problems
    if memo is not None:
        site = memo.nodes.site(site)
    progress("graph", len(site.outputs), _since(started))
    started = time.perf_counter()
    gallery, image_problems = _gather(site, options.content, images or ImageCache())
    problems += image_problems
    progress("images", len(gallery.photos), _since(started))
    errors, warnings = _split(problems, options.strict)
    if errors:
        raise BuildFailed(errors)
    return Prepared(site, md, static_files, tuple(warnings), gallery, palette_of(options.static))


def _gather(site: Site, content: Path, images: ImageCache) -> tuple[Gallery, list[ContentError]]:
    """The pictures of every language's pages in one gallery: a file two editions show is one photo to
    encode, and each language's credits page lists the photos its own pages show, in its own words.

    A translated mission's `image:` block is its original's file and credit with the translation's alt and
    caption: it is found by the original's path, as the renderer looks it up, and a problem with it is the
    original's problem, reported once."""
    photos: dict[Path, Photo] = {}
    by_ref: dict[str, dict[str, Path]] = {}
    editions: dict[str, tuple[Photo, ...]] = {}
    problems: list[ContentError] = []
    for edition in site.editions:
        gallery, found = gather(edition, content, images, None if edition is site else site)
        problems += found
        editions[edition.language] = gallery.photos
        for photo in gallery.photos:
            photos.setdefault(photo.path, photo)
        for named_in, table in gallery.by_ref.items():
            by_ref.setdefault(named_in, {}).update((src, photo.path) for src, photo in table.items())
    frozen = MappingProxyType(
        {path: MappingProxyType({src: photos[p] for src, p in table.items()}) for path, table in by_ref.items()}
    )
    return Gallery(tuple(photos[path] for path in sorted(photos)), frozen, MappingProxyType(editions)), problems


def palette_of(static: Path) -> cards.Palette:
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
    prepared = prepare(options, progress, cache, images=images)
    started = time.perf_counter()
    env = make_environment(options.templates)
    books = _books(prepared, options, progress, env).books
    assets = published_names(options.static, prepared.static_files, options.fingerprint)
    renderer = _renderer(prepared, options, assets, env, downloads(books))
    pages, render_errors, reads = render_pages(renderer, renderer.jobs(), options.workers)
    if render_errors:
        raise BuildFailed(render_errors)
    progress("render", len(pages), _since(started))
    shown = renderer.share_cards(reads)
    return Result(
        prepared.site,
        MappingProxyType(pages),
        prepared.static_files,
        prepared.warnings,
        books=MappingProxyType(books),
        assets=assets,
        gallery=prepared.gallery,
        share_cards=shown,
    )


NO_BOOKS = Made(MappingProxyType({}), MappingProxyType({}), MappingProxyType({}), ())


def _books(
    prepared: Prepared,
    options: Options,
    progress: Progress,
    env: jinja2.Environment,
    kept: Kept | None = None,
    digests: Digests | None = None,
) -> Made:
    """Every language's EPUB, unless switched off or the templates have none (a folder without epub/);
    broken templates are left for the page renderer to report. `env`: the pages' environment (Jinja
    compiles each template once per environment: 40 templates cost about half a second). `kept`: the
    members the last build recorded, reused where their reads answer the same; the count shown is of the
    members rendered."""
    if not options.ebook or not (options.templates / "epub").is_dir():
        return NO_BOOKS
    if compile_templates(env, options.templates):
        return NO_BOOKS
    started = time.perf_counter()
    site, md, gallery = prepared.site, prepared.md, prepared.gallery
    made, errors = make_books(site, md, options.templates, env, gallery, kept or Kept(), digests, options.workers)
    if errors:
        raise BuildFailed(errors)
    progress("ebook", len(made.rendered), _since(started))
    return made


def _renderer(
    prepared: Prepared,
    options: Options,
    assets: Mapping[str, str],
    env: jinja2.Environment,
    downloads: dict | None = None,
) -> Renderer:
    renderer, errors = make_renderer(
        prepared.site,
        prepared.md,
        options.templates,
        None,
        downloads,
        assets=assets,
        gallery=prepared.gallery,
        palette=prepared.palette,
        env=env,
    )
    if renderer is None:
        raise BuildFailed(errors)
    return renderer


@paused_gc()  # the records, the kept members and the books allocate as much as parsing: no cycles to find
def build(options: Options, out: Path, protected: list[Path], progress: Progress = _quiet) -> Result:
    """Check, then write the site to `out` (and index it for search) without losing the old one.

    Pages whose recorded reads all answer the same as last time, and whose file in `out` is unchanged,
    are linked from there instead of rendered (documentary/record.py); so are the books' members, kept in the
    cache folder, and each book is packed again from them (documentary/epub.py)."""
    check_output_dir(out, protected, sources=(options.content, options.templates, options.static))
    folder = options.cache or cache_dir(out)
    cache, images = BodyCache.open(folder), ImageCache.open(folder / "img")
    prepared, env = _prepare_and_compile(options, progress, cache, images, _compiled(folder))
    generator = fingerprint(prepared.md)
    digests = Digests(cache.digests())  # one per build: the books and the pages read many of the same values
    last = record.read(folder, members_generator(generator), out, options.templates, record.MEMBERS)
    kept = Kept(last, record.stored(folder) if last else {})
    made = _books(prepared, options, progress, env, kept, digests)
    books = made.books
    started = time.perf_counter()
    assets = published_names(options.static, prepared.static_files, options.fingerprint)
    renderer = _renderer(prepared, options, assets, env, downloads(books))
    recorded = record.read(folder, generator, out, options.templates)
    jobs = renderer.jobs()
    renderer.digests = digests
    replay = Replay(renderer.answer, renderer.digests)
    reused = tuple(o for o in sorted(jobs) if o in recorded and _still(recorded[o], replay, out, o))
    pages, render_errors, reads = render_pages(renderer, sorted(set(jobs) - set(reused)), options.workers)
    if render_errors:
        raise BuildFailed(render_errors)
    progress("render", len(pages), _since(started))
    entries = {o: record.Entry(record.sha256(data), reads[o]) for o, data in pages.items()}
    entries |= {o: recorded[o] for o in reused}
    shown = renderer.share_cards({o: entry.reads for o, entry in entries.items()})
    result = Result(
        prepared.site,
        MappingProxyType(pages),
        prepared.static_files,
        prepared.warnings,
        reused=reused,
        rendered_members=made.rendered,
        books=books,
        assets=assets,
        gallery=prepared.gallery,
        share_cards=shown,
    )
    written, files = _pictures(result, folder, images, options.workers, progress)
    started = time.perf_counter()
    finish = None
    if options.search:
        finish = lambda folder: _index(folder, search_language(result.site), progress)  # noqa: E731
    try:
        removed = write_site(written, options.static, result.static_files, out, finish, result.assets, files, reused)
    except SearchUnavailable as exc:
        raise BuildFailed([error(str(out), 1, 1, str(exc))]) from None
    except OSError as exc:
        raise BuildFailed([error(str(out), 1, 1, f"cannot write the site: {exc.strerror or exc}")]) from None
    made_for = (str(out.resolve()), str(options.templates.resolve()))
    try:
        record.write(folder, record.Record(generator, *made_for, entries))
        record.keep(
            folder, made.fresh, {entry.sha256 for entry in made.members.values()}, kept.stored
        )  # before their record
        members = record.Record(members_generator(generator), *made_for, dict(made.members))
        record.write(folder, members, record.MEMBERS)
    finally:
        removed()
    progress("write", len(written) + len(files) + len(reused) + len(result.static_files), _since(started))
    return result


def _prepare_and_compile(
    options: Options, progress: Progress, cache: BodyCache, images: ImageCache, compiled: Path | None
) -> tuple[Prepared, jinja2.Environment]:
    """The content, ready to render, and the templates compiled: on the other core while the content is read
    (documentary/precompile.py), the rest here, from the other end."""
    compiling = precompile.start(options.templates, compiled)
    try:
        try:
            prepared = prepare(options, progress, cache, images=images)
        finally:
            cache.save()  # entries are keyed by their input, so even a failed build's are good next time
            images.save()
        env = make_environment(options.templates, compiled)
        compile_templates(env, options.templates)  # the stages report what fails
    finally:
        compiling.stop()
    return prepared, env


def _pictures(
    result: Result, folder: Path, images: ImageCache, workers: int, progress: Progress
) -> tuple[dict[str, bytes], dict[str, Path]]:
    """The pages and books in memory, and the encoded pictures and share cards (on disk in the cache, or in
    memory when the cache cannot be written)."""
    started = time.perf_counter()
    written, files = {**result.pages, **result.books}, {}
    if _usable(folder / "img"):
        files, image_errors = produce(result.gallery, images, workers)
    else:  # a cache that cannot be written costs time, never the build
        encoded, image_errors = encode_in_memory(result.gallery)
        written |= encoded
    if image_errors:
        raise BuildFailed(image_errors)
    progress("encode", len(result.gallery.variants), _since(started))
    started = time.perf_counter()
    try:
        files |= cards.produce(result.share_cards, folder / "cards", workers)
    except OSError:  # the cache folder cannot hold them: draw them for this build only
        written |= {card.name: card.render() for card in result.share_cards}
    progress("cards", len(result.share_cards), _since(started))
    return written, files


def _revisions(options: Options) -> dict:
    """Git's dates by file path as problems name it (content/chapters/01-origins.md), as the graph looks them up."""
    return {display_path(options.content / name): rev for name, rev in read_revisions(options.content).items()}


def _usable(folder: Path) -> bool:
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return False
    return folder.is_dir()


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
