"""epub.py: what the book holds, its metadata, its links, and a zip that is the same every time."""

import io
import zipfile
from pathlib import Path

import ebooklib
import pytest
from ebooklib import epub as ebooklib_epub
from lxml import etree

from documentary.epub import book_name, downloads, identifier, render_books
from documentary.graph import build_graph
from documentary.markdown import make_parser
from documentary.xhtml import OPS, XHTML

from .sitekit import chapter_md, content, mission_yaml

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
    site, problems = build_graph(content(missions, chapters, pages), make_parser())
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
