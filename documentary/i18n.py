"""The interface's words in each language: templates/i18n/<lang>.yaml, message key -> text.

A message is text with `{name}` placeholders, or for a count a mapping of CLDR plural categories to
text (`{one: "{n} word", other: "{n} words"}`; Russian needs one, few, many and other). Every
language's file must have exactly the keys of the default language's file, the same placeholders, and
the plural forms its language needs; each problem is reported at its line and column.
Parsing and checking work on text; only `read_strings` touches the disk.
"""

from __future__ import annotations

import datetime as dt
import functools
import string
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

from markupsafe import Markup, escape

from .dates import PartialDate
from .errors import ContentError, error
from .formats import DatePatterns, Formats
from .load import decode, display_path
from .raw import YamlDoc
from .yaml_marks import parse_yaml

FOLDER = "i18n"
BUILT_IN = Path(__file__).resolve().parent.parent / "templates"
DATE_KEYS = ("date.day", "date.month", "date.year")
# Patterns for one day that labels use (documentary/flightpath.py); checked when a file has them
DAY_PATTERN_KEYS = ("date.short", "date.axis_month", "date.axis_month_year")
Message = str | Mapping[str, str]


@dataclass(frozen=True)
class Strings:
    """One language's messages, and how it formats dates and numbers."""

    language: str
    messages: Mapping[str, Message]
    formats: Formats

    def __call__(self, key: str, n: int | None = None, **values: object) -> str:
        """The message `key`; with `n`, the plural form for n, where `{n}` is n written for the language."""
        message = self.messages[key]
        if not isinstance(message, str):
            if n is None:
                raise TypeError(f"message '{key}' has plural forms: pass the count")
            message = message.get(self.formats.plural(n), message["other"])
        if n is not None:
            values["n"] = self.formats.number(n)
        if any(isinstance(v, Markup) for v in values.values()):  # e.g. a <time> tag: keep it, escape the rest
            return Markup(escape(message)).format(**values)
        return message.format(**values) if values or "{" in message else message

    def group(self, prefix: str) -> dict[str, Message]:
        """The messages under `prefix`, keyed by the rest of their key: what a page hands to its scripts."""
        return {
            key.removeprefix(prefix): dict(message) if not isinstance(message, str) else message
            for key, message in self.messages.items()
            if key.startswith(prefix)
        }

    def date(self, date: PartialDate) -> str:
        return self.formats.date(date)

    def short_date(self, date: PartialDate) -> str:
        """A day in a label's short pattern (`date.short`: 14 Nov 1971); a month or a year as `date`."""
        return self.formats.pattern(date.as_date(), str(self.messages["date.short"])) if date.day else self.date(date)

    def axis_month(self, day: dt.date, with_year: bool = False) -> str:
        """A month on a time axis: Jun, or Jun 1971 where the year is named (`date.axis_month[_year]`)."""
        key = "date.axis_month_year" if with_year else "date.axis_month"
        return self.formats.pattern(day, str(self.messages[key]))

    def fixed(self, value: float, places: int) -> str:
        """A number rounded to `places` decimals with the language's decimal sign: 1.52, 1,52."""
        return self.formats.decimal(f"{value:.{places}f}")

    def time_tag(self, date: PartialDate, time: str | None = None) -> Markup:
        """A date (and a UTC time) for people, with the machine-readable form in `datetime`."""
        shown = escape(self.formats.date(date))  # f-strings of escaped parts: Markup.format took 7 µs a date
        if time:
            stamp = f"{date.iso}T{time}Z" if date.day else date.iso
            return Markup(f'<time datetime="{escape(stamp)}">{shown}, {escape(time)}&nbsp;UTC</time>')
        return Markup(f'<time datetime="{escape(date.iso)}">{shown}</time>')

    def coordinate(self, degrees: float, positive: str, negative: str) -> str:
        """45.5° S, or 45,5° ю. ш.: four decimals at most, the hemisphere named by the language."""
        shown = f"{abs(degrees):.4f}".rstrip("0").rstrip(".")
        return f"{self.formats.decimal(shown)}° {self(positive if degrees >= 0 else negative)}"

    def lat(self, degrees: float) -> str:
        return self.coordinate(degrees, "coord.north", "coord.south")

    def lon(self, degrees: float) -> str:
        return self.coordinate(degrees, "coord.east", "coord.west")


def parse_strings(path: str, text: str, language: str) -> tuple[Strings | None, list[ContentError]]:
    """One language's file, checked on its own: plain messages, or plural forms its language has."""
    doc, problems = parse_yaml(path, text)
    if doc is None:
        return None, problems
    if not isinstance(doc.data, dict):
        return None, problems + [error(path, 1, 1, "expected a mapping of message keys to text")]
    formats = Formats(language, DatePatterns("d MMMM y", "MMMM y", "y"))
    messages: dict[str, Message] = {}
    for key, value in doc.data.items():
        problem = _message_problem(value, formats)
        if problem:
            problems.append(ContentError(doc.where((key,)), f"message '{key}': {problem}"))
        else:
            messages[key] = MappingProxyType(dict(value)) if isinstance(value, dict) else value
    missing = [k for k in DATE_KEYS if not isinstance(messages.get(k), str)]
    if missing:
        return None, problems + [error(path, 1, 1, f"missing date pattern(s): {', '.join(missing)}")]
    patterns = DatePatterns(*(str(messages[k]) for k in DATE_KEYS))
    strings = Strings(language, MappingProxyType(messages), Formats(language, patterns))
    return strings, problems + _pattern_problems(doc, strings)


