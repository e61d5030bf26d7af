"""Typed, frozen content models, validated with pydantic; every problem is reported with its line."""

from __future__ import annotations

import difflib
import re
import typing
from collections.abc import Mapping
from dataclasses import dataclass, replace
from types import MappingProxyType
from typing import Annotated, Literal
from urllib.parse import urlsplit

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, model_validator

from .dates import PartialDate, parse_date, parse_day, parse_time
from .errors import ContentError
from .formats import known_language
from .raw import SLUG, Located, MarkdownDoc, RawContent, YamlDoc

PROGRAMS = ("soviet", "russia", "usa", "europe", "china", "india", "japan", "uae")
TYPES = ("flyby", "orbiter", "lander", "impactor", "rover", "penetrator", "sample-return")
OUTCOMES = ("success", "partial", "failure")

Program = Literal["soviet", "russia", "usa", "europe", "china", "india", "japan", "uae"]
MissionType = Literal["flyby", "orbiter", "lander", "impactor", "rover", "penetrator", "sample-return"]
Outcome = Literal["success", "partial", "failure"]
# What kind of publisher a source is, in the order the sources page lists them; the first three are primary.
SourceKind = Literal["agency", "book", "journal", "encyclopedia", "news", "reference", "blog"]
SOURCE_KINDS: tuple[str, ...] = typing.get_args(SourceKind)
PRIMARY_KINDS = frozenset(SOURCE_KINDS[:3])
LANGUAGE = re.compile(r"^[a-z]{2,3}$")
COSPAR = re.compile(r"^\d{4}-\d{3}[A-Z]{1,3}$")


def _slug(value: str) -> str:
    if not SLUG.match(value):
        raise ValueError(f"'{value}' is not a slug (lowercase letters, digits and hyphens)")
    return value


def _url(value: str) -> str:
    if not value.startswith(("https://", "http://")):
        raise ValueError(f"'{value}' is not an absolute http(s) URL")
    bad = next((c for c in value if c in '"<>\\`' or c.isspace() or not c.isprintable()), None)
    if bad is not None:  # such a URL could break out of an HTML attribute; encode it (%20, %22) instead
        raise ValueError(f"URL '{value}' contains {bad!r}; percent-encode it (e.g. %20 for a space)")
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 - reading it checks it: a port that is not a number in range raises
    except ValueError as exc:
        raise ValueError(f"'{value}' is not a valid URL ({exc})") from None
    if not parts.hostname:
        raise ValueError(f"URL '{value}' has no host name")
    return value


def _cospar(value: str) -> str:
    if not COSPAR.match(value):
        raise ValueError(f"'{value}' is not a COSPAR ID like 1971-049A")
    return value


def normalise_base_url(value: str) -> str:
    return _url(value).rstrip("/") + "/"


Date = Annotated[PartialDate, BeforeValidator(parse_date)]
Day = Annotated[PartialDate, BeforeValidator(parse_day)]
Time = Annotated[str, BeforeValidator(parse_time)]
Slug = Annotated[str, AfterValidator(_slug)]
Text = Annotated[str, Field(min_length=1)]


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, arbitrary_types_allowed=True)


def _language(value: str) -> str:
    if not LANGUAGE.match(value) or not known_language(value):
        raise ValueError(f"'{value}' is not a language code that Babel knows, like en or ru")
    return value


Language = Annotated[str, AfterValidator(_language)]


class SiteConfig(Model):
    title: Text
    subtitle: str = ""
    description: Text
    language: Language = "en"
    languages: tuple[Language, ...] = ()  # the first is the default, at the root; the others under /<lang>/
    base_url: Annotated[str, AfterValidator(normalise_base_url)]
    author: Text
    licence: Text
    updated: Day | None = None  # the site's date; by default the newest page date
    allow_html: bool = False

    @model_validator(mode="after")
    def _default_language(self) -> SiteConfig:
        if not self.languages:
            return self
        if len(set(self.languages)) != len(self.languages):
            raise ValueError("languages: a language is listed twice")
        if "language" in self.model_fields_set and self.language != self.languages[0]:
            raise ValueError(f"language '{self.language}' must be the first of languages, or left out")
        object.__setattr__(self, "language", self.languages[0])  # frozen; set once, while validating
        return self

    @property
    def editions(self) -> tuple[str, ...]:
        """Every language the site is published in, the default first."""
        return self.languages or (self.language,)


