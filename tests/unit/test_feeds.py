"""feeds.py: absolute URLs in entry content, and which entries a series lists, in what order."""

from __future__ import annotations

import datetime as dt

from documentary.dating import Dates
from documentary.feeds import FEED_LIMIT, SERIES, Entry, absolutise, select

PAGE = "https://example.org/sub/chapters/one/"


def test_every_href_and_src_becomes_absolute():
    html = '<a href="/sub/missions/x/">x</a> <a href="#fn1">1</a> <img src="../img/a.png" alt=""> <a href="https://nasa.gov/">n</a>'
    assert absolutise(html, PAGE) == (
        '<a href="https://example.org/sub/missions/x/">x</a> <a href="https://example.org/sub/chapters/one/#fn1">1</a> '
        '<img src="https://example.org/sub/chapters/img/a.png" alt=""> <a href="https://nasa.gov/">n</a>'
    )


def entry(kind: str, n: int, day: int | None) -> Entry:
    when = dt.datetime(2024, 1, day, tzinfo=dt.UTC) if day else None
    return Entry(kind, f"t{n}", f"https://e.org/{n}/", "s", "<p>h</p>", Dates(when, when) if when else None)


def test_a_series_lists_its_kinds_newest_first_and_undated_last():
    entries = [entry("chapter", 1, 3), entry("mission", 2, 5), entry("chapter", 3, None), entry("chapter", 4, 9)]
    main, chapters, missions = SERIES
    assert [e.title for e in select(entries, main)] == ["t4", "t2", "t1", "t3"]
    assert [e.title for e in select(entries, chapters)] == ["t4", "t1", "t3"]
    assert [e.title for e in select(entries, missions)] == ["t2"]
    assert len(select([entry("chapter", i, 1) for i in range(FEED_LIMIT + 5)], chapters)) == FEED_LIMIT
