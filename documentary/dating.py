"""Each page's first-published and last-modified dates: the author's, else git's, else SOURCE_DATE_EPOCH.

Pure: the caller reads git (documentary.revisions) and the environment. Never the wall clock, so the same
commit always builds the same bytes.
"""

from __future__ import annotations

import datetime as dt
import locale
from collections.abc import Iterable
from dataclasses import dataclass

from .dates import PartialDate
from .revisions import Revision


@dataclass(frozen=True, order=True)
class Dates:
    published: dt.datetime  # UTC
    updated: dt.datetime  # UTC, never before `published`

    @property
    def published_iso(self) -> str:
        return stamp(self.published)

    @property
    def updated_iso(self) -> str:
        return stamp(self.updated)


def stamp(moment: dt.datetime) -> str:
    """RFC 3339 in UTC, as Atom, sitemaps, Open Graph and schema.org all accept."""
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def day(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%d")


def human_day(moment: dt.datetime) -> str:
    return PartialDate(moment.year, moment.month, moment.day).human


def from_epoch(value: str) -> dt.datetime | None:
    """SOURCE_DATE_EPOCH as a moment; None when unset or not a whole number of seconds."""
    value = value.strip()
    return dt.datetime.fromtimestamp(int(value), dt.UTC) if value.isdigit() else None


def midnight(date: PartialDate | None) -> dt.datetime | None:
    return dt.datetime(date.year, date.month, date.day, tzinfo=dt.UTC) if date else None


def page_dates(
    published: PartialDate | None,
    updated: PartialDate | None,
    revision: Revision | None,
    epoch: dt.datetime | None,
) -> Dates | None:
    """Each date from the first source that has it; None when no source knows either."""
    first = midnight(published) or (revision.first if revision else None) or epoch
    last = midnight(updated) or (revision.last if revision else None) or epoch
    if first is None and last is None:
        return None
    first, last = first or last, last or first
    return Dates(first, max(first, last))


def newest(dates: Iterable[Dates | None]) -> dt.datetime | None:
    known = [d.updated for d in dates if d]
    return max(known) if known else None


def og_locale(language: str) -> str:
    """`en` -> `en_US`, `ru` -> `ru_RU`, `en-GB` -> `en_GB`: Open Graph wants language_TERRITORY."""
    tag = language.replace("-", "_")
    if "_" in tag:
        lang, territory = tag.split("_", 1)
        return f"{lang.lower()}_{territory.upper()}"
    normal = locale.normalize(tag).split(".", 1)[0]  # the C library's alias table, in the standard library
    return normal if "_" in normal else tag
