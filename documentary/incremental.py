"""Incremental rebuilds for the dev server: render again only the pages whose inputs changed.

A page's inputs are its template (with every template it extends, includes or imports), the fields of
the site graph those templates read (`site.chapters`, `site.missions`, ... found in their syntax trees),
and its own context: its node, the missions its Markdown prints, and for a mission page its neighbours
and launch window. After a change the content is loaded and linked again; a page is rendered again when
any of its inputs differs (==, on the frozen graph) from the last good build's, so the served folder
always holds what a clean build would write.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import os
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import jinja2
from jinja2 import nodes

from . import cards
from .assets import published_names
from .cache import BodyCache, store
from .errors import BuildFailed, error
from .feeds import SERIES
from .gallery import Gallery, ImageCache, encode_in_memory, produce
from .graph import Site
from .load import list_static
from .markdown import Doc
from .pipeline import Options, Prepared, Progress, prepare
from .render import PageResolver, Renderer, Urls, compile_templates, make_environment
from .write import MARKER, MARKER_TEXT, sync

SITE_FIELDS = frozenset(f.name for f in dataclasses.fields(Site))
SITE_METHODS = {"mission": "missions"}  # Site methods a template may call, and the field each reads
WIKILINKS = ("mission", "fact", "count")  # [[...]] kinds: what they print comes from mission data
ORDERED = frozenset({"chapters", "pages", "missions"})  # fields whose nodes have URLs, in order
KEEP = ("pagefind/",)  # written by the search indexer, not by a rebuild
Stat = tuple[int, int]  # (size, mtime_ns)


@dataclass(frozen=True)
class Templates:
    """Every template's source and what each one depends on."""

    sources: dict[str, str]
    uses: dict[str, frozenset[str]]  # template -> the templates it needs, itself included
    reads: dict[str, frozenset[str] | None]  # template -> Site fields it reads; None: the whole site


@dataclass(frozen=True, eq=False)
class Snapshot:
    """The last good build: what the next rebuild compares against."""

    prepared: Prepared
    env: jinja2.Environment
    templates: Templates
    inputs: dict[str, tuple]  # output -> its context inputs (see page_inputs)
    content: dict[str, Stat]  # content file -> its stat when it was read
    static: dict[str, Stat]  # static file -> its stat when it was copied
    assets: Mapping[str, str]  # static file -> the name it is published under (fingerprinted CSS and JS)
    share_cards: dict[str, cards.Card] = dataclasses.field(default_factory=dict)  # output -> its share card

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
    files: dict[str, Path] = dataclasses.field(default_factory=dict)  # pictures and share cards, cached on disk


def rebuild(
    options: Options,
    previous: Snapshot | None,
    touched: Iterable[Path] = (),
    progress: Progress | None = None,
    cache: BodyCache | None = None,
) -> Update:
    """Build again since `previous` (None: from scratch); raise BuildFailed with every problem.

    Changes are found by comparing file stats and template sources with `previous`; `touched` (the
    watcher's paths) also counts, for a file saved twice within one tick of the file system's clock.
    """
    progress = progress or (lambda stage, count, seconds: None)
    touched = {path.resolve() for path in touched}
    content = _stats(options.content, _files(options.content))
    static = _stats(options.static, list_static(options.static))
    folder = (cache.folder if cache is not None else None) or options.cache
    images = ImageCache.open(folder / "img") if folder else None
    prepared = _prepared(options, previous, content, static, touched, progress, cache, images)
    env, templates, changed = _templates(options.templates, previous)
    started = time.perf_counter()
    assets = published_names(options.static, sorted(static))
    renderer = Renderer(prepared.site, prepared.md, options.templates, env, assets, prepared.gallery, prepared.palette)
    jobs = {output: template for output, (template, _) in renderer.jobs().items()}
    inputs = page_inputs(prepared.site, prepared.gallery)
    inputs = {output: inputs.get(output, ()) for output in jobs}
    todo = stale(previous, prepared.site, jobs, inputs, templates, changed)
    if previous and assets != previous.assets:
        todo = set(jobs)  # every page names the stylesheet and scripts by their fingerprinted names
    pages = renderer.render(sorted(todo))
    if renderer.errors:
        raise BuildFailed(renderer.errors)
    progress("render", len(pages), time.perf_counter() - started)
    kept = {output: card for output, card in (previous.share_cards if previous else {}).items() if output in jobs}
    shown = kept | renderer.cards
    files = _pictures(prepared.gallery, tuple(shown.values()), images) if images else {}
    if images is None:  # no cache folder to keep them in: encode and draw in memory
        done = {p.picture for p in previous.prepared.gallery.photos} if previous else set()
        drawn = {card.name for card in kept.values()}
        new_cards = tuple(card for card in renderer.cards.values() if card.name not in drawn)
        pages |= _pictures_in_memory(prepared.gallery, new_cards, done)
    snapshot = Snapshot(prepared, env, templates, inputs, content, static, assets, shown)
    copies = _copies(previous, static, _under(options.static, touched))
    return Update(snapshot, pages, copies, _removed(previous, snapshot), previous is None, files)


