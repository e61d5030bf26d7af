"""The site graph: every page, its URL, and what links to what. Pure: no templates, no disk."""

from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from types import MappingProxyType

from . import facts, plainwords, sourcecheck
from .bodies import name_headings, names_a_mission
from .dating import Dates, midnight, newest, page_dates
from .errors import ContentError, Source, error, warning
from .feeds import SERIES
from .markdown import Doc, Ref
from .memo import IdentityMemo
from .models import SOURCE_KINDS, Content, MissionDoc, SiteConfig, SourceEntry, TextDoc
from .parsing import Bodies, BodyKey, described, description_key, text_key
from .raw import Located
from .revisions import Revision
from .translations import Translation

SYNODIC_DAYS = 779.94
WINDOW_EPOCH = dt.date(2020, 7, 30)
RESERVED = {"chapters", "missions", "timeline", "sources", "credits", "search", "404", "pagefind", "css", "js", "img"}
WORDS_PER_MINUTE = 220
PLACEHOLDER = re.compile(r"\bTODO\b")
PLACEHOLDER_MESSAGE = "TODO placeholder: replace it before publishing"


@dataclass(frozen=True)
class Citation:
    number: int
    key: str
    entry: SourceEntry


@dataclass(frozen=True)
class Link:
    title: str
    url: str


@dataclass(frozen=True)
class TextNode:
    """A chapter or a page, parsed, with its neighbours and citations."""

    doc: TextDoc
    body: Doc
    url: str
    citations: tuple[Citation, ...]
    prev: Link | None = None
    next: Link | None = None
    dates: Dates | None = None

    @property
    def title(self) -> str:
        return self.doc.meta.title

    @property
    def reading_minutes(self) -> int:
        return max(1, math.ceil(self.body.words / WORDS_PER_MINUTE))


@dataclass(frozen=True)
class MissionNode:
    doc: MissionDoc
    description: Doc | None
    url: str
    window: int
    citations: tuple[Citation, ...]
    backlinks: tuple[Link, ...]
    dates: Dates | None = None

    @property
    def slug(self) -> str:
        return self.doc.slug

    @property
    def data(self):
        return self.doc.data


@dataclass(frozen=True)
class Window:
    """One Mars launch opportunity and the missions launched in it."""

    index: int
    opens: dt.date
    missions: tuple[str, ...]

    @property
    def label(self) -> str:
        """Named by year, not by the month of its first launch, which readers took for every mission's launch month."""
        return f"{self.opens.year} window"

    @property
    def anchor(self) -> str:
        return f"window-{self.opens:%Y-%m}"


@dataclass(frozen=True)
class Site:
    config: SiteConfig
    chapters: tuple[TextNode, ...]
    pages: tuple[TextNode, ...]
    missions: tuple[MissionNode, ...]  # in launch order
    windows: tuple[Window, ...]
    sources: Mapping[str, SourceEntry]  # read-only, like every mapping a stage hands on
    source_users: Mapping[str, tuple[Link, ...]]
    outputs: tuple[str, ...]  # every generated file, relative to the output root
    updated: dt.datetime | None = None  # site.yaml's `updated`, else the newest page date
    language: str = "en"
    prefix: str = ""  # where this language's pages are: "" for the default language, "ru/" for Russian
    translations: tuple[Site, ...] = ()  # the other languages' editions (only the default edition has them)

    @property
    def editions(self) -> tuple[Site, ...]:
        """Every language's edition, the default first."""
        return (self, *self.translations)

    @cached_property
    def pages_here(self) -> frozenset[str]:
        """This edition's outputs without its language prefix: what a link may point to in this language."""
        return frozenset(o.removeprefix(self.prefix) for o in self.outputs)

    def mission(self, slug: str) -> MissionNode:
        return self._by_slug[slug]

    @cached_property
    def sources_by_kind(self) -> tuple[tuple[str | None, tuple[tuple[str, SourceEntry], ...]], ...]:
        """The sources grouped by kind, primary kinds first, then any without a kind; keys sorted in each group."""
        order = (*SOURCE_KINDS, None)
        groups = [(k, tuple((key, e) for key, e in sorted(self.sources.items()) if e.kind == k)) for k in order]
        return tuple((kind, entries) for kind, entries in groups if entries)

    @property
    def primary_sources(self) -> int:
        return sum(1 for entry in self.sources.values() if entry.primary)

    @cached_property  # built once: templates and resolvers look missions up thousands of times
    def _by_slug(self) -> dict[str, MissionNode]:
        return {m.slug: m for m in self.missions}

    def node(self, url: str) -> TextNode:
        """A chapter or a page by its URL."""
        return self._by_url[url]

    @cached_property
    def _by_url(self) -> dict[str, TextNode]:
        return {n.url: n for n in self.chapters + self.pages}

    def chapter_number(self, url: str) -> int:
        # `site.chapters.index(node)` compared whole nodes: quadratic in the chapter count
        return self._chapter_numbers[url]

    @cached_property
    def _chapter_numbers(self) -> dict[str, int]:
        return {c.url: i for i, c in enumerate(self.chapters, 1)}

    def window(self, index: int) -> Window:
        return self._windows[index]

    @cached_property
    def _windows(self) -> dict[int, Window]:
        return {w.index: w for w in self.windows}

    def neighbours(self, slug: str) -> tuple[MissionNode | None, MissionNode | None]:
        """The missions launched just before and just after this one."""
        index, order = self._positions[slug], self.missions
        return (order[index - 1] if index else None, order[index + 1] if index + 1 < len(order) else None)

    @cached_property
    def _positions(self) -> dict[str, int]:
        return {m.slug: i for i, m in enumerate(self.missions)}


