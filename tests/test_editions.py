"""The fixture site's two editions, from the outside: URLs, hreflang, switcher, sitemap, feeds, search,
facts shared by both languages, and the fallback for a page that has no translation."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

BASE = "https://example.org/fixture/"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
XHTML = "{http://www.w3.org/1999/xhtml}"


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    from tests.conftest import FIXTURE_SITE, run_cli

    out = tmp_path_factory.mktemp("editions") / "out"
    result = run_cli(["build", "--out", str(out), "-q", "--strict"], cwd=FIXTURE_SITE, env={"SOURCE_DATE_EPOCH": ""})
    assert result.returncode == 0, result.stderr
    return out


def read(out: Path, name: str) -> str:
    return (out / name).read_text(encoding="utf-8")


def hreflangs(html: str) -> dict[str, str]:
    return dict(re.findall(r'<link rel="alternate" hreflang="([\w-]+)" href="([^"]+)">', html))


def test_each_language_has_every_page_under_its_prefix(built):
    english = {p.relative_to(built).as_posix() for p in built.rglob("*.html") if not p.is_relative_to(built / "ru")}
    russian = {p.relative_to(built / "ru").as_posix() for p in (built / "ru").rglob("*.html")}
    assert russian == english
    assert not (built / "ru" / "sitemap.xml").exists() and not (built / "ru" / "robots.txt").exists()
    assert '<html lang="ru">' in read(built, "ru/missions/alpha-1/index.html")
    assert '<html lang="en">' in read(built, "missions/alpha-1/index.html")


def test_both_languages_link_each_other_with_hreflang_and_x_default(built):
    expected = {
        "en": BASE + "chapters/the-pair/",
        "ru": BASE + "ru/chapters/the-pair/",
        "x-default": BASE + "chapters/the-pair/",
    }
    assert hreflangs(read(built, "chapters/the-pair/index.html")) == expected
    assert hreflangs(read(built, "ru/chapters/the-pair/index.html")) == expected


def test_the_switcher_goes_to_the_same_page_in_the_other_language(built):
    switch = re.compile(r'<nav class="language-switch".*?</nav>', re.S)
    english = switch.search(read(built, "missions/beta-2/index.html")).group(0)
    russian = switch.search(read(built, "ru/missions/beta-2/index.html")).group(0)
    assert 'href="/fixture/ru/missions/beta-2/" hreflang="ru"' in english and ">Русский</a>" in english
    assert 'href="/fixture/missions/beta-2/" hreflang="en"' in russian and ">English</a>" in russian


def test_site_links_and_mission_names_follow_the_page_language(built):
    about = read(built, "ru/about/index.html")
    assert '<a href="/fixture/ru/timeline/">хронологию</a>' in about
    chapter = read(built, "ru/chapters/the-pair/index.html")
    assert '<a class="mission-link" href="/fixture/ru/missions/beta-2/">«Бета-2»</a>' in chapter
    assert '<time datetime="1971-05-28">28 мая 1971 г.</time>' in chapter
    assert "45° ю. ш., 158° з. д." in chapter


PAGE_DATES = re.compile(r'<p class="meta page-dates".*?</p>', re.S)


def test_every_date_is_the_same_fact_in_both_languages(built):
    for slug in ("alpha-1", "beta-2", "gamma-3", "delta-4"):
        # the "last updated" line dates each file, and a translation is its own file: facts are the rest
        pages = [PAGE_DATES.sub("", read(built, f"{p}missions/{slug}/index.html")) for p in ("", "ru/")]
        stamps = [re.findall(r'<time datetime="([^"]+)"', page) for page in pages]
        assert stamps[0] == stamps[1] and stamps[0]


def test_the_sitemap_lists_each_page_with_its_alternates(built):
    root = ET.fromstring(read(built, "sitemap.xml"))
    entries = {u.find(SITEMAP + "loc").text: u.findall(XHTML + "link") for u in root.findall(SITEMAP + "url")}
    assert len(entries) == 2 * len([p for p in built.rglob("index.html") if not p.is_relative_to(built / "ru")])
    links = {link.get("hreflang"): link.get("href") for link in entries[BASE + "ru/missions/alpha-1/"]}
    assert links == {
        "en": BASE + "missions/alpha-1/",
        "ru": BASE + "ru/missions/alpha-1/",
        "x-default": BASE + "missions/alpha-1/",
    }


def test_each_language_has_its_own_feed(built):
    atom = "{http://www.w3.org/2005/Atom}"
    feed = ET.fromstring(read(built, "ru/feed.xml"))
    assert feed.get("{http://www.w3.org/XML/1998/namespace}lang") == "ru"
    assert feed.find(atom + "title").text == "Документальный макет"
    links = [e.find(atom + "link").get("href") for e in feed.findall(atom + "entry")]
    assert links and all(link.startswith(BASE + "ru/") for link in links)
    chapters = ET.fromstring(read(built, "ru/chapters/feed.xml"))
    assert {e.find(atom + "link").get("href") for e in chapters.findall(atom + "entry")} == {
        BASE + "ru/chapters/beginnings/", BASE + "ru/chapters/the-pair/", BASE + "ru/chapters/afterwards/"
    }  # fmt: skip
    assert 'href="/fixture/ru/feed.xml"' in read(built, "ru/index.html")


def test_the_404_page_and_search_page_exist_in_russian(built):
    assert "<h1>Страница не найдена</h1>" in read(built, "ru/404.html")
    search = read(built, "ru/search/index.html")
    assert 'data-pagefind="/fixture/pagefind/pagefind.js"' in search  # one bundle; it loads the page's language
    assert json.loads(re.search(r"data-messages='([^']*)'", search).group(1))["searching"] == "Ищем…"


def test_pagefind_keeps_an_index_per_language(built):
    entry = json.loads(read(built, "pagefind/pagefind-entry.json"))
    assert set(entry["languages"]) == {"en", "ru"}
    assert entry["languages"]["ru"]["page_count"] == entry["languages"]["en"]["page_count"]


def test_a_page_without_translation_is_left_out_and_links_go_to_the_original(site_copy, cli):
    (site_copy / "content/ru/missions/gamma-3.yaml").unlink()
    (site_copy / "content/ru/chapters/03-afterwards.md").unlink()
    result = cli(["build", "--out", "out", "--no-search"], cwd=site_copy)
    assert result.returncode == 0, result.stderr
    assert (
        "content/missions/gamma-3.yaml:1:1: warning: not translated into ru: content/ru/missions/gamma-3.yaml is "
        "missing; its page is left out of that edition" in result.stderr
    )
    out = site_copy / "out"
    assert not (out / "ru/missions/gamma-3").exists() and not (out / "ru/chapters/afterwards").exists()
    chapter = read(out, "ru/chapters/beginnings/index.html")
    assert '<a class="mission-link" href="/fixture/missions/gamma-3/">Gamma 3</a>' in chapter  # the original page
    assert '<a href="/fixture/missions/gamma-3/">Gamma 3</a>' in read(out, "ru/timeline/index.html")
    assert "afterwards" not in read(out, "ru/chapters/index.html")
    assert 'hreflang="ru"' not in read(out, "missions/gamma-3/index.html")
    strict = cli(["check", "--strict"], cwd=site_copy)
    assert strict.returncode == 1
    assert "content/chapters/03-afterwards.md:1:1: error: not translated into ru" in strict.stderr


def test_the_pictures_speak_the_page_language(built):
    timeline = read(built, "ru/timeline/index.html")
    assert '<title id="timeline-overview-title">Все миссии по годам запуска</title>' in timeline
    assert "Every mission by launch year" not in timeline
    mission = read(built, "ru/missions/alpha-1/index.html")
    assert ">120° в. д.</text>" in mission and "45° ю. ш., 158° з. д." in mission
