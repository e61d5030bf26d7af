"""render.py: URLs under a sub-path, dates, reference HTML, and template errors with their line."""

from pathlib import Path

import pytest

from documentary.dates import PartialDate
from documentary.i18n import read_strings
from documentary.markdown import make_parser
from documentary.render import PageResolver, Urls, make_renderer, render_pages, render_site

from .sitekit import chapter_md, content, linked, mission_yaml

ROOT = Path(__file__).resolve().parents[2]
STRINGS = read_strings(ROOT / "templates", ("en",))[0]["en"]
time_tag = STRINGS.time_tag


def small_site():
    missions = {"mars-3": mission_yaml("Mars 3 <lander>", extra="landing_site: {lat: -45, lon: -158, name: P}\n")}
    chapters = {"01-one": chapter_md("One", "[[mars-3]] [[mars-3:launch.date]] [[mars-3:landing_site.lon]] [@src]\n")}
    site, problems = linked(content(missions, chapters))
    assert [p for p in problems if p.severity == "error"] == []
    return site


def test_urls_keep_the_sub_path():
    urls = Urls("https://example.org/soviet-mars/")
    assert urls.path("missions/mars-3/") == "/soviet-mars/missions/mars-3/"
    assert urls.path() == "/soviet-mars/"
    assert urls.canonical("missions/mars-3/index.html") == "https://example.org/soviet-mars/missions/mars-3/"
    assert urls.canonical("404.html") == "https://example.org/soviet-mars/404.html"


def test_dates_render_as_time_elements_with_their_precision():
    assert time_tag(PartialDate(1971, 5, 28)) == '<time datetime="1971-05-28">28 May 1971</time>'
    assert time_tag(PartialDate(1972, 8)) == '<time datetime="1972-08">August 1972</time>'
    assert time_tag(PartialDate(1972)) == '<time datetime="1972">1972</time>'
    assert time_tag(PartialDate(1971, 12, 2), "13:50") == (
        '<time datetime="1971-12-02T13:50Z">2 December 1971, 13:50&nbsp;UTC</time>'
    )


def test_resolver_links_escapes_and_numbers_citations():
    site = small_site()
    resolver = PageResolver(site, Urls(site.config.base_url), site.chapters[0].citations, STRINGS)
    assert resolver.wikilink("mission", "mars-3", None) == (
        '<a class="mission-link" href="/sub/missions/mars-3/">Mars 3 &lt;lander&gt;</a>'
    )
    assert resolver.wikilink("fact", "mars-3", "launch.date") == '<time datetime="1971-05-28">28 May 1971</time>'
    assert resolver.wikilink("fact", "mars-3", "landing_site.lon") == "158° W"
    assert resolver.wikilink("count", "", "program=soviet") == "1"
    assert resolver.cite(["src"]) == '<sup class="cite">[<a href="#source-src" aria-label="source 1">1</a>]</sup>'


def test_the_real_templates_render_every_output():
    site = small_site()
    pages, errors, cards = render_site(site, make_parser(), ROOT / "templates")
    assert errors == []
    assert set(pages) == set(site.outputs)
    shown = {card.name for card in cards}
    html_pages = [name for name in pages if name.endswith(".html")]
    assert len(shown) == len(html_pages)  # every page has its own title, so its own card
    home = pages["index.html"].decode()
    assert any(f'<meta property="og:image" content="https://example.org/sub/{name}">' in home for name in shown)
    chapter = pages["chapters/one/index.html"].decode()
    assert '<time datetime="1971-05-28">28 May 1971</time>' in chapter
    assert 'href="/sub/missions/mars-3/"' in chapter


@pytest.fixture
def templates(tmp_path):
    def make(files):
        folder = tmp_path / "templates"
        for name in (
            "index",
            "404",
            "chapters",
            "missions",
            "timeline",
            "sources",
            "credits",
            "search",
            "chapter",
            "page",
            "mission",
        ):
            (folder / f"{name}.html").parent.mkdir(parents=True, exist_ok=True)
            (folder / f"{name}.html").write_text("ok {{ output }}\n")
        for name in ("sitemap.xml", "robots.txt", "feed.xml", "headers.txt"):
            (folder / name).write_text("ok\n")
        for name, text in files.items():
            (folder / name).write_text(text)
        return folder

    return make


def test_template_syntax_errors_name_the_template_and_line(templates, monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    folder = templates({"chapter.html": "line one\n{% if %}\n", "page.html": "{{ x }\n"})
    _, errors, _ = render_site(small_site(), make_parser(), folder)
    assert [e.format() for e in errors] == [
        "templates/chapter.html:2:1: error: Expected an expression, got 'end of statement block'",
        "templates/page.html:1:1: error: unexpected '}'",
    ]


def test_undefined_variables_name_the_template_and_line(templates, monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    folder = templates({"mission.html": "fine\n\n{{ node.data.nmae }}\n"})
    _, errors, _ = render_site(small_site(), make_parser(), folder)
    assert [e.format() for e in errors] == [
        "templates/mission.html:3:1: error: template error: 'documentary.models.Mission object' has no attribute 'nmae'"
    ]


def test_a_template_that_is_not_utf8_is_one_clean_error(templates, monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    folder = templates({})
    (folder / "page.html").write_bytes(b"caf\xe9 {{ output }}\n")
    _, errors, _ = render_site(small_site(), make_parser(), folder)
    assert [e.format() for e in errors] == [
        "templates/page.html:1:1: error: template is not valid UTF-8: invalid continuation byte"
    ]


def test_pages_name_fingerprinted_assets_and_record_the_names_they_asked_for():
    site = small_site()
    renderer, errors = make_renderer(
        site, make_parser(), ROOT / "templates", assets={"css/site.css": "css/site.0123.css"}
    )
    assert errors == []
    pages, errors, reads = render_pages(renderer, ["index.html", "_headers"])
    assert errors == []
    assert 'href="/sub/css/site.0123.css"' in pages["index.html"].decode()
    assert "/sub/css/site.0123.css\n  Cache-Control: public, max-age=31536000, immutable" in pages["_headers"].decode()
    assert ("page", "en", "asset", ("css/site.css",)) in reads["index.html"]
    # a later build whose stylesheet changed answers the recorded key differently: the page renders again
    later, _ = make_renderer(site, make_parser(), ROOT / "templates", assets={"css/site.css": "css/site.4567.css"})
    assert later.answer(("page", "en", "asset", ("css/site.css",))) == "/sub/css/site.4567.css"


def test_share_cards_come_from_what_the_pages_noted():
    site = small_site()
    renderer, _ = make_renderer(site, make_parser(), ROOT / "templates")
    _, errors, reads = render_pages(renderer, ["chapters/one/index.html"])
    assert errors == []
    (card,) = renderer.share_cards(reads)
    assert (card.title, card.kicker) == ("One", "Chapter")
