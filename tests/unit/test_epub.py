"""epub.py: what the book holds, its metadata, its links, and a zip that is the same every time."""

import io
import os
import shutil
import zipfile
from dataclasses import replace
from pathlib import Path

import ebooklib
import pytest
from ebooklib import epub as ebooklib_epub
from lxml import etree
from PIL import Image

from documentary import gallery as gallery_stage
from documentary.epub import book_name, book_variant, downloads, identifier, make_books, render_books
from documentary.images import Info, plan
from documentary.markdown import make_parser
from documentary.xhtml import OPS, SVG, XHTML

from .sitekit import chapter_md, content, linked, mission_yaml

ROOT = Path(__file__).resolve().parents[2]
NS = {"x": XHTML, "epub": OPS, "opf": "http://www.idpf.org/2007/opf", "dc": "http://purl.org/dc/elements/1.1/"}
ARRIVED = (
    "events:\n  - {id: launch, date: 1971-05-28, title: Launch}\n"
    "  - {id: landing, date: 1971-12-02, title: Lander down}\n"
)
ONE = (
    "[[mars-3]] landed.[^n] See [the claims](/claims/) and [the timeline](/timeline/). [@src]\n\n"
    "## The landing\n\nMore on [[mars-2|its twin]] and [chapter two](/chapters/two/#later).\n\n"
    "[^n]: A note with a citation. [@src]\n"
)
TWO = "[[mars-2]] crashed.\n\n## Later\n\nBack to [one](/chapters/one/#the-landing).\n"


@pytest.fixture(scope="module")
def books():
    missions = {"mars-3": mission_yaml("Mars 3", extra=ARRIVED), "mars-2": mission_yaml("Mars 2", "1971-05-19")}
    chapters = {"01-one": chapter_md("One", ONE), "02-two": chapter_md("Two", TWO)}
    pages = {
        "claims": "---\ntitle: Claims\n---\nWhat [[mars-3]] did not do. [@src]\n",
        "about": "---\ntitle: About\n---\nx\n",
    }
    site, problems = linked(content(missions, chapters, pages))
    assert [p for p in problems if p.severity == "error"] == []
    with pytest.MonkeyPatch.context() as patch:
        patch.delenv("SOURCE_DATE_EPOCH", raising=False)  # the dates then come from site.yaml's `updated`
        found, errors = render_books(site, make_parser(), ROOT / "templates")
    assert errors == []
    return site, found