class Launch(Model):
    date: Day
    time: Time | None = None
    vehicle: Text
    site: Text


class Event(Model):
    date: Date
    title: Text
    id: Slug | None = None
    time: Time | None = None


class LandingSite(Model):
    lat: Annotated[float, Field(ge=-90, le=90, strict=True)] | None = None  # strict: `yes` is not a latitude
    lon: Annotated[float, Field(ge=-180, le=180, strict=True)] | None = None
    name: Text
    kind: Literal["landing", "presumed", "impact"] = "landing"  # presumed: a landing point nobody has confirmed
    note: str | None = None

    @model_validator(mode="after")
    def _both_or_neither(self) -> LandingSite:
        if (self.lat is None) != (self.lon is None):
            raise ValueError("give both lat and lon, or neither")
        return self

    @property
    def located(self) -> bool:
        return self.lat is not None


class ImageCredit(Model):
    """Who made a picture and under which licence: a mission's `image:` block, or `<image>.yaml` beside a file."""

    credit: Text
    licence: Text
    source: Annotated[str, AfterValidator(_url)] | None = None


class MissionImage(ImageCredit):
    file: Text  # relative to the mission's file, or /… from the content folder
    alt: Text
    caption: str = ""


class Mission(Model):
    name: Text
    aliases: tuple[Text, ...] = ()
    name_ru: Text | None = None
    designation: Text | None = None
    cospar_id: Annotated[str, AfterValidator(_cospar)] | None = None
    program: Program
    partners: tuple[Program, ...] = ()
    type: Annotated[tuple[MissionType, ...], Field(min_length=1)]
    launch: Launch
    outcome: Outcome
    summary: Text
    events: tuple[Event, ...] = ()
    landing_site: LandingSite | None = None
    description: str = ""
    image: MissionImage | None = None
    unconfirmed: tuple[Text, ...] = ()
    sources: tuple[Slug, ...] = ()
    published: Day | None = None  # this page's dates; by default from git (documentary.dating)
    updated: Day | None = None


class ChapterMeta(Model):
    title: Text
    summary: Text
    published: Day | None = None  # this page's dates; by default from git (documentary.dating)
    updated: Day | None = None


class PageMeta(Model):
    title: Text
    summary: str = ""
    published: Day | None = None
    updated: Day | None = None


class SourceEntry(Model):
    title: Text
    publisher: Text
    url: Annotated[str, AfterValidator(_url)]
    accessed: Day | None = None
    note: str | None = None
    kind: SourceKind | None = None  # optional for the generator; the documentary's content tests require it

    @property
    def primary(self) -> bool:
        return self.kind in PRIMARY_KINDS


@dataclass(frozen=True)
class MissionDoc:
    """A validated mission: its values in `data`, and in `doc` only where each one stands in its file."""

    slug: str
    doc: Located
    data: Mission


@dataclass(frozen=True)
class TextFile:
    """A chapter's or page's file once validated: its front matter located, its Markdown body untouched."""

    path: str
    slug: str
    meta: Located
    body: str
    body_line: int
    number: int = 0


@dataclass(frozen=True)
class TextDoc:
    """A chapter or a page: validated front matter plus the untouched Markdown body."""

    kind: str
    file: TextFile
    meta: ChapterMeta | PageMeta

    @property
    def slug(self) -> str:
        return self.file.slug


@dataclass(frozen=True)
class Content:
    site: SiteConfig
    chapters: tuple[TextDoc, ...]
    missions: tuple[MissionDoc, ...]
    sources: Mapping[str, SourceEntry]  # read-only
    sources_doc: Located | None  # where each source's fields stand in sources.yaml
    pages: tuple[TextDoc, ...]
    invalid_missions: frozenset[str] = frozenset()  # present but broken: references to them are not "unknown"
    republishers_doc: YamlDoc | None = None  # checked with the citations, by sourcecheck
    site_doc: Located | None = None  # where site.yaml's fields stand (plainwords points at them)


