"""Render the site graph through Jinja2 into {output path: bytes}. No disk writes."""

from __future__ import annotations

import os
import traceback
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import cached_property, partial
from pathlib import Path
from urllib.parse import urlsplit

import jinja2
from markdown_it import MarkdownIt
from markupsafe import Markup, escape

from . import cards, charts, facts, figures, flightpath, structured
from .assets import immutable
from .bodies import render_body
from .dates import PartialDate, time_tag
from .dating import Dates, day, human_day, newest, og_locale, stamp
from .errors import ContentError, error
from .feeds import EPOCH_STAMP, SERIES, Entry, Feed, Series, absolutise, select
from .gallery import Gallery, Photo
from .graph import Citation, MissionNode, Site, TextNode, Window
from .headers import content_security_policy
from .markdown import Doc
from .parallel import map_slices, workers_for
from .structured import Crumb

OUTCOME_LABELS = {"success": "Success", "partial": "Partial success", "failure": "Failure"}
# Headings of the sources page, one per kind in models.SOURCE_KINDS; None is a source with no kind.
SOURCE_KIND_LABELS = {
    "agency": "Space agencies and their archives",
    "book": "Books",
    "journal": "Journal papers",
    "encyclopedia": "Encyclopedias",
    "news": "News reports",
    "reference": "Reference works and catalogues",
    "blog": "Blogs and personal sites",
    None: "Other sources",
}
KIND_LABELS = {  # a page's kind (its template's `kind` block) as its share card names it
    "home": "Documentary",
    "chapter": "Chapter",
    "mission": "Mission",
    "timeline": "Timeline",
    "search": "Search",
    "page": "Page",
}
PROGRAM_LABELS = {
    "soviet": "Soviet Union",
    "russia": "Russia",
    "usa": "United States",
    "europe": "Europe",
    "china": "China",
    "india": "India",
    "japan": "Japan",
    "uae": "United Arab Emirates",
}
SECTIONS = {"chapters/": "Chapters", "missions/": "Missions", "timeline/": "Timeline", "sources/": "Sources"}
OTHER_TITLES = {"search/": "Search", "credits/": "Picture credits"}  # fixed pages outside the sections
NOT_FOUND_TITLE = "Page not found"


@dataclass(frozen=True)
class Urls:
    """Every internal URL starts with the site's path, so the site works under a sub-path."""

    base_url: str

    @property
    def base_path(self) -> str:
        return urlsplit(self.base_url).path or "/"

    def path(self, target: str = "") -> str:
        return self.base_path + target.lstrip("/")

    def absolute(self, target: str = "") -> str:
        return self.base_url + target.lstrip("/")

    def canonical(self, output: str) -> str:
        """The public URL of an output file: pretty URLs drop the index.html."""
        return self.absolute(output.removesuffix("index.html"))


class PageResolver:
    """Turns [[...]], [@...] and images into HTML for one body, with its page's citation numbers.

    `photos` are the pictures its file names, by src; `top`: the body starts the page, so an image
    leading it is fetched first.
    """

    def __init__(
        self,
        site: Site,
        urls: Urls,
        citations: tuple[Citation, ...],
        photos: Mapping[str, Photo] | None = None,
        top: bool = False,
    ):
        self.site = site
        self.urls = urls
        self.numbers = {c.key: c.number for c in citations}
        self.photos = photos or {}
        self.top = top

    def image(self, src: str, alt: str, caption: str, alone: bool, lead: bool) -> str:
        photo, eager = self.photos.get(src), lead and self.top
        if photo is None:  # a data: picture, or one on another site (a warning): as written
            title = f' title="{escape(caption)}"' if caption else ""
            return f'<img src="{escape(src)}" alt="{escape(alt)}"{title}>'
        if alone:
            return figures.figure(photo, self.urls.path, alt, caption, eager)
        return figures.picture(photo, self.urls.path, alt, eager)

    def wikilink(self, kind: str, target: str, detail: str | None) -> str:
        if kind == "count":
            return str(facts.count([m.data for m in self.site.missions], detail or ""))
        mission = self.site.mission(target)
        if kind == "fact":
            return str(format_fact(facts.value(mission.data, detail or ""), detail or ""))
        text = escape(detail) if detail else escape(mission.data.name)
        return f'<a class="mission-link" href="{self.urls.path(mission.url)}">{text}</a>'

    def site_url(self, path: str) -> str:
        return self.urls.path(path)

    def flightpath(self, slugs: list[str]) -> str:
        """A ```flightpath block: the flights of the missions it names, in one picture."""
        flights = tuple(flightpath.node_flight(self.site.mission(slug)) for slug in slugs)
        link = lambda slug: self.urls.path(self.site.mission(slug).url)  # noqa: E731
        return str(flightpath.figure(flights, "flightpath-" + "-".join(slugs), link))

    def cite(self, keys: list[str]) -> str:
        links = [f'<a href="#source-{k}" aria-label="source {self.numbers[k]}">{self.numbers[k]}</a>' for k in keys]
        return f'<sup class="cite">[{", ".join(links)}]</sup>'


