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
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import jinja2
from jinja2 import nodes

from .cache import BodyCache
from .errors import BuildFailed, error
from .graph import Site
from .i18n import FOLDER as I18N
from .load import list_static
from .markdown import Doc
from .pipeline import Options, Prepared, Progress, prepare
from .render import PageResolver, Renderer, compile_templates, make_environment
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
) -> Update:
    """Build again since `previous` (None: from scratch); raise BuildFailed with every problem.

    Changes are found by comparing file stats and template sources with `previous`; `touched` (the
    watcher's paths) also counts, for a file saved twice within one tick of the file system's clock.
    """
    progress = progress or (lambda stage, count, seconds: None)
    touched = {path.resolve() for path in touched}
    content = _stats(options.content, _files(options.content))
    static = _stats(options.static, list_static(options.static))
    prepared = _prepared(options, previous, content, static, touched, progress, cache)
    env, templates, changed = _templates(options.templates, previous)
    started = time.perf_counter()
    renderer = Renderer(prepared.site, prepared.md, options.templates, env)
    if renderer.errors:
        raise BuildFailed(renderer.errors)
    languages = {output: job.language for output, job in renderer.jobs().items()}
    jobs = {output: job.template for output, job in renderer.jobs().items()}
    inputs = page_inputs(renderer)
    # a page also changes when another language gains or loses it (hreflang, the switcher, the sitemap)
    linked = {output: renderer.alternates_of(output) for output in jobs} | {"sitemap.xml": renderer.sitemap_entries()}
    inputs = {output: (inputs.get(output, ()), linked[output]) for output in jobs}
    pages = renderer.render(sorted(stale(previous, prepared.site, jobs, inputs, templates, changed, languages)))
    if renderer.errors:
        raise BuildFailed(renderer.errors)
    progress("render", len(pages), time.perf_counter() - started)
    snapshot = Snapshot(prepared, env, templates, inputs, content, static)
    copies = _copies(previous, static, _under(options.static, touched))
    return Update(snapshot, pages, copies, _removed(previous, snapshot), previous is None)


def _prepared(options: Options, previous: Snapshot | None, content, static, touched, progress, cache) -> Prepared:
    """Load and link the content again unless only templates or the bytes of static files changed."""
    if (
        previous is None
        or content != previous.content
        or _under(options.content, touched)
        or static.keys() != previous.static.keys()  # a new static file may collide with a page
    ):
        return prepare(options, progress, cache)
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
    """What differs in one language's edition; the other editions are compared on their own."""
    changed = {name for name in SITE_FIELDS - {"translations"} if getattr(site, name) != getattr(old, name)}
    return changed | {f"{name}#order" for name in ORDERED & changed if _order(site, name) != _order(old, name)}


def _order(site: Site, name: str) -> tuple[str, ...]:
    return tuple(node.url for node in getattr(site, name))


def page_inputs(renderer: Renderer) -> dict[str, tuple]:
    """Each page's own inputs besides its template; mirrors Renderer.text_context and mission_context.

    Every language's pages, each under its own prefix (the edition's strings are compared as a whole
    when a template changes; a changed i18n file counts as a changed template)."""
    inputs: dict[str, tuple] = {}
    for edition in renderer.editions:
        site, prefix = edition.site, edition.site.prefix
        printed = _printer(renderer.resolver(edition))
        windows = {w.index: w for w in site.windows}
        for node in site.chapters + site.pages:
            inputs[prefix + node.url + "index.html"] = (node, printed(node.body))
        order = site.missions
        for i, mission in enumerate(order):
            before = order[i - 1] if i else None
            after = order[i + 1] if i + 1 < len(order) else None
            inputs[prefix + mission.url + "index.html"] = (
                mission,
                windows[mission.window],
                before,
                after,
                printed(mission.description),
            )
    return inputs


def _printer(resolver: PageResolver) -> Callable[[Doc | None], tuple[str, ...]]:
    """What a body's [[...]] references print, resolved as the renderer resolves them: a page that names
    a mission renders again when that name (or the fact, or the count) changes, not on every edit of it."""
    resolve = functools.cache(resolver.wikilink)  # a [[count:...]] is the same on every page

    def printed(body: Doc | None) -> tuple[str, ...]:
        refs = body.refs if body else ()
        return tuple(resolve(ref.kind, ref.target, ref.detail) for ref in refs if ref.kind in WIKILINKS)

    return printed


def stale(
    previous: Snapshot | None,
    site: Site,
    jobs: dict[str, str],
    inputs: dict[str, tuple],
    templates: Templates,
    changed_templates: set[str],
    languages: dict[str, str] | None = None,
) -> set[str]:
    """The outputs to render: all at first, then those with a changed template, site field or context.

    A page is compared with the same language's edition of the last build."""
    if previous is None or any(name.startswith(I18N + "/") for name in changed_templates):
        return set(jobs)
    old_editions = {e.language: e for e in previous.prepared.site.editions}
    changes = {
        e.language: changed_fields(e, old_editions[e.language]) if e.language in old_editions else SITE_FIELDS
        for e in site.editions
    }
    languages = languages or {}
    todo = set()
    for output, template in jobs.items():
        reads = templates.reads.get(template)
        changed = changes.get(languages.get(output, site.language), set(SITE_FIELDS))
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
    before = previous.inputs.keys() | previous.static.keys()
    return tuple(sorted(before - snapshot.inputs.keys() - snapshot.static.keys()))


def apply(update: Update, out: Path, static_dir: Path) -> tuple[list[str], list[str]]:
    """Write an update into the served folder: only files whose bytes changed. Returns (written, removed)."""
    out.mkdir(parents=True, exist_ok=True)
    expected = update.snapshot.inputs.keys() | update.snapshot.static.keys()
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