def window_of(launch: dt.date) -> int:
    return round((launch - WINDOW_EPOCH).days / SYNODIC_DAYS)


def build_graph(
    content: Content,
    bodies: Bodies,
    static_files: tuple[str, ...] = (),
    static_root: str = "static",
    revisions: Mapping[str, Revision] | None = None,
    epoch: dt.datetime | None = None,
    translations: tuple[Translation, ...] = (),
    memo: IdentityMemo | None = None,
) -> tuple[Site, list[ContentError]]:
    """`bodies` holds every body of every edition, compiled (parsing.compile_bodies); `static_root` is the
    static folder as problems name it; `revisions` (by file path as problems name it) and `epoch`
    (SOURCE_DATE_EPOCH) date the pages that set no dates of their own. Each translation becomes an edition
    of the default one, linked the same way; checks that concern only the original's facts run once.

    The dev server keeps a `memo` between rebuilds: the parts of linking that depend on one body or one file
    (its reference checks, its node, its warnings) are not done again while their inputs are the same
    objects, so a save costs about what it changed, plus a few passes over the site's nodes."""
    memo = memo if memo is not None else IdentityMemo()
    errors: list[ContentError] = []
    dater = _Dater(revisions or {}, epoch, errors)
    site, targets = _edition(content, bodies, static_files, errors, dater, memo, static_root=static_root)
    editions = tuple(
        _edition(t.content, bodies, static_files, errors, dater, memo, f"{t.language}/", t.translated_missions, targets)
        for t in translations
    )
    memo.turn()
    return dataclasses.replace(site, translations=tuple(edition for edition, _ in editions)), errors