def format_fact(found: object, path: str) -> Markup:
    if isinstance(found, PartialDate):
        return time_tag(found)
    if path.endswith(".lat"):
        return Markup(escape(facts.coordinate(found, "N", "S")))
    if path.endswith(".lon"):
        return Markup(escape(facts.coordinate(found, "E", "W")))
    if path == "outcome":
        return Markup(escape(OUTCOME_LABELS[found].lower()))
    if path == "program":
        return Markup(escape(PROGRAM_LABELS[found]))
    return Markup(escape(found))


def updated_stamp(site: Site) -> str:
    """The site's date (see graph.Site.updated); 1970-01-01 only when nothing at all is dated."""
    return stamp(site.updated) if site.updated else EPOCH_STAMP


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
    env.filters["date"] = time_tag
    env.filters["coord_lat"] = lambda v: facts.coordinate(v, "N", "S")
    env.filters["coord_lon"] = lambda v: facts.coordinate(v, "E", "W")
    env.filters["day"] = day
    env.filters["human_day"] = human_day
    env.globals.update(
        outcome_labels=OUTCOME_LABELS,
        program_labels=PROGRAM_LABELS,
        charts=charts,
        flightpath=flightpath,
        figures=figures,
    )
    env.globals["source_kind_labels"] = SOURCE_KIND_LABELS
    policy, header = Markup(content_security_policy()), Markup(content_security_policy(header=True))
    env.globals.update(sections=SECTIONS, csp=policy, csp_header=header)
    return env


