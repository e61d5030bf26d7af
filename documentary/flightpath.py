"""Flight paths computed from the mission data, drawn as accessible SVG.

A mission's flight runs from its launch to its earliest arrival event (see `facts.arrival`). The planets'
positions come from the DE421 ephemeris, the path between them from a prograde Lambert solution with the
real time of flight: a sketch of the transfer orbit, not the spacecraft's tracked trajectory (it ignores
the departure from Earth and the course corrections). The picture is a plan view from north of the
ecliptic; every picture comes with a table of the same numbers, and shapes, line patterns and labels
carry the meaning, never colour alone. Numbers are rounded to fixed places, so builds are byte-identical.
Every word comes from the page's UI strings `w` (templates/i18n/<lang>.yaml: flightpath.*, windows.*), and
dates and numbers are formatted for its language; without `w` a picture speaks English.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from markupsafe import Markup, escape

from . import ephemeris, facts, lambert
from .charts import Box, _line, _n, _svg, _text
from .dates import PartialDate
from .i18n import Strings, english
from .models import Event, Mission

if TYPE_CHECKING:
    from .graph import MissionNode, Site

Vector = ephemeris.Vector
ARC_SAMPLES = 64
SCALE = 150  # SVG units per AU
CENTRE = (330.0, 280.0)
PLOT = Box(10, 10, 640, 540)
SIZE = (660.0, 620.0)  # the height grows with the legend and, for several flights, the race below
CHAR = 7.0  # a generous advance for 12-13 px labels
SOVIET = ("soviet", "russia")
PATTERNS = 3  # transfer line patterns (solid, dashed, dotted) told apart in the legend


@dataclass(frozen=True)
class Flight:
    """One mission's launch and arrival, where the planets were, and the computed transfer between them."""

    slug: str
    name: str
    launch: PartialDate
    launch_time: str | None
    arrival: Event
    approximate: bool  # the arrival is known only to the month, or its date is marked unconfirmed
    lost: Event | None  # contact was lost before the arrival
    departs: dt.datetime
    arrives: dt.datetime
    earth: tuple[Vector, Vector]  # at launch, at arrival
    mars: tuple[Vector, Vector]
    arc: tuple[Vector, ...]

    @property
    def days(self) -> int:
        """The time of flight in whole days, as the mission data gives it: arrival date minus launch date."""
        return (self.arrival.date.as_date() - self.launch.as_date()).days

    @property
    def seconds(self) -> float:
        return (self.arrives - self.departs).total_seconds()

    @property
    def gap_km(self) -> float:
        """How far Earth was from Mars when the spacecraft arrived."""
        return ephemeris.distance(self.earth[1], self.mars[1])

    @property
    def sun_range_au(self) -> tuple[float, float]:
        radii = [ephemeris.distance(p) / ephemeris.AU_KM for p in self.arc]
        return min(radii), max(radii)

    @property
    def path_au(self) -> float:
        return sum(math.dist(a, b) for a, b in zip(self.arc, self.arc[1:], strict=False)) / ephemeris.AU_KM


def moment(date: PartialDate, time: str | None) -> dt.datetime:
    """The UTC instant used for a date: its time if given, else noon; a month-only date is taken mid-month."""
    hour, minute, second = (int(p) for p in (time + ":00").split(":")[:3]) if time else (12, 0, 0)
    return dt.datetime(date.year, date.month, date.day or 15, hour, minute, second)


def flight(slug: str, mission: Mission) -> Flight | None:
    """The mission's flight to Mars, or None (see `facts.no_transfer_reason`)."""
    event = facts.arrival(mission)
    if event is None:
        return None
    departs, arrives = moment(mission.launch.date, mission.launch.time), moment(event.date, event.time)
    if arrives <= departs:
        return None  # an error in the data, reported by the graph at the event's date
    try:
        earth, mars, arc = _transfer(departs, arrives)
    except lambert.NoSolution:
        return None
    approximate = not event.date.day or f"events.{event.id}.date" in mission.unconfirmed
    lost = facts.contact_lost_before(mission, event)
    args = (mission.launch.date, mission.launch.time, event, approximate, lost, departs, arrives, earth, mars, arc)
    return Flight(slug, mission.name, *args)