def _edition(
    content: Content,
    bodies: Bodies,
    static_files: tuple[str, ...],
    errors: list[ContentError],
    dater: _Dater,
    memo: IdentityMemo,
    prefix: str = "",
    translated: frozenset[str] | None = None,
    targets: set[str] | None = None,
    static_root: str = "static",
) -> tuple[Site, set[str]]:
    """One language's pages; `translated` (None: the original) names the missions that have a page in it."""
    missions = {m.slug: m for m in sorted(content.missions, key=_launch_order)}
    chapters, pages, descriptions = _bodies(content, missions, bodies, memo)
    original = translated is None
    for mission in missions.values() if original else ():
        _check_mission(mission, content.sources, errors)
    chapter_nodes = _chapter_nodes(chapters, content.sources, dater, memo)
    page_nodes = tuple(_text_node(p, b, f"{p.slug}/", content.sources, memo, dates=dater.text(p)) for p, b in pages)
    mission_nodes = _mission_nodes(missions, descriptions, chapter_nodes + page_nodes, content.sources, dater, memo)
    with_pages = mission_nodes if original else tuple(m for m in mission_nodes if m.slug in translated)
    outputs = _outputs(chapter_nodes, page_nodes, with_pages, prefix)
    # links in every language are checked against the original's pages: a translation falls back to them
    targets = targets if targets is not None else set(outputs) | set(static_files)
    checker = _RefChecker(missions, content.sources, targets, content.invalid_missions)
    context = checker.token(memo)
    described = [(missions[slug].doc.path, body) for slug, body in descriptions.items() if body]
    for path, body in [(text.file.path, body) for text, body in chapters + pages] + described:
        check = lambda p=path, b=body: tuple(checker.check(p, b) + _warn_images(p, b))  # noqa: E731
        errors += memo.get("body", (body, context, *checker.inputs(body, memo)), check, path)
    if original:
        _check_collisions(content, outputs, static_files, static_root, errors)
        _warn_unused(content, chapter_nodes, page_nodes, mission_nodes, errors, memo)
        errors += sourcecheck.check_site(content.sources, content.sources_doc, content.republishers_doc)
        for node in chapter_nodes:
            path, body = node.doc.file.path, node.body
            check = lambda p=path, b=body: sourcecheck.check_chapter(p, b, content.sources)  # noqa: E731
            errors += filter(None, [memo.get("secondary", (body, content.sources), check, path)])
    _warn_placeholders(content, errors, memo, None if original else translated)
    errors += plainwords.check(content, None if original else translated)
    site = Site(
        config=content.site,
        chapters=chapter_nodes,
        pages=page_nodes,
        missions=mission_nodes,
        windows=_windows(mission_nodes),
        sources=content.sources,
        source_users=_source_users(chapter_nodes + page_nodes, mission_nodes, memo),
        outputs=outputs,
        updated=_site_updated(content.site, chapter_nodes + page_nodes + with_pages, dater.epoch),
        language=content.site.language,
        prefix=prefix,
    )
    return site, targets


class _Dater:
    """Dates each page (see documentary.dating) and reports an `updated` set before `published`."""

    def __init__(self, revisions: Mapping[str, Revision], epoch: dt.datetime | None, errors: list[ContentError]):
        self.revisions = revisions
        self.epoch = epoch
        self.errors = errors
        self.dated: set[str] = set()  # missions checked: a translation shares its original's dates

    def text(self, text: TextDoc) -> Dates | None:
        meta = text.meta
        return self._dates(text.file.path, meta.published, meta.updated, lambda: text.file.meta.where(("updated",)))

    def mission(self, mission: MissionDoc) -> Dates | None:
        data = mission.data
        first = mission.slug not in self.dated
        self.dated.add(mission.slug)
        where = lambda: mission.doc.where(("updated",))  # noqa: E731
        return self._dates(mission.doc.path, data.published, data.updated, where, report=first)

    def _dates(self, path: str, published, updated, where, report: bool = True) -> Dates | None:
        if report and published and updated and updated < published:
            self.errors.append(ContentError(where(), f"updated {updated} is before published {published}"))
        return page_dates(published, updated, self.revisions.get(path), self.epoch)


def _site_updated(config: SiteConfig, nodes, epoch: dt.datetime | None) -> dt.datetime | None:
    return midnight(config.updated) or newest(node.dates for node in nodes) or epoch


def _launch_order(mission: MissionDoc) -> tuple:
    launch = mission.data.launch
    return (launch.date, launch.time or "", mission.slug)


def _bodies(content: Content, missions: dict[str, MissionDoc], bodies: Bodies, memo: IdentityMemo):
    """Each chapter and page with its compiled body, and each mission's description (None: it has none),
    their headings that name a mission (`## [[slug]]`) worded in this edition's language."""
    names = {slug: m.data.name for slug, m in missions.items()}
    named = memo.token("names", (), tuple(names.items()))

    def body(key: BodyKey) -> Doc:
        doc = bodies[key]
        if not names_a_mission(doc):  # most bodies: cheaper than asking the memo
            return doc
        return memo.get("headings", (doc, named), lambda: name_headings(doc, names))

    chapters = [(text, body(text_key(text))) for text in content.chapters]
    pages = [(text, body(text_key(text))) for text in content.pages]
    descriptions = {s: body(description_key(m)) if described(m) else None for s, m in missions.items()}
    return chapters, pages, descriptions