def _pictures_in_memory(gallery: Gallery, shown: tuple[cards.Card, ...], done: set) -> dict[str, bytes]:
    """The pictures not published before (`done`), and the cards not drawn before."""
    found, problems = encode_in_memory(gallery, done)
    if problems:
        raise BuildFailed(problems)
    return found | {card.name: card.render() for card in shown}


def _pictures(gallery: Gallery, shown: tuple[cards.Card, ...], images: ImageCache) -> dict[str, Path]:
    """The encoded pictures and the share cards of the pages rendered again, from (or into) the cache.

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


def _prepared(
    options: Options, previous: Snapshot | None, content, static, touched, progress, cache, images
) -> Prepared:
    """Load and link the content again unless only templates or the bytes of static files changed."""
    if (
        previous is None
        or content != previous.content
        or _under(options.content, touched)
        or static.keys() != previous.static.keys()  # a new static file may collide with a page
    ):
        return prepare(options, progress, cache, images)
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


def _templates(folder: Path, previous: Snapshot | None) -> tuple[jinja2.Environment, Templates, set[str]]:
    """The Jinja environment and template graph, made again only when a template changed."""
    sources = read_templates(folder)
    if previous and sources == previous.templates.sources:
        return previous.env, previous.templates, set()
    env = make_environment(folder)
    errors = compile_templates(env, folder)
    if errors:
        raise BuildFailed(errors)
    old = previous.templates.sources if previous else {}
    changed = {name for name in sources.keys() | old.keys() if sources.get(name) != old.get(name)}
    return env, analyse(env, sources), changed


def read_templates(folder: Path) -> dict[str, str]:
    names = [name for name in jinja2.FileSystemLoader(str(folder)).list_templates() if not name.startswith(".")]
    sources = {}
    for name in names:
        try:
            sources[name] = (folder / name).read_text(encoding="utf-8")
        except UnicodeDecodeError as exc:
            raise BuildFailed([error(str(folder / name), 1, 1, f"template is not valid UTF-8: {exc.reason}")]) from None
    return sources


Unit = tuple[str, str | None]  # (template, macro): a macro's body, or with None the template's own code
EVERYTHING: Unit = ("*", "*")  # a template named by an expression: it may be any of them


@dataclass(frozen=True)
class _Region:
    """One unit's code: the Site fields it reads (None: all of them) and the units it runs."""

    reads: frozenset[str] | None
    needs: frozenset[Unit]


def analyse(env: jinja2.Environment, sources: dict[str, str]) -> Templates:
    """What each template needs, by macro: `{% from "partials/charts.html" import chart_figure %}` depends
    on that macro only, not on the file's other macros."""
    regions: dict[Unit, _Region] = {}
    for name, source in sources.items():
        regions.update(_regions(name, env.parse(source, name)))
    uses, reads = {}, {}
    for name in sources:
        reached = _reach((name, None), regions)
        parts = [regions[unit].reads for unit in reached if unit in regions]
        if EVERYTHING in reached:
            uses[name], reads[name] = frozenset(sources), None
        else:
            uses[name] = frozenset(template for template, _ in reached)
            reads[name] = None if None in parts else frozenset().union(*parts, {"config"})
    return Templates(sources, uses, reads)


