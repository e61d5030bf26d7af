"""The Russian edition of the real documentary speaks Russian: no word of the English interface on any /ru/
page, in the Russian feeds or in the Russian ebook.

The words looked for are every word of the English interface (templates/i18n/en.yaml), so a string the
generator writes in English (a diagram's label, a share card's alt text, a JSON-LD name) is caught as soon
as it reaches a Russian page. They are looked for where a reader, a screen reader, a crawler or a feed
reader finds words: text, the alt, aria-label, title and placeholder attributes, the text <meta> tags, the
JSON-LD strings, the feeds' titles and entries, and the ebook's pages.

Left out, deliberately: what is cited as published (a source's title and publisher in the source lists and
the JSON-LD citations, titles in <em> and <cite>), text marked as another language (the language switch),
footnote markers, and the proper names and terms below, which the Russian text keeps in Latin letters.
"""

from __future__ import annotations

import json
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path

import lxml.etree
import lxml.html
import pytest
import yaml

from tests.conftest import ROOT

LATIN = re.compile(r"[A-Za-z]+(?:['’][A-Za-z]+)?")
# Names the Russian text writes in Latin letters, as they are published (a line break may fall inside one)
NAMES = (
    "CC BY-SA",
    "The New York Times",
    "The Space Library",
    "Deep Space Chronicle",
    "Deep Space Network",
    "Trace Gas Orbiter",
    "Viking Orbiter",
    "Mars Science Laboratory",
    "Mars Exploration Rover",
    "Mars Reconnaissance Orbiter",
    "Mariner Mars",
    "Mariner-Mars",
    "Planetary Data System",
    "NASA Solar System Exploration",
    "This Day in Aviation",
    "Gunter's Space Page",
    "Octavia E. Butler Landing",
    "Go Taikonauts",
)
PROPER_NAMES = re.compile("|".join(r"\s+".join(map(re.escape, name.split())) for name in NAMES) + r"|\bNo\.(?=\d)")
TERMS = {"atom", "epub", "cospar", "utc", "de", "jpl", "javascript"}  # DE421, «Лента Atom», «Номер COSPAR»...
TEXT_META = {"description", "og:title", "og:description", "og:image:alt", "og:site_name"} | {
    "twitter:title",
    "twitter:description",
    "twitter:image:alt",
}
ATTRIBUTES = ("alt", "aria-label", "title", "placeholder")
CITED = (
    '//ul[contains(concat(" ", @class, " "), " source-list ")]/li'
    '|//section[contains(concat(" ", @class, " "), " citations ")]//li'
)
NOT_CHECKED = (
    '//a[contains(concat(" ", @rel, " "), " external ")]|//em|//cite|//code|//pre|//style|//script'
    '|//*[@lang and not(starts-with(@lang, "ru"))]'
    '|//sup[contains(concat(" ", @class, " "), " footnote-ref ")]'
    '|//a[contains(concat(" ", @class, " "), " footnote-backref ")]'
)
JSON_LD_SKIPPED = {"citation", "@type", "@id", "@context", "url", "item", "identifier", "inLanguage"}


def english_words() -> frozenset[str]:
    """Every word of the English interface's messages (placeholders and date patterns left out), lowercase."""
    messages = yaml.safe_load((ROOT / "templates" / "i18n" / "en.yaml").read_text(encoding="utf-8"))
    words = set()
    for key, message in messages.items():
        if key.startswith("date."):
            continue
        for text in [message] if isinstance(message, str) else message.values():
            words |= {w.lower() for w in LATIN.findall(re.sub(r"\{[^}]*\}", " ", text)) if len(w) > 1}
    return frozenset(words - TERMS)


WORDS = english_words()


def html_texts(html: str | bytes) -> Iterator[str]:
    """What a page says: its text, its text attributes and meta tags, and its JSON-LD strings (not citations)."""
    tree = lxml.html.document_fromstring(html)
    for script in tree.xpath('//script[@type="application/ld+json"]'):
        yield from json_strings(json.loads(script.text))
    for entry in tree.xpath(CITED):  # a source as published: its title and publisher, not its note
        entry.text = None
        for child in entry:
            child.tail = None
        for link in entry.xpath('a[not(contains(concat(" ", @class, " "), " source-more "))]'):
            link.drop_tree()
    for element in tree.xpath(NOT_CHECKED):
        if element.getparent() is not None:
            element.drop_tree()
    for element in tree.iter():
        if not isinstance(element.tag, str):
            continue
        yield from (text for text in (element.text, element.tail) if text and text.strip())
        yield from (element.get(name) for name in ATTRIBUTES if element.get(name))
        if element.tag == "meta" and TEXT_META & {element.get("name"), element.get("property")}:
            yield element.get("content", "")


