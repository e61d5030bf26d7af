"""Render the site graph through Jinja2 into {output path: bytes}. No disk writes."""

from __future__ import annotations

import os
import traceback
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import cached_property, partial
from pathlib import Path
from types import MappingProxyType
from typing import NamedTuple
from urllib.parse import urlsplit

import jinja2
from markdown_it import MarkdownIt
from markupsafe import Markup, escape

from . import cards, charts, facts, figures, flightpath, structured
from .assets import immutable
from .bodies import render_body
from .dates import PartialDate
from .dating import day, from_epoch, newest, og_locale, stamp
from .errors import ContentError, error
from .feeds import EPOCH_STAMP, SERIES, Entry, Feed, absolutise, select
from .gallery import Gallery, Photo
from .graph import Citation, Site
from .headers import content_security_policy
from .i18n import BUILT_IN, FOLDER, Strings, read_strings
from .markdown import Doc
from .models import OUTCOMES, PROGRAMS
from .parallel import map_slices, workers_for
from .reads import Digests, Log, Reads, ResolverLog, SiteView, order_of
from .structured import Crumb

# The site's sections and the fixed pages outside them, as breadcrumbs and the menu name them (UI strings).
SECTIONS = {
    "chapters/": "nav.chapters",
    "missions/": "nav.missions",
    "timeline/": "nav.timeline",
    "sources/": "nav.sources",
}
OTHER_TITLES = {"search/": "nav.search", "credits/": "credits.title"}
CARD_KINDS = ("home", "chapter", "mission", "timeline", "search", "page")  # a template's `kind` block: card.kind.*
# Outputs whose template is not named after them: every feed is drawn by feed.xml
TEMPLATES = {"_headers": "headers.txt"} | {series.output: "feed.xml" for series in SERIES}


@dataclass(frozen=True)
class Urls:
    """Every internal URL starts with the site's path, so the site works under a sub-path.

    In a translated edition a link goes to the page in that language (`/ru/timeline/`) when the edition
    has it, and to the original otherwise (a page left untranslated, a stylesheet, the search bundle).
    """

    base_url: str
    prefix: str = ""  # "ru/" in the Russian edition
    here: frozenset[str] = frozenset()  # the edition's outputs, without the prefix

    @property
    def base_path(self) -> str:
        return urlsplit(self.base_url).path or "/"

    def path(self, target: str = "") -> str:
        return self.base_path + self._local(target)

    def absolute(self, target: str = "") -> str:
        return self.base_url + self._local(target)

    def of(self, output: str) -> str:
        """The path of one output file, whichever language it is in."""
        return self.base_path + output.removesuffix("index.html")

    def canonical(self, output: str) -> str:
        """The public URL of an output file: pretty URLs drop the index.html."""
        return self.base_url + output.removesuffix("index.html")

    def _local(self, target: str) -> str:
        target = target.lstrip("/")
        if not self.prefix:
            return target
        page = target.split("#", 1)[0].split("?", 1)[0]
        candidates = {page, page + "index.html", page.rstrip("/") + "/index.html"} if page else {"index.html"}
        return self.prefix + target if candidates & self.here else target


class Alternate(NamedTuple):
    """The same page in one language: for hreflang, the sitemap and the language switcher."""

    language: str
    output: str
    name: str  # the language's own name for itself
    switch: str  # "Read this page in English", in that language


@dataclass(frozen=True)
class Edition:
    """One language's site, its URLs and its words."""

    site: Site
    urls: Urls
    strings: Strings

    @property
    def language(self) -> str:
        return self.site.language


class Job(NamedTuple):
    """One output file: its template, its language, and a function that builds its context on demand
    from the site as the page sees it (every read noted in the page's Log)."""

    template: str
    language: str
    context: Callable[[SiteView, Log], dict]


def fixed_template(page: str) -> str:
    """The template of one of the site's own pages: `timeline/index.html` -> `timeline.html`."""
    if page in TEMPLATES:
        return TEMPLATES[page]
    return page.removesuffix("/index.html") + ".html" if page.endswith("/index.html") else page


