"""Pictures end to end: the fixture site built as a user builds it, its images and share cards checked."""

from __future__ import annotations

import io
import re
import shutil
from pathlib import Path

import pytest
from PIL import Image

from tests.conftest import FIXTURE_SITE, run_cli

PAGES_WITH = {
    "chapters/beginnings/index.html": 2,  # a lead figure with caption and an inline picture
    "chapters/afterwards/index.html": 1,  # stored sideways, with GPS
    "missions/alpha-1/index.html": 1,  # the mission's image block
    "about/index.html": 1,  # /images/horizon.png, from the content root, under /fixture/
}


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    site = tmp_path_factory.mktemp("pictures") / "site"
    shutil.copytree(FIXTURE_SITE, site)
    result = run_cli(["build", "--out", "out", "--no-search", "--strict", "-q"], cwd=site)
    assert result.returncode == 0, result.stderr
    return site


def test_two_cold_builds_are_byte_identical_pictures_and_cards_included(built, tmp_path):
    again = tmp_path / "site"
    shutil.copytree(FIXTURE_SITE, again)
    assert run_cli(["build", "--out", "out", "--no-search", "-q"], cwd=again).returncode == 0
    first, second = tree(built / "out"), tree(again / "out")
    assert first == second
    assert any(name.startswith("img/cards/") for name in first)
    assert sum(name.endswith(".webp") for name in first) == 9  # 3 + 1 + 1 + 2 + 2 widths


def test_no_published_picture_carries_exif_gps_or_camera_data(built):
    pictures = [p for p in (built / "out" / "img").rglob("*") if p.suffix in (".jpg", ".png", ".webp")]
    assert len(pictures) > 20
    for path in pictures:
        data = path.read_bytes()
        assert b"FixtureCam" not in data and b"Model X" not in data and b"Exif" not in data, path
        with Image.open(io.BytesIO(data)) as image:
            assert not image.getexif(), path
            assert not {"exif", "xmp", "icc_profile"} & set(image.info), path


def test_the_sideways_photograph_is_published_upright(built):
    html = (built / "out/chapters/afterwards/index.html").read_text()
    src = re.search(r'<img src="/fixture/(img/[^"]+)"[^>]*width="480" height="640"', html)
    assert src, html
    with Image.open(built / "out" / src.group(1)) as image:
        assert image.size == (480, 640)


def test_every_picture_has_its_size_and_loads_lazily_except_the_first_at_the_top(built):
    for page, count in PAGES_WITH.items():
        html = (built / "out" / page).read_text()
        imgs = re.findall(r"<img [^>]*>", html.split("<main", 1)[1])
        pictures = [tag for tag in imgs if "/fixture/img/" in tag and "favicon" not in tag]
        assert len(pictures) == count, page
        for tag in pictures:
            assert re.search(r' width="\d+" height="\d+"', tag) and ' alt="' in tag, tag
            assert ' srcset="' in tag and ' sizes="' in tag, tag
        eager = [tag for tag in pictures if 'fetchpriority="high"' in tag]
        lazy = [tag for tag in pictures if 'loading="lazy" decoding="async"' in tag]
        lead = page in ("chapters/beginnings/index.html", "missions/alpha-1/index.html")
        assert (len(eager), len(lazy)) == ((1, count - 1) if lead else (0, count)), page
        for url in re.findall(r'(?:src|srcset)="([^"]+)"', " ".join(pictures)):
            for candidate in url.split(", "):
                path = candidate.split(" ")[0]
                assert path.startswith("/fixture/img/") and (built / "out" / path.removeprefix("/fixture/")).is_file()


def test_a_picture_alone_in_its_paragraph_is_a_figure_with_caption_credit_and_licence(built):
    html = (built / "out/chapters/beginnings/index.html").read_text()
    figure = re.search(r'<figure class="photo">.*?</figure>', html, re.S).group(0)
    assert '<picture><source type="image/webp"' in figure
    assert "<figcaption>Dunes at dusk: a picture drawn for the tests." in figure
    assert 'Generated for the tests with Pillow (CC0 1.0, <a href="https://example.org/dunes">source</a>)' in figure
    assert "<p><figure" not in html and "emblem <picture>" in html


