"""Markdown edge cases (issue 11) seen from the outside: the pages and the book a small two-language site
builds under a sub-path, for headings that name a mission, heading ids against the templates' ids and
each other, and pictures from the content folder's root."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pytest
from PIL import Image

from tests.conftest import run_in_process

SITE = """title: Headings
description: A site whose headings name missions.
languages: [en, ru]
base_url: https://example.org/soviet-mars/
author: Test
licence: CC0
updated: 2024-01-02
"""
MISSION = """name: {name}
program: soviet
type: [orbiter]
launch: {{date: {date}, vehicle: Proton-K, site: Baikonur}}
outcome: failure
summary: Lost.
sources: [src]
"""
CHAPTER = """---
title: Origins
summary: Where it starts.
---
[[mars-2]] and [[mars-3]] flew in 1971. [@src]

![The pad at dawn](/images/pad.png)

## [[mars-2]]

Text.

## Main

## Main

### The [[mars-3|lander]] and [[mars-2]] [@src]
"""
CHAPTER_RU = """---
title: Истоки
summary: С чего всё началось.
---
[[mars-2]] и [[mars-3]] полетели в 1971 году. [@src]

## [[mars-2]]

Текст.

## [[mars-3]] и Главная
"""
DESCRIPTION = """description: |
  Its twin. [@src]

  ## Before [[mars-2]]

  ![The pad again](/images/pad.png)
"""


def write_site(root: Path) -> Path:
    files = {
        "content/site.yaml": SITE,
        "content/sources.yaml": "src: {title: S, publisher: P, url: 'https://example.org/s', kind: agency}\n",
        "content/missions/mars-2.yaml": MISSION.format(name="Mars 2", date="1971-05-19"),
        "content/missions/mars-3.yaml": MISSION.format(name="Mars 3", date="1971-05-28") + DESCRIPTION,
        "content/chapters/01-origins.md": CHAPTER,
        "content/images/pad.png.yaml": "credit: Drawn for the tests with Pillow\nlicence: CC0 1.0\n",
        "content/ru/site.yaml": "title: Заголовки\n",
        # Mars 3 stays untranslated: its pages in Russian show its English name
        "content/ru/missions/mars-2.yaml": "name: «Марс-2»\nsummary: Потерян.\n",
        "content/ru/chapters/01-origins.md": CHAPTER_RU,
    }
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    picture = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 80, 40)).save(picture, "PNG")
    (root / "content/images/pad.png").write_bytes(picture.getvalue())
    return root


def build(root: Path) -> Path:
    result = run_in_process(["build", "--out", "out", "--no-search", "-q"], cwd=root)
    assert result.returncode == 0, result.stderr
    return root / "out"


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    return build(write_site(tmp_path_factory.mktemp("headings")))


def page(out: Path, name: str) -> str:
    return (out / name).read_text(encoding="utf-8")


def contents(html: str) -> list[tuple[str, str]]:
    toc = re.search(r'<nav class="toc".*?</nav>', html, re.S).group(0)
    return re.findall(r'<li><a href="#([^"]+)">([^<]*)</a></li>', toc)


def ids(html: str) -> list[str]:
    return re.findall(r'\sid="([^"]+)"', html)


def test_a_heading_naming_a_mission_shows_its_name_as_a_link_in_the_heading_and_the_contents(built):
    html = page(built, "chapters/origins/index.html")
    assert '<h2 id="mars-2"><a class="mission-link" href="/soviet-mars/missions/mars-2/">Mars 2</a></h2>' in html
    assert '<h3 id="the-lander-and-mars-2">The <a class="mission-link" href="/soviet-mars/missions/mars-3/">' in html
    assert contents(html) == [("mars-2", "Mars 2"), ("main-1", "Main"), ("main-2", "Main")]
    assert "\x00" not in html and 'id="section"' not in html


def test_the_russian_page_names_the_mission_in_russian_and_makes_the_id_of_it(built):
    html = page(built, "ru/chapters/origins/index.html")
    assert '<h2 id="марс-2"><a class="mission-link" href="/soviet-mars/ru/missions/mars-2/">«Марс-2»</a></h2>' in html
    # Mars 3 has no translation: its original name, linked to the original page, as everywhere else
    assert '<h2 id="mars-3-и-главная"><a class="mission-link" href="/soviet-mars/missions/mars-3/">Mars 3</a>' in html
    assert contents(html) == [("марс-2", "«Марс-2»"), ("mars-3-и-главная", "Mars 3 и Главная")]


def test_no_heading_takes_a_template_id_or_another_heading_s(built):
    for name in ("chapters/origins/index.html", "ru/chapters/origins/index.html", "missions/mars-3/index.html"):
        found = ids(page(built, name))
        assert len(found) == len(set(found)), name
    html = page(built, "chapters/origins/index.html")
    assert ids(html).count("main") == 1 and '<main id="main"' in html
    assert '<h2 id="main-1">Main</h2>' in html and '<h2 id="main-2">Main</h2>' in html


def test_a_mission_description_s_heading_is_named_too(built):
    html = page(built, "missions/mars-3/index.html")
    assert (
        '<h2 id="before-mars-2">Before <a class="mission-link" href="/soviet-mars/missions/mars-2/">Mars 2</a>' in html
    )


def test_the_book_s_contents_show_the_names(built):
    for language, entry in (("en", '#mars-2">Mars 2</a>'), ("ru", '#марс-2">«Марс-2»</a>')):
        with zipfile.ZipFile(built / f"headings.{language}.epub") as book:
            nav = book.read("EPUB/nav.xhtml").decode()
        assert entry in nav, language


def test_a_picture_from_the_content_root_is_published_under_the_site_s_path(built):
    for name in ("chapters/origins/index.html", "missions/mars-3/index.html"):
        sources = re.findall(r'<img src="([^"]+)"', page(built, name))
        pictures = [src for src in sources if "favicon" not in src]
        assert pictures and all(src.startswith("/soviet-mars/img/") for src in pictures), (name, sources)
        assert all((built / src.removeprefix("/soviet-mars/")).is_file() for src in pictures)


def test_renaming_the_mission_renames_the_heading_on_the_next_build(tmp_path):
    root = write_site(tmp_path)
    build(root)
    mission = root / "content/missions/mars-2.yaml"
    mission.write_text(mission.read_text().replace("name: Mars 2", "name: Mars Two"))
    html = page(build(root), "chapters/origins/index.html")  # the second build reuses what it can
    assert '<h2 id="mars-two"><a class="mission-link" href="/soviet-mars/missions/mars-2/">Mars Two</a></h2>' in html
    assert contents(html)[0] == ("mars-two", "Mars Two") and 'id="mars-2"' not in html