class CheckMemo:
    """Validated files by the parsed object they came from, kept by the dev server between builds (passed
    explicitly): a file the ParseMemo gave back unchanged is not validated again. Only the latest build's
    entries are kept."""

    def __init__(self) -> None:
        self.found: dict[int, tuple] = {}
        self.used: dict[int, tuple] = {}

    def check(self, source: object, make, errors: list[ContentError]):
        hit = self.used.get(id(source)) or self.found.get(id(source))
        if hit is None or hit[0] is not source:
            problems: list[ContentError] = []
            hit = (source, make(problems), problems)
        self.used[id(source)] = hit
        errors.extend(hit[2])
        return hit[1]

    def turn(self) -> None:
        self.found, self.used = self.used, {}


def validate(raw: RawContent, memo: CheckMemo | None = None) -> tuple[Content, list[ContentError]]:
    """Validate everything, collecting every problem.

    An unusable site.yaml is replaced by a stand-in, so that the other files are still checked
    against each other in the same run; its own errors stop the build before anything is rendered.
    """
    errors: list[ContentError] = list(raw.errors)

    def checked(source, make):
        return memo.check(source, make, errors) if memo is not None else make(errors)

    site = _validate(raw.site, SiteConfig, errors) if raw.site else None
    ordered = sorted(raw.chapters, key=_chapter_order)
    chapters = [checked(d, lambda found, d=d: _text("chapter", d, ChapterMeta, found)) for d in ordered]
    pages = [checked(d, lambda found, d=d: _text("page", d, PageMeta, found)) for d in raw.pages]
    missions = [
        (slug, doc, checked(doc, lambda found, doc=doc: _validate(doc, Mission, found))) for slug, doc in raw.missions
    ]
    # one object while sources.yaml is unchanged: the graph's memo knows its checks by the mapping's identity
    sources = checked(raw.sources, lambda found: MappingProxyType(_validate_sources(raw.sources, found)))
    if memo is not None:
        memo.turn()
    return (
        Content(
            site=site or _stand_in_site(),
            chapters=tuple(c for c in chapters if c),
            missions=tuple(MissionDoc(s, d.file, m) for s, d, m in missions if m),
            sources=sources,
            sources_doc=raw.sources.file if raw.sources else None,
            pages=tuple(p for p in pages if p),
            invalid_missions=frozenset([s for s, _, m in missions if m is None] + list(raw.broken_missions)),
            republishers_doc=raw.republishers,
            site_doc=raw.site.file if raw.site else None,
        ),
        errors,
    )


def validate_credit(doc: YamlDoc) -> tuple[ImageCredit | None, list[ContentError]]:
    """An image's credit file (`photo.jpg.yaml`): credit, licence and an optional source URL."""
    errors: list[ContentError] = []
    return _validate(doc, ImageCredit, errors), errors


def _stand_in_site() -> SiteConfig:
    fields = dict.fromkeys(("title", "description", "author", "licence"), "(site.yaml has errors)")
    return SiteConfig.model_construct(**fields, base_url="https://example.invalid/", updated=None)


def _chapter_order(doc: MarkdownDoc) -> tuple[int, str]:
    return (doc.number, doc.slug)


def _text(kind: str, doc: MarkdownDoc, model: type[Model], errors: list[ContentError]) -> TextDoc | None:
    meta = _validate(doc.meta, model, errors)
    return TextDoc(kind, text_file(doc, doc.slug, doc.number), meta) if meta else None


def text_file(doc: MarkdownDoc, slug: str, number: int) -> TextFile:
    """What goes on of a Markdown file: its body and where its front matter's fields stand, not their values
    (a translation takes its original's slug and number)."""
    return TextFile(doc.path, slug, doc.meta.file, doc.body, doc.body_line, number)