class Environment(jinja2.Environment):
    """Notes every template a page loads (extends, include, import), with its source, in the page's Log."""

    log: Log | None = None

    def get_template(self, name, parent=None, globals=None):  # noqa: A002 - Jinja's own signature
        template = super().get_template(name, parent, globals)
        if self.log is not None:
            self.log.note_lazy(("template", template.name), lambda: self.loader.get_source(self, template.name)[0])
        return template


class Download(NamedTuple):
    """A file the pages offer for download (a language's ebook): its output name and size in bytes."""

    output: str
    size: int


class SitemapEntry(NamedTuple):
    output: str
    alternates: tuple[Alternate, ...]


class PageResolver:
    """Turns [[...]], [@...] and images into HTML for one body, with its page's citation numbers and language.

    `photos` are the pictures its file names, by src; `top`: the body starts the page, so an image
    leading it is fetched first.
    """

    def __init__(
        self,
        site: Site,
        urls: Urls,
        citations: tuple[Citation, ...],
        strings: Strings,
        photos: Mapping[str, Photo] | None = None,
        top: bool = False,
    ):
        self.site = site
        self.urls = urls
        self.strings = strings
        self.numbers = {c.key: c.number for c in citations}
        self.photos = photos or {}
        self.top = top

    def image(self, src: str, alt: str, caption: str, alone: bool, lead: bool) -> str:
        photo, eager = self.photos.get(src), lead and self.top
        if photo is None:  # a data: picture, or one on another site (a warning): as written
            title = f' title="{escape(caption)}"' if caption else ""
            return f'<img src="{escape(src)}" alt="{escape(alt)}"{title}>'
        if alone:
            return figures.figure(photo, self.urls.of, alt, caption, eager, w=self.strings)
        return figures.picture(photo, self.urls.of, alt, eager)

    def wikilink(self, kind: str, target: str, detail: str | None) -> str:
        if kind == "count":
            return str(facts.count([m.data for m in self.site.missions], detail or ""))
        mission = self.site.mission(target)
        if kind == "fact":
            return str(format_fact(facts.value(mission.data, detail or ""), detail or "", self.strings))
        text = escape(detail) if detail else escape(mission.data.name)
        return f'<a class="mission-link" href="{self.urls.path(mission.url)}">{text}</a>'

    def site_url(self, path: str) -> str:
        return self.urls.path(path)

    def flightpath(self, slugs: Sequence[str]) -> str:
        """A ```flightpath block: the flights of the missions it names, in one picture."""
        flights = tuple(flightpath.node_flight(self.site.mission(slug)) for slug in slugs)
        link = lambda slug: self.urls.path(self.site.mission(slug).url)  # noqa: E731
        return str(flightpath.figure(flights, "flightpath-" + "-".join(slugs), link, self.strings))

    def cite(self, keys: list[str]) -> str:
        label = self.strings("citations.source", number="{}")
        links = [
            f'<a href="#source-{k}" aria-label="{escape(label.format(self.numbers[k]))}">{self.numbers[k]}</a>'
            for k in keys
        ]
        return f'<sup class="cite">[{", ".join(links)}]</sup>'


class BodyLog(ResolverLog):
    """A body's recorded resolver; a picture's HTML also depends on the file that names it and on whether
    the body starts the page, so those go into its key, and a later build can ask the same (`_value_image`)."""

    def __init__(self, resolver: PageResolver, language: str, log: Log, named_in: str, top: bool):
        super().__init__(resolver, language, log)
        self._where = (named_in, top)

    def image(self, *args) -> str:
        key = ("page", self._language, "image", (*self._where, *args))
        return self._log.note(key, self._resolver.image(*args))


def format_fact(found: object, path: str, strings: Strings) -> Markup:
    if isinstance(found, PartialDate):
        return strings.time_tag(found)
    if path.endswith(".lat"):
        return Markup(escape(strings.lat(found)))
    if path.endswith(".lon"):
        return Markup(escape(strings.lon(found)))
    if path == "outcome":
        return Markup(escape(strings(f"outcome.{found}.lower")))
    if path == "program":
        return Markup(escape(strings(f"program.{found}")))
    return Markup(escape(found))


