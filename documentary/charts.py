"""Pictures drawn from the mission data at build time, as inline accessible SVG.

Every function is pure: it takes the Site (or one MissionNode) and returns Markup. Colours come
from classes styled by site.css, so the pictures follow the light and dark themes; outcomes are
told apart by shape and fill (filled, half-filled, hollow), never by colour alone. Each picture is
role="img" with a <title> and <desc>; the templates put a table or list with the same data beside it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from markupsafe import Markup, escape

from .graph import MissionNode, Site
from .i18n import Strings, english

SOVIET = ("soviet", "russia")
OUTCOMES = ("success", "partial", "failure")


@dataclass(frozen=True)
class Box:
    """A rectangle in SVG units, used to keep map labels from overlapping."""

    x: float
    y: float
    w: float
    h: float

    def overlaps(self, other: Box) -> bool:
        return not (
            self.x + self.w <= other.x
            or other.x + other.w <= self.x
            or self.y + self.h <= other.y
            or other.y + other.h <= self.y
        )

    def inside(self, outer: Box) -> bool:
        return (
            self.x >= outer.x
            and self.y >= outer.y
            and self.x + self.w <= outer.x + outer.w
            and self.y + self.h <= outer.y + outer.h
        )


def _n(value: float) -> str:
    """Short, stable numbers: 12, 12.5, never 12.500000001."""
    return f"{round(value, 1):g}"


def _svg(ident: str, size: tuple[float, float], title: str, desc: str, body: Iterable[str], kind: str) -> Markup:
    width, height = size
    parts = [
        f'<svg class="chart chart-{kind}" viewBox="0 0 {_n(width)} {_n(height)}" role="img"'
        f' aria-labelledby="{ident}-title {ident}-desc" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{ident}-title">{escape(title)}</title>',
        f'<desc id="{ident}-desc">{escape(desc)}</desc>',
        *body,
        "</svg>",
    ]
    return Markup("\n".join(parts))


def _text(x: float, y: float, text: str, cls: str = "", anchor: str = "middle") -> str:
    klass = f' class="{cls}"' if cls else ""
    return f'<text x="{_n(x)}" y="{_n(y)}" text-anchor="{anchor}"{klass}>{escape(text)}</text>'


def _line(x1: float, y1: float, x2: float, y2: float, cls: str) -> str:
    return f'<line x1="{_n(x1)}" y1="{_n(y1)}" x2="{_n(x2)}" y2="{_n(y2)}" class="{cls}"/>'


def outcome_mark(outcome: str, cx: float, cy: float, r: float, cls: str) -> str:
    """A circle: filled for success, half-filled for partial success, hollow for failure."""
    ring = f'<circle cx="{_n(cx)}" cy="{_n(cy)}" r="{_n(r)}" class="{cls} outline"/>'
    if outcome == "success":
        return f'<circle cx="{_n(cx)}" cy="{_n(cy)}" r="{_n(r)}" class="{cls} solid"/>'
    if outcome == "partial":
        half = f"M{_n(cx)} {_n(cy - r)}A{_n(r)} {_n(r)} 0 0 0 {_n(cx)} {_n(cy + r)}Z"
        return f'<g><path d="{half}" class="{cls} solid"/>{ring}</g>'
    return ring


def outcome_block(outcome: str, box: Box, cls: str) -> str:
    """A bar segment in the same code: filled, left half filled, or hollow."""
    outline = f'<rect x="{_n(box.x)}" y="{_n(box.y)}" width="{_n(box.w)}" height="{_n(box.h)}" class="{cls} outline"/>'
    if outcome == "failure":
        return outline
    width = box.w if outcome == "success" else box.w / 2
    fill = f'<rect x="{_n(box.x)}" y="{_n(box.y)}" width="{_n(width)}" height="{_n(box.h)}" class="{cls} solid"/>'
    return f"<g>{fill}{outline}</g>"


def is_soviet(mission: MissionNode) -> bool:
    return mission.data.program in SOVIET


def _side(mission: MissionNode) -> str:
    return "soviet" if is_soviet(mission) else "other"


# --- Mars map ------------------------------------------------------------------------------

MAP_SCALE = 2.0  # SVG units per degree
MAP_PLOT = Box(66, 16, 360 * MAP_SCALE, 180 * MAP_SCALE)
MAP_SIZE = (MAP_PLOT.x + MAP_PLOT.w + 30, MAP_PLOT.y + MAP_PLOT.h + 76)
LABEL_SIZE = 13  # font size of site labels, matched in site.css
CHAR_WIDTH = 8.4  # a generous average advance for bold LABEL_SIZE text, even in wide fallback fonts


# The kinds of site, as the map draws them; their words are UI strings (site.*, chart.*_sites).
SITE_KINDS = ("landing", "presumed", "impact")


def located_sites(site: Site) -> tuple[MissionNode, ...]:
    """Missions whose landing or impact site has coordinates, in launch order."""
    return tuple(m for m in site.missions if m.data.landing_site and m.data.landing_site.located)


def map_point(lat: float, lon: float) -> tuple[float, float]:
    """Equirectangular: planetocentric east longitude -180..180 left to right, north up."""
    return MAP_PLOT.x + (lon + 180) * MAP_SCALE, MAP_PLOT.y + (90 - lat) * MAP_SCALE


def is_approximate(mission: MissionNode) -> bool:
    return "landing_site" in mission.data.unconfirmed


def site_label(mission: MissionNode, w: Strings | None = None) -> str:
    return mission.data.name + ((w or english())("chart.approx") if is_approximate(mission) else "")


# Every picture takes the page's words `w` (templates pass `t`); without them it speaks English.


def mars_map(site: Site, w: Strings | None = None) -> Markup:
    """Every located landing and impact site on one map of Mars."""
    w = w or english()
    missions = located_sites(site)
    counts = {kind: sum(1 for m in missions if m.data.landing_site.kind == kind) for kind in SITE_KINDS}
    sites = w("chart.list_sep").join(w("chart.site_at", name=site_label(m, w), coords=_coords(m, w)) for m in missions)
    landings, impacts = w("chart.landing_sites", counts["landing"]), w("chart.impact_sites", counts["impact"])
    if counts["presumed"]:  # the open triangles are only described where the map has some
        presumed = w("chart.presumed_sites", counts["presumed"])
        desc = w("chart.map_desc_presumed", landings=landings, presumed=presumed, impacts=impacts, sites=sites)
    else:
        desc = w("chart.map_desc", landings=landings, impacts=impacts, sites=sites)
    body = [*_map_grid(w), *_map_sites(missions, w), *_map_legend(w)]
    return _svg("mars-map", MAP_SIZE, w("chart.map_title"), desc, body, "map")


def mission_map(mission: MissionNode, w: Strings | None = None) -> Markup:
    """One mission's own site on the map grid (empty Markup if the site has no coordinates)."""
    w = w or english()
    place = mission.data.landing_site
    if not place or not place.located:
        return Markup("")
    title = w("chart.site_title", name=mission.data.name)
    desc = w(f"chart.site_desc_{place.kind}", place=place.name, coords=_coords(mission, w))
    return _svg("site-map", MAP_SIZE, title, desc, [*_map_grid(w), *_map_sites((mission,), w, 1.5)], "site")