def test_a_translated_mission_shows_its_picture_described_and_credited_in_its_own_language(built):
    html = (built / "out/ru/missions/alpha-1/index.html").read_text()
    figure = re.search(r'<figure class="photo lead-photo">.*?</figure>', html, re.S).group(0)
    assert 'alt="Ржаво-рыжая равнина под бледным небом"' in figure  # content/ru/missions/alpha-1.yaml's words
    assert "<figcaption>Район посадки, каким его представляют себе тесты." in figure
    assert 'Generated for the tests with Pillow (CC0 1.0, <a href="https://example.org/alpha-1">источник</a>)' in figure
    english = (built / "out/missions/alpha-1/index.html").read_text()
    picture = re.search(r'<img src="([^"]+)"', figure).group(1)
    assert f'<img src="{picture}"' in english and 'alt="A rust-coloured plain under a pale sky"' in english


def test_every_page_has_a_share_card(built):
    out = built / "out"
    pages = [p for p in out.rglob("*.html")]
    assert len(pages) > 10
    for page in pages:
        html = page.read_text()
        card = re.search(r'<meta property="og:image" content="https://example.org/fixture/(img/cards/\w+\.png)">', html)
        assert card, page
        assert '<meta property="og:image:width" content="1200">' in html
        assert '<meta property="og:image:height" content="630">' in html
        assert re.search(r'<meta property="og:image:alt" content="[^"]+">', html)
        assert '<meta name="twitter:card" content="summary_large_image">' in html
        with Image.open(out / card.group(1)) as image:
            assert (image.format, image.size) == ("PNG", (1200, 630))


def test_the_credits_page_lists_every_picture(built):
    html = (built / "out/credits/index.html").read_text()
    items = re.findall(r"<li>\s*<picture>.*?</li>", html, re.S)
    assert len(items) == 5
    assert html.count("Generated for the tests with Pillow") == 5
    assert 'href="https://example.org/alpha-1"' in html and 'href="/fixture/missions/alpha-1/"' in html
    assert 'href="/fixture/credits/"' in (built / "out/index.html").read_text()


def test_the_russian_credits_page_lists_what_the_russian_pages_show_in_russian(built):
    """The Russian edition shows two of the five pictures: the dunes (its first chapter translates that
    figure) and the mission's lead photograph. Its credits page lists those two, with the translations'
    captions and the Russian pages' titles, and none of the English captions or titles."""
    html = (built / "out/ru/credits/index.html").read_text()
    items = re.findall(r"<li>\s*<picture>.*?</li>", html, re.S)
    assert len(items) == 2
    captions = re.findall(r'<p class="credit-caption">([^<]*)</p>', html)
    assert captions == [
        "Дюны в сумерках: картинка, нарисованная для тестов.",
        "Район посадки, каким его представляют себе тесты.",
    ]
    shown = re.findall(r'<p class="used-by">Где показано: (.*?)\.</p>', html)
    assert shown == [
        '<a href="/fixture/ru/chapters/beginnings/">Начало</a>',
        '<a href="/fixture/ru/missions/alpha-1/">Альфа-1</a>',
    ]
    for english in ("Dunes at dusk", "The landing area", "Beginnings", "Alpha 1", "a red disc"):
        assert english not in html


def test_a_rebuild_takes_every_picture_from_the_cache(built):
    cache = built / "out.cache" / "img"
    stamps = {p: p.stat().st_mtime_ns for p in cache.iterdir() if p.suffix in (".jpg", ".png", ".webp")}
    cards = {p: p.stat().st_mtime_ns for p in (built / "out.cache" / "cards").iterdir()}
    result = run_cli(["build", "--out", "out", "--no-search"], cwd=built)
    assert result.returncode == 0, result.stderr
    assert {p: p.stat().st_mtime_ns for p in stamps} == stamps and len(stamps) == 18
    assert {p: p.stat().st_mtime_ns for p in cards} == cards
    assert re.search(r"^encode +18 ", result.stderr, re.M)  # named from the cache, none encoded