@lru_cache(maxsize=256)
def _transfer(departs: dt.datetime, arrives: dt.datetime):
    earth = ephemeris.positions("earth", (departs, arrives))
    mars = ephemeris.positions("mars", (departs, arrives))
    tof = (arrives - departs).total_seconds()
    v1, _ = lambert.solve(earth[0], mars[1], tof, ephemeris.MU_SUN)
    return earth, mars, lambert.sample(earth[0], v1, tof, ephemeris.MU_SUN, ARC_SAMPLES)


def node_flight(node: MissionNode) -> Flight | None:
    return flight(node.slug, node.data)


def no_flight_reason(node: MissionNode, w: Strings | None = None) -> str | None:
    if node_flight(node):
        return None
    w = w or english()
    return facts.no_transfer_reason(node.data, w) or w("flightpath.none_unsolved", name=node.data.name)


# --- Drawing ---------------------------------------------------------------------------------


def _xy(point: Vector, centre: tuple[float, float] = CENTRE, scale: float = SCALE) -> tuple[float, float]:
    """Ecliptic x to the right (towards the vernal equinox), y up: the view from the north."""
    return centre[0] + point[0] / ephemeris.AU_KM * scale, centre[1] - point[1] / ephemeris.AU_KM * scale


def _path(points, closed: bool = False, centre: tuple[float, float] = CENTRE, scale: float = SCALE) -> str:
    coords = (_xy(p, centre, scale) for p in points)
    return "M" + "L".join(f"{_n(x)} {_n(y)}" for x, y in coords) + ("Z" if closed else "")


def _mark(body: str, x: float, y: float, filled: bool, scale: float = 1.0) -> str:
    """Earth a circle, Mars a square; hollow at launch, filled at arrival."""
    fill = "filled" if filled else "hollow"
    if body == "earth":
        return f'<circle cx="{_n(x)}" cy="{_n(y)}" r="{_n(6 * scale)}" class="fp-mark fp-earth {fill}"/>'
    s = 5.5 * scale
    size = f'width="{_n(2 * s)}" height="{_n(2 * s)}"'
    return f'<rect x="{_n(x - s)}" y="{_n(y - s)}" {size} class="fp-mark fp-mars {fill}"/>'


def _when(date: PartialDate, w: Strings) -> str:
    """A date as a sentence places it: on 21 March 1963, in May 1965 (in Russian the date alone)."""
    key = "flightpath.on_day" if date.day else "flightpath.in_month" if date.month else "flightpath.in_year"
    return w(key, date=w.date(date))


class _Labels:
    """Places each label beside its point, clear of the labels and marks already placed."""

    TURNS = (0, 1, -1, 2, -2, 3, -3, 4, -4, 5, -5)

    def __init__(self, taken: list[Box]):
        self.taken = taken
        self.parts: list[str] = []

    def add(self, point: Vector, text: str) -> None:
        x, y = _xy(point)
        width = len(text) * CHAR
        out = math.atan2(y - CENTRE[1], x - CENTRE[0])  # away from the Sun first
        box = fallback = None
        for reach in (12, 28, 44):
            for turn in self.TURNS:
                box = _label_box(x, y, out + turn * 0.35, reach, width)
                if not box.inside(PLOT):
                    continue
                fallback = fallback or box
                if not any(box.overlaps(o) for o in self.taken):
                    break
            else:
                continue
            break
        else:
            box = fallback or box  # nowhere free: the first place inside the picture
        self.taken.append(box)
        near = (min(max(x, box.x), box.x + box.w), min(max(y, box.y), box.y + box.h))
        if math.dist(near, (x, y)) > 16:  # far from its point: a leader line says which point it names
            self.parts.append(_line(x, y, *near, "fp-ray"))
        self.parts.append(_text(box.x, box.y + LABEL_H - 5, text, "fp-label", "start"))


LABEL_H = 17


def _label_box(x: float, y: float, angle: float, reach: float, width: float) -> Box:
    """A label's box at `reach` from (x, y) in direction `angle`, on the side facing away from the point."""
    ax, ay = x + math.cos(angle) * reach, y + math.sin(angle) * reach
    cos = math.cos(angle)
    left = ax if cos > 0.3 else ax - width if cos < -0.3 else ax - width / 2
    return Box(left, ay - LABEL_H / 2 + math.sin(angle) * LABEL_H / 2, width, LABEL_H)


