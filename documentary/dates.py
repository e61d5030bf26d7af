"""Dates written with the precision the author knows: a year, a month or a day."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

from markupsafe import Markup

_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
_TIME = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)(?::([0-5]\d))?$")
MONTHS = tuple(calendar.month_name)


@dataclass(frozen=True, order=True)
class PartialDate:
    year: int
    month: int = 0  # 0: not known
    day: int = 0

    @property
    def iso(self) -> str:
        parts = [f"{self.year:04d}"] + [f"{n:02d}" for n in (self.month, self.day) if n]
        return "-".join(parts)

    @property
    def human(self) -> str:
        if self.day:
            return f"{self.day} {MONTHS[self.month]} {self.year}"
        if self.month:
            return f"{MONTHS[self.month]} {self.year}"
        return str(self.year)

    def as_date(self) -> dt.date:
        """The earliest day this date can mean, for ordering and arithmetic."""
        return dt.date(self.year, self.month or 1, self.day or 1)

    def __str__(self) -> str:
        return self.iso


def parse_date(value: object) -> PartialDate:
    """Accept YYYY, YYYY-MM or YYYY-MM-DD (as text or a bare year); explain anything else."""
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise ValueError(f"expected a date like 1971-05-28, got {_kind(value)}")
    text = str(value).strip()
    match = _DATE.match(text)
    if not match:
        raise ValueError(f"invalid date '{text}': write it as YYYY, YYYY-MM or YYYY-MM-DD")
    year, month, day = (int(g) if g else 0 for g in match.groups())
    if year < 1:  # Python's dates, and the calendar, start at year 1
        raise ValueError(f"invalid date '{text}': there is no year 0")
    if match.group(2) and not 1 <= month <= 12:
        raise ValueError(f"invalid date '{text}': month {month} is not between 1 and 12")
    if match.group(3):
        last = calendar.monthrange(year, month)[1]
        if not 1 <= day <= last:
            raise ValueError(f"invalid date '{text}': {MONTHS[month]} {year} has {last} days")
    return PartialDate(year, month, day)


def parse_day(value: object) -> PartialDate:
    date = parse_date(value)
    if not date.day:
        raise ValueError(f"'{date.iso}' needs a full date (YYYY-MM-DD)")
    return date


def parse_time(value: object) -> str:
    if not isinstance(value, str) or not _TIME.match(value.strip()):
        shown = value if isinstance(value, str | int | float) else _kind(value)
        raise ValueError(f'invalid time \'{shown}\': write it quoted as "HH:MM" or "HH:MM:SS" (UTC)')
    return value.strip()


def _kind(value: object) -> str:
    names = {list: "a list", dict: "a mapping", float: "a number", bool: "true/false", type(None): "nothing"}
    return names.get(type(value), type(value).__name__)


def time_tag(date: PartialDate, time: str | None = None) -> Markup:
    """`<time datetime="1971-05-28">28 May 1971</time>`: the precision written is the precision shown."""
    if time:
        stamp = f"{date.iso}T{time}Z" if date.day else date.iso
        return Markup(f'<time datetime="{stamp}">{date.human}, {time}&nbsp;UTC</time>')
    return Markup(f'<time datetime="{date.iso}">{date.human}</time>')
