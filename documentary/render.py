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
from .graph import Citation, MissionNode, Site, TextNode, Window
from .i18n import FOLDER, Strings, read_strings
from .markdown import Doc
from .models import OUTCOMES, PROGRAMS
from .parallel import map_slices, workers_for

SITE_WIDE = {"sitemap.xml": "sitemap.xml", "robots.txt": "robots.txt"}  # one for all languages, at the root
EDITION_PAGES = {
    "index.html": "index.html",
    "404.html": "404.html",
    "chapters/index.html": "chapters.html",
    "missions/index.html": "missions.html",
    "timeline/index.html": "timeline.html",
    "sources/index.html": "sources.html",
    "search/index.html": "search.html",
    "feed.xml": "feed.xml",
}


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
    """One output file: its template, its language, and a function that builds its context on demand."""

    template: str
    language: str
    context: Callable[[], dict]


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


def make_environment(templates: Path) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates)),
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

    def markdown(self, edition: Edition, doc: Doc | None, citations: tuple[Citation, ...]) -> Markup:
        if doc is None:
            return Markup("")
        return Markup(render_body(self.md, doc, self.resolver(edition, citations)))

    def resolver(self, edition: Edition, citations: tuple[Citation, ...] = ()) -> PageResolver:
        return PageResolver(edition.site, edition.urls, citations, edition.strings)

    def page(self, output: str, template: str, context: dict) -> tuple[str, bytes] | None:
        try:
            html = self.env.get_template(template).render(updated=self.updated, **context)
        except jinja2.TemplateSyntaxError as exc:
            self.errors.append(
                error(_template_path(self.templates, exc.name or template), exc.lineno or 1, 1, exc.message or "")
            )
            return None
        except Exception as exc:  # a template bug must become one line, not a traceback
            self.errors.append(self._template_error(exc, template))
            return None
        return output, html.encode("utf-8")

    def _template_error(self, exc: Exception, template: str) -> ContentError:
        where = (_template_path(self.templates, template), 1)
        for frame, lineno in traceback.walk_tb(exc.__traceback__):
            filename = frame.f_code.co_filename
            if filename.endswith((".html", ".xml", ".txt")) and str(self.templates) in filename:
                where = (_template_path(self.templates, os.path.relpath(filename, self.templates)), lineno)
        message = str(exc) if isinstance(exc, jinja2.TemplateError) else f"{type(exc).__name__}: {exc}"
        return error(where[0], where[1], 1, f"template error: {message}")

    def jobs(self) -> dict[str, Job]:
        """Every output file of every language: the languages are one more dimension of this table."""
        jobs: dict[str, Job] = {}
        for edition in self.editions:
            site = edition.site

            def add(page: str, template: str, context: Callable[[], dict] = dict, edition=edition) -> None:
                build = partial(self._context, edition, page, context)
                jobs[edition.site.prefix + page] = Job(template, edition.language, build)

            fixed = EDITION_PAGES if site.prefix else {**EDITION_PAGES, **SITE_WIDE}
            for page, template in fixed.items():
                add(page, template, partial(self.sitemap_context) if page == "sitemap.xml" else dict)
            for c in site.chapters:
                add(c.url + "index.html", "chapter.html", partial(self.chapter_context, edition, c))
            for p in site.pages:
                add(p.url + "index.html", "page.html", partial(self.text_context, edition, p))
            for m in site.missions:
                if m.url + "index.html" in site.pages_here:
                    add(m.url + "index.html", "mission.html", partial(self.mission_context, edition, m))
        return jobs

    def _context(self, edition: Edition, page: str, specific: Callable[[], dict]) -> dict:
        t = edition.strings
        return {
            "site": edition.site,
            "urls": edition.urls,
            "output": edition.site.prefix + page,
            "page_path": page,
            "lang": edition.language,
            "t": t,
            "outcome_labels": {o: t(f"outcome.{o}") for o in OUTCOMES},
            "program_labels": {p: t(f"program.{p}") for p in PROGRAMS},
            "alternates": self._alternates.get(page, ()) if page.endswith(".html") else (),
            "ebook": self.downloads.get(edition.language),
            **specific(),
        }

    def render(self, outputs: Iterable[str] | None = None) -> dict[str, bytes]:
        """Render the named outputs (all of them by default)."""
        jobs = self.jobs()
        pages = {}
        for output in sorted(jobs if outputs is None else outputs):
            job = jobs[output]
            result = self.page(output, job.template, job.context())
            if result:
                pages[result[0]] = result[1]
        return pages

    def alternates_of(self, output: str) -> tuple[Alternate, ...]:
        edition = next((e for e in self.editions[1:] if output.startswith(e.site.prefix)), self.editions[0])
        return self._alternates.get(output.removeprefix(edition.site.prefix), ())

    def sitemap_context(self) -> dict:
        return {"sitemap": self.sitemap_entries()}

    def sitemap_entries(self) -> tuple[SitemapEntry, ...]:
        return tuple(
            SitemapEntry(e.site.prefix + page, self._alternates[page])
            for e in self.editions
            for page in sorted(e.site.pages_here)
            if page.endswith("index.html")
        )

    def text_context(self, edition: Edition, node: TextNode) -> dict:
        return {"node": node, "body": self.markdown(edition, node.body, node.citations)}

    @cached_property
    def _chapter_numbers(self) -> dict[tuple[str, str], int]:
        return {(e.prefix, c.url): i for e in self.site.editions for i, c in enumerate(e.chapters, 1)}

    def chapter_context(self, edition: Edition, node: TextNode) -> dict:
        # `site.chapters.index(node)` in the template compared whole nodes: quadratic in the chapter count
        number = self._chapter_numbers[(edition.site.prefix, node.url)]
        return {**self.text_context(edition, node), "chapter_number": number}

    @cached_property
    def _mission_positions(self) -> dict[str, int]:
        return {m.slug: i for i, m in enumerate(self.site.missions)}  # launch order is the same in every language

    @cached_property
    def _windows(self) -> dict[int, Window]:
        return {w.index: w for w in self.site.windows}

    def mission_context(self, edition: Edition, mission: MissionNode) -> dict:
        order = edition.site.missions
        index = self._mission_positions[mission.slug]  # tuple.index would make the site quadratic
        return {
            "node": mission,
            "body": self.markdown(edition, mission.description, mission.citations),
            "window": self._windows[mission.window],
            "before": order[index - 1] if index else None,
            "after": order[index + 1] if index + 1 < len(order) else None,
        }


def render_site(
    site: Site,
    md: MarkdownIt,
    templates: Path,
    workers: int = 1,
    downloads: Mapping[str, Download] | None = None,
    env: jinja2.Environment | None = None,
) -> tuple[dict[str, bytes], list[ContentError]]:
    """Every page, in output order; `workers` processes share the pages (0: every core if the site is big)."""
    env = env or make_environment(templates)
    errors = compile_templates(env, templates)
    if errors:
        return {}, errors
    renderer = Renderer(site, md, templates, env, downloads=downloads)
    if renderer.errors:  # the interface's words are missing or broken for some language
        return {}, renderer.errors
    outputs = sorted(renderer.jobs())
    task = partial(_render_slice, renderer)
    pages: dict[str, bytes] = {}
    for part, part_errors in map_slices(task, outputs, workers_for(len(outputs), workers)):
        pages.update(part)
        errors += part_errors
    return pages, errors


def _render_slice(renderer: Renderer, outputs: Sequence[str]) -> tuple[dict[str, bytes], list[ContentError]]:
    """One worker's share: a forked worker inherits `renderer` and the site, and sends back only bytes."""
    pages = renderer.render(outputs)
    return pages, renderer.errors