def _coords(mission: MissionNode, w: Strings) -> str:
    place = mission.data.landing_site
    return f"{w.lat(place.lat)}, {w.lon(place.lon)}"


def _map_grid(w: Strings) -> list[str]:
    plot = MAP_PLOT
    parts = [f'<rect x="{_n(plot.x)}" y="{_n(plot.y)}" width="{_n(plot.w)}" height="{_n(plot.h)}" class="ground"/>']
    for lon in range(-180, 181, 30):
        x, _ = map_point(0, lon)
        parts.append(_line(x, plot.y, x, plot.y + plot.h, "grid major" if lon == 0 else "grid"))
        if lon % 60 == 0:
            parts.append(_text(x, plot.y + plot.h + 18, _degrees(lon, w, "coord.east", "coord.west"), "tick"))
    for lat in range(-90, 91, 30):
        _, y = map_point(lat, 0)
        parts.append(_line(plot.x, y, plot.x + plot.w, y, "grid major" if lat == 0 else "grid"))
        if abs(lat) < 90:  # the poles are the frame itself; their labels would crowd the corners
            parts.append(_text(plot.x - 8, y + 4, _degrees(lat, w, "coord.north", "coord.south"), "tick", "end"))
    parts.append(_text(plot.x + plot.w / 2, plot.y + plot.h + 38, w("chart.longitude"), "axis"))
    return parts


