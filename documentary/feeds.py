"""Atom feeds: the whole site, and one per series (chapters, missions). Pure: the renderer supplies the HTML.

Each entry carries its page's full content with every URL made absolute (a feed reader shows it away from
the site), and its own dates. A feed lists at most FEED_LIMIT entries, the most recently updated first.
`language` is a parameter so that a feed per language is one more call.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from urllib.parse import urljoin

from .dating import Dates, stamp

FEED_LIMIT = 50
EPOCH_STAMP = "1970-01-01T00:00:00Z"  # a feed needs a date; used only when nothing at all is dated
UNDATED = dt.datetime.min.replace(tzinfo=dt.UTC)  # sorts after every dated entry
_URL_ATTRIBUTE = re.compile(r'\b(href|src)="([^"]*)"')


@dataclass(frozen=True)
class Series:
    """One feed: its output path, its title's suffix, and which kinds of page it lists."""

    output: str
    label: str
    kinds: tuple[str, ...]


SERIES = (
    Series("feed.xml", "", ("chapter", "mission")),
    Series("chapters/feed.xml", "chapters", ("chapter",)),
    Series("missions/feed.xml", "missions", ("mission",)),
)


@dataclass(frozen=True)
class Entry:
    kind: str
    title: str
    url: str  # absolute
    summary: str
    html: str  # the full content, URLs absolute
    dates: Dates | None
    # What the HTML is made from (the page's body and its citations), until it is rendered: a later build
    # compares these, not the rendered HTML, to know whether the feed changed (documentary/reads.py).
    source: tuple = field(default=(), repr=False, compare=False)


@dataclass(frozen=True)
class Feed:
    series: Series
    title: str
    url: str  # the feed's own absolute URL
    home: str  # the page it is the feed of
    language: str
    entries: tuple[Entry, ...]
    fallback: str  # the site's date, for entries (and a feed) that have none

    @property
    def updated(self) -> str:
        dated = [e.dates.updated for e in self.entries if e.dates]
        return stamp(max(dated)) if dated else self.fallback

    def entry_updated(self, entry: Entry) -> str:
        return entry.dates.updated_iso if entry.dates else self.fallback


def select(entries: list[Entry], series: Series) -> tuple[Entry, ...]:
    """The series' entries, newest first (ties by URL, so the order never depends on the input's)."""
    chosen = [e for e in entries if e.kind in series.kinds]
    chosen.sort(key=lambda e: (e.dates.updated if e.dates else UNDATED, e.url), reverse=True)
    return tuple(chosen[:FEED_LIMIT])


def absolutise(html: str, page_url: str) -> str:
    """Every href and src resolved against the page's absolute URL: `/x/`, `#a`, `../y` all work in a reader."""
    return _URL_ATTRIBUTE.sub(lambda m: f'{m[1]}="{urljoin(page_url, m[2])}"', html)
