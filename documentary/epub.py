"""The documentary as an EPUB 3 book, one per language: rendered like the site, packed with zipfile.

Chapters, then the claims page, then an appendix of mission facts, behind a cover (the share-card
design) and a title page; nav.xhtml and toc.ncx list them. Bodies go through the site's own resolver
and Markdown, then `xhtml` makes them XHTML and points their links into the book or at the web.
The flight-path diagrams stay inline SVG, and each picture of the text is in the book as one of the
files the site publishes for it (a JPEG or PNG near the text column's width, `book_variant`).
The zip is written by hand because its bytes must not change between builds: every entry has the same
date (the book's `dcterms:modified`), `mimetype` comes first and uncompressed, and nothing reads the
clock or draws a random identifier. The only disk I/O is reading the pictures' source files, through the
gallery (`encode_in_memory`), and the members a warm build keeps; the books are bytes for the write stage.

Each generated member (cover, title, contents, every chapter, appendix, cover picture, toc.ncx, package.opf)
is rendered like a page: what it reads is noted in its own Log (the site through a SiteView, the book's
plan through a PlanView, the link map, the manifest), and `build` records those reads beside the page
record (record.MEMBERS). A warm build asks them again (`Replay`) and takes a member's bytes from the cache
when every answer is the same; only the stale members are rendered, and the zip is packed again from all.
"""

from __future__ import annotations

import datetime as dt
import struct
import uuid
import zipfile
import zlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path
from types import MappingProxyType
from typing import Any

import jinja2
import PIL
from lxml import etree
from markdown_it import MarkdownIt

from . import cards, record
from .dates import PartialDate
from .errors import ContentError
from .gallery import Gallery, Photo, encode_in_memory
from .graph import MissionNode, Site, TextNode
from .images import Picture, Variant
from .markdown import slugify
from .models import OUTCOMES, PROGRAMS, SiteConfig
from .pack import Blob
from .parallel import map_slices, workers_for
from .reads import Digests, Log, Reads, Replay, SiteView
from .render import Download, Edition, Job, Renderer, make_environment, updated_stamp
from .xhtml import document, holds_svg, link_rewriter

BOOK_PAGES = ("claims",)  # the site's pages that the book carries after the chapters, in this order
ARRIVALS = ("flyby", "orbit", "landing", "impact")  # the event ids that mean a spacecraft reached Mars
COVER_SIZE = (800, 1200)  # 2:3, like a paperback; larger covers cost a quarter of a second to draw
MEDIA_TYPE = "application/epub+zip"
FOLDER = "EPUB"
TEMPLATES = "epub"
# A picture's file in the book: the widest the site publishes up to about the text column's width on a
# tablet; the site's `<img src>` is the same width. EPUB 3.2's core image types (epubcheck 4) have no WebP.
BOOK_WIDTH = 960
BOOK_TYPES = ("image/jpeg", "image/png")


@dataclass(frozen=True)
class Entry:
    """One file of the book: its name inside EPUB/, manifest id and media type, and its bytes."""

    href: str
    id: str
    media_type: str
    data: bytes
    properties: str = ""
    spine: bool = False
    deflated: bytes | None = None  # `data` as the zip holds it (`deflate`), when a build already has it


@dataclass(frozen=True)
class Part:
    """A page of the book's text (a chapter or a page) and the site page it comes from."""

    href: str
    id: str
    node: TextNode
    number: int | None  # the chapter number; None for a page


@dataclass(frozen=True)
class Plan:
    """Everything the book's templates read: its parts in reading order and its metadata."""

    title: str
    language: str
    identifier: str
    modified: str  # 2026-11-26T00:00:00Z
    date: PartialDate  # the same day, for people
    parts: tuple[Part, ...]
    missions: tuple[MissionNode, ...]
    web: str  # the edition's home page on the web


def book_name(config: SiteConfig, language: str) -> str:
    """The book's file at the site root: the default-language title as a slug, then the language."""
    return f"{slugify(config.title)}.{language}.epub"


def identifier(base_url: str, language: str) -> str:
    """The same site and language give the same book id, build after build (EPUB needs a unique one)."""
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, base_url + '#' + language)}"