def _degrees(value: int, w: Strings, positive: str, negative: str) -> str:
    return "0°" if value == 0 else f"{abs(value)}° {w(positive if value > 0 else negative)}"


def _map_sites(missions: Iterable[MissionNode], w: Strings, scale: float = 1.0) -> list[str]:
    marks, labels = [], []
    points = [(m, map_point(m.data.landing_site.lat, m.data.landing_site.lon)) for m in missions]
    taken = [Box(x - 6 * scale, y - 6 * scale, 12 * scale, 12 * scale) for _, (x, y) in points]
    for mission, (x, y) in points:
        kind = mission.data.landing_site.kind
        marks.append(_site_mark(kind, x, y, 6 * scale, _side(mission)))
        text = site_label(mission, w)
        box, anchor = place_label(x, y, len(text) * CHAR_WIDTH * scale, taken, 8 * scale, LABEL_SIZE * scale)
        taken.append(box)
        tx = box.x if anchor == "start" else box.x + box.w if anchor == "end" else box.x + box.w / 2
        labels.append(_text(tx, box.y + box.h - 4, text, "site-label", anchor))
    return marks + labels


def _site_mark(kind: str, x: float, y: float, r: float, side: str) -> str:
    if kind == "impact":
        d = f"M{_n(x - r)} {_n(y - r)}L{_n(x + r)} {_n(y + r)}M{_n(x - r)} {_n(y + r)}L{_n(x + r)} {_n(y - r)}"
        return f'<path d="{d}" class="site site-impact {side}"/>'
    d = f"M{_n(x)} {_n(y - r)}L{_n(x + r)} {_n(y + r * 0.8)}L{_n(x - r)} {_n(y + r * 0.8)}Z"
    return f'<path d="{d}" class="site site-{kind} {side}"/>'


def place_label(
    x: float, y: float, width: float, taken: list[Box], gap: float, size: float = LABEL_SIZE
) -> tuple[Box, str]:
    """The first of right, left, above, below that stays on the map and clear of earlier labels."""
    h = size + 4
    candidates = [
        (Box(x + gap, y - h / 2, width, h), "start"),
        (Box(x - gap - width, y - h / 2, width, h), "end"),
        (Box(x - width / 2, y - gap - h, width, h), "middle"),
        (Box(x - width / 2, y + gap, width, h), "middle"),
    ]
    for box, anchor in candidates:
        if box.inside(MAP_PLOT) and not any(box.overlaps(other) for other in taken):
            return box, anchor
    fits = [c for c in candidates if c[0].inside(MAP_PLOT)]
    return (fits or candidates)[0]


def _map_legend(w: Strings) -> list[str]:
    y = MAP_PLOT.y + MAP_PLOT.h + 66
    x = MAP_PLOT.x
    landing, presumed = w("site.landing"), w("site.presumed")
    gap = max(90, 32 + len(landing) * 7.5)  # each key starts after the one before it and its word
    gap2 = max(90, 32 + len(presumed) * 7.5)
    return [
        _site_mark("landing", x + 6, y - 4, 6, "soviet"),
        _text(x + 16, y, landing, "legend", "start"),
        _site_mark("presumed", x + gap, y - 4, 6, "soviet"),
        _text(x + gap + 10, y, presumed, "legend", "start"),
        _site_mark("impact", x + gap + gap2, y - 4, 6, "soviet"),
        _text(x + gap + gap2 + 10, y, w("site.impact"), "legend", "start"),
    ]


# --- Launch windows: attempts and outcomes ------------------------------------------------


@dataclass(frozen=True)
class WindowCount:
    """How one launch window went for each side: counts by outcome."""

    label: str
    year: int
    anchor: str
    soviet: dict[str, int]
    other: dict[str, int]