def updated_stamp(site: Site) -> str:
    """The site's date (feeds, the ebook): SOURCE_DATE_EPOCH when set, else graph.Site.updated (site.yaml's
    `updated`, else the newest page date), never the clock; 1970-01-01 only when nothing at all is dated."""
    epoch = from_epoch(os.environ.get("SOURCE_DATE_EPOCH", ""))
    moment = epoch or site.updated
    return stamp(moment) if moment else EPOCH_STAMP


def _human_day(ctx, moment) -> str:
    return ctx["t"].date(PartialDate(moment.year, moment.month, moment.day))


_MADE: dict[tuple, Environment] = {}  # the last few environments, by their templates' bytes
_KEEP = 4


def make_environment(templates: Path, compiled: Path | None = None) -> Environment:
    """`compiled`: a folder for Jinja's own bytecode cache (keyed by each template's source), so a warm
    build does not compile the templates again.

    In one process, a build whose templates are byte for byte those of a recent one gets that one's
    environment, with its templates compiled: compiling 40 templates costs about 0.3 s, which every
    in-process `check` (the tests, the fuzzing) paid again. The environment holds no build's state (a page's
    read log is set and cleared around each render)."""
    key = _key(templates, compiled)
    if key not in _MADE:
        while len(_MADE) >= _KEEP:
            del _MADE[next(iter(_MADE))]
        _MADE[key] = _environment(templates, compiled)
    return _MADE[key]


def environment_ready(templates: Path, compiled: Path | None = None) -> bool:
    """Whether this process holds an environment for these templates (their bytes as they are now)."""
    return _key(templates, compiled) in _MADE


def _key(templates: Path, compiled: Path | None) -> tuple:
    return (str(templates), str(compiled), _sources(templates))


def _sources(templates: Path) -> tuple[tuple[str, bytes], ...]:
    """Every template file's name and bytes (an unreadable one: empty, and compiling it reports it)."""
    found = []
    for name in jinja2.FileSystemLoader(str(templates)).list_templates():
        try:
            found.append((name, (templates / name).read_bytes()))
        except OSError:
            found.append((name, b""))
    return tuple(found)


def _environment(templates: Path, compiled: Path | None) -> Environment:
    env = Environment(
        loader=jinja2.FileSystemLoader(str(templates)),
        bytecode_cache=jinja2.FileSystemBytecodeCache(str(compiled)) if compiled else None,
        autoescape=jinja2.select_autoescape(["html", "xml"], default_for_string=True),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,  # one build never sees a template change; checking cost a stat per include
    )
    # the page's language is in its context (`t`, its Strings): filters format for that language
    env.filters["date"] = jinja2.pass_context(lambda ctx, date, time=None: ctx["t"].time_tag(date, time))
    env.filters["month"] = jinja2.pass_context(lambda ctx, day: ctx["t"].formats.month(day))
    env.filters["coord_lat"] = jinja2.pass_context(lambda ctx, v: ctx["t"].lat(v))
    env.filters["coord_lon"] = jinja2.pass_context(lambda ctx, v: ctx["t"].lon(v))
    env.filters["type_label"] = jinja2.pass_context(lambda ctx, v: ctx["t"](f"type.{v}"))
    env.filters["day"] = day
    env.filters["human_day"] = jinja2.pass_context(_human_day)
    # pure modules: what they draw comes from the values a page passes them, which are recorded
    env.globals.update(charts=charts, flightpath=flightpath, figures=figures)
    policy, header = Markup(content_security_policy()), Markup(content_security_policy(header=True))
    env.globals.update(csp=policy, csp_header=header)
    env.policies["json.dumps_kwargs"] = {"sort_keys": True, "ensure_ascii": False}  # |tojson for scripts' messages
    return env


def template_names(loader: jinja2.BaseLoader) -> list[str]:
    """Every template of the folder, in name order (not the interface words in i18n/)."""
    return [name for name in loader.list_templates() if not name.startswith((".", FOLDER + "/"))]


def compile_templates(env: jinja2.Environment, templates: Path) -> list[ContentError]:
    """Load every template once so all syntax errors are reported together. Last to first: a worker of
    `precompile` may be compiling them first to last into the same bytecode cache."""
    errors = []
    for name in reversed(template_names(env.loader)):
        try:
            env.get_template(name)
        except UnicodeDecodeError as exc:
            errors.append(error(_template_path(templates, name), 1, 1, f"template is not valid UTF-8: {exc.reason}"))
        except jinja2.TemplateSyntaxError as exc:
            errors.append(
                error(_template_path(templates, exc.name or name), exc.lineno or 1, 1, exc.message or "syntax error")
            )
    return errors[::-1]