def entries(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as book:
        return {info.filename: book.read(info) for info in book.infolist()}


def xhtml(files: dict[str, bytes], name: str) -> etree._Element:
    return etree.fromstring(files[f"EPUB/{name}"])  # raises unless well-formed


def hrefs(root: etree._Element) -> list[str]:
    return [a.get("href") for a in root.iterfind(".//x:a", NS)]


def test_one_book_per_language_named_after_the_site(books):
    site, found = books
    assert list(found) == ["t.en.epub"] == [book_name(site.config, "en")]
    assert downloads(found) == {"en": ("t.en.epub", len(found["t.en.epub"]))}


def test_the_zip_starts_with_a_stored_mimetype_and_has_one_date(books):
    data = books[1]["t.en.epub"]
    assert data[30:38] == b"mimetype" and data[38:58] == b"application/epub+zip"  # no extra field
    with zipfile.ZipFile(io.BytesIO(data)) as book:
        infos = book.infolist()
    assert infos[0].compress_type == zipfile.ZIP_STORED
    assert {i.date_time for i in infos} == {(2024, 1, 1, 0, 0, 0)}  # sitekit's `updated`


def test_reading_order_is_cover_title_contents_chapters_claims_appendix(books):
    files = entries(books[1]["t.en.epub"])
    opf = etree.fromstring(files["EPUB/package.opf"])
    spine = [ref.get("idref") for ref in opf.iterfind(".//opf:itemref", NS)]
    assert spine == ["cover", "title", "nav", "chapter-01", "chapter-02", "page-claims", "missions"]
    manifest = {item.get("href") for item in opf.iterfind(".//opf:item", NS)}
    assert {name.removeprefix("EPUB/") for name in files if name.startswith("EPUB/")} == manifest | {"package.opf"}
    assert "page-about.xhtml" not in manifest


def test_metadata(books):
    site, found = books
    opf = etree.fromstring(entries(found["t.en.epub"])["EPUB/package.opf"])
    meta = opf.find("opf:metadata", NS)
    assert meta.findtext("dc:title", namespaces=NS) == "T"
    assert meta.findtext("dc:language", namespaces=NS) == "en"
    assert meta.findtext("dc:creator", namespaces=NS) == "A"
    assert meta.findtext("dc:rights", namespaces=NS) == "L"
    assert meta.findtext("dc:identifier", namespaces=NS) == identifier("https://example.org/sub/", "en")
    assert meta.findtext("opf:meta[@property='dcterms:modified']", namespaces=NS) == "2024-01-01T00:00:00Z"
    assert identifier("https://example.org/sub/", "en") != identifier("https://example.org/sub/", "ru")
    assert identifier("https://example.org/sub/", "en") != identifier("https://example.org/other/", "en")


def test_source_date_epoch_sets_the_modified_date_and_the_zip_dates(books, monkeypatch):
    site = books[0]
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")  # 2023-11-14T22:13:20Z
    data = render_books(site, make_parser(), ROOT / "templates")[0]["t.en.epub"]
    assert b'<meta property="dcterms:modified">2023-11-14T22:13:20Z</meta>' in entries(data)["EPUB/package.opf"]
    with zipfile.ZipFile(io.BytesIO(data)) as book:
        assert {i.date_time for i in book.infolist()} == {(2023, 11, 14, 22, 13, 20)}


def test_the_same_site_gives_the_same_bytes(books, monkeypatch):
    site, found = books
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    assert render_books(site, make_parser(), ROOT / "templates")[0] == found


def test_contents_list_chapters_sections_claims_and_appendix(books):
    nav = xhtml(entries(books[1]["t.en.epub"]), "nav.xhtml")
    toc = nav.find(".//x:nav[@epub:type='toc']", NS)
    assert hrefs(toc) == [
        "chapter-01.xhtml",
        "chapter-01.xhtml#the-landing",
        "chapter-02.xhtml",
        "chapter-02.xhtml#later",
        "page-claims.xhtml",
        "missions.xhtml",
    ]
    ncx = etree.fromstring(entries(books[1]["t.en.epub"])["EPUB/toc.ncx"])
    assert [c.get("src") for c in ncx.iter("{http://www.daisy.org/z3986/2005/ncx/}content")] == [
        "chapter-01.xhtml",
        "chapter-02.xhtml",
        "page-claims.xhtml",
        "missions.xhtml",
    ]


def test_chapters_rendered_by_forked_workers_give_the_same_books(books, monkeypatch):
    site, found = books
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    one, errors = make_books(site, make_parser(), ROOT / "templates", workers=1)
    two, more = make_books(site, make_parser(), ROOT / "templates", workers=2)
    assert errors == more == []
    assert dict(two.books) == dict(one.books) == found
    assert two.rendered == one.rendered and len(one.rendered) == 10  # every member, in order
    assert dict(two.members) == dict(one.members) and dict(two.fresh) == dict(one.fresh)  # and the same record


def test_a_chapter_template_error_in_a_worker_is_reported(books, tmp_path):
    site, _ = books
    templates = shutil.copytree(ROOT / "templates", tmp_path / "templates")
    text = templates / "epub/text.html"
    broken = "{% if part.number == 2 %}{{ part.no_such_field }}{% endif %}</h1>"
    text.write_text(text.read_text().replace("</h1>", broken))
    _, serial = make_books(site, make_parser(), templates, workers=1)
    _, forked = make_books(site, make_parser(), templates, workers=3)
    assert len(serial) == 1 and forked == serial  # the second chapter's, rendered by a worker (this process: the first)
    assert all("no_such_field" in e.message and e.source.path.endswith("epub/text.html") for e in serial)


def test_chapter_links_point_into_the_book_or_at_the_web(books):
    files = entries(books[1]["t.en.epub"])
    one = xhtml(files, "chapter-01.xhtml")
    links = hrefs(one)
    assert "missions.xhtml#mission-mars-3" in links and "missions.xhtml#mission-mars-2" in links
    assert "page-claims.xhtml" in links and "chapter-02.xhtml#later" in links
    assert "https://example.org/sub/timeline/" in links
    assert "chapter-01.xhtml#the-landing" in hrefs(xhtml(files, "chapter-02.xhtml"))
    assert not [h for h in links if h.startswith("/")]


def test_footnotes_and_citations_are_working_anchors(books):
    one = xhtml(entries(books[1]["t.en.epub"]), "chapter-01.xhtml")
    ids = {el.get("id") for el in one.iter() if el.get("id")}
    local = [h[1:] for h in hrefs(one) if h.startswith("#")]
    assert local and set(local) <= ids, set(local) - ids
    assert {"source-src", "fn1", "fnref1"} <= ids
    note = one.find(".//x:a[@epub:type='noteref']", NS)
    assert note.get("href") == "#fn1"
    sources = one.find(".//x:section[@class='citations']", NS)
    assert hrefs(sources) == ["https://example.org/s"]


def test_the_appendix_lists_each_mission_with_its_facts(books):
    appendix = xhtml(entries(books[1]["t.en.epub"]), "missions.xhtml")
    sections = appendix.findall(".//x:section[@class='mission']", NS)
    assert [s.get("id") for s in sections] == ["mission-mars-2", "mission-mars-3"]  # launch order
    facts = {"".join(dt.itertext()): "".join(dt.getnext().itertext()) for dt in sections[1].iterfind(".//x:dt", NS)}
    assert facts == {
        "Program": "Soviet Union",
        "Launch": "28 May 1971",
        "Launch vehicle": "Proton",
        "Launch site": "Baikonur",
        "Outcome": "Success",
        "Reached Mars": "2 December 1971: Lander down",
    }
    assert hrefs(sections[1])[-1] == "https://example.org/sub/missions/mars-3/"


def test_the_cover_is_the_share_card_and_is_declared(books):
    files = entries(books[1]["t.en.epub"])
    assert files["EPUB/images/cover.png"].startswith(b"\x89PNG")
    opf = etree.fromstring(files["EPUB/package.opf"])
    assert opf.find(".//opf:item[@properties='cover-image']", NS).get("href") == "images/cover.png"


def test_ebooklib_reads_the_book_back(books, tmp_path):
    path = tmp_path / "t.epub"
    path.write_bytes(books[1]["t.en.epub"])
    book = ebooklib_epub.read_epub(str(path), {"ignore_ncx": False})
    assert book.get_metadata("DC", "title")[0][0] == "T"
    names = [item.get_name() for item in book.get_items_of_type(ebooklib.ITEM_DOCUMENT)]
    assert "EPUB/chapter-01.xhtml" in names or "chapter-01.xhtml" in names
    assert [i[0] for i in book.spine][:3] == ["cover", "title", "nav"]


# --- Pictures and diagrams ------------------------------------------------------------------------

PICTURES = (
    '![Dunes at dusk](images/dunes.jpg "The dunes.")\n\n'
    "An emblem ![a red disc](images/disc.png) inline, a WebP ![a webp](images/w.webp) and a damaged\n"
    "![a broken one](images/broken.jpg) picture.\n\n"
    "```flightpath\nmissions: [mars-3]\n```\n"
)
CREDIT = "credit: Drawn for the tests\nlicence: CC0 1.0\n"


def picture(size: tuple[int, int], fmt: str) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (190, 110, 60)).save(buffer, fmt)
    return buffer.getvalue()