def _reach(start: Unit, regions: dict[Unit, _Region]) -> set[Unit]:
    seen, todo = {start}, [start]
    while todo:
        for need in _needs(todo.pop(), regions) - seen:
            seen.add(need)
            todo.append(need)
    return seen


def _needs(unit: Unit, regions: dict[Unit, _Region]) -> set[Unit]:
    if unit == EVERYTHING:
        return set(regions)
    if unit[1] == "*":  # `{% import "x" as m %}`: any macro of x
        return {u for u in regions if u[0] == unit[0]} or {EVERYTHING}
    return set(regions[unit].needs) if unit in regions else {EVERYTHING}  # a missing template: assume the worst


def _regions(name: str, tree: nodes.Template) -> dict[Unit, _Region]:
    macros = {macro.name for macro in tree.find_all(nodes.Macro)}
    imported: dict[str, Unit] = {}  # `{% from "x" import a as b %}`: b -> (x, a)
    for node in tree.find_all(nodes.FromImport):
        for item in node.names:
            source, alias = (item, item) if isinstance(item, str) else item
            imported[alias] = (_const(node.template), source) if _const(node.template) else EVERYTHING
    regions = {(name, None): _region(name, list(_walk(tree)), macros, imported)}
    for macro in tree.find_all(nodes.Macro):
        regions[(name, macro.name)] = _region(name, list(_walk(macro)), macros, imported)
    return regions


def _walk(node: nodes.Node):
    """Every node under `node`, not entering macro definitions (each is a region of its own)."""
    for child in node.iter_child_nodes():
        if not isinstance(child, nodes.Macro):
            yield child
            yield from _walk(child)


def _region(name: str, code: list[nodes.Node], macros: set[str], imported: dict[str, Unit]) -> _Region:
    needs: set[Unit] = set()
    for node in code:
        if isinstance(node, nodes.Name) and node.ctx == "load" and node.name in macros:
            needs.add((name, node.name))
        elif isinstance(node, nodes.Name) and node.ctx == "load" and node.name in imported:
            needs.add(imported[node.name])
        elif isinstance(node, nodes.Extends | nodes.Include | nodes.FromImport | nodes.Import):
            target = _const(node.template)
            needs.add(EVERYTHING if target is None else (target, "*" if isinstance(node, nodes.Import) else None))
    return _Region(site_reads(code), frozenset(needs))


def _const(template: nodes.Expr) -> str | None:
    return template.value if isinstance(template, nodes.Const) and isinstance(template.value, str) else None


def site_reads(code: list[nodes.Node]) -> frozenset[str] | None:
    """The Site fields some code reads as `site.<field>`; None if it uses `site` in any other way.

    `site.chapters | length` and `site.chapters.index(node)` read only the order of the pages
    ("chapters#order"), so editing one chapter's text does not render every other chapter again.
    """
    parents = {id(child): node for node in code for child in node.iter_child_nodes()}
    fields, wrapped = set(), set()
    for node in code:
        if isinstance(node, nodes.Getattr) and isinstance(node.node, nodes.Name) and node.node.name == "site":
            field = SITE_METHODS.get(node.attr, node.attr)
            if field not in SITE_FIELDS:
                return None
            fields.add(f"{field}#order" if field in ORDERED and _order_only(node, parents) else field)
            wrapped.add(id(node.node))
    if any(isinstance(n, nodes.Name) and n.name == "site" and id(n) not in wrapped for n in code):
        return None  # passed whole to a function, a macro or a variable: depend on all of it
    return frozenset(fields)


def _order_only(node: nodes.Getattr, parents: dict[int, nodes.Node]) -> bool:
    parent = parents.get(id(node))
    if isinstance(parent, nodes.Filter) and parent.name == "length" and parent.node is node:
        return True
    call = parents.get(id(parent))
    return (
        isinstance(parent, nodes.Getattr)
        and parent.attr == "index"
        and isinstance(call, nodes.Call)
        and call.node is parent
    )


def changed_fields(site: Site, old: Site) -> set[str]:
    changed = {name for name in SITE_FIELDS if getattr(site, name) != getattr(old, name)}
    return changed | {f"{name}#order" for name in ORDERED & changed if _order(site, name) != _order(old, name)}