class _RefChecker:
    """Checks every [[...]] and [@...] against the missions and sources."""

    def __init__(self, missions: dict[str, MissionDoc], sources, targets: set[str], broken=frozenset()):
        self.missions = missions
        self.broken = broken
        self.targets = targets
        self.sources = sources

    def token(self, memo: IdentityMemo) -> object:
        """Stands for what every check reads besides the body and its missions' data (`inputs`): which
        missions, sources and pages there are. The same object while those are the same."""
        return memo.token("references", (self.sources,), (tuple(self.missions), frozenset(self.targets), self.broken))

    def inputs(self, body: Doc, memo: IdentityMemo) -> tuple:
        """The data of the missions `body` names: a mission's edit checks again only the bodies that name it."""
        return tuple(self.missions[slug].data for slug in _named(body, memo) if slug in self.missions)

    def check(self, path: str, body: Doc) -> list[ContentError]:
        found = [error(path, line, col, message) for line, col, message in body.problems]
        for ref in body.refs:
            problem = self.problem(ref)
            if problem:
                found.append(error(path, ref.line, ref.col, problem))
        return found

    def problem(self, ref: Ref) -> str | None:
        if ref.kind == "cite":
            return None if ref.target in self.sources else _unknown("source key", ref.target, self.sources)
        if ref.kind == "link":
            return _link_problem(ref.target, self.targets)
        if ref.kind == "count":
            return facts.filter_problem(ref.detail or "")
        if ref.kind == "flightpath" and ref.detail:
            return ref.detail  # the block itself is malformed
        if ref.target in self.broken:
            return None  # its own errors are reported; don't add one per mention
        if ref.target not in self.missions:
            return _unknown("mission", ref.target, self.missions, f" in {ref.raw}")
        if ref.kind == "flightpath":
            reason = facts.no_transfer_reason(self.missions[ref.target].data)
            return f"mission '{ref.target}' has no flight to draw in a flightpath block: {reason}" if reason else None
        if ref.kind == "fact":
            return facts.path_problem(self.missions[ref.target].data, ref.detail or "")
        return None


def _link_problem(href: str, targets: set[str]) -> str | None:
    path = href.split("#", 1)[0].split("?", 1)[0].lstrip("/")
    candidates = {path, path + "index.html", path.rstrip("/") + "/index.html"} if path else {"index.html"}
    if candidates & targets:
        return None
    return f"link to {href} matches no page of this site (site links start with / and name a page, e.g. /timeline/)"


def _unknown(what: str, name: str, known, where: str = "") -> str:
    close = difflib.get_close_matches(name, list(known), n=1)
    return f"unknown {what} '{name}'{where}" + (f"; did you mean '{close[0]}'?" if close else "")


def _check_mission(mission: MissionDoc, sources: Mapping[str, SourceEntry], errors: list[ContentError]) -> None:
    doc, data = mission.doc, mission.data
    for index, key in enumerate(data.sources):
        if key not in sources:
            errors.append(ContentError(doc.where(("sources", index)), _unknown("source key", key, sources)))
    if not data.sources:
        at = doc.where(("sources",))  # the empty list if there is one, else the top of the file
        errors.append(ContentError(at, f"mission '{mission.slug}' lists no sources", "warning"))
    seen: dict[str, int] = {}
    for index, event in enumerate(data.events):
        if event.id and event.id in seen:
            msg = f"event id '{event.id}' is used twice (first at events.{seen[event.id]})"
            errors.append(ContentError(doc.where(("events", index, "id")), msg))
        seen.setdefault(event.id or "", index)
    arrival = facts.arrival(data)
    if arrival and arrival.date.as_date() < data.launch.date.as_date():
        index = data.events.index(arrival)
        msg = f"events.{index}.date: the arrival ({arrival.date.iso}) is before the launch ({data.launch.date.iso})"
        errors.append(ContentError(doc.where(("events", index, "date")), msg))
    for index, path in enumerate(data.unconfirmed):
        problem = facts.path_problem(data, path, field_only=True)
        if problem:
            errors.append(ContentError(doc.where(("unconfirmed", index)), f"unconfirmed: {problem}"))


def _warn_images(path: str, body: Doc) -> list[ContentError]:
    message = "image has no alt text; describe it for readers who cannot see it"
    return [warning(path, line, col, message) for line, col in body.images_without_alt]


def _citations(keys, sources: Mapping[str, SourceEntry]) -> tuple[Citation, ...]:
    ordered = [k for k in dict.fromkeys(keys) if k in sources]
    return tuple(Citation(n, key, sources[key]) for n, key in enumerate(ordered, 1))