@dataclass(frozen=True)
class Kept:
    """What the last build recorded of the books' members ("<book>/<href>" -> sha256 and reads) and their
    bytes as the cache keeps them, deflated, by sha256 (record.stored); empty, every member is rendered."""

    members: Mapping[str, record.Entry] = field(default_factory=dict)
    stored: Mapping[str, Blob] = field(default_factory=dict)

    def data(self, entry: record.Entry) -> tuple[bytes, bytes] | None:
        """A member's bytes and their deflated stream, if kept and whole."""
        return record.kept(self.stored, entry.sha256, inflate)


@dataclass(frozen=True)
class Made:
    """The books, and what the next build's record needs: every member's entry and the new members' bytes."""

    books: Mapping[str, bytes]  # output name -> EPUB
    members: Mapping[str, record.Entry]  # "<book>/<href>" -> sha256 and reads, rendered now or kept
    fresh: Mapping[str, bytes]  # sha256 -> the members rendered now, deflated (as they are kept)
    rendered: tuple[str, ...]  # the members rendered, not reused, in book order


def render_books(
    site: Site,
    md: MarkdownIt,
    templates: Path,
    env: jinja2.Environment | None = None,
    gallery: Gallery | None = None,
) -> tuple[dict[str, bytes], list[ContentError]]:
    """Every language's book: {output name: EPUB bytes}; template problems come back as errors.

    `gallery`: the site's pictures; each one a book's text shows is in the book (without it, or when its
    file cannot be encoded, the picture becomes a link to the web page's file)."""
    made, errors = make_books(site, md, templates, env, gallery)
    return dict(made.books), errors


def make_books(
    site: Site,
    md: MarkdownIt,
    templates: Path,
    env: jinja2.Environment | None = None,
    gallery: Gallery | None = None,
    kept: Kept = Kept(),
    digests: Digests | None = None,
    workers: int = 1,
) -> tuple[Made, list[ContentError]]:
    """`render_books`, reusing each member whose recorded reads in `kept` all answer the same. `digests`: the
    build's (shared with the pages' renderer, so a value both read is digested once). `workers`: processes
    that share the chapters to render (0: every core, when there are enough)."""
    renderer = Renderer(site, md, templates, env or make_environment(templates), gallery=gallery)
    if digests is not None:
        renderer.digests = digests
    if renderer.errors:
        return Made({}, {}, {}, ()), renderer.errors
    editions = [Book(renderer, edition, kept, workers) for edition in renderer.editions]
    files = picture_files({photo.path: photo for book in editions for photo in book.photos}.values())
    books, members, fresh, rendered = {}, {}, {}, []
    for book in editions:
        data = book.epub(files)
        if data is not None:
            books[book.name] = data
        members |= book.members
        fresh |= book.fresh
        rendered += book.rendered
    made = Made(MappingProxyType(books), MappingProxyType(members), MappingProxyType(fresh), tuple(rendered))
    return made, renderer.errors


def members_generator(generator: str) -> str:
    """What the members' record is made for: the site's generator (its code and Markdown libraries), and
    the libraries a member's bytes come through besides, so that upgrading one renders every member again:
    lxml writes the XHTML, Pillow draws the cover, zlib deflates what the cache keeps."""
    return f"{generator}; lxml {etree.__version__}; Pillow {PIL.__version__}; zlib {zlib.ZLIB_RUNTIME_VERSION}"


def book_variant(picture: Picture) -> Variant | None:
    """The one file of a picture the book holds: JPEG or PNG, the widest up to BOOK_WIDTH (or the narrowest
    when all are wider); None for a WebP original, which the site publishes only as WebP."""
    fitting = [v for v in picture.variants if v.mime in BOOK_TYPES]
    narrow = [v for v in fitting if v.width <= BOOK_WIDTH]
    return max(narrow, key=lambda v: v.width) if narrow else min(fitting, key=lambda v: v.width, default=None)


def picture_files(photos: Iterable[Photo]) -> dict[str, bytes]:
    """The chosen file of each picture, {variant name: bytes}, encoded once for every edition's book. A
    picture that cannot be decoded is left out (the site's own encoding reports it): the book links it."""
    chosen = {photo.path: (photo, book_variant(photo.picture)) for photo in photos}
    held = tuple(photo for photo, variant in chosen.values() if variant is not None)
    encoded, _ = encode_in_memory(Gallery(tuple(sorted(held, key=lambda photo: photo.path))))
    names = {variant.name for _, variant in chosen.values() if variant is not None}
    return {name: data for name, data in encoded.items() if name in names}