def _message_problem(value: object, formats: Formats) -> str | None:
    if isinstance(value, str):
        return _placeholder_problem(value)
    if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
        return "expected text, or a mapping of plural forms (one, few, many, other) to text"
    needed, given = formats.plural_categories, set(value)
    if given - needed:
        return f"'{sorted(given - needed)[0]}' is not a plural form of {formats.language}; use {_forms(needed)}"
    if needed - given:
        return f"needs the plural forms {_forms(needed)} for {formats.language}; missing {_forms(needed - given)}"
    return next(filter(None, map(_placeholder_problem, value.values())), None)


def _forms(categories) -> str:
    order = ("zero", "one", "two", "few", "many", "other")
    return ", ".join(sorted(categories, key=order.index))


def _placeholder_problem(text: str) -> str | None:
    try:
        placeholders(text)
    except ValueError as exc:
        return f"bad placeholder ({exc}); write {{name}}, or {{{{ and }}}} for a brace"
    return None


def placeholders(message: Message) -> frozenset[str]:
    """The `{name}`s a message uses, in any of its forms."""
    texts = [message] if isinstance(message, str) else list(message.values())
    return frozenset(name for text in texts for _, name, _, _ in string.Formatter().parse(text) if name)


def _pattern_problems(doc: YamlDoc, strings: Strings) -> list[ContentError]:
    problems = []
    for key, date in zip(DATE_KEYS, (PartialDate(1971, 5, 28), PartialDate(1971, 5), PartialDate(1971)), strict=True):
        try:
            strings.date(date)
        except (ValueError, KeyError, TypeError, AttributeError) as exc:  # Babel: an unknown pattern letter
            problems.append(ContentError(doc.where((key,)), f"message '{key}': not a Babel date pattern ({exc})"))
    for key in (k for k in DAY_PATTERN_KEYS if k in strings.messages):
        try:
            strings.formats.pattern(dt.date(1971, 5, 28), str(strings.messages[key]))
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            problems.append(ContentError(doc.where((key,)), f"message '{key}': not a Babel date pattern ({exc})"))
    return problems


def compare(reference: Strings, ref_path: str, other: Strings, doc: YamlDoc) -> list[ContentError]:
    """What `other` lacks or has extra compared with the default language's file, and placeholder mismatches."""
    problems = []
    for key in reference.messages:
        if key not in other.messages:
            problems.append(error(doc.path, 1, 1, f"missing message '{key}' (it is in {ref_path})"))
    for key, message in other.messages.items():
        if key not in reference.messages:
            problems.append(ContentError(doc.where((key,), key=True), f"unknown message '{key}' (not in {ref_path})"))
            continue
        wanted, used = placeholders(reference.messages[key]) - {"n"}, placeholders(message) - {"n"}
        if wanted != used:
            names = ", ".join(f"{{{n}}}" for n in sorted(wanted)) or "none"
            problems.append(ContentError(doc.where((key,)), f"message '{key}' must use the placeholders {names}"))
        if isinstance(reference.messages[key], str) != isinstance(message, str):
            kind = "plain text" if isinstance(reference.messages[key], str) else "plural forms"
            problems.append(ContentError(doc.where((key,)), f"message '{key}' must be {kind}, as in {ref_path}"))
    return problems


def read_strings(templates: Path, languages: tuple[str, ...]) -> tuple[Mapping[str, Strings], tuple[ContentError, ...]]:
    """Read and check templates/i18n/<lang>.yaml for each language; the first is the reference.

    A templates folder without an i18n/ folder uses the generator's own words (templates/i18n/).
    """
    if not (templates / FOLDER).is_dir():
        templates = BUILT_IN
    files = []
    for language in languages:
        path = templates / FOLDER / f"{language}.yaml"
        files.append((language, display_path(path), path.read_bytes() if path.is_file() else None))
    return strings_of(tuple(files))


@functools.lru_cache(maxsize=4)  # every rebuild of the dev server reads the same two files: parse them once
def strings_of(
    files: tuple[tuple[str, str, bytes | None], ...],
) -> tuple[Mapping[str, Strings], tuple[ContentError, ...]]:
    """The interface's words from each (language, file as problems name it, its bytes or None if missing)."""
    found: dict[str, Strings] = {}
    problems: list[ContentError] = []
    reference: tuple[Strings, str] | None = None
    for language, shown, raw in files:
        if raw is None:
            problems.append(error(shown, 1, 1, f"missing file: the interface's words for language '{language}'"))
            continue
        text, decode_problems = decode(shown, raw)
        problems += decode_problems
        if text is None:
            continue
        strings, parse_problems = parse_strings(shown, text, language)
        problems += parse_problems
        if strings is None:
            continue
        if reference is None:
            reference = (strings, shown)
        else:
            doc, _ = parse_yaml(shown, text)
            problems += compare(reference[0], reference[1], strings, doc)
        found[language] = strings
    return MappingProxyType(found), tuple(problems)


@functools.cache
def english() -> Strings:
    """The generator's own English words, for code called without a page's (e.g. the charts in tests)."""
    found, problems = read_strings(BUILT_IN, ("en",))
    if problems:
        raise ValueError(problems[0].format())
    return found["en"]