def _cited(body: Doc | None) -> list[str]:
    return [r.target for r in body.refs if r.kind == "cite"] if body else []


def _text_node(
    text: TextDoc, body: Doc, url: str, sources, memo: IdentityMemo, prev=None, next=None, dates=None
) -> TextNode:
    make = lambda: TextNode(text, body, url, _citations(_cited(body), sources), prev, next, dates)  # noqa: E731
    return memo.get("text", (text, body, sources), make, (url, prev, next, dates))


def _chapter_nodes(
    chapters: list[tuple[TextDoc, Doc]], sources, dater: _Dater, memo: IdentityMemo
) -> tuple[TextNode, ...]:
    links = [Link(c.meta.title, f"chapters/{c.slug}/") for c, _ in chapters]
    nodes = []
    for i, (chapter, body) in enumerate(chapters):
        prev = links[i - 1] if i else None
        nxt = links[i + 1] if i + 1 < len(links) else None
        nodes.append(_text_node(chapter, body, links[i].url, sources, memo, prev, nxt, dater.text(chapter)))
    return tuple(nodes)


def _mission_nodes(
    missions, descriptions, texts: tuple[TextNode, ...], sources, dater, memo: IdentityMemo
) -> tuple[MissionNode, ...]:
    nodes = []
    mentions = _backlinks(missions, descriptions, texts, memo)
    for slug, mission in missions.items():
        body = descriptions[slug]
        keys = _cited(body) + list(mission.data.sources)
        backlinks = mentions[slug]
        window = window_of(mission.data.launch.date.as_date())
        citations = _citations(keys, sources)
        nodes.append(
            MissionNode(mission, body, f"missions/{slug}/", window, citations, tuple(backlinks), dater.mission(mission))
        )
    return tuple(nodes)


def _backlinks(missions, descriptions, texts: tuple[TextNode, ...], memo: IdentityMemo) -> dict[str, list[Link]]:
    """Who mentions each mission: chapters and pages, then other missions, each once, in order.

    One pass over every reference: asking each mission "who mentions me?" would grow with the square of the site.
    """
    links: dict[str, list[Link]] = {slug: [] for slug in missions}
    for text in texts:
        link = _link(text, memo)
        for slug in _mentioned(text.body, memo):
            if slug in links:
                links[slug].append(link)
    for source, body in descriptions.items():
        for slug in _mentioned(body, memo):
            if slug in links and slug != source:
                links[slug].append(Link(missions[source].data.name, f"missions/{source}/"))
    return links


def _named(body: Doc, memo: IdentityMemo) -> tuple[str, ...]:
    """Every mission slug a body's references name, once each (links, facts, flight paths)."""
    return _missions_of(body, memo)[0]


def _mentioned(body: Doc | None, memo: IdentityMemo) -> Mapping[str, None]:
    """The missions a body links to or quotes, once each (an ordered set)."""
    return _missions_of(body, memo)[1] if body else {}


def _missions_of(body: Doc, memo: IdentityMemo) -> tuple[tuple[str, ...], Mapping[str, None]]:
    def find():
        named = dict.fromkeys(r.target for r in body.refs if r.kind in ("mission", "fact", "flightpath"))
        return tuple(named), dict.fromkeys(r.target for r in body.refs if r.kind in ("mission", "fact"))

    return memo.get("missions", (body,), find)


def _windows(missions: tuple[MissionNode, ...]) -> tuple[Window, ...]:
    groups: dict[int, list[MissionNode]] = {}
    for mission in missions:
        groups.setdefault(mission.window, []).append(mission)
    return tuple(
        Window(index, min(m.data.launch.date.as_date() for m in group), tuple(m.slug for m in group))
        for index, group in sorted(groups.items())
    )


def _link(node: TextNode, memo: IdentityMemo) -> Link:
    """A link to a chapter or page: one object while the node is the same (a rebuild at 5,000 pages made
    30,000 of them for the backlinks and the source users)."""
    return memo.get("link", (node,), lambda: Link(node.title, node.url))


def _source_users(
    texts: tuple[TextNode, ...], missions: tuple[MissionNode, ...], memo: IdentityMemo
) -> Mapping[str, tuple[Link, ...]]:
    users: dict[str, list[Link]] = {}
    for node in texts:
        link = _link(node, memo)
        for citation in node.citations:
            users.setdefault(citation.key, []).append(link)
    for mission in missions:
        for citation in mission.citations:
            users.setdefault(citation.key, []).append(Link(mission.data.name, mission.url))
    return MappingProxyType({key: tuple(links) for key, links in users.items()})