def _static_parts(year: int, w: Strings) -> list[str]:
    cx, cy = CENTRE
    return [
        _line(cx, cy, PLOT.x + PLOT.w - 4, cy, "fp-axis"),
        _text(PLOT.x + PLOT.w - 4, cy - 6, w("flightpath.equinox"), "fp-note", "end"),
        _orbit_path("earth", year),
        _orbit_path("mars", year),
        f'<circle cx="{_n(cx)}" cy="{_n(cy)}" r="9" class="fp-sun"/>',
    ]


@lru_cache(maxsize=128)
def _orbit_path(body: str, year: int, centre: tuple[float, float] = CENTRE, scale: float = SCALE) -> str:
    """One orbital period of the body from 1 January of `year`, sampled from the ephemeris.

    Drawn from the start of the year, not the launch day, so that the diagrams of a year share it: over
    decades the orbits turn by a fraction of a degree, a tenth of a pixel at these scales."""
    samples = ephemeris.ORBIT_SAMPLES if scale >= SCALE else PANEL_ORBIT_SAMPLES
    points = ephemeris.orbit(body, dt.datetime(year, 1, 1), samples)
    return f'<path d="{_path(points, True, centre, scale)}" class="fp-orbit fp-orbit-{body}"/>'


def _marks_and_labels(flights: tuple[Flight, ...], w: Strings) -> list[str]:
    parts, sun = [], Box(CENTRE[0] - 12, CENTRE[1] - 12, 24, 24)
    taken = [sun]
    for f in flights:
        for body, points in (("earth", f.earth), ("mars", f.mars)):
            for when, point in enumerate(points):
                x, y = _xy(point)
                parts.append(_mark(body, x, y, bool(when)))
                taken.append(Box(x - 7, y - 7, 14, 14))
    labels = _Labels(taken)
    labels.add((0.0, -0.12 * ephemeris.AU_KM, 0.0), w("flightpath.sun"))
    for text, point in _label_texts(flights, w):
        labels.add(point, text)
    return parts + labels.parts