def compile_templates(env: jinja2.Environment, templates: Path) -> list[ContentError]:
    """Load every template once so all syntax errors are reported together."""
    errors = []
    for name in env.list_templates(filter_func=lambda n: not n.startswith(".")):
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
        assets: Mapping[str, str] | None = None,
        gallery: Gallery | None = None,
        palette: cards.Palette = cards.DEFAULT_PALETTE,
    ):
        self.site = site
        self.gallery = gallery or Gallery()
        self.palette = palette
        self.cards: dict[str, cards.Card] = {}  # the share card each rendered page shows, by the page's output
        self.md = md
        self.templates = templates
        self.env = env or make_environment(templates)
        self.urls = Urls(site.config.base_url)
        self.errors: list[ContentError] = []
        self.updated = updated_stamp(site)
        self.assets = assets or {}  # static source name -> published (fingerprinted) name
        self.language = site.config.language

    def asset(self, name: str) -> str:
        """The URL path of a static file by its source name; a name the static folder lacks is kept as is."""
        return self.urls.path(self.assets.get(name, name))

    def markdown(self, doc: Doc | None, citations: tuple[Citation, ...], named_in: str, top: bool) -> Markup:
        """`named_in`: the content file of the body (its images are relative to it); `top`: it starts the page."""
        if doc is None:
            return Markup("")
        resolver = PageResolver(self.site, self.urls, citations, self.gallery.for_file(named_in), top)
        return Markup(render_body(self.md, doc, resolver))

    def page(self, output: str, template: str, **context) -> tuple[str, bytes] | None:
        try:
            html = self.env.get_template(template).render(
                site=self.site,
                urls=self.urls,
                output=output,
                updated=self.updated,
                asset=self.asset,
                og_locale=og_locale(self.language),
                gallery=self.gallery,
                share_card=partial(self.share_card, output),
                **context,
            )
        except jinja2.TemplateSyntaxError as exc:
            self.errors.append(
                error(_template_path(self.templates, exc.name or template), exc.lineno or 1, 1, exc.message or "")
            )
            return None
        except Exception as exc:  # a template bug must become one line, not a traceback
            self.errors.append(self._template_error(exc, template))
            return None
        return output, html.encode("utf-8")

    def share_card(self, output: str, title: str, kind: str) -> cards.Card:
        """The card of a page, by its title and kind; the build draws it after rendering (cards.produce)."""
        card = cards.Card(title, KIND_LABELS.get(kind, "Page"), self.site.config.title, self.palette)
        self.cards[output] = card
        return card

    def _template_error(self, exc: Exception, template: str) -> ContentError:
        where = (_template_path(self.templates, template), 1)
        for frame, lineno in traceback.walk_tb(exc.__traceback__):
            filename = frame.f_code.co_filename
            if filename.endswith((".html", ".xml", ".txt")) and str(self.templates) in filename:
                where = (_template_path(self.templates, os.path.relpath(filename, self.templates)), lineno)
        message = str(exc) if isinstance(exc, jinja2.TemplateError) else f"{type(exc).__name__}: {exc}"
        return error(where[0], where[1], 1, f"template error: {message}")

    def jobs(self) -> dict[str, tuple[str, Callable[[], dict]]]:
        """Every output file: its template and a function that builds its context on demand."""
        site = self.site
        fixed = {
            "index.html": "index.html",
            "404.html": "404.html",
            "chapters/index.html": "chapters.html",
            "missions/index.html": "missions.html",
            "timeline/index.html": "timeline.html",
            "sources/index.html": "sources.html",
            "credits/index.html": "credits.html",
            "search/index.html": "search.html",
        }
        jobs: dict[str, tuple[str, Callable[[], dict]]] = {
            out: (tpl, partial(self.fixed_context, out)) for out, tpl in fixed.items()
        }
        jobs["sitemap.xml"] = ("sitemap.xml", self.sitemap_context)
        jobs["robots.txt"] = ("robots.txt", dict)
        jobs["_headers"] = ("headers.txt", self.headers_context)
        for series in SERIES:
            jobs[series.output] = ("feed.xml", partial(self.feed_context, series))
        for c in site.chapters:
            jobs[c.url + "index.html"] = ("chapter.html", partial(self.chapter_context, c))
        for p in site.pages:
            jobs[p.url + "index.html"] = ("page.html", partial(self.text_context, p))
        for m in site.missions:
            jobs[m.url + "index.html"] = ("mission.html", partial(self.mission_context, m))
        return jobs

    def render(self, outputs: Iterable[str] | None = None) -> dict[str, bytes]:
        """Render the named outputs (all of them by default)."""
        jobs = self.jobs()
        pages = {}
        for output in sorted(jobs if outputs is None else outputs):
            template, context = jobs[output]
            result = self.page(output, template, **context())
            if result:
                pages[result[0]] = result[1]
        return pages

    def text_context(self, node: TextNode) -> dict:
        output = node.url + "index.html"
        url = self.urls.canonical(output)
        data = structured.text_page(self.site.config, node, url, self.language)
        return {
            "node": node,
            "body": self.markdown(node.body, node.citations, node.doc.file.path, top=True),
            **self.seo(output, node.title, node.dates, data),
        }

    def seo(self, output: str, title: str | None, dates: Dates | None = None, *nodes: dict) -> dict:
        """What every page's head and breadcrumb need: the trail, the JSON-LD, the page's own dates."""
        trail = self.trail(output, title)
        data = structured.document(*nodes, structured.breadcrumbs(trail))
        return {"trail": trail, "structured_data": data, "page_dates": dates}

    def trail(self, output: str, title: str | None) -> tuple[Crumb, ...]:
        """Home, then the section (Chapters, Missions, ...), then the page itself."""
        home = Crumb(self.site.config.title, self.urls.absolute(), self.urls.path())
        if output == "index.html":
            return (home,)
        if output == "404.html":
            return (home, Crumb(NOT_FOUND_TITLE, None, None))
        crumbs = [home]
        section = output.split("/", 1)[0] + "/"
        if section in SECTIONS and output != section + "index.html":
            crumbs.append(Crumb(SECTIONS[section], self.urls.absolute(section), self.urls.path(section)))
        name = title or SECTIONS.get(section) or OTHER_TITLES[section]
        crumbs.append(Crumb(name, self.urls.canonical(output), self.urls.path(output.removesuffix("index.html"))))
        return tuple(crumbs)

    def fixed_context(self, output: str) -> dict:
        if output == "index.html":
            search = self.urls.absolute("search/") if "search/index.html" in self.site.outputs else None
            site_node = structured.website(self.site.config, search, self.language)
            return self.seo(output, None, None, site_node)
        return self.seo(output, None)

    def lastmod(self) -> dict[str, str]:
        """Each page's last change for the sitemap: its own date, or the newest of the pages it lists."""
        site = self.site
        nodes = {n.url + "index.html": n.dates for n in site.chapters + site.pages + site.missions}
        out = {name: dates.updated_iso for name, dates in nodes.items() if dates}
        lists = {
            "chapters/index.html": newest(c.dates for c in site.chapters),
            "missions/index.html": newest(m.dates for m in site.missions),
            "timeline/index.html": newest(m.dates for m in site.missions),
        }
        out.update({name: stamp(moment) for name, moment in lists.items() if moment})
        for name in site.outputs:
            if name.endswith("index.html") and name not in nodes and name not in out and site.updated:
                out[name] = stamp(site.updated)
        return out

    def sitemap_context(self) -> dict:
        return {"lastmod": self.lastmod()}

    def headers_context(self) -> dict:
        return {"immutable": [self.urls.path(name) for name in immutable(self.assets)]}

    @cached_property
    def _candidates(self) -> dict[str, tuple[Entry, TextNode | MissionNode]]:
        """Every chapter and mission as a feed entry without its HTML (rendered only for the entries chosen)."""
        found = {}
        for c in self.site.chapters:
            url = self.urls.canonical(c.url)
            found[url] = (Entry("chapter", c.title, url, c.doc.meta.summary, "", c.dates), c)
        for m in self.site.missions:
            url = self.urls.canonical(m.url)
            found[url] = (Entry("mission", m.data.name, url, m.data.summary, "", m.dates), m)
        return found

    def _content(self, entry: Entry, node: TextNode | MissionNode) -> Entry:
        """The entry with its page's full content, every URL absolute."""
        if isinstance(node, MissionNode):
            body = absolutise(str(self.markdown(node.description, node.citations, node.doc.doc.path, False)), entry.url)
            html = f"<p>{escape(node.data.summary)}</p>\n{body}"
        else:
            html = absolutise(str(self.markdown(node.body, node.citations, node.doc.file.path, True)), entry.url)
        return replace(entry, html=html)

    def feed_context(self, series: Series) -> dict:
        title = self.site.config.title + (f": {series.label}" if series.label else "")
        home = self.urls.absolute(series.output.removesuffix("feed.xml"))
        candidates = self._candidates
        chosen = select([entry for entry, _ in candidates.values()], series)
        entries = tuple(self._content(entry, candidates[entry.url][1]) for entry in chosen)
        feed = Feed(series, title, self.urls.absolute(series.output), home, self.language, entries, self.updated)
        return {"feed": feed}

    @cached_property
    def _chapter_numbers(self) -> dict[str, int]:
        return {c.url: i for i, c in enumerate(self.site.chapters, 1)}

    def chapter_context(self, node: TextNode) -> dict:
        # `site.chapters.index(node)` in the template compared whole nodes: quadratic in the chapter count
        return {**self.text_context(node), "chapter_number": self._chapter_numbers[node.url]}

    @cached_property
    def _mission_positions(self) -> dict[str, int]:
        return {m.slug: i for i, m in enumerate(self.site.missions)}

    @cached_property
    def _windows(self) -> dict[int, Window]:
        return {w.index: w for w in self.site.windows}

    def mission_context(self, mission: MissionNode) -> dict:
        order = self.site.missions
        index = self._mission_positions[mission.slug]  # tuple.index would make the site quadratic
        output = mission.url + "index.html"
        data = structured.mission_page(self.site.config, mission, self.urls.canonical(output), self.language)
        path = mission.doc.doc.path
        return {
            **self.seo(output, mission.data.name, mission.dates, *data),
            "node": mission,
            "body": self.markdown(mission.description, mission.citations, path, top=False),
            "lead_photo": self._lead_photo(mission),
            "window": self._windows[mission.window],
            "before": order[index - 1] if index else None,
            "after": order[index + 1] if index + 1 < len(order) else None,
        }

    def _lead_photo(self, mission: MissionNode) -> Markup | None:
        """A mission's `image:` block, at the top of its page."""
        block = mission.data.image
        if block is None:
            return None
        photo = self.gallery.for_file(mission.doc.doc.path)[block.file]
        return figures.figure(photo, self.urls.path, block.alt, block.caption, eager=True, kind="photo lead-photo")