def downloads(books: Mapping[str, bytes]) -> dict[str, Download]:
    """What the site's pages say about each language's book: where it is and how big."""
    return {name.rsplit(".", 2)[1]: Download(name, len(data)) for name, data in books.items()}


TEXT = "epub/text.html"  # the template of a chapter or page of the book
COVER = frozenset({"images/cover.png"})  # the book's own picture, named by the cover page as it is


class PlanView:
    """The book's Plan as a member's templates see it: each attribute noted as ("book", lang, "plan", name),
    so the title page, which shows only the title and date, does not depend on the chapters."""

    def __init__(self, plan: Plan, log: Log):
        object.__setattr__(self, "_plan", plan)
        object.__setattr__(self, "_log", log)

    def __getattr__(self, name: str) -> Any:
        return self._log.note(("book", self._plan.language, "plan", name), getattr(self._plan, name))

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("the plan is read-only")


Make = Callable[[Log], bytes | None]  # renders one member, noting what it reads in the Log; None: it failed
MemberMade = tuple[bytes | None, bytes, Reads]  # a member rendered: its bytes (None: it failed), deflated, its reads


class Book:
    def __init__(self, renderer: Renderer, edition: Edition, kept: Kept = Kept(), workers: int = 1):
        self.renderer = renderer
        self.workers = workers
        self.reused: dict[str, bytes | None] = {}  # href -> the kept member's bytes, or None: asked once each
        self.edition = edition
        self.name = book_name(renderer.site.config, edition.language)
        self.kept = kept
        self.replay = Replay(self.answer, renderer.digests)
        self.members: dict[str, record.Entry] = {}  # every member so far, rendered or kept
        self.fresh: dict[str, bytes] = {}  # sha256 -> deflated bytes, of the members rendered
        self.deflated: dict[str, bytes] = {}  # href -> each member's deflated bytes, for `pack`
        self.rendered: list[str] = []
        self.links: tuple = ()  # what a member's links are rewritten by: set by `entries`, before any member
        self.manifest: tuple[Entry, ...] = ()  # the entries without their bytes: set before toc.ncx and package.opf
        site = edition.site
        chapters = [Part(f"chapter-{i:02}.xhtml", f"chapter-{i:02}", c, i) for i, c in enumerate(site.chapters, 1)]
        pages = {p.doc.slug: p for p in site.pages}
        extra = [Part(f"page-{s}.xhtml", f"page-{s}", pages[s], None) for s in BOOK_PAGES if s in pages]
        self.plan = Plan(
            title=site.config.title,
            language=edition.language,
            identifier=identifier(site.config.base_url, edition.language),
            modified=updated_stamp(site),
            date=PartialDate(*map(int, updated_stamp(site)[:10].split("-"))),
            parts=tuple(chapters + extra),
            missions=site.missions,
            web=edition.urls.absolute(),
        )
        self.parts = {part.href: part for part in self.plan.parts}
        urls = edition.urls
        self.inside = {urls.path(part.node.url): part.href for part in self.plan.parts}
        self.inside.update({urls.path(m.url): f"missions.xhtml#mission-{m.slug}" for m in site.missions})
        gallery = renderer.gallery
        shown = [photo for part in self.plan.parts for photo in gallery.for_file(part.node.doc.file.path).values()]
        self.photos: tuple[Photo, ...] = tuple({photo.path: photo for photo in shown}.values())

    def epub(self, files: Mapping[str, bytes] | None = None) -> bytes | None:
        """The book; `files`: the pictures' encoded files by variant name (`picture_files`)."""
        entries = self.entries(files or {})
        if entries is None:
            return None
        return pack(entries, self._zip_date())

    def pictures(self, files: Mapping[str, bytes]) -> list[tuple[Photo, Entry]]:
        """Each picture the book holds, with its file: named after the site's file, in images/."""
        held = []
        for photo in self.photos:
            variant = book_variant(photo.picture)
            if variant is not None and variant.name in files:
                stem = variant.name.removeprefix("img/")
                entry = Entry(f"images/{stem}", "image-" + stem.rsplit(".", 1)[0], variant.mime, files[variant.name])
                held.append((photo, entry))
        return sorted(held, key=lambda pair: pair[1].href)

    def entries(self, files: Mapping[str, bytes]) -> list[Entry] | None:
        """The book's files in reading order after the navigation; None if a template failed."""
        pictures = self.pictures(files)
        inside = dict(self.inside)  # a picture's every published file, as the site names it, is the book's one
        inside.update({self.edition.urls.of(v.name): e.href for p, e in pictures for v in p.picture.variants})
        base_url = self.edition.site.config.base_url
        self.links = (base_url, tuple(sorted(inside.items())))
        rewrite = link_rewriter(base_url, inside)
        texts = [
            ("cover.xhtml", "cover", "epub/cover.html", _nothing),
            ("title.xhtml", "title", "epub/title.html", _nothing),
        ]
        texts.append(("nav.xhtml", "nav", "epub/nav.html", _nothing))
        for part in self.plan.parts:
            texts.append((part.href, part.id, TEXT, self._text_context))
        texts.append(("missions.xhtml", "missions", "epub/missions.html", lambda href, log: {"arrival": arrival}))
        ready = self._render_chapters(texts, rewrite)
        entries = []
        for href, ident, template, context in texts:
            data = self._member(href, self._maker(href, template, context, rewrite), ready.get(href))
            if data is None:
                return None
            properties = " ".join(p for p in ("nav" if ident == "nav" else "", "svg" if holds_svg(data) else "") if p)
            entries.append(Entry(href, ident, "application/xhtml+xml", data, properties, True, self.deflated[href]))
        css = self.renderer.env.loader.get_source(self.renderer.env, f"{TEMPLATES}/book.css")[0]
        cover = self._member(next(iter(COVER)), self._cover)
        entries.append(Entry("css/book.css", "css", "text/css", css.encode()))
        picture = next(iter(COVER))
        entries.append(
            Entry(picture, "cover-image", "image/png", cover, "cover-image", deflated=self.deflated[picture])
        )
        entries += [entry for _, entry in pictures]
        self.manifest = tuple(replace(entry, data=b"", deflated=None) for entry in entries)  # what package.opf lists
        ncx = self._member("toc.ncx", lambda log: self._text("toc.ncx", "epub/toc.ncx.xml", {}, log))
        opf = self._member("package.opf", self._package)
        if ncx is None or opf is None:
            return None
        entries.append(Entry("toc.ncx", "ncx", "application/x-dtbncx+xml", ncx, deflated=self.deflated["toc.ncx"]))
        opf_entry = Entry(
            "package.opf", "", "application/oebps-package+xml", opf, deflated=self.deflated["package.opf"]
        )
        return [opf_entry, *entries]

    def _maker(self, href: str, template: str, context: Callable, rewrite) -> Make:
        return lambda log: self._xhtml(href, template, context, rewrite, log)

    def _member(self, href: str, make: Make, ready: MemberMade | None = None) -> bytes | None:
        """One member's bytes: the kept ones when its recorded reads all answer the same, else `ready` (rendered
        by `_render_chapters`), else rendered now."""
        kept = self._reuse(href)
        if kept is not None:
            return kept
        data, deflated, reads = ready or _made(make, self.renderer.digests)
        if data is not None:
            name = f"{self.name}/{href}"
            self.members[name] = record.Entry(record.sha256(data), reads)
            self.deflated[href] = self.fresh[self.members[name].sha256] = deflated  # once: kept and packed
            self.rendered.append(name)
        return data

    def _reuse(self, href: str) -> bytes | None:
        """The kept member's bytes when its recorded reads all answer the same (replayed once per member)."""
        if href not in self.reused:
            name, found = f"{self.name}/{href}", None
            entry = self.kept.members.get(name)
            if entry is not None and not self._changed(entry):
                found = self.kept.data(entry)
                if found is not None:
                    self.members[name] = entry
                    self.deflated[href] = found[1]
            self.reused[href] = found[0] if found else None
        return self.reused[href]

    def _render_chapters(self, texts: list[tuple], rewrite) -> dict[str, MemberMade]:
        """The chapters no kept member can stand for, rendered by forked workers when there are enough of them
        (a cold build's 1,000 chapters took 2.9 s in one process); {} leaves each to `_member`."""
        stale = [(href, template, context) for href, _, template, context in texts if template == TEXT]
        stale = [item for item in stale if self._reuse(item[0]) is None]
        workers = workers_for(len(stale), self.workers)
        if workers < 2:
            return {}
        ready: dict[str, MemberMade] = {}
        for made, errors in map_slices(partial(_render_slice, self, rewrite), stale, workers):
            ready |= made
            self.renderer.errors += [e for e in errors if e not in self.renderer.errors]  # (one template: one line)
        return ready

    def _changed(self, entry: record.Entry) -> bool:
        """Whether a recorded member would read anything else now; a key this build cannot even ask (a record
        of some other code, or damaged in a way its shape does not show) counts as changed, never as the same."""
        try:
            return self.replay.changed(entry.reads)
        except (LookupError, AttributeError, TypeError, ValueError):
            return True

    def answer(self, key: tuple) -> Any:
        """The value a member of this build would see for a recorded key (LookupError: it is gone)."""
        if key[0] != "book":
            return self.renderer.answer(key)
        if key[1] != self.edition.language:
            raise LookupError(key)
        what = key[2]
        if what == "plan":
            if key[3] not in Plan.__dataclass_fields__:
                raise LookupError(key)
            return getattr(self.plan, key[3])
        if what == "part":
            return self.parts[key[3]]
        if what == "links":
            return self.links
        if what == "manifest":
            return self.manifest
        raise LookupError(key)

    def _xhtml(self, href: str, template: str, context: Callable, rewrite, log: Log) -> bytes | None:
        """A page of the book as XHTML, its links pointed into the book (so it reads the link map too)."""
        html = self._render(href, template, lambda view: context(href, log), log)
        if html is None:
            return None
        log.note(("book", self.edition.language, "links"), self.links)
        return document(html, rewrite, COVER)

    def _text_context(self, href: str, log: Log) -> dict:
        part = log.note(("book", self.edition.language, "part", href), self.parts[href])
        node = part.node  # its file names its pictures (the gallery finds them by it)
        body = self.renderer.markdown(self.edition, node.body, node.citations, log, node.doc.file.path)
        return {"part": part, "node": node, "body": body}

    def _cover(self, log: Log) -> bytes:
        config = SiteView(self.edition.site, self.edition.language, log).config
        return cards.render_card(config.title, config.subtitle, COVER_SIZE, config.author)

    def _package(self, log: Log) -> bytes | None:
        manifest = log.note(("book", self.edition.language, "manifest"), self.manifest)
        return self._text("package.opf", "epub/package.opf.xml", {"entries": manifest}, log)

    def _text(self, href: str, template: str, context: dict, log: Log) -> bytes | None:
        html = self._render(href, template, lambda view: context, log)
        return html.encode() if html is not None else None

    def _render(self, href: str, template: str, context: Callable[[SiteView], dict], log: Log) -> str | None:
        """One file of the book, named `<book>/<href>` (e.g. red-planet-red-star.en.epub/chapter-01.xhtml);
        its templates see the site and the plan through views that note each read in `log`."""
        edition, renderer = self.edition, self.renderer
        strings = edition.strings

        def full(view: SiteView, log: Log) -> dict:
            renderer.note_strings(edition.language, log)  # `t` and the labels below come from it
            return {
                "site": view,
                "urls": renderer.provide(edition, log, "urls"),
                "lang": edition.language,
                "t": strings,
                "book": PlanView(self.plan, log),
                "outcome_labels": {o: strings(f"outcome.{o}") for o in OUTCOMES},
                "program_labels": {p: strings(f"program.{p}") for p in PROGRAMS},
                **context(view),
            }

        page = renderer.page(f"{self.name}/{href}", Job(template, edition.language, full), log)
        return page[1].decode() if page else None

    def _zip_date(self) -> tuple[int, int, int, int, int, int]:
        stamp = dt.datetime.strptime(self.plan.modified, "%Y-%m-%dT%H:%M:%SZ")
        return max(stamp, dt.datetime(1980, 1, 1)).timetuple()[:6]  # the zip format starts in 1980


