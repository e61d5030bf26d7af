"""The ebooks from the outside: built by `build.py build`, byte-identical twice, and valid by epubcheck; they
hold the flight-path diagrams as inline SVG and the pictures as the files the site publishes.

epubcheck is Debian's package (`apt-get install epubcheck`, a jar at /usr/bin/epubcheck, run with
java). Without it these checks skip, unless REQUIRE_BROWSER=1 (CI), where they fail.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import ebooklib
import pytest
import yaml
from ebooklib import epub as ebooklib_epub
from lxml import etree

from tests.conftest import FIXTURE_SITE, ROOT, run_cli, skip_or_fail

EPUBCHECK = Path("/usr/bin/epubcheck")
BUILD = ["build", "--out", "out", "--no-search", "-q"]
FIXED = {"SOURCE_DATE_EPOCH": "1700000000"}
OPF = {"opf": "http://www.idpf.org/2007/opf"}
XHTML = "{http://www.w3.org/1999/xhtml}"
REMOTE = "\nAnd a picture on another site: ![a remote map](https://maps.example.net/mars.png).\n"


def built_books(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.glob("*.epub"))}


def test_two_builds_give_byte_identical_ebooks(site_copy, cli):
    for out, env in (("one", FIXED), ("two", FIXED), ("three", {"SOURCE_DATE_EPOCH": ""})):
        result = cli(["build", "--out", out, "--no-search", "-q"], cwd=site_copy, env=env)
        assert result.returncode == 0, result.stderr
    one, two, three = (built_books(site_copy / name) for name in ("one", "two", "three"))
    assert list(one) == ["fixture-documentary.en.epub", "fixture-documentary.ru.epub"]
    assert one == two
    assert one != three  # the date is the book's: SOURCE_DATE_EPOCH, else site.yaml's `updated`


def test_every_page_links_its_languages_book_with_its_size(site_copy, cli):
    assert cli(BUILD, cwd=site_copy).returncode == 0
    out = site_copy / "out"
    size = (out / "fixture-documentary.ru.epub").stat().st_size
    for page in ("index.html", "chapters/beginnings/index.html"):
        assert 'href="/fixture/fixture-documentary.en.epub"' in (out / page).read_text()
    russian = (out / "ru/chapters/the-pair/index.html").read_text()
    assert 'href="/fixture/fixture-documentary.ru.epub"' in russian
    assert f"(EPUB, {(size + 1023) // 1024} КБ)" in russian


def test_no_epub_builds_none_and_links_none(site_copy, cli):
    assert cli([*BUILD, "--no-epub"], cwd=site_copy).returncode == 0
    out = site_copy / "out"
    assert built_books(out) == {}
    assert "epub" not in (out / "index.html").read_text()


def epubcheck(paths: list[Path]) -> dict[Path, subprocess.CompletedProcess]:
    """Run epubcheck on every book at once (one JVM each, in parallel: each takes seconds to start)."""
    java = shutil.which("java")
    if not java or not EPUBCHECK.exists():
        skip_or_fail("epubcheck needs java and Debian's epubcheck package (apt-get install epubcheck)")
    running = {
        p: subprocess.Popen([java, "-jar", str(EPUBCHECK.resolve()), str(p)], stdout=-1, stderr=-1, text=True)
        for p in paths
    }
    results = {}
    for path, process in running.items():
        out, err = process.communicate(timeout=600)
        results[path] = subprocess.CompletedProcess(process.args, process.returncode, out, err)
    return results


def problems(result: subprocess.CompletedProcess) -> list[str]:
    return re.findall(r"^(?:FATAL|ERROR|WARNING)\(.*$", result.stdout + result.stderr, re.M)


@pytest.mark.slow
def test_epubcheck_finds_no_error_or_warning_in_the_fixture_and_real_books(site_copy, tmp_path):
    assert run_cli(BUILD, cwd=site_copy).returncode == 0
    real = tmp_path / "real"
    result = run_cli(["build", "--out", str(real), "--no-search", "-q"], cwd=ROOT, timeout=300)
    assert result.returncode == 0, result.stderr
    config = yaml.safe_load((ROOT / "content" / "site.yaml").read_text(encoding="utf-8"))
    languages = config.get("languages") or [config.get("language", "en")]
    assert sorted(p.name for p in real.glob("*.epub")) == sorted(
        f"red-planet-red-star.{lang}.epub" for lang in languages
    )
    books = sorted((site_copy / "out").glob("*.epub")) + sorted(real.glob("*.epub"))
    canary = tmp_path / "broken.epub"  # proves the checker runs and reports, in the same run
    with zipfile.ZipFile(canary, "w", zipfile.ZIP_DEFLATED) as broken:
        broken.writestr("mimetype", "application/epub+zip")  # compressed, and nothing else: invalid
    results = epubcheck([*books, canary])
    assert results.pop(canary).returncode != 0, "epubcheck found nothing wrong with a broken book"
    for path, checked in results.items():
        assert problems(checked) == [] and checked.returncode == 0, f"{path.name}:\n{checked.stdout}{checked.stderr}"
        assert "No errors or warnings detected" in checked.stdout + checked.stderr


@pytest.fixture(scope="module")
def illustrated(tmp_path_factory) -> Path:
    """The fixture site built as a user builds it: its chapters show three pictures (one inline) and a
    flight-path diagram, and here one more picture, on another site (a warning, so not --strict)."""
    site = tmp_path_factory.mktemp("illustrated") / "site"
    shutil.copytree(FIXTURE_SITE, site)
    chapter = site / "content" / "chapters" / "03-afterwards.md"
    chapter.write_text(chapter.read_text(encoding="utf-8") + REMOTE, encoding="utf-8")
    result = run_cli(BUILD, cwd=site, env=FIXED)
    assert result.returncode == 0, result.stderr
    assert "maps.example.net/mars.png' is on another site" in result.stderr
    return site / "out"


def book(out: Path, language: str = "en") -> dict[str, bytes]:
    with zipfile.ZipFile(out / f"fixture-documentary.{language}.epub") as archive:
        return {info.filename: archive.read(info) for info in archive.infolist()}


def manifest(files: dict[str, bytes]) -> dict[str, etree._Element]:
    opf = etree.fromstring(files["EPUB/package.opf"])
    return {item.get("href"): item for item in opf.iterfind(".//opf:item", OPF)}


def test_the_books_chapter_holds_the_flight_path_diagram_as_inline_svg_declared_in_the_manifest(illustrated):
    files = book(illustrated)
    chapter = files["EPUB/chapter-02.xhtml"].decode()
    assert re.search(r'<svg xmlns="http://www\.w3\.org/2000/svg" [^>]*viewBox="0 0 660 \d+"', chapter)
    assert "viewbox=" not in chapter and '<title id="flightpath-alpha-1-beta-2-title">' in chapter
    web = (illustrated / "chapters/the-pair/index.html").read_text()
    assert re.search(r"<path d=\"[^\"]+\" class=\"fp-arc fp-arc-0\"/>", web).group(0) in chapter  # the same drawing
    declared = {href: item.get("properties") for href, item in manifest(files).items() if item.get("properties")}
    assert declared == {"nav.xhtml": "nav", "chapter-02.xhtml": "svg", "images/cover.png": "cover-image"}


def test_each_picture_is_in_the_book_as_the_file_the_web_page_shows(illustrated):
    files, items = book(illustrated), manifest(book(illustrated))
    pages = {"chapter-01.xhtml": "chapters/beginnings/index.html", "chapter-03.xhtml": "chapters/afterwards/index.html"}
    held = []
    for chapter, page in pages.items():
        web = re.findall(r'<img src="/fixture/img/([^"]+)"', (illustrated / page).read_text().split("<main", 1)[1])
        text = files[f"EPUB/{chapter}"].decode()
        ours = re.findall(r'<img src="images/([^"]+)"', text)
        assert ours == web and "srcset" not in text and "<picture" not in text and "<source" not in text
        for name in ours:
            assert files[f"EPUB/images/{name}"] == (illustrated / "img" / name).read_bytes()
            media = {"jpg": "image/jpeg", "png": "image/png"}[name.rsplit(".", 1)[1]]
            assert items[f"images/{name}"].get("media-type") == media
        held += ours
    assert len(held) == 3 and any(n.endswith("-960.jpg") for n in held) and any(n.endswith(".png") for n in held)
    assert sorted(n for n in files if n.startswith("EPUB/images/")) == sorted(
        ["EPUB/images/cover.png", *(f"EPUB/images/{n}" for n in held)]
    )


def test_a_picture_the_book_cannot_hold_is_a_link_to_it_with_its_alt_text(illustrated):
    chapter = etree.fromstring(book(illustrated)["EPUB/chapter-03.xhtml"])
    links = {a.text: a.get("href") for a in chapter.iter(f"{XHTML}a")}
    assert links["a remote map"] == "https://maps.example.net/mars.png"
    assert {img.get("src").split("/")[0] for img in chapter.iter(f"{XHTML}img")} == {"images"}


def test_ebooklib_reads_the_pictures_and_the_diagram(illustrated, tmp_path):
    book_path = illustrated / "fixture-documentary.en.epub"
    read = ebooklib_epub.read_epub(str(book_path), {"ignore_ncx": False})
    images = {item.get_name(): item.media_type for item in read.get_items_of_type(ebooklib.ITEM_IMAGE)}
    assert sorted(images.values()) == ["image/jpeg", "image/jpeg", "image/png"]  # ebooklib keeps the cover apart
    chapter = next(
        i for i in read.get_items_of_type(ebooklib.ITEM_DOCUMENT) if i.get_name().endswith("chapter-02.xhtml")
    )
    assert b'<svg xmlns="http://www.w3.org/2000/svg"' in chapter.get_content()


@pytest.mark.slow
def test_epubcheck_finds_no_error_or_warning_in_the_illustrated_books(illustrated):
    books = sorted(illustrated.glob("*.epub"))
    assert len(books) == 2
    for path, checked in epubcheck(books).items():
        assert problems(checked) == [] and checked.returncode == 0, f"{path.name}:\n{checked.stdout}{checked.stderr}"
        assert "No errors or warnings detected" in checked.stdout + checked.stderr