def window_counts(site: Site, w: Strings | None = None) -> tuple[WindowCount, ...]:
    w = w or english()
    rows = []
    for window in site.windows:
        missions = [site.mission(slug) for slug in window.missions]
        rows.append(
            WindowCount(
                w("window.name", year=window.opens.year),
                window.opens.year,
                window.anchor,
                _tally(m for m in missions if is_soviet(m)),
                _tally(m for m in missions if not is_soviet(m)),
            )
        )
    return tuple(rows)


def _tally(missions: Iterable[MissionNode]) -> dict[str, int]:
    counts = dict.fromkeys(OUTCOMES, 0)
    for mission in missions:
        counts[mission.data.outcome] += 1
    return counts


BAR_UNIT = 20  # height of one mission's block
BAR_WIDTH = 26
COLUMN = 52
CHART_LEFT = 128


def window_chart(site: Site, w: Strings | None = None) -> Markup:
    """Diverging bars: Soviet and Russian attempts above the line, everyone else's below."""
    w = w or english()
    rows = window_counts(site, w)
    up = max((sum(r.soviet.values()) for r in rows), default=1)
    down = max((sum(r.other.values()) for r in rows), default=1)
    axis = 28 + up * BAR_UNIT
    years = axis + down * BAR_UNIT + 40  # below the counts under the lowest bars
    size = (CHART_LEFT + COLUMN * len(rows) + 8, years + 42)
    body = [*_chart_sides(axis, size[0], w)]
    for index, row in enumerate(rows):
        body += _window_column(row, CHART_LEFT + COLUMN * index, axis, years)
    body += _outcome_legend(years + 32, w)
    return _svg("window-chart", size, w("chart.window_title"), _window_desc(rows, w), body, "windows")


def _window_desc(rows: tuple[WindowCount, ...], w: Strings) -> str:
    parts = [
        w("chart.window_row", window=r.label, soviet=_phrase(r.soviet, w), other=_phrase(r.other, w)) for r in rows
    ]
    return w("chart.window_desc", rows=". ".join(parts))


def _phrase(counts: dict[str, int], w: Strings) -> str:
    total = sum(counts.values())
    if not total:
        return w("charts.none")
    detail = ", ".join(w(f"chart.tally.{o}", n) for o, n in counts.items() if n)
    return f"{w.formats.number(total)} ({detail})"


def _chart_sides(axis: float, width: float, w: Strings) -> list[str]:
    return [
        _line(CHART_LEFT - 8, axis, width - 8, axis, "axis-line"),
        _text(CHART_LEFT - 14, axis - 24, w("chart.side_soviet_1"), "side-label", "end"),
        _text(CHART_LEFT - 14, axis - 8, w("chart.side_soviet_2"), "side-label", "end"),
        _text(CHART_LEFT - 14, axis + 18, w("chart.side_others_1"), "side-label", "end"),
        _text(CHART_LEFT - 14, axis + 34, w("chart.side_others_2"), "side-label", "end"),
    ]


def _window_column(row: WindowCount, left: float, axis: float, years: float) -> list[str]:
    x = left + (COLUMN - BAR_WIDTH) / 2
    parts = _stack(row.soviet, x, axis, -1, "soviet") + _stack(row.other, x, axis, 1, "other")
    up, down = sum(row.soviet.values()), sum(row.other.values())
    if up:
        parts.append(_text(x + BAR_WIDTH / 2, axis - up * BAR_UNIT - 6, str(up), "count"))
    if down:
        parts.append(_text(x + BAR_WIDTH / 2, axis + down * BAR_UNIT + 16, str(down), "count"))
    parts.append(_text(x + BAR_WIDTH / 2, years, str(row.year), "tick"))
    return parts


def _stack(counts: dict[str, int], x: float, axis: float, direction: int, side: str) -> list[str]:
    """One block per mission, successes nearest the line."""
    blocks = []
    outcomes = [o for o in OUTCOMES for _ in range(counts[o])]
    for index, outcome in enumerate(outcomes):
        top = axis + index * BAR_UNIT + 2 if direction > 0 else axis - (index + 1) * BAR_UNIT
        blocks.append(outcome_block(outcome, Box(x, top, BAR_WIDTH, BAR_UNIT - 2), side))
    return blocks