def _nothing(href: str, log: Log) -> dict:
    return {}


def arrival(mission: MissionNode):
    """The first event that means the spacecraft reached Mars (a flyby, orbit, landing or impact), or None."""
    return next((e for e in mission.data.events if e.id in ARRIVALS), None)


CONTAINER = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n'
    b'<container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">\n'
    b'  <rootfiles><rootfile full-path="EPUB/package.opf" media-type="application/oebps-package+xml"/></rootfiles>\n'
    b"</container>\n"
)


def pack(entries: list[Entry], date: tuple[int, ...]) -> bytes:
    """The zip: `mimetype` first and stored (readers sniff it at a fixed offset), then every file, one date.

    Written by hand rather than by zipfile, byte for byte as zipfile writes it, because zipfile can only
    compress: a warm build hands over the deflated streams it kept (`Entry.deflated`), and deflating a
    thousand chapters again was most of what packing cost."""
    files = [("mimetype", MEDIA_TYPE.encode(), None), ("META-INF/container.xml", CONTAINER, None)]
    files += [(f"{FOLDER}/{e.href}", e.data, e.deflated) for e in entries]
    parts, directory, offset = [], [], 0
    for name, data, deflated in files:
        info = zipfile.ZipInfo(name, date_time=date)
        info.create_system = 3  # Unix, whatever the building machine: the default depends on it
        info.external_attr = 0o644 << 16
        info.compress_type = zipfile.ZIP_STORED if name == "mimetype" else zipfile.ZIP_DEFLATED
        body = data if name == "mimetype" else deflated if deflated is not None else deflate(data)
        info.file_size, info.compress_size, info.CRC = len(data), len(body), zlib.crc32(data)
        info.header_offset = offset
        header = info.FileHeader(False)  # never zip64: a book is far below 2 GiB
        parts += [header, body]
        offset += len(header) + len(body)
        directory.append(_directory_record(info))
    listing = b"".join(directory)
    end = struct.pack(
        zipfile.structEndArchive, zipfile.stringEndArchive, 0, 0, len(files), len(files), len(listing), offset, 0
    )
    return b"".join(parts) + listing + end