def _label_texts(flights: tuple[Flight, ...], w: Strings) -> list[tuple[str, Vector]]:
    """One label per point for a single flight; for several, one per arrival and one per group of the rest."""
    if len(flights) == 1:
        f = flights[0]
        arrived = w.short_date(f.arrival.date) + (w("chart.approx") if f.approximate else "")
        return [
            (w("flightpath.label_earth_launch", date=w.short_date(f.launch)), f.earth[0]),
            (w("flightpath.earth_arrival"), f.earth[1]),
            (w("flightpath.mars_launch"), f.mars[0]),
            (w("flightpath.label_mars_arrival", date=arrived), f.mars[1]),
        ]
    launches = _span([f.launch for f in flights], w)
    texts = [
        (w("flightpath.label_arrives", name=f.name, date=w.short_date(f.arrival.date)), f.mars[1]) for f in flights
    ]
    middle = flights[len(flights) // 2]
    return [
        *texts,
        (w("flightpath.label_earth_launches", dates=launches), middle.earth[0]),
        (w("flightpath.label_mars_launches"), middle.mars[0]),
        (w("flightpath.label_earth_arrivals"), middle.earth[1]),
    ]


def _span(dates: list[PartialDate], w: Strings) -> str:
    """19–30 May 1971 (19–30 мая 1971 г.): within one month the day range leads the last date."""
    first, last = min(dates), max(dates)
    if first == last:
        return w.short_date(first)
    if (first.year, first.month) == (last.year, last.month) and first.day and last.day:
        return f"{w.formats.number(first.day)}–{w.short_date(last)}"
    return f"{w.short_date(first)} – {w.short_date(last)}"


def _legend(flights: tuple[Flight, ...], top: float, w: Strings) -> tuple[list[str], float]:
    """Shapes, then line patterns, flowing onto new rows; returns the parts and the y below them."""
    items = [
        (lambda x, y, b=body, f=filled: _mark(b, x + 6, y - 4, f, 0.9), w(label), 18)
        for body, filled, label in (
            ("earth", False, "flightpath.earth_launch"),
            ("earth", True, "flightpath.earth_arrival"),
            ("mars", False, "flightpath.mars_launch"),
            ("mars", True, "flightpath.mars_arrival"),
        )
    ]
    lines = [
        ("fp-orbit fp-orbit-earth", w("flightpath.earth_orbit")),
        ("fp-orbit fp-orbit-mars", w("flightpath.mars_orbit")),
    ]
    for index, f in enumerate(flights):
        label = w("flightpath.transfer_of", name=f.name) if len(flights) > 1 else w("flightpath.transfer")
        lines.append((f"fp-arc fp-arc-{index % PATTERNS}", label))
    items += [(lambda x, y, c=cls: _line(x, y - 4, x + 26, y - 4, c), label, 32) for cls, label in lines]
    parts, x, y = [], PLOT.x + 4, top + 14
    for draw, label, gap in items:
        width = gap + 12 + len(label) * CHAR
        if x + width > PLOT.x + PLOT.w:
            x, y = PLOT.x + 4, y + 24
        parts += [draw(x, y), _text(x + gap, y, label, "legend", "start")]
        x += width
    return parts, y + 14


RACE_ROW = 26
RACE_LEFT = 120


def _race(flights: tuple[Flight, ...], top: float, w: Strings) -> tuple[list[str], float]:
    """Several flights on one time axis, launch to arrival: who left first and who arrived first."""
    first = min(f.launch.as_date() for f in flights)
    last = max(f.arrival.date.as_date() for f in flights)
    rows = [
        w("flightpath.race_row", days=w("flightpath.days", f.days), date=w.short_date(f.arrival.date)) for f in flights
    ]
    # the axis ends where the longest "168 days, arrives ..." still fits after its bar (230 in English)
    right = PLOT.x + PLOT.w - max(230, 20 + max(len(row) for row in rows) * CHAR)
    span = max(1, (last - first).days)

    def x_of(day: dt.date) -> float:
        return RACE_LEFT + (day - first).days / span * (right - RACE_LEFT)

    parts = [_text(PLOT.x + 4, top + 16, w("flightpath.race"), "fp-note", "start")]
    y = top + 28
    for index, (f, row) in enumerate(zip(flights, rows, strict=True)):
        mid = y + RACE_ROW * index + RACE_ROW / 2
        x1, x2 = x_of(f.launch.as_date()), x_of(f.arrival.date.as_date())
        parts += [
            _text(RACE_LEFT - 10, mid + 4, f.name, "legend", "end"),
            _line(x1, mid, x2, mid, f"fp-arc fp-arc-{index % PATTERNS}"),
            _mark("earth", x1, mid, False, 0.8),
            _mark("mars", x2, mid, True, 0.8),
            _text(x2 + 10, mid + 4, row, "legend", "start"),
        ]
    axis = y + RACE_ROW * len(flights) + 4
    parts.append(_line(RACE_LEFT, axis, right, axis, "fp-ray"))
    month, free = dt.date(first.year, first.month, 1), -math.inf  # where the last tick label ends
    while month <= last:
        if month >= first:
            x = x_of(month)
            parts += [_line(x, axis, x, axis + 4, "fp-ray")]
            named = month.month == 1 or month == _next_month(first)  # the year at the first tick and each January
            label = w.axis_month(month, with_year=named)
            if x - len(label) * CHAR / 2 >= free + 4:  # a longer month name (июнь 1971) would run into the next
                parts.append(_text(x, axis + 16, label, "tick"))
                free = x + len(label) * CHAR / 2
        month = _next_month(month)
    return parts, axis + 26


def _next_month(day: dt.date) -> dt.date:
    return dt.date(day.year + day.month // 12, day.month % 12 + 1, 1)


def diagram(flights: tuple[Flight, ...], ident: str, w: Strings | None = None) -> Markup:
    """The plan view of one or more flights, with one DE421 orbit of each planet from the year of the first launch."""
    w = w or english()
    year = min(f.departs for f in flights).year
    arcs = [f'<path d="{_path(f.arc)}" class="fp-arc fp-arc-{i % PATTERNS}"/>' for i, f in enumerate(flights)]
    legend, bottom = _legend(flights, PLOT.y + PLOT.h, w)
    race, bottom = _race(flights, bottom, w) if len(flights) > 1 else ([], bottom)
    body = [*_static_parts(year, w), *arcs, *_marks_and_labels(flights, w), *legend, *race]
    return _svg(ident, (SIZE[0], bottom), title(flights, w), describe(flights, w), body, "flightpath")


def title(flights: tuple[Flight, ...], w: Strings | None = None) -> str:
    w = w or english()
    if len(flights) == 1:
        return w("flightpath.title_one", name=flights[0].name)
    return w("flightpath.title_many", names=_and([f.name for f in flights], w))


def describe(flights: tuple[Flight, ...], w: Strings | None = None) -> str:
    w = w or english()
    parts = [w("flightpath.desc")]
    for f in flights:
        lo, hi = f.sun_range_au
        sentence = w(
            "flightpath.desc_flight",
            name=f.name,
            launch=_when(f.launch, w),
            arrival=_when(f.arrival.date, w),
            approximate=w("mission.approximate") if f.approximate else "",
            days=w("flightpath.days", f.days),
            low=_au(lo, w),
            high=_au(hi, w),
            gap=_mkm(f.gap_km, w),
        )
        parts.append(sentence + (w("flightpath.desc_lost", when=_when(f.lost.date, w)) if f.lost else ""))
    if len(flights) > 1:
        order = sorted(flights, key=lambda f: f.arrives)
        parts.append(w("flightpath.desc_order", names=", ".join(f.name for f in order)))
    parts.append(w("flightpath.desc_end"))
    return " ".join(parts)


def _and(names: list[str], w: Strings) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + w("flightpath.and") + names[-1]


def _au(value: float, w: Strings) -> str:
    return w.fixed(value, 2)


def _mkm(km: float, w: Strings) -> str:
    return w.formats.number(round(km / 1e6))


# --- Figure and text alternative ---------------------------------------------------------------


def figure(flights: tuple[Flight, ...], ident: str, url=None, w: Strings | None = None) -> Markup:
    """The picture in the site's chart figure, its caption, and a table with the same facts."""
    w = w or english()
    caption = _caption(flights, w)
    return Markup(
        f'<figure class="chart-figure flightpath-figure" id="{ident}-figure">\n'
        f'<div class="chart-scroll" role="region" aria-labelledby="{ident}-caption" tabindex="0">\n'
        f"{diagram(flights, ident, w)}\n</div>\n"
        f'<figcaption id="{ident}-caption">{caption}</figcaption>\n</figure>\n{table(flights, ident, url, w)}'
    )


def _caption(flights: tuple[Flight, ...], w: Strings) -> Markup:
    parts = [escape(w("flightpath.caption", title=title(flights, w)))]
    for f in flights:
        if f.lost:
            parts.append(escape(w("flightpath.caption_lost", name=f.name, when=_when(f.lost.date, w))))
        if f.approximate:
            parts.append(escape(w("flightpath.caption_approximate", name=f.name)))
    return Markup(" ").join(parts)


def table(flights: tuple[Flight, ...], ident: str, url=None, w: Strings | None = None) -> Markup:
    """The text alternative: one column per flight. `url(slug)` links mission names (for chapter diagrams)."""
    w = w or english()
    head = "".join(f'<th scope="col">{_name(f, url)}</th>' for f in flights)
    rows = [
        ("flightpath.table_launch", [w.time_tag(f.launch, f.launch_time) for f in flights]),
        ("flightpath.table_arrival", [_arrival_cell(f, w) for f in flights]),
        ("flightpath.table_time", [w("flightpath.days", f.days) for f in flights]),
        ("flightpath.table_gap", [w("flightpath.million_km", km=_mkm(f.gap_km, w)) for f in flights]),
        (
            "flightpath.table_sun",
            [w("flightpath.au_range", low=_au(f.sun_range_au[0], w), high=_au(f.sun_range_au[1], w)) for f in flights],
        ),
        (
            "flightpath.table_length",
            [w("flightpath.au_length", au=_au(f.path_au, w), km=_mkm(f.path_au * ephemeris.AU_KM, w)) for f in flights],
        ),
    ]
    body = "".join(
        f'<tr><th scope="row">{escape(w(label))}</th>' + "".join(f"<td>{escape(cell)}</td>" for cell in cells) + "</tr>"
        for label, cells in rows
    )
    caption = escape(w("flightpath.table_caption", title=title(flights, w)))
    return Markup(
        f'<div class="table-scroll" role="region" aria-labelledby="{ident}-table-caption" tabindex="0">\n'
        f'<table class="flightpath-table">\n<caption id="{ident}-table-caption">{caption}</caption>\n'
        f'<thead><tr><th scope="col">{escape(w("flightpath.table_flight"))}</th>{head}</tr></thead>\n'
        f"<tbody>{body}</tbody>\n</table>\n</div>"
    )


def _name(f: Flight, url) -> Markup:
    return Markup(f'<a href="{escape(url(f.slug))}">{escape(f.name)}</a>') if url else escape(f.name)


def _arrival_cell(f: Flight, w: Strings) -> Markup:
    approx = Markup(' <span class="unconfirmed">{}</span>').format(w("charts.approximate")) if f.approximate else ""
    return w.time_tag(f.arrival.date, f.arrival.time) + approx + Markup("<br>") + escape(f.arrival.title)


def mission_figure(node: MissionNode, w: Strings | None = None) -> Markup:
    found = node_flight(node)
    return figure((found,), "flightpath", w=w) if found else Markup("")


# --- Launch windows: where the planets stood ---------------------------------------------------

MARS_AU = 1.5237  # semi-major axes of the two orbits, in AU, for the textbook transfer
PANEL = (216.0, 236.0)
PANEL_SCALE = 56  # SVG units per AU in the small pictures
PANEL_ORBIT_SAMPLES = 60  # 6° steps: still within a tenth of a pixel of the orbit at this scale
PANELS_PER_ROW = 3


@dataclass(frozen=True)
class WindowView:
    """Earth and Mars at the first launch of one launch window."""

    label: str
    anchor: str
    opens: dt.date
    earth: Vector
    mars: Vector

    @property
    def lead(self) -> float:
        """How far Mars was ahead of Earth in heliocentric longitude, in degrees (-180 to 180)."""
        return (ephemeris.longitude(self.mars) - ephemeris.longitude(self.earth) + 180) % 360 - 180


def hohmann_lead() -> float:
    """The lead a minimum-energy (Hohmann) transfer between circular orbits needs: Mars moves on while the
    spacecraft flies half an ellipse, so it must start that far ahead of the arrival point, 180° from launch."""
    flight_days = 0.5 * (((1 + MARS_AU) / 2) ** 1.5) * ephemeris.PERIOD_DAYS["earth"]
    return 180 - 360 * flight_days / ephemeris.PERIOD_DAYS["mars"]


def window_views(site: Site, w: Strings | None = None) -> tuple[WindowView, ...]:
    """Every launch window with a Soviet or Russian mission, at its first launch (of any program)."""
    w = w or english()
    views = []
    for window in site.windows:
        if not any(site.mission(slug).data.program in SOVIET for slug in window.missions):
            continue
        when = dt.datetime.combine(window.opens, dt.time(12))
        views.append(
            WindowView(
                w("window.name", year=window.opens.year),
                window.anchor,
                window.opens,
                ephemeris.position("earth", when),
                ephemeris.position("mars", when),
            )
        )
    return tuple(views)


def window_figure(site: Site, w: Strings | None = None) -> Markup:
    """Small pictures of Earth and Mars at each window, with a table of the same angles; empty if none."""
    w = w or english()
    views = window_views(site, w)
    if not views:
        return Markup("")
    rows = math.ceil(len(views) / PANELS_PER_ROW)
    size = (PANEL[0] * min(len(views), PANELS_PER_ROW), PANEL[1] * rows + 36)
    body = [part for index, view in enumerate(views) for part in _panel(view, index, w)]
    body += _window_legend(size, w)
    ident = "window-geometry"
    svg = _svg(ident, size, w("windows.title"), _window_desc(views, w), body, "windows-geometry")
    low, high = _deg(min(v.lead for v in views)), _deg(max(v.lead for v in views))
    caption = escape(w("windows.caption", low=low, high=high, hohmann=_deg(hohmann_lead())))
    return Markup(
        f'<figure class="chart-figure" id="{ident}-figure">\n'
        f'<div class="chart-scroll" role="region" aria-labelledby="{ident}-caption" tabindex="0">\n{svg}\n</div>\n'
        f'<figcaption id="{ident}-caption">{caption}</figcaption>\n</figure>\n{_window_table(views, w)}'
    )


def _deg(value: float) -> str:
    return f"{value:.0f}°"


def _panel(view: WindowView, index: int, w: Strings) -> list[str]:
    left = PANEL[0] * (index % PANELS_PER_ROW)
    top = PANEL[1] * (index // PANELS_PER_ROW)
    centre = (left + PANEL[0] / 2, top + 30 + PANEL[1] / 2 - 20)
    earth, mars = _xy(view.earth, centre, PANEL_SCALE), _xy(view.mars, centre, PANEL_SCALE)
    return [
        _text(centre[0], top + 18, view.label, "fp-panel-title"),
        _orbit_path("earth", view.opens.year, centre, PANEL_SCALE),
        _orbit_path("mars", view.opens.year, centre, PANEL_SCALE),
        _line(*centre, *earth, "fp-ray"),
        _line(*centre, *mars, "fp-ray"),
        _angle(view, centre),
        f'<circle cx="{_n(centre[0])}" cy="{_n(centre[1])}" r="4" class="fp-sun"/>',
        _mark("earth", *earth, True, 0.8),
        _mark("mars", *mars, True, 0.8),
        _text(
            centre[0],
            top + PANEL[1] - 14,
            w("windows.panel_ahead" if view.lead >= 0 else "windows.panel_behind", angle=_deg(abs(view.lead))),
            "legend",
        ),
    ]


def _angle(view: WindowView, centre: tuple[float, float]) -> str:
    """The arc from Earth's direction to Mars's, at a fixed radius round the Sun."""
    r = 26
    start = math.radians(ephemeris.longitude(view.earth))
    end = start + math.radians(view.lead)
    x1, y1 = centre[0] + r * math.cos(start), centre[1] - r * math.sin(start)
    x2, y2 = centre[0] + r * math.cos(end), centre[1] - r * math.sin(end)
    sweep = 0 if view.lead >= 0 else 1  # anticlockwise on the page is SVG's negative sweep
    return f'<path d="M{_n(x1)} {_n(y1)}A{r} {r} 0 0 {sweep} {_n(x2)} {_n(y2)}" class="fp-angle"/>'


def _window_legend(size: tuple[float, float], w: Strings) -> list[str]:
    y = size[1] - 14
    return [
        _mark("earth", 16, y - 4, True, 0.8),
        _text(28, y, w("windows.earth"), "legend", "start"),
        _mark("mars", 84, y - 4, True, 0.8),
        _text(96, y, w("windows.mars"), "legend", "start"),
        _line(146, y - 4, 172, y - 4, "fp-orbit fp-orbit-earth"),
        _text(178, y, w("flightpath.earth_orbit"), "legend", "start"),
        _line(284, y - 4, 310, y - 4, "fp-orbit fp-orbit-mars"),
        _text(316, y, w("flightpath.mars_orbit"), "legend", "start"),
    ]


def _window_desc(views: tuple[WindowView, ...], w: Strings) -> str:
    each = w("chart.list_sep").join(
        w("windows.desc_ahead" if v.lead >= 0 else "windows.desc_behind", window=v.label, angle=_deg(abs(v.lead)))
        for v in views
    )
    return w("windows.desc", each=each)


def _window_table(views: tuple[WindowView, ...], w: Strings) -> Markup:
    """Each window links to its section of the timeline, on the same page."""
    rows = "".join(
        f'<tr><th scope="row"><a href="#{v.anchor}">{escape(v.label)}</a></th>'
        f"<td>{w.time_tag(PartialDate(v.opens.year, v.opens.month, v.opens.day))}</td>"
        f'<td class="num">{w.fixed(ephemeris.longitude(v.earth), 1)}°</td>'
        f'<td class="num">{w.fixed(ephemeris.longitude(v.mars), 1)}°</td>'
        f'<td class="num">{w.fixed(v.lead, 1)}°</td></tr>'
        for v in views
    )
    head = "".join(
        f'<th scope="col">{escape(w(key))}</th>'
        for key in ("windows.table_window", "windows.table_first", "windows.table_earth", "windows.table_mars")
    )
    return Markup(
        '<div class="table-scroll" role="region" aria-labelledby="window-geometry-table-caption" tabindex="0">\n'
        '<table class="flightpath-table">\n<caption id="window-geometry-table-caption">'
        f"{escape(w('windows.table_caption'))}</caption>\n"
        f'<thead><tr>{head}<th scope="col">{escape(w("windows.table_lead"))}</th></tr></thead>\n'
        f"<tbody>{rows}</tbody>\n</table>\n</div>"
    )