# The site's own pages, besides one per chapter, page and mission: render finds each one's template by its name.
# Each language has its own feeds (one per series, see feeds.SERIES) and its own credits page.
EDITION_PAGES = ("index.html", "404.html", *(s.output for s in SERIES)) + tuple(
    f"{name}/index.html" for name in ("chapters", "missions", "timeline", "sources", "credits", "search")
)
SITE_WIDE = ("sitemap.xml", "robots.txt", "_headers")  # one for the whole site, at its root, whatever the languages


def _outputs(chapters, pages, missions, prefix: str = "") -> tuple[str, ...]:
    fixed = list(EDITION_PAGES) + ([] if prefix else list(SITE_WIDE))
    nodes = [n.url + "index.html" for n in chapters + pages + missions]
    return tuple(sorted(prefix + name for name in fixed + nodes))


def _check_collisions(
    content: Content, outputs: tuple[str, ...], static_files: tuple[str, ...], root: str, errors: list[ContentError]
) -> None:
    first_chapter: dict[str, str] = {}
    for chapter in content.chapters:
        if chapter.slug in first_chapter:
            msg = f"chapter slug '{chapter.slug}' is already used by {first_chapter[chapter.slug]}"
            errors.append(error(chapter.file.path, 1, 1, msg))
        first_chapter.setdefault(chapter.slug, chapter.file.path)
    for page in content.pages:
        if page.slug in RESERVED:
            errors.append(
                error(page.file.path, 1, 1, f"page slug '{page.slug}' is reserved for the site's own /{page.slug}/")
            )
    generated = set(outputs)
    for name in static_files:
        if name in generated or name.startswith("pagefind/"):
            errors.append(error(f"{root}/{name}", 1, 1, f"static file would overwrite the generated page /{name}"))


def _warn_unused(content: Content, chapters, pages, missions, errors: list[ContentError], memo: IdentityMemo) -> None:
    """Warnings (errors under --strict): a mission no chapter mentions, a source nobody cites."""
    in_chapters = set().union(*(_mentioned(c.body, memo) for c in chapters))
    for mission in missions if chapters else ():
        if mission.slug not in in_chapters:
            msg = f"mission '{mission.slug}' is mentioned in no chapter"
            errors.append(ContentError(mission.doc.doc.where(), msg, "warning"))
    used = {c.key for node in chapters + pages + missions for c in node.citations}
    doc: Located | None = content.sources_doc
    for key in content.sources if doc else ():
        if key not in used:
            errors.append(ContentError(doc.where((key,), key=True), f"source '{key}' is never cited", "warning"))


def _warn_placeholders(
    content: Content, errors: list[ContentError], memo: IdentityMemo, missions: frozenset[str] | None = None
) -> None:
    """Warnings (errors under --strict): a TODO left in a content file, e.g. by `build.py new`.

    `missions` limits the mission files looked at (a translation's own files, not the originals again)."""
    for mission in content.missions:
        if missions is None or mission.slug in missions:
            errors += _placeholders(mission.doc.path, mission.doc.text, 1)
    for text in content.chapters + content.pages:  # one memo entry per file: thousands of them
        errors += memo.get("placeholders", (text.file,), lambda f=text.file: _file_placeholders(f))
    if content.sources_doc:
        errors += _placeholders(content.sources_doc.path, content.sources_doc.text, 1)


def _file_placeholders(file) -> tuple[ContentError, ...]:
    """A Markdown file's front matter (from line 2, after its '---') and body."""
    return tuple(_placeholders(file.path, file.meta.text, 2) + _placeholders(file.path, file.body, file.body_line))


def _placeholders(path: str, text: str, first: int) -> list[ContentError]:
    if "TODO" not in text:
        return []
    found = ((number, PLACEHOLDER.search(line)) for number, line in enumerate(text.split("\n"), first))
    return [warning(path, number, match.start() + 1, PLACEHOLDER_MESSAGE) for number, match in found if match]


__all__ = ["Citation", "Link", "MissionNode", "Site", "Source", "TextNode", "Window", "build_graph", "window_of"]