def _directory_record(info: zipfile.ZipInfo) -> bytes:
    """A file's entry in the zip's central directory, as zipfile's own `_write_end_record` writes it."""
    year, month, day, hour, minute, second = info.date_time
    dos_date, dos_time = (year - 1980) << 9 | month << 5 | day, hour << 11 | minute << 5 | second // 2
    try:
        name, flags = info.filename.encode("ascii"), info.flag_bits
    except UnicodeEncodeError:
        name, flags = info.filename.encode("utf-8"), info.flag_bits | 0x800  # the zip's "names are UTF-8" bit
    fields = (info.create_version, info.create_system, info.extract_version, info.reserved, flags)
    sizes = (info.CRC, info.compress_size, info.file_size, len(name), 0, 0, 0, info.internal_attr)
    record = struct.pack(
        zipfile.structCentralDir,
        zipfile.stringCentralDir,
        *fields,
        info.compress_type,
        dos_time,
        dos_date,
        *sizes,
        info.external_attr,
        info.header_offset,
    )
    return record + name


def inflate(stream: bytes) -> bytes:
    return zlib.decompress(stream, -15)


def _made(make: Make, digests: Digests) -> MemberMade:
    log = Log(digests)
    data = make(log)
    return data, deflate(data) if data is not None else b"", log.reads


def _render_slice(book: Book, rewrite, items: Sequence[tuple]) -> tuple[dict[str, MemberMade], list[ContentError]]:
    """One worker's chapters (a forked worker inherits the book), and the template errors they gave; this
    process's own slice takes its errors out of the renderer too, so every slice's are added back alike."""
    errors, before = book.renderer.errors, len(book.renderer.errors)
    made = {
        href: _made(book._maker(href, template, context, rewrite), book.renderer.digests)
        for href, template, context in items
    }
    found = errors[before:]
    del errors[before:]
    return made, found


def deflate(data: bytes) -> bytes:
    """A file's bytes as the zip holds them: raw deflate at level 9, as zipfile's compresslevel=9 writes."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    return compressor.compress(data) + compressor.flush()