def _template_path(templates: Path, name: str) -> str:
    rel = os.path.relpath(templates / name)
    return Path(rel).as_posix() if not rel.startswith("..") else (templates / name).as_posix()


class Renderer:
    def __init__(
        self,
        site: Site,
        md: MarkdownIt,
        templates: Path,
        env: jinja2.Environment | None = None,
        strings: dict[str, Strings] | None = None,
        downloads: Mapping[str, Download] | None = None,  # language -> its ebook
        assets: Mapping[str, str] | None = None,  # static source name -> published (fingerprinted) name
        gallery: Gallery | None = None,
        palette: cards.Palette = cards.DEFAULT_PALETTE,
    ):
        self.site = site
        self.downloads = downloads or {}
        self.assets = assets or {}
        self.gallery = gallery or Gallery()
        self.palette = palette
        self.md = md
        self.templates = templates
        self.env = env or make_environment(templates)
        self.errors: list[ContentError] = []
        self.reads: dict[str, Reads] = {}  # output -> what it read, for the pages rendered so far
        self.digests = Digests()  # this build's digest of each key: shared by rendering and `Replay`
        if strings is None:
            strings, problems = read_strings(templates, tuple(e.language for e in site.editions))
            self.errors += problems
        self.editions = tuple(
            Edition(e, Urls(site.config.base_url, e.prefix, e.pages_here), strings[e.language])
            for e in site.editions
            if e.language in strings
        )
        self.updated = updated_stamp(site)

    @cached_property
    def _alternates(self) -> dict[str, tuple[Alternate, ...]]:
        """Each HTML page (by its path in the default language) in every language that has it, default first."""
        found: dict[str, list[Alternate]] = {}
        for edition in self.editions:
            name, switch = edition.strings("language.name"), edition.strings("language.switch")
            for page in sorted(edition.site.pages_here):
                if page.endswith(".html"):
                    found.setdefault(page, []).append(
                        Alternate(edition.language, edition.site.prefix + page, name, switch)
                    )
        return {page: tuple(alternates) for page, alternates in found.items()}

    def markdown(
        self,
        edition: Edition,
        doc: Doc | None,
        citations: tuple[Citation, ...],
        log: Log,
        named_in: str = "",
        top: bool = False,
    ) -> Markup:
        """`named_in`: the content file of the body (its images are relative to it); `top`: it starts the page."""
        if doc is None:
            return Markup("")
        resolver = self.resolver(edition, citations, named_in, top)
        return Markup(render_body(self.md, doc, BodyLog(resolver, edition.language, log, named_in, top)))

    def resolver(
        self, edition: Edition, citations: tuple[Citation, ...] = (), named_in: str = "", top: bool = False
    ) -> PageResolver:
        photos = self.gallery.for_file(named_in) if named_in else None
        return PageResolver(edition.site, edition.urls, citations, edition.strings, photos, top)

    def page(self, output: str, job: Job, log: Log) -> tuple[str, bytes] | None:
        edition = self._editions[job.language]
        self.env.log = log
        try:
            context = job.context(SiteView(edition.site, edition.language, log), log)
            html = self.env.get_template(job.template).render(**context)
        except jinja2.TemplateSyntaxError as exc:
            self.errors.append(
                error(_template_path(self.templates, exc.name or job.template), exc.lineno or 1, 1, exc.message or "")
            )
            return None
        except Exception as exc:  # a template bug must become one line, not a traceback
            self.errors.append(self._template_error(exc, job.template))
            return None
        finally:
            self.env.log = None
        return output, html.encode("utf-8")

    def _template_error(self, exc: Exception, template: str) -> ContentError:
        where = (_template_path(self.templates, template), 1)
        for frame, lineno in traceback.walk_tb(exc.__traceback__):
            filename = frame.f_code.co_filename
            if filename.endswith((".html", ".xml", ".txt")) and str(self.templates) in filename:
                where = (_template_path(self.templates, os.path.relpath(filename, self.templates)), lineno)
        message = str(exc) if isinstance(exc, jinja2.TemplateError) else f"{type(exc).__name__}: {exc}"
        return error(where[0], where[1], 1, f"template error: {message}")

    @cached_property
    def _editions(self) -> dict[str, Edition]:
        return {e.language: e for e in self.editions}

    def jobs(self) -> Mapping[str, Job]:
        """Every output file the graph lists, in every language: a language is one more dimension here."""
        return self._jobs

    @cached_property  # asked by each stage that renders or compares pages; made once per build
    def _jobs(self) -> Mapping[str, Job]:
        jobs: dict[str, Job] = {}
        for edition in self.editions:
            site = edition.site
            nodes = {c.url + "index.html": ("chapter.html", self.chapter_context) for c in site.chapters}
            nodes |= {p.url + "index.html": ("page.html", self.text_context) for p in site.pages}
            nodes |= {
                m.url + "index.html": ("mission.html", partial(self.mission_context, slug=m.slug))
                for m in site.missions
            }
            for output in site.outputs:
                page = output.removeprefix(site.prefix)
                template, specific = nodes.get(page) or (fixed_template(page), self.fixed_context)
                jobs[output] = Job(template, edition.language, partial(self._context, edition, page, specific))
        return MappingProxyType(jobs)

    def _context(self, edition: Edition, page: str, specific: Callable, view: SiteView, log: Log) -> dict:
        t = edition.strings
        language = edition.language
        self.note_strings(language, log)
        return {
            "site": view,
            "urls": self.provide(edition, log, "urls"),
            "output": edition.site.prefix + page,
            "page_path": page,
            "lang": language,
            "t": t,
            "og_locale": og_locale(language),
            "outcome_labels": {o: t(f"outcome.{o}") for o in OUTCOMES},
            "program_labels": {p: t(f"program.{p}") for p in PROGRAMS},
            "alternates": self.provide(edition, log, "alternates", page),
            "updated": self.provide(edition, log, "updated"),
            "ebook": self.provide(edition, log, "ebook"),
            "asset": partial(self.provide, edition, log, "asset"),
            "share_card": partial(self.provide, edition, log, "share_card"),
            **specific(edition, page, view, log),
        }

    # What the renderer itself hands a page, besides the site: each is noted as ("page", lang, name, args),
    # and `answer` asks the same of a later build.
    def provide(self, edition: Edition, log: Log, name: str, *args):
        return log.note(("page", edition.language, name, args), getattr(self, f"_value_{name}")(edition, *args))

    def _value_urls(self, edition: Edition) -> Urls:
        return edition.urls

    def _value_updated(self, edition: Edition) -> str:
        return self.updated

    def _value_ebook(self, edition: Edition) -> Download | None:
        """The book with its size in the whole kilobytes a page shows (partials/ebook.html rounds up): an edit
        that leaves the shown size alone renders no page again."""
        book = self.downloads.get(edition.language)
        return book._replace(size=-(-book.size // 1024) * 1024) if book else None

    def _value_alternates(self, edition: Edition, page: str) -> tuple[Alternate, ...]:
        return self._alternates.get(page, ()) if page.endswith(".html") else ()

    def _value_sitemap(self, edition: Edition) -> tuple[SitemapEntry, ...]:
        return tuple(
            SitemapEntry(e.site.prefix + page, self._alternates[page])
            for e in self.editions
            for page in sorted(e.site.pages_here)
            if page.endswith("index.html")
        )

    def _value_asset(self, edition: Edition, name: str) -> str:
        """The URL path of a static file by its source name (a stylesheet's changes rename it); a name the
        static folder lacks is kept as is."""
        return edition.urls.of(self.assets.get(name, name))

    def _value_immutable(self, edition: Edition) -> tuple[str, ...]:
        return tuple(edition.urls.of(name) for name in immutable(self.assets))

    def _value_share_card(self, edition: Edition, title: str, kind: str) -> cards.Card:
        """The card of a page, by its own-language title and kind; the build draws the cards its pages
        noted (`share_cards`) after rendering."""
        kicker = edition.strings(f"card.kind.{kind if kind in CARD_KINDS else 'page'}")
        # plain text: a template hands Markup (a block's output), a recorded key read back holds str
        words = (str(edition.strings.messages["card.alt"]), str(edition.strings.messages["card.alt_site"]))
        return cards.Card(str(title), kicker, edition.site.config.title, self.palette, words)

    def _value_image(self, edition: Edition, named_in: str, top: bool, *args) -> str:
        return self.resolver(edition, (), named_in, top).image(*args)

    def _value_lead_photo(self, edition: Edition, slug: str) -> Markup | None:
        """A mission's `image:` block, at the top of its page."""
        block = edition.site.mission(slug).data.image
        if block is None:
            return None
        original = self.site.mission(slug)  # a translation's block is its original's, with the same file
        photo = self.gallery.for_file(original.doc.doc.path)[block.file]
        kind = "photo lead-photo"
        return figures.figure(photo, edition.urls.of, block.alt, block.caption, True, kind, edition.strings)

    def _value_gallery(self, edition: Edition) -> Gallery:
        return self.gallery.edition(edition.language)

    def _value_feed(self, edition: Edition, output: str) -> Feed:
        """One series' feed in one language, its entries not yet rendered: each holds its body and citations,
        which are what a later build compares (rendering 150 bodies to compare them made a rebuild slow)."""
        series = next(s for s in SERIES if s.output == output)
        site, t, urls = edition.site, edition.strings, edition.urls
        title = site.config.title
        if series.label:
            title = t(f"feed.title.{series.label}", site=title)
        home = urls.canonical(site.prefix + output.removesuffix("feed.xml"))
        url = urls.canonical(site.prefix + output)
        entries = select(self._candidates(edition), series)
        return Feed(series, title, url, home, edition.language, tuple(entries), self.updated)

    def _candidates(self, edition: Edition) -> list[Entry]:
        """Every chapter and mission as a feed entry, with what its HTML is made of."""
        site, urls, found = edition.site, edition.urls, []
        for c in site.chapters:
            url = urls.canonical(site.prefix + c.url)
            source = (c.body, c.citations, c.doc.file.path, True)
            found.append(Entry("chapter", c.title, url, c.doc.meta.summary, "", c.dates, source))
        for m in site.missions:
            url = urls.canonical(site.prefix + m.url)
            source = (m.description, m.citations, m.doc.doc.path, False)
            found.append(Entry("mission", m.data.name, url, m.data.summary, "", m.dates, source))
        return found

    def _rendered(self, edition: Edition, feed: Feed, log: Log) -> Feed:
        """The feed with each entry's full content, every URL absolute; what the bodies resolve is noted."""
        entries = []
        for entry in feed.entries:
            body, citations, named_in, top = entry.source
            html = absolutise(str(self.markdown(edition, body, citations, log, named_in, top)), entry.url)
            if entry.kind == "mission":
                html = f"<p>{escape(entry.summary)}</p>\n{html}"
            entries.append(replace(entry, html=html, source=()))
        return replace(feed, entries=tuple(entries))

    def _value_lastmod(self, edition: Edition) -> dict[str, str]:
        """Each page's last change for the sitemap, by output: its own date, or the newest of the pages it
        lists, or the site's."""
        found = {}
        for edition in self.editions:
            site = edition.site
            nodes = {n.url + "index.html": n.dates for n in site.chapters + site.pages + site.missions}
            out = {name: dates.updated_iso for name, dates in nodes.items() if dates}
            lists = {
                "chapters/index.html": newest(c.dates for c in site.chapters),
                "missions/index.html": newest(m.dates for m in site.missions),
                "timeline/index.html": newest(m.dates for m in site.missions),
            }
            out.update({name: stamp(moment) for name, moment in lists.items() if moment})
            for name in site.pages_here:
                if name.endswith("index.html") and name not in nodes and name not in out and site.updated:
                    out[name] = stamp(site.updated)
            found |= {site.prefix + name: moment for name, moment in sorted(out.items())}
        return found

    def note_strings(self, language: str, log: Log) -> None:
        """A page's words (`t`) come from its language's strings file: noted as one more template."""
        log.note_lazy(("template", f"{FOLDER}/{language}.yaml"), lambda: self._strings_source(language))

    def _strings_source(self, language: str) -> str:
        folder = self.templates if (self.templates / FOLDER).is_dir() else BUILT_IN
        path = folder / FOLDER / f"{language}.yaml"
        return path.read_text(encoding="utf-8") if path.is_file() else ""

    def answer(self, key: tuple):
        """The value a page of this build would see for a key noted in an earlier build (LookupError: gone)."""
        kind = key[0]
        if kind == "template":
            if key[1].startswith(FOLDER + "/"):
                return self._strings_source(key[1].split("/", 1)[1].removesuffix(".yaml"))
            try:
                return self.env.loader.get_source(self.env, key[1])[0]
            except jinja2.TemplateNotFound:
                raise LookupError(key) from None
        edition = self._editions[key[1]]
        if kind == "page":
            return getattr(self, f"_value_{key[2]}")(edition, *key[3])
        if kind == "resolve":
            return getattr(self.resolver(edition), key[2])(*key[3])
        site, how, name = edition.site, key[2], key[3]
        if how == "order":
            return order_of(getattr(site, name))
        if how == "call":
            return getattr(site, name)(*key[4])
        return getattr(site, name)

    def share_cards(self, reads: Mapping[str, Reads]) -> tuple[cards.Card, ...]:
        """The share cards the pages show, by name: every card a page noted (rendered now or reused)."""
        shown = {}
        for page_reads in reads.values():
            for key in page_reads:
                if key[0] == "page" and key[2] == "share_card":
                    card = self.answer(key)
                    shown[card.name] = card
        return tuple(shown[name] for name in sorted(shown))

    def render(self, outputs: Iterable[str] | None = None, stop: Callable[[], bool] | None = None) -> dict[str, bytes]:
        """Render the named outputs (all of them by default), in order, until `stop()` is true; what each
        read is left in `self.reads`."""
        jobs = self.jobs()
        pages = {}
        for output in sorted(jobs if outputs is None else outputs):
            if stop is not None and stop():
                break
            log = Log(self.digests)
            result = self.page(output, jobs[output], log)
            if result:
                pages[result[0]] = result[1]
                self.reads[output] = log.reads
        return pages

    def seo(self, edition: Edition, page: str, view: SiteView, title: str | None, *nodes: dict) -> dict:
        """What every page's head and breadcrumb need: the trail and the JSON-LD."""
        trail = self.trail(edition, page, view, title)
        return {"trail": trail, "structured_data": structured.document(*nodes, structured.breadcrumbs(trail))}

    def trail(self, edition: Edition, page: str, view: SiteView, title: str | None) -> tuple[Crumb, ...]:
        """Home, then the section (Chapters, Missions, ...), then the page itself, in the page's language."""
        urls, t = edition.urls, edition.strings
        home = Crumb(view.config.title, urls.absolute(), urls.path())
        if page == "index.html":
            return (home,)
        if page == "404.html":
            return (home, Crumb(t("notfound.title"), None, None))
        crumbs = [home]
        section = page.split("/", 1)[0] + "/"
        if section in SECTIONS and page != section + "index.html":
            crumbs.append(Crumb(t(SECTIONS[section]), urls.absolute(section), urls.path(section)))
        name = title or t(SECTIONS.get(section) or OTHER_TITLES[section])
        output = edition.site.prefix + page
        crumbs.append(Crumb(name, urls.canonical(output), urls.of(output)))
        return tuple(crumbs)

    def fixed_context(self, edition: Edition, page: str, view: SiteView, log: Log) -> dict:
        if page == "sitemap.xml":
            return {
                "sitemap": self.provide(edition, log, "sitemap"),
                "lastmod": self.provide(edition, log, "lastmod"),
            }
        if page == "_headers":
            return {"immutable": self.provide(edition, log, "immutable")}
        if page in TEMPLATES:  # a feed
            return {"feed": self._rendered(edition, self.provide(edition, log, "feed", page), log)}
        if page == "robots.txt":
            return {}
        context = {"page_dates": None}
        if page == "credits/index.html":
            context["gallery"] = self.provide(edition, log, "gallery")
        if page == "index.html":
            search = edition.urls.absolute("search/") if "search/index.html" in view.pages_here else None
            site_node = structured.website(view.config, search, edition.language)
            return {**context, **self.seo(edition, page, view, None, site_node)}
        return {**context, **self.seo(edition, page, view, None)}

    def text_context(self, edition: Edition, page: str, view: SiteView, log: Log) -> dict:
        node = view.node(page.removesuffix("index.html"))
        url = edition.urls.canonical(edition.site.prefix + page)
        data = structured.text_page(view.config, node, url, edition.language)
        return {
            "node": node,
            "body": self.markdown(edition, node.body, node.citations, log, node.doc.file.path, top=True),
            "page_dates": node.dates,
            **self.seo(edition, page, view, node.title, data),
        }

    def chapter_context(self, edition: Edition, page: str, view: SiteView, log: Log) -> dict:
        number = view.chapter_number(page.removesuffix("index.html"))
        return {**self.text_context(edition, page, view, log), "chapter_number": number}

    def mission_context(self, edition: Edition, page: str, view: SiteView, log: Log, slug: str = "") -> dict:
        mission = view.mission(slug)
        before, after = view.neighbours(slug)
        url = edition.urls.canonical(edition.site.prefix + page)
        data = structured.mission_page(view.config, mission, url, edition.language, edition.strings)
        return {
            **self.seo(edition, page, view, mission.data.name, *data),
            "node": mission,
            "body": self.markdown(edition, mission.description, mission.citations, log, mission.doc.doc.path),
            "page_dates": mission.dates,
            "lead_photo": self.provide(edition, log, "lead_photo", slug),
            "window": view.window(mission.window),
            "before": before,
            "after": after,
        }


Rendered = tuple[dict[str, bytes], list[ContentError], dict[str, Reads]]


def make_renderer(
    site: Site,
    md: MarkdownIt,
    templates: Path,
    compiled: Path | None = None,
    downloads: Mapping[str, Download] | None = None,
    assets: Mapping[str, str] | None = None,
    gallery: Gallery | None = None,
    palette: cards.Palette = cards.DEFAULT_PALETTE,
    env: jinja2.Environment | None = None,
) -> tuple[Renderer | None, list[ContentError]]:
    """The renderer, every template compiled once (in `env` when given: the ebooks' renderer shares it);
    None with every template and interface-words problem."""
    env = env or make_environment(templates, compiled)
    errors = compile_templates(env, templates)
    if errors:
        return None, errors
    renderer = Renderer(site, md, templates, env, downloads=downloads, assets=assets, gallery=gallery, palette=palette)
    return (None, renderer.errors) if renderer.errors else (renderer, [])


# A page costs 5-7 ms to render (the real site's 101 took 0.71 s in one process and 0.44 s on two cores), a
# body 1 ms to parse: pages pay for a second process from far fewer items than bodies do.
MIN_PAGES = 64


def render_pages(renderer: Renderer, outputs: Iterable[str], workers: int = 1) -> Rendered:
    """The named pages in output order, with what each read; `workers` processes share them (0: every core
    if there are enough)."""
    outputs = sorted(outputs)
    task = partial(_render_slice, renderer)
    pages: dict[str, bytes] = {}
    errors: list[ContentError] = []
    reads: dict[str, Reads] = {}
    for part, part_errors, part_reads in map_slices(task, outputs, workers_for(len(outputs), workers, MIN_PAGES)):
        pages.update(part)
        errors += part_errors
        reads.update(part_reads)
    return pages, errors, reads


def render_site(
    site: Site,
    md: MarkdownIt,
    templates: Path,
    workers: int = 1,
    assets: Mapping[str, str] | None = None,
    gallery: Gallery | None = None,
) -> tuple[dict[str, bytes], list[ContentError], tuple[cards.Card, ...]]:
    """Every page, in output order, and the share cards they show."""
    renderer, errors = make_renderer(site, md, templates, assets=assets, gallery=gallery)
    if renderer is None:
        return {}, errors, ()
    pages, errors, reads = render_pages(renderer, renderer.jobs(), workers)
    return pages, errors, renderer.share_cards(reads)


def _render_slice(renderer: Renderer, outputs: Sequence[str]) -> Rendered:
    """One worker's share: a forked worker inherits `renderer` and the site, and sends back only bytes."""
    pages = renderer.render(outputs)
    return pages, renderer.errors, renderer.reads
