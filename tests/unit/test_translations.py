"""translations.py: translation files checked against their originals, merged over the one set of facts."""

from documentary.load import RawContent, RawTranslation, parse_markdown_file, parse_yaml, revision
from documentary.models import validate
from documentary.translations import statuses, translate

from .sitekit import SITE, chapter_md, linked, mission_yaml

EVENTS = "events:\n  - {id: landing, date: 1971-12-02, title: Lands}\n  - {date: 1972-08, title: Ends}\n"
MARS_3 = mission_yaml("Mars 3", extra=EVENTS + "landing_site: {lat: -45, lon: -158, name: Ptolemaeus}\n")
CHAPTER = chapter_md("One", "[[mars-3]] landed on [[mars-3:events.landing.date]]. [@src]\n")
RU_MARS_3 = "name: Марс-3\nsummary: С.\nevents: [Садится, Конец]\nlanding_site: {name: Птолемей}\n"
RU_CHAPTER = "---\ntitle: Один\nsummary: С.\n---\n[[mars-3]] сел [[mars-3:events.landing.date]]. [@src]\n"


def raw(ru_missions=None, ru_chapters=None, ru_sources=None, missions=None, chapters=None):
    missions = missions or {"mars-3": MARS_3}
    chapters = chapters or {"01-one": CHAPTER}
    site, _ = parse_yaml("content/site.yaml", SITE + "languages: [en, ru]\n")
    texts = {f"content/missions/{s}.yaml": t for s, t in missions.items()}
    texts |= {f"content/chapters/{n}.md": t for n, t in chapters.items()}
    mission_docs = tuple((s, parse_yaml(f"content/missions/{s}.yaml", t)[0]) for s, t in missions.items())
    chapter_docs = tuple(_chapter(f"content/chapters/{n}.md", n, t) for n, t in chapters.items())
    ru = RawTranslation(
        "ru",
        "content/ru",
        parse_yaml("content/ru/site.yaml", "title: Т\n")[0],
        tuple(_chapter(f"content/ru/chapters/{n}.md", n, t) for n, t in (ru_chapters or {}).items()),
        tuple((s, parse_yaml(f"content/ru/missions/{s}.yaml", t)[0]) for s, t in (ru_missions or {}).items()),
        parse_yaml("content/ru/sources.yaml", ru_sources)[0] if ru_sources else None,
        (),
    )
    sources, _ = parse_yaml("content/sources.yaml", "src: {title: T, publisher: P, url: 'https://example.org/s'}\n")
    digests = {path: revision(text.encode()) for path, text in texts.items()}
    return RawContent(site, chapter_docs, mission_docs, sources, (), (), (), (ru,), digests)


def _chapter(path, name, text):
    return parse_markdown_file(path, name.split("-", 1)[1], text, int(name.split("-")[0]))[0]


def translated(**kwargs):
    content_raw = raw(**kwargs)
    content, problems = validate(content_raw)
    assert problems == []
    editions, problems = translate(content, content_raw)
    return content, editions, [p.format() for p in problems]


def test_translated_words_replace_the_original_words_and_every_fact_stays():
    _, (ru,), problems = translated(ru_missions={"mars-3": RU_MARS_3}, ru_chapters={"01-one": RU_CHAPTER})
    mission = ru.content.missions[0].data
    assert (mission.name, [e.title for e in mission.events]) == ("Марс-3", ["Садится", "Конец"])
    assert mission.events[0].date.iso == "1971-12-02" and mission.landing_site.lat == -45
    assert mission.landing_site.name == "Птолемей" and mission.launch.vehicle == "Proton"
    assert ru.content.site.title == "Т" and ru.content.site.language == "ru"
    assert ru.translated_missions == {"mars-3"}
    assert all("unstamped" in p or "translated_from is missing" in p for p in problems)


def test_a_missing_translation_is_a_warning_naming_the_missing_file():
    _, (ru,), problems = translated()
    assert problems == [
        "content/chapters/01-one.md:1:1: warning: not translated into ru: content/ru/chapters/01-one.md is missing; "
        "the chapter is left out of that edition",
        "content/missions/mars-3.yaml:1:1: warning: not translated into ru: content/ru/missions/mars-3.yaml is "
        "missing; its page is left out of that edition",
    ]
    assert ru.content.chapters == () and ru.translated_missions == frozenset()


def test_a_translation_without_an_original_is_a_warning():
    _, _, problems = translated(ru_missions={"mars-3": RU_MARS_3, "mars-9": RU_MARS_3})
    assert (
        "content/ru/missions/mars-9.yaml:1:1: warning: translation of nothing: there is no "
        "content/missions/mars-9.yaml; delete it or restore the original" in problems
    )


def test_revisions_up_to_date_missing_and_stale():
    current = revision(CHAPTER.encode())
    stamped = RU_CHAPTER.replace("summary: С.\n", f"summary: С.\ntranslated_from: {current}\n")
    stale = RU_CHAPTER.replace("summary: С.\n", "summary: С.\ntranslated_from: 0123456789ab\n")
    mission = f"translated_from: {revision(MARS_3.encode())}\n" + RU_MARS_3
    assert translated(ru_missions={"mars-3": mission}, ru_chapters={"01-one": stamped})[2] == []
    problems = translated(ru_missions={"mars-3": mission}, ru_chapters={"01-one": stale})[2]
    assert problems == [
        f"content/ru/chapters/01-one.md:4:18: warning: stale translation: translated from revision 0123456789ab of "
        f"content/chapters/01-one.md, which is now {current}; update the translation, then stamp it "
        "(`python build.py translations --stamp content/ru/chapters/01-one.md`)"
    ]
    problems = translated(ru_missions={"mars-3": mission}, ru_chapters={"01-one": RU_CHAPTER})[2]
    assert problems == [
        "content/ru/chapters/01-one.md:1:1: warning: translated_from is missing: once the translation matches "
        f"content/chapters/01-one.md, record its revision {current} "
        "(`python build.py translations --stamp content/ru/chapters/01-one.md`)"
    ]