def json_strings(node) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key not in JSON_LD_SKIPPED:
                yield from json_strings(value)
    elif isinstance(node, list):
        for value in node:
            yield from json_strings(value)
    elif isinstance(node, str) and not node.startswith("https://"):  # an address, e.g. a search's urlTemplate
        yield node


def feed_texts(xml: bytes) -> Iterator[str]:
    """A feed's own words and each entry's title, summary and content (HTML, read as a page's body)."""
    atom = "{http://www.w3.org/2005/Atom}"
    root = lxml.etree.fromstring(xml)
    for element in root.iter(f"{atom}title", f"{atom}subtitle", f"{atom}summary", f"{atom}name", f"{atom}rights"):
        yield element.text or ""
    for content in root.iter(f"{atom}content"):
        yield from html_texts(f"<html><body>{content.text or ''}</body></html>")


def english_in(texts: Iterator[str]) -> list[str]:
    found = []
    for text in texts:
        rest = PROPER_NAMES.sub(" ", re.sub(r"https?://\S+", " ", text))  # an address is no word
        words = [w for w in LATIN.findall(rest) if w.lower() in WORDS]
        if words or "[@" in rest:  # an English word, or a citation left as typed
            found.append(f"{', '.join(words) or '[@'}: {' '.join(text.split())[:160]}")
    return found


def russian_outputs(site: Path) -> Iterator[tuple[str, Iterator[str]]]:
    """Every Russian page, feed and ebook file of a built site, with what it says."""
    for path in sorted((site / "ru").rglob("*.html")):
        yield path.relative_to(site).as_posix(), html_texts(path.read_bytes())
    for path in sorted((site / "ru").rglob("*.xml")):
        if path.name == "feed.xml":
            yield path.relative_to(site).as_posix(), feed_texts(path.read_bytes())
    for book in sorted(site.glob("*.ru.epub")):
        with zipfile.ZipFile(book) as archive:
            for name in sorted(n for n in archive.namelist() if n.endswith(".xhtml")):
                yield f"{book.name}/{name}", html_texts(archive.read(name))


def test_the_check_finds_english_words_and_passes_russian_and_cited_names():
    page = (
        '<html lang="ru"><head><meta property="og:image:alt" content="Глава: Истоки, on Сайт">'
        '<script type="application/ld+json">{"name": "Launch of Марс-3", "citation": [{"name": "Mars 3"}]}'
        "</script></head><body><p>Марс при прибытии, 2 дек. 1971 г.</p><p>The flight of Марс-3</p>"
        '<ul class="source-list"><li><a href="https://x" rel="external noopener">Mars 3 in depth</a>,'
        ' NASA Science. <span class="source-note">Из расшифровки The Space Library.</span></li></ul>'
        '<p>ссылка [@src-a;\n@src-b]</p><a lang="en" title="Read this page in English">English</a>'
        "</body></html>"
    )
    found = english_in(html_texts(page))
    assert [line.split(":")[0] for line in found] == ["Launch, of", "on", "The, flight, of", "[@"]
    assert "launch" in WORDS and "arrival" in WORDS and "earth" in WORDS and "window" in WORDS


def test_no_russian_page_feed_or_ebook_page_has_an_english_interface_word(published):
    found = {name: english_in(texts) for name, texts in russian_outputs(published)}
    assert len(found) > 40 and any(name.endswith(".epub/EPUB/chapter-02.xhtml") for name in found)
    assert {name: lines for name, lines in found.items() if lines} == {}


@pytest.mark.parametrize("page", ["ru/chapters/mars-2-and-3/index.html", "ru/missions/mars-3/index.html"])
def test_the_russian_flight_diagrams_are_there_to_be_checked(published, page):
    html = (published / page).read_text(encoding="utf-8")
    assert 'class="chart chart-flightpath"' in html and "с Земли к Марсу" in html


def test_a_russian_pages_share_card_names_its_kind_in_russian(published):
    html = (published / "ru/missions/mars-3/index.html").read_text(encoding="utf-8")
    english = (published / "missions/mars-3/index.html").read_text(encoding="utf-8")
    alt = "Миссия: Марс-3, на сайте «Красная планета, красная звезда»"
    assert f'<meta property="og:image:alt" content="{alt}">' in html
    card = re.search(r'<meta property="og:image" content="([^"]+)"', html).group(1)
    assert card != re.search(r'<meta property="og:image" content="([^"]+)"', english).group(1)  # drawn in Russian