@pytest.fixture(scope="module")
def illustrated(tmp_path_factory):
    """A one-chapter site with pictures (Pillow-drawn files) and a flight-path diagram, its gallery, its book."""
    root = tmp_path_factory.mktemp("illustrated")
    images = root / "content" / "chapters" / "images"
    images.mkdir(parents=True)
    files = {
        "dunes.jpg": picture((1200, 800), "JPEG"),
        "disc.png": picture((300, 300), "PNG"),
        "w.webp": picture((640, 480), "WEBP"),
        "broken.jpg": picture((800, 600), "JPEG")[:700],  # the header reads, the pixels do not
    }
    for name, data in files.items():
        (images / name).write_bytes(data)
        (images / f"{name}.yaml").write_text(CREDIT)
    missions = {"mars-3": mission_yaml("Mars 3", extra=ARRIVED)}
    site, problems = linked(content(missions, {"01-one": chapter_md("One", PICTURES)}))
    assert [p for p in problems if p.severity == "error"] == []
    here = os.getcwd()
    os.chdir(root)  # the content's display paths (content/...) are the files under it
    try:
        found, problems = gallery_stage.gather(site, Path("content"), gallery_stage.ImageCache())
    finally:
        os.chdir(here)
    assert problems == [] and len(found.photos) == 4
    with pytest.MonkeyPatch.context() as patch:
        patch.delenv("SOURCE_DATE_EPOCH", raising=False)
        books, errors = render_books(site, make_parser(), ROOT / "templates", gallery=found)
    assert errors == []
    return site, found, entries(books["t.en.epub"]), books["t.en.epub"]


