"""The Russian edition in content/ru/ says what the English says: same sources, footnotes, links and events.

These tests read the content files as text, so they hold whether or not the generator renders Russian yet.
They also pin the corrections of issue 15 in the Russian wording, as tests/test_content.py does in English.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from tests.conftest import ROOT

CONTENT = ROOT / "content"
RUSSIAN = CONTENT / "ru"

CITATION = re.compile(r"\[@([^\]]+)\]")
FOOTNOTE = re.compile(r"\[\^([^\]]+)\]")
EXTENSION = re.compile(r"\[\[([^\]|]+)(?:\|[^\]]*)?\]\]")  # mission links, fact tags and counts
SITE_LINK = re.compile(r"\]\((/[^)]*)\)")
HEADING_ID = re.compile(r"\{#([^}]+)\}")
MISSION_KEYS = {
    "translated_from",
    "name",
    "aliases",
    "summary",
    "launch",
    "events",
    "landing_site",
    "image",
    "description",
}

ORIGINALS = sorted(
    path.relative_to(CONTENT).as_posix()
    for pattern in ("chapters/*.md", "pages/*.md", "missions/*.yaml")
    for path in CONTENT.glob(pattern)
)


def _prose(path: Path) -> str:
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".md":
        return text.split("---", 2)[2] if text.startswith("---") else text
    doc = yaml.safe_load(text)
    return f"{doc.get('summary') or ''}\n{doc.get('description') or ''}"


def _marks(text: str) -> dict[str, list[str]]:
    return {
        "citations": [key.strip().lstrip("@") for group in CITATION.findall(text) for key in group.split(";")],
        "footnotes": FOOTNOTE.findall(text),
        "extensions": EXTENSION.findall(text),
        "site links": SITE_LINK.findall(text),
        "heading ids": HEADING_ID.findall(text),
        "flightpath blocks": ["flightpath"] * text.count("```flightpath"),
    }


def _sources() -> dict:
    return yaml.safe_load((CONTENT / "sources.yaml").read_text(encoding="utf-8"))


def _russian_texts() -> dict[str, str]:
    return {path.relative_to(RUSSIAN).as_posix(): _prose(path) for path in sorted(RUSSIAN.glob("*/*.*"))}


@pytest.mark.parametrize("name", ORIGINALS)
def test_the_translation_carries_the_same_citations_footnotes_and_links_in_the_same_order(name):
    translation = RUSSIAN / name
    assert translation.exists(), f"content/ru/{name} is missing"
    assert _marks(_prose(translation)) == _marks(_prose(CONTENT / name))


@pytest.mark.parametrize("name", [n for n in ORIGINALS if n.startswith("missions/")])
def test_a_mission_translation_has_the_originals_events_and_landing_site_and_nothing_else(name):
    original = yaml.safe_load((CONTENT / name).read_text(encoding="utf-8"))
    translation = yaml.safe_load((RUSSIAN / name).read_text(encoding="utf-8"))
    assert len(translation.get("events") or []) == len(original.get("events") or [])
    assert ("landing_site" in translation) == ("landing_site" in original)
    assert ("image" in translation) == ("image" in original)  # a picture's alt and caption are read in Russian too
    assert set(translation) <= MISSION_KEYS


def test_the_russian_edition_cites_only_sources_that_exist():
    keys = set(_sources())
    cited = {(name, key) for name, text in _russian_texts().items() for key in _marks(text)["citations"]}
    assert {(name, key) for name, key in cited if key not in keys} == set()


def test_russian_source_notes_are_exactly_the_notes_the_sources_have():
    notes = yaml.safe_load((RUSSIAN / "sources.yaml").read_text(encoding="utf-8"))
    assert set(notes) == {key for key, entry in _sources().items() if entry.get("note")}
    assert [key for key, entry in notes.items() if not entry.get("note")] == []


def test_no_russian_page_explains_29_may_by_moscow_time():
    texts = _russian_texts()
    assert [n for n, text in texts.items() if re.search(r"29 мая[^.]*московск", text)] == []
    assert "расхождение в самой хронологии" in texts["chapters/02-mars-2-and-3.md"]


def test_in_russian_the_french_instrument_is_the_subject_of_forced_to_lie():
    found = [s for text in _russian_texts().values() for s in re.split(r"(?<=\.)\s", text) if "лгать" in s]
    assert found, "the quotation is expected on the Kosmos 419 pages"
    assert [s for s in found if "прибор" not in s] == []


def test_in_russian_the_90_second_start_of_the_mars_3_signal_is_always_wikipedias():
    found = [s for text in _russian_texts().values() for s in re.split(r"(?<=\.)\s", text) if "90 секунд" in s]
    assert found and [s for s in found if "Википеди" not in s] == []


def test_in_russian_tianwen_1_is_never_chinas_first_mars_mission():
    texts = _russian_texts()
    assert [n for n, text in texts.items() if re.search(r"[Пп]ерв\w+ марсианск\w+ мисси\w+ Китая", text)] == []
    assert "Первая самостоятельная марсианская миссия Китая" in texts["pages/claims.md"]


def test_in_russian_mars_5_lasted_one_figure_16_days():
    texts = _russian_texts()
    vague = re.compile(r"двух недель|две недели|полтор\w+ недел|две с половиной", re.I)
    assert [n for n, text in texts.items() if vague.search(text)] == []
    for name in ("missions/mars-5.yaml", "chapters/03-the-1973-fleet.md", "pages/claims.md"):
        assert "16 дней" in texts[name], name