def test_facts_and_extra_keys_are_refused_in_a_mission_translation():
    text = "name: Марс-3\nsummary: С.\nlaunch: {date: 1971-05-28}\nevents: [a, b]\ncolor: red\n"
    problems = translated(ru_missions={"mars-3": text})[2]
    assert (
        "content/ru/missions/mars-3.yaml:3:10: error: unknown field 'launch.date'; allowed: vehicle, site" in problems
    )
    assert "content/ru/missions/mars-3.yaml:5:1: error: unknown field 'color'; did you mean 'name'?" not in problems
    assert any(p.startswith("content/ru/missions/mars-3.yaml:5:1: error: unknown field 'color'") for p in problems)


def test_a_landing_site_the_original_lacks_is_an_error():
    missions = {"mars-3": mission_yaml("Mars 3")}
    problems = translated(missions=missions, ru_missions={"mars-3": "name: М\nsummary: С.\nlanding_site: {name: x}\n"})[
        2
    ]
    assert (
        "content/ru/missions/mars-3.yaml:3:1: error: landing_site: content/missions/mars-3.yaml has no landing site"
        in problems
    )


def test_source_notes_are_translated_and_unknown_keys_refused():
    _, (ru,), problems = translated(ru_sources="src: {note: Заметка}\nnope: {note: x}\n")
    assert ru.content.sources["src"].note == "Заметка" and ru.content.sources["src"].title == "T"
    assert "content/ru/sources.yaml:2:1: error: unknown source key 'nope'" in problems


def test_the_edition_graph_prefixes_its_pages_and_leaves_out_untranslated_ones():
    two = {"mars-3": MARS_3, "mars-2": mission_yaml("Mars 2", date="1971-05-19")}
    content, editions, _ = translated(
        missions=two, ru_missions={"mars-3": RU_MARS_3}, ru_chapters={"01-one": RU_CHAPTER}
    )
    site, problems = linked(content, translations=editions)
    (ru,) = site.translations
    assert ru.prefix == "ru/" and ru.language == "ru"
    assert "ru/missions/mars-3/index.html" in ru.outputs and "ru/missions/mars-2/index.html" not in ru.outputs
    assert "ru/sitemap.xml" not in ru.outputs and "sitemap.xml" in site.outputs
    assert [m.data.name for m in ru.missions] == ["Mars 2", "Марс-3"]  # every mission, in launch order
    assert ru.mission("mars-3").backlinks[0].title == "Один"


def test_statuses_read_straight_from_the_files():
    current = revision(MARS_3.encode())
    found = statuses(raw(ru_missions={"mars-3": f"translated_from: {current}\n" + RU_MARS_3}))
    assert [(s.translation, s.state) for s in found] == [
        ("content/ru/chapters/01-one.md", "missing"),
        ("content/ru/missions/mars-3.yaml", "up to date"),
    ]


IMAGE = (
    "image:\n  file: images/mars-3.jpg\n  alt: A grey plain\n  caption: The landing area.\n"
    "  credit: NASA\n  licence: Public domain\n  source: https://example.org/p\n"
)


def test_a_missions_picture_is_described_in_the_translation_and_keeps_its_file_and_credit():
    missions = {"mars-3": MARS_3 + IMAGE}
    words = RU_MARS_3 + "image: {alt: Серая равнина, caption: Район посадки.}\n"
    _, (ru,), problems = translated(missions=missions, ru_missions={"mars-3": words})
    image = ru.content.missions[0].data.image
    assert (image.alt, image.caption) == ("Серая равнина", "Район посадки.")
    assert (image.file, image.credit, image.licence, image.source) == (
        "images/mars-3.jpg",
        "NASA",
        "Public domain",
        "https://example.org/p",
    )
    assert [p for p in problems if ": error: " in p] == []


def test_a_picture_without_its_translated_words_or_with_facts_is_an_error():
    missions = {"mars-3": MARS_3 + IMAGE}

    def errors(words):
        problems = translated(missions=missions, ru_missions={"mars-3": RU_MARS_3 + words})[2]
        return [p for p in problems if ": error: " in p]

    assert errors("") == [
        "content/ru/missions/mars-3.yaml:1:1: error: missing field 'image': content/missions/mars-3.yaml has a "
        "picture; give its alt (and caption) in this language"
    ]
    assert errors("image: {alt: Серая равнина}\n") == [
        "content/ru/missions/mars-3.yaml:5:1: error: missing field 'image.caption': content/missions/mars-3.yaml "
        "captions its picture; translate the caption"
    ]
    assert errors("image: {alt: Серая равнина, caption: Район., file: x.jpg}\n") == [
        "content/ru/missions/mars-3.yaml:5:46: error: unknown field 'image.file'; allowed: alt, caption"
    ]
    plain = translated(ru_missions={"mars-3": RU_MARS_3 + "image: {alt: Серая равнина}\n"})[2]
    assert "content/ru/missions/mars-3.yaml:5:1: error: image: content/missions/mars-3.yaml has no image" in plain
