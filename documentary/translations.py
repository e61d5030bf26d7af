"""Translations: check content/<lang>/ against the original and merge its text over the one set of facts.

A translation holds only words (titles, summaries, bodies, mission names, event titles); every date,
number and identifier comes from the original's YAML, so an edition can never disagree with another
about a fact. A page with no translation is left out of that language (a warning naming the missing
file, an error under --strict). A translation records the revision of the original it was made from
(`translated_from`, see `load.revision`); a missing or different revision is a warning naming both files.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import PurePosixPath
from types import MappingProxyType
from typing import Annotated

from pydantic import BeforeValidator, Field

from .errors import ContentError, warning
from .models import (
    Content,
    Day,
    Mission,
    MissionDoc,
    Model,
    SiteConfig,
    SourceEntry,
    Text,
    TextDoc,
    _validate,
    text_file,
)
from .raw import Located, RawContent, RawTranslation, YamlDoc

STAMP_HINT = "python build.py translations --stamp"


def _revision(value: object) -> object:
    # YAML reads an all-digit revision such as 123456789012 as a number; it is still a revision
    return str(value) if isinstance(value, int) and not isinstance(value, bool) else value


Revision = Annotated[str, BeforeValidator(_revision), Field(pattern=r"^[0-9a-f]{12}$")]


class SiteTranslation(Model):
    title: Text | None = None
    subtitle: str | None = None
    description: Text | None = None
    author: Text | None = None
    licence: Text | None = None


class ChapterTranslation(Model):
    title: Text
    summary: Text
    translated_from: Revision | None = None
    published: Day | None = None  # the translated page's own dates; by default from git (documentary.dating)
    updated: Day | None = None


class PageTranslation(Model):
    title: Text
    summary: str = ""
    translated_from: Revision | None = None
    published: Day | None = None
    updated: Day | None = None


class LaunchTranslation(Model):
    vehicle: Text | None = None
    site: Text | None = None


class LandingSiteTranslation(Model):
    name: Text
    note: str | None = None


class ImageTranslation(Model):
    """The words of a mission's picture; its file, credit and licence are the original's."""

    alt: Text
    caption: str = ""


class MissionTranslation(Model):
    translated_from: Revision | None = None
    name: Text
    aliases: tuple[Text, ...] | None = None
    summary: Text
    launch: LaunchTranslation | None = None
    events: tuple[Text, ...] = ()
    landing_site: LandingSiteTranslation | None = None
    image: ImageTranslation | None = None
    description: str = ""


class SourceTranslation(Model):
    note: Text


@dataclass(frozen=True)
class Translation:
    """One language's edition before linking: its texts, and every mission with its words merged in."""

    language: str
    content: Content
    translated_missions: frozenset[str]  # the others keep their original words and get no page here


def translate(content: Content, raw: RawContent) -> tuple[tuple[Translation, ...], list[ContentError]]:
    """Every translation in `raw`, checked and merged over `content`; problems are collected."""
    problems: list[ContentError] = []
    editions = tuple(_edition(content, raw, folder, problems) for folder in raw.translations)
    return editions, problems


def _edition(content: Content, raw: RawContent, folder: RawTranslation, problems: list[ContentError]) -> Translation:
    lang = folder.language
    site = _site(content.site, folder, problems)
    chapters = _texts(content.chapters, folder.chapters, ChapterTranslation, folder, raw.digests, problems)
    pages = _texts(content.pages, folder.pages, PageTranslation, folder, raw.digests, problems)
    missions, translated = _missions(content, folder, raw.digests, problems)
    sources = _sources(content.sources, folder, problems)
    merged = Content(
        site=site,
        chapters=chapters,
        missions=missions,
        sources=sources,
        sources_doc=folder.sources.file if folder.sources else None,
        pages=pages,
        invalid_missions=content.invalid_missions,
        site_doc=folder.site.file if folder.site else None,
    )
    return Translation(lang, merged, frozenset(translated))


def translation_path(folder: str, original: str) -> str:
    """(content/ru, content/chapters/01-a.md) -> content/ru/chapters/01-a.md: the same name in the mirror tree."""
    base = PurePosixPath(folder).parent
    return str(PurePosixPath(folder) / PurePosixPath(original).relative_to(base))


def _missing(original: str, folder: RawTranslation, what: str) -> ContentError:
    expected = translation_path(folder.folder, original)
    return warning(original, 1, 1, f"not translated into {folder.language}: {expected} is missing; {what}")