def _order(site: Site, name: str) -> tuple[str, ...]:
    return tuple(node.url for node in getattr(site, name))


def page_inputs(site: Site, gallery: Gallery | None = None) -> dict[str, tuple]:
    """Each page's own inputs besides its template; mirrors Renderer.text_context and mission_context,
    and the pictures each page shows (a picture's file can change while the page's text does not)."""
    gallery = gallery or Gallery()
    printed = _printer(site)
    windows = {w.index: w for w in site.windows}
    inputs: dict[str, tuple] = {"credits/index.html": tuple(_shown(p) for p in gallery.photos)}
    pictures = lambda path: tuple(sorted((src, *_shown(p)) for src, p in gallery.for_file(path).items()))  # noqa: E731
    # Built in Python from the nodes, not read by their templates: every chapter and mission, every date.
    feeds = (site.chapters, site.missions)
    for series in SERIES:
        inputs[series.output] = feeds
    inputs["sitemap.xml"] = tuple(node.dates for node in site.chapters + site.pages + site.missions)
    for node in site.chapters + site.pages:
        inputs[node.url + "index.html"] = (node, printed(node.body), pictures(node.doc.file.path))
    order = site.missions
    for i, mission in enumerate(order):
        before = order[i - 1] if i else None
        after = order[i + 1] if i + 1 < len(order) else None
        inputs[mission.url + "index.html"] = (
            mission,
            windows[mission.window],
            before,
            after,
            printed(mission.description),
            pictures(mission.doc.doc.path),
        )
    return inputs


def _shown(photo) -> tuple:
    """What a page prints of a picture: its files and sizes, credit, caption and the pages it names."""
    return (photo.file, photo.picture, photo.credit, photo.caption, photo.alt, photo.pages)


def _printer(site: Site) -> Callable[[Doc | None], tuple]:
    """What a body's [[...]] references print, resolved as the renderer resolves them: a page that names
    a mission renders again when that name (or the fact, or the count) changes, not on every edit of it."""
    resolver = PageResolver(site, Urls(site.config.base_url), ())
    resolve = functools.cache(resolver.wikilink)  # a [[count:...]] is the same on every page

    def printed(body: Doc | None) -> tuple:
        refs = body.refs if body else ()
        words = tuple(resolve(ref.kind, ref.target, ref.detail) for ref in refs if ref.kind in WIKILINKS)
        # a ```flightpath block draws from the whole of each mission's data: its dates, name and events
        drawn = tuple(site.mission(ref.target).data for ref in refs if ref.kind == "flightpath")
        return words + drawn

    return printed


def stale(
    previous: Snapshot | None,
    site: Site,
    jobs: dict[str, str],
    inputs: dict[str, tuple],
    templates: Templates,
    changed_templates: set[str],
) -> set[str]:
    """The outputs to render: all at first, then those with a changed template, site field or context."""
    if previous is None:
        return set(jobs)
    old = previous.prepared.site
    changed = changed_fields(site, old)
    todo = set()
    for output, template in jobs.items():
        reads = templates.reads.get(template)
        if (
            output not in previous.inputs
            or templates.uses.get(template, frozenset(templates.sources)) & changed_templates
            or (changed if reads is None else reads & changed)
            or inputs[output] != previous.inputs[output]
        ):
            todo.add(output)
    return todo


def _copies(previous: Snapshot | None, static: dict[str, Stat], touched: set[str]) -> tuple[str, ...]:
    old = previous.static if previous else {}
    return tuple(sorted(name for name, stat in static.items() if old.get(name) != stat or name in touched))


def _removed(previous: Snapshot | None, snapshot: Snapshot) -> tuple[str, ...]:
    if previous is None:
        return ()
    return tuple(sorted(_published(previous) - _published(snapshot)))


def _published(snapshot: Snapshot) -> set[str]:
    """Every file a build made: pages, static files, share cards and pictures."""
    cards = {card.name for card in snapshot.share_cards.values()}
    pictures = {variant.name for variant in snapshot.prepared.gallery.variants}
    return snapshot.inputs.keys() | snapshot.published() | cards | pictures


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
