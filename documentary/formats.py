"""Dates, numbers and plural forms for one language, from Babel's CLDR data: never formatted by hand.

The patterns for partial dates (a day, a month or only a year) are UI strings (`date.day`, `date.month`,
`date.year` in templates/i18n/<lang>.yaml), so each language says what is natural for it, e.g.
`d MMMM y 'г.'` and the standalone month `LLLL y 'г.'` in Russian ("28 мая 1971 г.", "май 1971 г.").
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cached_property

from babel import Locale, UnknownLocaleError
from babel.dates import format_date
from babel.numbers import format_decimal, get_decimal_symbol

from .dates import PartialDate


def known_language(code: str) -> bool:
    """Whether Babel has CLDR data for `code` (a language code such as en or ru)."""
    try:
        Locale.parse(code)
    except (UnknownLocaleError, ValueError, TypeError):
        return False
    return True


@dataclass(frozen=True)
class DatePatterns:
    day: str
    month: str
    year: str


@dataclass(frozen=True)
class Formats:
    """How one language writes dates, numbers and counts."""

    language: str
    patterns: DatePatterns

    @cached_property
    def locale(self) -> Locale:
        return Locale.parse(self.language)

    def date(self, date: PartialDate) -> str:
        """A date with the precision it was written with: a day, a month or a year."""
        found = self._known.get(("date", date))
        if found is None:  # Babel takes about 0.1 ms a call, and a timeline shows the same dates many times
            pattern = self.patterns.day if date.day else self.patterns.month if date.month else self.patterns.year
            day = dt.date(date.year, date.month or 1, date.day or 1)
            found = self._known[("date", date)] = format_date(day, pattern, locale=self.locale)
        return found

    def pattern(self, day: dt.date, pattern: str) -> str:
        """A day in a pattern of its own, e.g. a short label (`d MMM y`: 14 Nov 1971, 14 нояб. 1971 г.)."""
        found = self._known.get(("pattern", day, pattern))
        if found is None:
            found = self._known[("pattern", day, pattern)] = format_date(day, pattern, locale=self.locale)
        return found

    def month(self, day: dt.date) -> str:
        """A month on its own, as a heading or label names it ("May 1971", "май 1971 г.")."""
        return self.date(PartialDate(day.year, day.month))

    def number(self, value: int) -> str:
        """A whole number with the language's grouping: 1,300 in English, 1 300 in Russian."""
        found = self._known.get(("number", value))
        if found is None:  # Babel takes about 0.1 ms a call: a list of 1,000 chapters made it a page's main cost
            found = self._known[("number", value)] = format_decimal(value, locale=self.locale)
        return found

    def decimal(self, text: str) -> str:
        """A decimal already rounded as text ("45.5"), with the language's decimal sign (45,5)."""
        return text.replace(".", get_decimal_symbol(self.locale))

    def plural(self, count: int) -> str:
        """The CLDR plural category of `count`: one, few, many or other (Russian), one or other (English)."""
        found = self._known.get(("plural", count))
        if found is None:
            found = self._known[("plural", count)] = self.locale.plural_form(count)
        return found

    @cached_property
    def _known(self) -> dict[tuple[str, object], str]:
        return {}

    @cached_property
    def plural_categories(self) -> frozenset[str]:
        return frozenset(self.locale.plural_form.tags | {"other"})