def manifest(files: dict[str, bytes]) -> dict[str, etree._Element]:
    opf = etree.fromstring(files["EPUB/package.opf"])
    return {item.get("href"): item for item in opf.iterfind(".//opf:item", NS)}


def photo(found, name: str):
    return next(p for p in found.photos if p.file.endswith(name))


def test_a_picture_is_in_the_book_as_one_of_the_sites_files_and_its_img_names_it(illustrated):
    site, found, files, _ = illustrated
    dunes = book_variant(photo(found, "dunes.jpg").picture)
    assert (dunes.name, dunes.width, dunes.mime) == (photo(found, "dunes.jpg").picture.default.name, 960, "image/jpeg")
    href = "images/" + dunes.name.removeprefix("img/")
    with Image.open(io.BytesIO(files[f"EPUB/{href}"])) as image:
        assert (image.format, image.size) == ("JPEG", (960, 640))
    assert manifest(files)[href].get("media-type") == "image/jpeg"
    one = xhtml(files, "chapter-01.xhtml")
    figure = one.find(".//x:figure[@class='photo']", NS)
    img = figure.find("x:img", NS)
    assert img.attrib == {"src": href, "width": "1200", "height": "800", "alt": "Dunes at dusk"}
    assert "The dunes." in "".join(figure.find("x:figcaption", NS).itertext())
    assert one.find(".//x:picture", NS) is None and one.find(".//x:source", NS) is None
    disc = "images/" + book_variant(photo(found, "disc.png").picture).name.removeprefix("img/")
    assert manifest(files)[disc].get("media-type") == "image/png" and files[f"EPUB/{disc}"].startswith(b"\x89PNG")
    assert one.find(f".//x:p/x:img[@src='{disc}']", NS).get("alt") == "a red disc"


def test_a_picture_the_book_cannot_hold_is_a_link_to_the_web_with_its_alt_text(illustrated):
    site, found, files, _ = illustrated
    one = xhtml(files, "chapter-01.xhtml")
    links = {a.text: a.get("href") for a in one.iterfind(".//x:a", NS)}
    for alt, name in (("a webp", "w.webp"), ("a broken one", "broken.jpg")):
        default = photo(found, name).picture.default.name
        assert links[alt] == f"https://example.org/sub/{default}"
        assert not [f for f in files if f.endswith(default.removeprefix("img/"))]
    assert book_variant(photo(found, "w.webp").picture) is None  # the site publishes a WebP only as WebP
    assert {img.get("src") for img in one.iter(f"{{{XHTML}}}img")} == {
        h for h, item in manifest(files).items() if item.get("media-type").startswith("image/") and "cover" not in h
    }


def test_the_book_names_each_image_it_holds_and_no_other(illustrated):
    site, found, files, _ = illustrated
    pictures = {name for name in files if name.startswith("EPUB/images/")}
    assert len(pictures) == 3  # the cover, the dunes and the disc
    assert {f"EPUB/{href}" for href in manifest(files) if href.startswith("images/")} == pictures