def _site(config: SiteConfig, folder: RawTranslation, problems: list[ContentError]) -> SiteConfig:
    language = {"language": folder.language, "languages": config.languages}
    if folder.site is None:
        problems.append(_missing(_original_site(folder), folder, "the edition uses the original's title"))
        return config.model_copy(update=language)
    found = _validate(folder.site, SiteTranslation, problems)
    words = {k: v for k, v in found.model_dump().items() if v is not None} if found else {}
    return config.model_copy(update={**words, **language})


def _original_site(folder: RawTranslation) -> str:
    return str(PurePosixPath(folder.folder).parent / "site.yaml")


def _texts(originals, translated, model, folder: RawTranslation, digests, problems) -> tuple[TextDoc, ...]:
    """The translated chapters (or pages), in the original's order; a missing one is left out."""
    by_name = {PurePosixPath(doc.path).name: doc for doc in translated}
    kind = "chapter" if model is ChapterTranslation else "page"
    out = []
    for original in originals:
        name = PurePosixPath(original.file.path).name
        doc = by_name.pop(name, None)
        if doc is None:
            problems.append(_missing(original.file.path, folder, f"the {kind} is left out of that edition"))
            continue
        meta = _validate(doc.meta, model, problems)
        if meta is None:
            continue
        problems += _revision_problems(doc.meta, meta.translated_from, original.file.path, digests)
        out.append(TextDoc(original.kind, text_file(doc, original.slug, original.file.number), meta))
    for doc in by_name.values():
        problems.append(warning(doc.path, 1, 1, _orphan(doc.path, folder)))
    return tuple(out)


def _orphan(path: str, folder: RawTranslation) -> str:
    original = str(PurePosixPath(path).relative_to(folder.folder))
    base = PurePosixPath(folder.folder).parent
    return f"translation of nothing: there is no {base / original}; delete it or restore the original"


def _revision_problems(
    doc: YamlDoc, recorded: str | None, original: str, digests: Mapping[str, str]
) -> list[ContentError]:
    current = digests.get(original)
    if current is None or recorded == current:
        return []
    if recorded is None:
        message = (
            f"translated_from is missing: once the translation matches {original}, record its revision"
            f" {current} (`{STAMP_HINT} {doc.path}`)"
        )
        return [warning(doc.path, 1, 1, message)]
    at = doc.where(("translated_from",))
    message = (
        f"stale translation: translated from revision {recorded} of {original}, which is now {current};"
        f" update the translation, then stamp it (`{STAMP_HINT} {doc.path}`)"
    )
    return [ContentError(at, message, "warning")]


def _missions(content: Content, folder: RawTranslation, digests, problems) -> tuple[tuple[MissionDoc, ...], list[str]]:
    translations = dict(folder.missions)
    out, translated = [], []
    for mission in content.missions:
        doc = translations.pop(mission.slug, None)
        merged = _mission(mission, doc, digests, problems) if doc else None
        if doc is None:
            problems.append(_missing(mission.doc.path, folder, "its page is left out of that edition"))
        if merged is None:  # the original's words, without its description: it has no page in this edition
            out.append(replace(mission, data=mission.data.model_copy(update={"description": ""})))
            continue
        out.append(merged)
        translated.append(mission.slug)
    for slug, doc in translations.items():
        if slug not in content.invalid_missions:
            problems.append(warning(doc.path, 1, 1, _orphan(doc.path, folder)))
    return tuple(out), translated


def _mission(mission: MissionDoc, doc: YamlDoc, digests, problems: list[ContentError]) -> MissionDoc | None:
    original = mission.doc.path
    data = doc.data
    if isinstance(data, dict):
        for key in [k for k in data if k not in MissionTranslation.model_fields and k in Mission.model_fields]:
            message = f"'{key}' is not translated: it comes from {original}; remove it here"
            problems.append(ContentError(doc.where((key,), key=True), message))
        data = {k: v for k, v in data.items() if k in MissionTranslation.model_fields or k not in Mission.model_fields}
    found = _validate(replace(doc, data=data), MissionTranslation, problems)
    if found is None:
        return None
    words, given = mission.data, len(found.events)
    count = len(words.events)
    bad = [p for p in _shape_problems(found, words, doc, original, given, count)]
    problems += bad
    problems += _revision_problems(doc, found.translated_from, original, digests)
    if bad:
        return None
    return MissionDoc(mission.slug, doc.file, _merged(words, found))


