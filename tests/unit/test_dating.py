"""dating.py: which source dates a page, and the Open Graph locale."""

from __future__ import annotations

import datetime as dt

from documentary.dates import PartialDate
from documentary.dating import Dates, from_epoch, og_locale, page_dates
from documentary.revisions import Revision

GIT = Revision(dt.datetime(2023, 5, 1, 12, 0, tzinfo=dt.UTC), dt.datetime(2024, 6, 2, 8, 30, tzinfo=dt.UTC))
EPOCH = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)


def day(text: str) -> PartialDate:
    y, m, d = map(int, text.split("-"))
    return PartialDate(y, m, d)


def test_front_matter_wins_then_git_then_source_date_epoch():
    author = page_dates(day("2020-01-02"), day("2021-03-04"), GIT, EPOCH)
    assert (author.published_iso, author.updated_iso) == ("2020-01-02T00:00:00Z", "2021-03-04T00:00:00Z")
    assert page_dates(None, None, GIT, EPOCH) == Dates(GIT.first, GIT.last)
    assert page_dates(day("2020-01-02"), None, GIT, EPOCH) == Dates(dt.datetime(2020, 1, 2, tzinfo=dt.UTC), GIT.last)
    assert page_dates(None, None, None, EPOCH) == Dates(EPOCH, EPOCH)
    assert page_dates(None, None, None, None) is None  # nothing knows: no date is invented


def test_updated_is_never_before_published():
    dates = page_dates(day("2025-06-01"), None, GIT, None)  # published after git's last commit
    assert dates.updated == dates.published


def test_source_date_epoch_is_whole_seconds_or_nothing():
    assert from_epoch("0") == dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
    assert from_epoch(" 1700000000\n").year == 2023
    assert from_epoch("") is None and from_epoch("soon") is None and from_epoch("-5") is None


def test_open_graph_wants_language_and_territory():
    assert og_locale("en") == "en_US"
    assert og_locale("ru") == "ru_RU"
    assert og_locale("en-GB") == "en_GB"
    assert og_locale("pt-br") == "pt_BR"