def test_the_diagram_is_inline_svg_and_its_chapter_is_declared_svg(illustrated):
    files = illustrated[2]
    text = files["EPUB/chapter-01.xhtml"].decode()
    assert '<svg xmlns="http://www.w3.org/2000/svg" class="chart chart-flightpath" viewBox="0 0 ' in text
    svg = xhtml(files, "chapter-01.xhtml").find(f".//{{{SVG}}}svg")
    assert svg.findtext(f"{{{SVG}}}title") == "The flight of Mars 3 from Earth to Mars"
    assert svg.get("role") == "img" and svg.get("aria-labelledby").endswith("-desc")
    items = manifest(files)
    assert items["chapter-01.xhtml"].get("properties") == "svg"
    assert [h for h, item in items.items() if "svg" in (item.get("properties") or "")] == ["chapter-01.xhtml"]
    assert items["nav.xhtml"].get("properties") == "nav"


def test_the_stylesheet_draws_every_class_the_diagram_uses(illustrated):
    files = illustrated[2]
    css = files["EPUB/css/book.css"].decode()
    svg = xhtml(files, "chapter-01.xhtml").find(f".//{{{SVG}}}svg")
    classes = {c for el in svg.iter() for c in (el.get("class") or "").split()}
    assert {"fp-orbit-earth", "fp-arc", "fp-sun", "legend"} <= classes
    undrawn = {c for c in classes if f".{c} " not in css and f".{c}," not in css}
    # drawn by a wider rule: svg.chart, .fp-arc's solid line, `.chart text`
    assert undrawn == {"chart-flightpath", "fp-arc-0", "fp-label"}
    assert ".chart text { fill: currentColor;" in css  # the reading system's text colour, on any page colour


def test_an_illustrated_book_is_the_same_bytes_every_time(illustrated):
    site, found, _, data = illustrated
    with pytest.MonkeyPatch.context() as patch:
        patch.delenv("SOURCE_DATE_EPOCH", raising=False)
        again = render_books(site, make_parser(), ROOT / "templates", gallery=found)[0]["t.en.epub"]
    assert again == data


def test_the_book_takes_a_jpeg_or_png_up_to_the_column_width():
    assert book_variant(plan("k", Info("JPEG", 3000, 2000))).name == "img/k-960.jpg"
    assert book_variant(plan("k", Info("PNG", 900, 900))).name == "img/k-900.png"
    assert book_variant(plan("k", Info("PNG", 64, 64))).name == "img/k-64.png"
    assert book_variant(plan("k", Info("WEBP", 3000, 2000))) is None


def zipfile_pack(entries, date) -> bytes:
    """The book's zip as zipfile writes it (epub.pack's reference: its bytes must be exactly these)."""
    from documentary.epub import CONTAINER, FOLDER, MEDIA_TYPE

    files = [("mimetype", MEDIA_TYPE.encode()), ("META-INF/container.xml", CONTAINER)]
    files += [(f"{FOLDER}/{e.href}", e.data) for e in entries]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in files:
            info = zipfile.ZipInfo(name, date_time=date)
            info.create_system = 3
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_STORED if name == "mimetype" else zipfile.ZIP_DEFLATED
            archive.writestr(info, data, compresslevel=9)
    return buffer.getvalue()


def test_pack_writes_the_bytes_zipfile_writes_whether_or_not_it_is_handed_the_deflated_streams(books):
    from documentary.epub import Entry, deflate, pack

    members = entries(books[1]["t.en.epub"])
    found = [Entry(name.removeprefix("EPUB/"), "", "", data) for name, data in members.items() if "EPUB/" in name]
    found.append(Entry("images/\u00e9t\u00e9.png", "", "", bytes(range(256)) * 8))  # a name that is not ASCII
    found.append(Entry("empty.txt", "", "", b""))
    date = (2024, 1, 2, 3, 4, 6)
    assert pack(found, date) == zipfile_pack(found, date)
    handed = [replace(e, deflated=deflate(e.data)) for e in found]
    assert pack(handed, date) == zipfile_pack(found, date)
