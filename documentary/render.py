"""Render the site graph through Jinja2 into {output path: bytes}. No disk writes."""

from __future__ import annotations

import datetime as dt
import os
import traceback
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property, partial
from pathlib import Path
from typing import NamedTuple
from urllib.parse import urlsplit

import jinja2
from markdown_it import MarkdownIt
from markupsafe import Markup, escape

from . import charts, facts
from .bodies import render_body
from .dates import PartialDate
from .errors import ContentError, error
from .graph import Citation, Site
from .i18n import BUILT_IN, FOLDER, Strings, read_strings
from .markdown import Doc
from .models import OUTCOMES, PROGRAMS
from .parallel import map_slices, workers_for
from .reads import Digests, Log, Reads, ResolverLog, SiteView, order_of


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
    """Turns [[...]] and [@...] into HTML for one page, with that page's citation numbers and language."""

    def __init__(self, site: Site, urls: Urls, citations: tuple[Citation, ...], strings: Strings):
        self.site = site
        self.urls = urls
        self.strings = strings
        self.numbers = {c.key: c.number for c in citations}

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

    def cite(self, keys: list[str]) -> str:
        label = self.strings("citations.source", number="{}")
        links = [
            f'<a href="#source-{k}" aria-label="{escape(label.format(self.numbers[k]))}">{self.numbers[k]}</a>'
            for k in keys
        ]
        return f'<sup class="cite">[{", ".join(links)}]</sup>'


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
    """The feed's date: SOURCE_DATE_EPOCH when set, else site.yaml's `updated`, never the clock."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return f"{site.config.updated.iso}T00:00:00Z"


def make_environment(templates: Path, compiled: Path | None = None) -> Environment:
    """`compiled`: a folder for Jinja's own bytecode cache (keyed by each template's source), so a warm
    build does not compile the templates again."""
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
    env.globals.update(charts=charts)
    env.policies["json.dumps_kwargs"] = {"sort_keys": True, "ensure_ascii": False}  # |tojson for scripts' messages
    return env


def compile_templates(env: jinja2.Environment, templates: Path) -> list[ContentError]:
    """Load every template once so all syntax errors are reported together."""
    errors = []
    for name in env.list_templates(filter_func=lambda n: not n.startswith((".", FOLDER + "/"))):
        try:
            env.get_template(name)
        except UnicodeDecodeError as exc:
            errors.append(error(_template_path(templates, name), 1, 1, f"template is not valid UTF-8: {exc.reason}"))
        except jinja2.TemplateSyntaxError as exc:
            errors.append(
                error(_template_path(templates, exc.name or name), exc.lineno or 1, 1, exc.message or "syntax error")
            )
    return errors


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
    ):
        self.site = site
        self.downloads = downloads or {}
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

    def markdown(self, edition: Edition, doc: Doc | None, citations: tuple[Citation, ...], log: Log) -> Markup:
        if doc is None:
            return Markup("")
        return Markup(render_body(self.md, doc, ResolverLog(self.resolver(edition, citations), edition.language, log)))

    def resolver(self, edition: Edition, citations: tuple[Citation, ...] = ()) -> PageResolver:
        return PageResolver(edition.site, edition.urls, citations, edition.strings)

    def page(self, output: str, job: Job, log: Log) -> tuple[str, bytes] | None:
        edition = self._editions[job.language]
        context = job.context(SiteView(edition.site, edition.language, log), log)
        self.env.log = log
        try:
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

    def jobs(self) -> dict[str, Job]:
        """Every output file the graph lists, in every language: a language is one more dimension here."""
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
        return jobs

    def _context(self, edition: Edition, page: str, specific: Callable, view: SiteView, log: Log) -> dict:
        t = edition.strings
        language = edition.language
        log.note_lazy(("template", f"{FOLDER}/{language}.yaml"), lambda: self._strings_source(language))
        return {
            "site": view,
            "urls": self._provide(edition, log, "urls"),
            "output": edition.site.prefix + page,
            "page_path": page,
            "lang": language,
            "t": t,
            "outcome_labels": {o: t(f"outcome.{o}") for o in OUTCOMES},
            "program_labels": {p: t(f"program.{p}") for p in PROGRAMS},
            "alternates": self._provide(edition, log, "alternates", page),
            "updated": self._provide(edition, log, "updated"),
            "ebook": self._provide(edition, log, "ebook"),
            **specific(edition, page, view, log),
        }

    # What the renderer itself hands a page, besides the site: each is noted as ("page", lang, name, args),
    # and `answer` asks the same of a later build.
    def _provide(self, edition: Edition, log: Log, name: str, *args):
        return log.note(("page", edition.language, name, args), getattr(self, f"_value_{name}")(edition, *args))

    def _value_urls(self, edition: Edition) -> Urls:
        return edition.urls

    def _value_updated(self, edition: Edition) -> str:
        return self.updated

    def _value_ebook(self, edition: Edition) -> Download | None:
        return self.downloads.get(edition.language)

    def _value_alternates(self, edition: Edition, page: str) -> tuple[Alternate, ...]:
        return self._alternates.get(page, ()) if page.endswith(".html") else ()

    def _value_sitemap(self, edition: Edition) -> tuple[SitemapEntry, ...]:
        return tuple(
            SitemapEntry(e.site.prefix + page, self._alternates[page])
            for e in self.editions
            for page in sorted(e.site.pages_here)
            if page.endswith("index.html")
        )

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

    def render(self, outputs: Iterable[str] | None = None) -> dict[str, bytes]:
        """Render the named outputs (all of them by default); what each read is left in `self.reads`."""
        jobs = self.jobs()
        pages = {}
        for output in sorted(jobs if outputs is None else outputs):
            log = Log(self.digests)
            result = self.page(output, jobs[output], log)
            if result:
                pages[result[0]] = result[1]
                self.reads[output] = log.reads
        return pages

    def fixed_context(self, edition: Edition, page: str, view: SiteView, log: Log) -> dict:
        return {"sitemap": self._provide(edition, log, "sitemap")} if page == "sitemap.xml" else {}

    def text_context(self, edition: Edition, page: str, view: SiteView, log: Log) -> dict:
        node = view.node(page.removesuffix("index.html"))
        return {"node": node, "body": self.markdown(edition, node.body, node.citations, log)}

    def chapter_context(self, edition: Edition, page: str, view: SiteView, log: Log) -> dict:
        number = view.chapter_number(page.removesuffix("index.html"))
        return {**self.text_context(edition, page, view, log), "chapter_number": number}

    def mission_context(self, edition: Edition, page: str, view: SiteView, log: Log, slug: str = "") -> dict:
        mission = view.mission(slug)
        before, after = view.neighbours(slug)
        return {
            "node": mission,
            "body": self.markdown(edition, mission.description, mission.citations, log),
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
) -> tuple[Renderer | None, list[ContentError]]:
    """The renderer, every template compiled once; None with every template and interface-words problem."""
    env = make_environment(templates, compiled)
    errors = compile_templates(env, templates)
    if errors:
        return None, errors
    renderer = Renderer(site, md, templates, env, downloads=downloads)
    return (None, renderer.errors) if renderer.errors else (renderer, [])


def render_pages(renderer: Renderer, outputs: Iterable[str], workers: int = 1) -> Rendered:
    """The named pages in output order, with what each read; `workers` processes share them (0: every core
    if there are enough)."""
    outputs = sorted(outputs)
    task = partial(_render_slice, renderer)
    pages: dict[str, bytes] = {}
    errors: list[ContentError] = []
    reads: dict[str, Reads] = {}
    for part, part_errors, part_reads in map_slices(task, outputs, workers_for(len(outputs), workers)):
        pages.update(part)
        errors += part_errors
        reads.update(part_reads)
    return pages, errors, reads


def render_site(site: Site, md: MarkdownIt, templates: Path, workers: int = 1) -> Rendered:
    """Every page, in output order, with what each read."""
    renderer, errors = make_renderer(site, md, templates)
    return render_pages(renderer, renderer.jobs(), workers) if renderer else ({}, errors, {})


def _render_slice(renderer: Renderer, outputs: Sequence[str]) -> Rendered:
    """One worker's share: a forked worker inherits `renderer` and the site, and sends back only bytes."""
    pages = renderer.render(outputs)
    return pages, renderer.errors, renderer.reads