def render_site(
    site: Site,
    md: MarkdownIt,
    templates: Path,
    workers: int = 1,
    assets: Mapping[str, str] | None = None,
    gallery: Gallery | None = None,
    palette: cards.Palette = cards.DEFAULT_PALETTE,
) -> tuple[dict[str, bytes], list[ContentError], tuple[cards.Card, ...]]:
    """Every page, in output order, and the share cards they show; `workers` processes share the pages
    (0: every core if the site is big)."""
    env = make_environment(templates)
    errors = compile_templates(env, templates)
    if errors:
        return {}, errors, ()
    renderer = Renderer(site, md, templates, env, assets, gallery, palette)
    outputs = sorted(renderer.jobs())
    task = partial(_render_slice, renderer)
    pages: dict[str, bytes] = {}
    shown: dict[str, cards.Card] = {}
    for part, part_errors, part_cards in map_slices(task, outputs, workers_for(len(outputs), workers)):
        pages.update(part)
        errors += part_errors
        shown.update((card.name, card) for card in part_cards)
    return pages, errors, tuple(shown[name] for name in sorted(shown))


def _render_slice(renderer: Renderer, outputs: Sequence[str]) -> tuple[dict[str, bytes], list[ContentError], tuple]:
    """One worker's share: a forked worker inherits `renderer` and the site, and sends back only bytes
    (and the few share cards its pages show)."""
    pages = renderer.render(outputs)
    return pages, renderer.errors, tuple(renderer.cards.values())