def _validate_sources(doc: YamlDoc | None, errors: list[ContentError]) -> dict[str, SourceEntry]:
    if doc is None:
        return {}
    if not isinstance(doc.data, dict):
        errors.append(ContentError(doc.where(), "sources.yaml must map source keys to {title, publisher, url}"))
        return {}
    out = {}
    parts = doc.file.by_key()
    for key, value in doc.data.items():
        if not SLUG.match(key):
            errors.append(_one_line(ContentError(doc.where((key,), key=True), f"source key '{key}' is not a slug")))
            continue
        sub = YamlDoc(value, parts.get(key, Located(doc.path)))
        entry = _validate(sub, SourceEntry, errors, prefix=(key,))
        if entry:
            out[key] = entry
    return out


def _validate(doc: YamlDoc, model: type[Model], errors: list[ContentError], prefix: tuple[str, ...] = ()):
    """`prefix` names where `doc` sits in its file (a source key), for the messages."""
    if not isinstance(doc.data, dict):
        label = "".join(f"{p}: " for p in prefix)
        errors.append(ContentError(doc.where(), f"{label}expected a mapping of fields, got {_kind(doc.data)}"))
        return None
    try:
        return model.model_validate(doc.data)
    except ValidationError as exc:
        errors.extend(_one_line(_explain(doc, model, e, prefix)) for e in exc.errors())
        return None


def _explain(doc: YamlDoc, model: type[Model], err: dict, prefix: tuple[str, ...] = ()) -> ContentError:
    loc = tuple(err["loc"])
    name = ".".join(str(p) for p in prefix + loc)
    kind = err["type"]
    if kind == "missing":
        return ContentError(doc.where(loc[:-1]), f"missing required field '{name}'")
    if kind == "extra_forbidden":
        allowed = _fields(model, loc[:-1])
        close = difflib.get_close_matches(str(loc[-1]), allowed, n=1)
        hint = f"; did you mean '{close[0]}'?" if close else f"; allowed: {', '.join(allowed)}"
        return ContentError(doc.where(loc, key=True), f"unknown field '{name}'{hint}")
    if kind == "literal_error":
        got, expected = err.get("input"), err["ctx"]["expected"]
        close = difflib.get_close_matches(str(got), re.findall(r"'([^']*)'", expected), n=1)
        hint = f"; did you mean '{close[0]}'?" if close else ""
        return ContentError(doc.where(loc), f"{name}: '{got}' is not one of {expected}{hint}")
    return ContentError(doc.where(loc), f"{name}: {_message(err)}")


def _one_line(problem: ContentError) -> ContentError:
    """Messages quote the author's values, which may span lines; a problem is always one line."""
    message = problem.message.replace("\r", "\\r").replace("\n", "\\n")
    return replace(problem, message=message)


def _message(err: dict) -> str:
    """Pydantic's message, reworded for authors where it speaks of Python types."""
    got, limits = _kind(err.get("input")), err.get("ctx") or {}
    expected = {"tuple": "a list", "list": "a list", "model": "a mapping of fields", "dict": "a mapping of fields"}
    expected |= {"string": "text", "float": "a number", "int": "a whole number", "bool": "true or false"}
    kind, _, problem = err["type"].partition("_")
    if kind in expected and problem in ("type", "parsing"):
        return f"expected {expected[kind]}, got {got}"
    if err["type"] in ("string_too_short", "too_short"):
        return "must not be empty"
    if err["type"] in ("greater_than_equal", "less_than_equal"):
        bound = f"at least {limits.get('ge')}" if "ge" in limits else f"at most {limits.get('le')}"
        return f"must be {bound}, got {err.get('input')}"
    return err["msg"].removeprefix("Value error, ")


def _fields(model: type[BaseModel], loc: tuple) -> list[str]:
    """The field names allowed at `loc`, for "did you mean" hints."""
    for part in loc:
        if isinstance(part, int):
            continue
        field = model.model_fields.get(str(part))
        inner = _inner_model(field.annotation) if field else None
        if inner is None:
            return []
        model = inner
    return list(model.model_fields)


def _inner_model(annotation) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in typing.get_args(annotation):
        found = _inner_model(arg)
        if found:
            return found
    return None


def _kind(value: object) -> str:
    names = {list: "a list", dict: "a mapping", str: "text", int: "a number", float: "a number", bool: "true/false"}
    return names.get(type(value), "nothing" if value is None else type(value).__name__)