def _shape_problems(found: MissionTranslation, words: Mission, doc: YamlDoc, original: str, given: int, count: int):
    if given != count:
        titles = f"{given} title{'s' if given != 1 else ''}"
        message = f"events: {titles}, but {original} has {count}; give one title per event, in the same order"
        yield ContentError(doc.where(("events",), key=True), message)
    if found.landing_site and not words.landing_site:
        yield ContentError(doc.where(("landing_site",), key=True), f"landing_site: {original} has no landing site")
    if words.description.strip() and not found.description.strip():
        yield ContentError(doc.where(), f"missing field 'description': {original} has one; translate it")
    yield from _image_problems(found, words, doc, original)


def _image_problems(found: MissionTranslation, words: Mission, doc: YamlDoc, original: str):
    """A picture's alt text and caption are read on the translated page: the translation must give them."""
    if found.image and not words.image:
        yield ContentError(doc.where(("image",), key=True), f"image: {original} has no image")
    elif words.image and not found.image:
        message = f"missing field 'image': {original} has a picture; give its alt (and caption) in this language"
        yield ContentError(doc.where(), message)
    elif words.image and words.image.caption.strip() and not found.image.caption.strip():
        message = f"missing field 'image.caption': {original} captions its picture; translate the caption"
        yield ContentError(doc.where(("image",), key=True), message)


def _merged(mission: Mission, words: MissionTranslation) -> Mission:
    launch = mission.launch.model_copy(
        update={k: v for k, v in (words.launch.model_dump() if words.launch else {}).items() if v is not None}
    )
    events = tuple(e.model_copy(update={"title": t}) for e, t in zip(mission.events, words.events, strict=True))
    update = {"name": words.name, "summary": words.summary, "launch": launch, "events": events}
    update["description"] = words.description
    if words.aliases is not None:
        update["aliases"] = words.aliases
    if words.landing_site and mission.landing_site:
        update["landing_site"] = mission.landing_site.model_copy(update=words.landing_site.model_dump())
    if words.image and mission.image:  # the same file, credit and licence, described in this language
        update["image"] = mission.image.model_copy(update=words.image.model_dump())
    return mission.model_copy(update=update)


def _sources(sources: Mapping[str, SourceEntry], folder: RawTranslation, problems) -> Mapping[str, SourceEntry]:
    doc = folder.sources
    if doc is None:
        return sources
    if not isinstance(doc.data, dict):
        problems.append(ContentError(doc.where(), "sources.yaml translation must map source keys to {note: ...}"))
        return sources
    merged = dict(sources)
    parts = doc.file.by_key()
    for key, value in doc.data.items():
        if key not in sources:
            problems.append(ContentError(doc.where((key,), key=True), f"unknown source key '{key}'"))
            continue
        sub = YamlDoc(value, parts.get(key, Located(doc.path)))
        found = _validate(sub, SourceTranslation, problems, prefix=(key,))
        if found:
            merged[key] = sources[key].model_copy(update={"note": found.note})
    return MappingProxyType(merged)


@dataclass(frozen=True)
class Status:
    """Where one original stands in one language, for `build.py translations`."""

    language: str
    original: str
    translation: str
    state: str  # up to date | stale | unstamped | missing
    recorded: str | None  # the translation's translated_from
    current: str  # the original's revision now


def statuses(raw: RawContent) -> tuple[Status, ...]:
    """Every chapter, page and mission in every translated language, read straight from the files."""
    originals = [d.path for d in raw.chapters] + [d.path for d in raw.pages] + [d.path for _, d in raw.missions]
    out = []
    for folder in raw.translations:
        docs = {d.path: d.meta for d in folder.chapters + folder.pages} | {d.path: d for _, d in folder.missions}
        for original in originals:
            path = translation_path(folder.folder, original)
            current = raw.digests.get(original, "")
            doc = docs.get(path)
            recorded = doc.data.get("translated_from") if doc and isinstance(doc.data, dict) else None
            recorded = None if recorded is None else str(_revision(recorded))
            state = (
                "missing"
                if doc is None
                else "unstamped"
                if recorded is None
                else "up to date"
                if recorded == current
                else "stale"
            )
            out.append(Status(folder.language, original, path, state, recorded, current))
    return tuple(out)