def _outcome_legend(y: float, w: Strings, blocks: bool = True) -> list[str]:
    parts, x = [], CHART_LEFT
    for outcome in OUTCOMES:
        label = w(f"outcome.{outcome}.lower")
        if blocks:
            parts.append(outcome_block(outcome, Box(x, y - 12, 18, 14), "soviet"))
        else:
            parts.append(outcome_mark(outcome, x + 7, y - 5, 6, "soviet"))
        parts.append(_text(x + 24, y, label, "legend", "start"))
        x += 32 + len(label) * 7.5
    return parts


# --- Timeline overview --------------------------------------------------------------------

YEAR_WIDTH = 12
MARK_STEP = 15
TIMELINE_LEFT = 128


def timeline_overview(site: Site, w: Strings | None = None) -> Markup:
    """Years along the axis, one mark per mission; Soviet and Russian above, others below."""
    w = w or english()
    if not site.missions:
        return Markup("")
    first = site.missions[0].data.launch.date.year // 10 * 10
    last = site.missions[-1].data.launch.date.year + 1
    stacks = _year_stacks(site.missions)
    up = max((len(v) for (_, side), v in stacks.items() if side == "soviet"), default=1)
    down = max((len(v) for (_, side), v in stacks.items() if side == "other"), default=1)
    axis = 20 + up * MARK_STEP
    bottom = axis + down * MARK_STEP + 14
    size = (TIMELINE_LEFT + (last - first) * YEAR_WIDTH + 24, bottom + 60)
    body = _chart_sides_compact(axis, w) + _year_axis(first, last, axis, bottom)
    for (year, side), missions in sorted(stacks.items()):
        body += _year_marks(missions, _year_x(year, first), axis, 1 if side == "other" else -1)
    body += _outcome_legend(bottom + 46, w, blocks=False)
    return _svg(
        "timeline-overview", size, w("chart.timeline_title"), _timeline_desc(site, first, last, w), body, "overview"
    )


def _year_stacks(missions: Iterable[MissionNode]) -> dict[tuple[int, str], list[MissionNode]]:
    stacks: dict[tuple[int, str], list[MissionNode]] = {}
    for mission in missions:
        stacks.setdefault((mission.data.launch.date.year, _side(mission)), []).append(mission)
    return stacks


def _year_x(year: int, first: int) -> float:
    return TIMELINE_LEFT + (year - first) * YEAR_WIDTH + YEAR_WIDTH / 2


def _timeline_desc(site: Site, first: int, last: int, w: Strings) -> str:
    counts = {outcome: w.formats.number(n) for outcome, n in _tally(site.missions).items()}
    return w("chart.timeline_desc", first=str(first), last=str(last), **counts)


def _chart_sides_compact(axis: float, w: Strings) -> list[str]:
    return [
        _text(TIMELINE_LEFT - 14, axis - 8, w("chart.timeline_soviet"), "side-label", "end"),
        _text(TIMELINE_LEFT - 14, axis + 18, w("chart.timeline_others"), "side-label", "end"),
    ]


def _year_axis(first: int, last: int, axis: float, bottom: float) -> list[str]:
    parts = []
    for decade in range(first, last + 1, 10):
        x = _year_x(decade, first)
        parts.append(_line(x, 8, x, bottom, "grid"))
        parts.append(_text(x, bottom + 14, str(decade), "tick"))
    parts.append(_line(TIMELINE_LEFT, axis, _year_x(last, first) + YEAR_WIDTH / 2, axis, "axis-line"))
    for year in range(first, last + 1):
        x = _year_x(year, first)
        parts.append(_line(x, axis - 3, x, axis + 3, "tick-line"))
    return parts


def _year_marks(missions: list[MissionNode], x: float, axis: float, direction: int) -> list[str]:
    marks = []
    for index, mission in enumerate(missions):
        y = axis + direction * (index + 1) * MARK_STEP
        marks.append(outcome_mark(mission.data.outcome, x, y, 5.5, _side(mission)))
    return marks
