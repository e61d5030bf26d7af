"""Facts that prose may quote from mission data, and counts over the missions."""

from __future__ import annotations

from .i18n import Strings, english
from .models import OUTCOMES, PROGRAMS, TYPES, Event, Mission

SIMPLE = ("name", "name_ru", "designation", "cospar_id", "program", "outcome", "summary")
LAUNCH = ("date", "time", "vehicle", "site")
SITE = ("name", "lat", "lon")
EVENT = ("date", "title", "time")
FILTERS = {"program": PROGRAMS, "outcome": OUTCOMES, "type": TYPES}


def known_paths(mission: Mission) -> list[str]:
    paths = list(SIMPLE) + [f"launch.{p}" for p in LAUNCH]
    paths += [f"landing_site.{p}" for p in SITE] if mission.landing_site else []
    paths += [f"events.{e.id}.{p}" for e in mission.events if e.id for p in EVENT]
    return paths


def value(mission: Mission, path: str):
    """The value at `path`, or raise KeyError. Callers check `path_problem` first."""
    parts = path.split(".")
    if len(parts) == 1 and parts[0] in SIMPLE:
        return getattr(mission, parts[0])
    if len(parts) == 2 and parts[0] == "launch" and parts[1] in LAUNCH:
        return getattr(mission.launch, parts[1])
    if len(parts) == 2 and parts[0] == "landing_site" and parts[1] in SITE and mission.landing_site:
        return getattr(mission.landing_site, parts[1])
    if len(parts) == 3 and parts[0] == "events" and parts[2] in EVENT:
        for event in mission.events:
            if event.id == parts[1]:
                return getattr(event, parts[2])
    raise KeyError(path)


def path_problem(mission: Mission, path: str, field_only: bool = False) -> str | None:
    """Why `path` can't be printed for this mission, or None. `field_only` allows whole fields."""
    if field_only and path in ("landing_site", "launch", "events", "type", "aliases"):
        return None
    try:
        found = value(mission, path)
    except KeyError:
        known = ", ".join(known_paths(mission))
        return f"unknown fact path '{path}' for {mission.name}; known paths: {known}"
    if found is None:
        return f"{mission.name} has no value for '{path}'"
    return None


def parse_filters(text: str) -> dict[str, tuple[str, ...]]:
    filters: dict[str, tuple[str, ...]] = {}
    for part in text.split():
        key, _, values = part.partition("=")
        filters[key] = tuple(v for v in values.split(",") if v)
    return filters


def filter_problem(text: str) -> str | None:
    filters = parse_filters(text)
    for key, values in filters.items():
        if key in ("from", "to"):
            if len(values) != 1 or not values[0].isdigit():
                return f"count filter '{key}' needs a year, e.g. {key}=1973"
        elif key not in FILTERS:
            return f"unknown count filter '{key}'; use program, outcome, type, from or to"
        elif not values or any(v not in FILTERS[key] for v in values):
            return f"count filter {key}= takes {', '.join(FILTERS[key])}"
    return None


def count(missions: list[Mission], text: str) -> int:
    filters = parse_filters(text)
    return sum(1 for m in missions if _matches(m, filters))


def _matches(mission: Mission, filters: dict[str, tuple[str, ...]]) -> bool:
    year = mission.launch.date.year
    checks = {
        "program": lambda v: mission.program in v,
        "outcome": lambda v: mission.outcome in v,
        "type": lambda v: bool(set(mission.type) & set(v)),
        "from": lambda v: year >= int(v[0]),
        "to": lambda v: year <= int(v[0]),
    }
    return all(checks[key](values) for key, values in filters.items())


def coordinate(degrees: float, positive: str, negative: str) -> str:
    hemisphere = positive if degrees >= 0 else negative
    shown = f"{abs(degrees):.4f}".rstrip("0").rstrip(".")
    return f"{shown}° {hemisphere}"


# --- Flights: which event is the arrival, and why a mission has none --------------------------

ARRIVALS = ("flyby", "orbit", "landing", "impact")  # event ids that mean the spacecraft reached Mars


def arrival(mission: Mission) -> Event | None:
    """The earliest event that reached Mars (flyby, orbit, landing, impact); the first written wins a tie."""
    found = [e for e in mission.events if e.id in ARRIVALS and e.date.month]
    return min(found, key=lambda e: (e.date.as_date(), e.time or "12:00"), default=None)


def contact_lost_before(mission: Mission, event: Event) -> Event | None:
    """A last-contact event dated before `event`: the spacecraft arrived silent."""
    lost = next((e for e in mission.events if e.id == "last-contact"), None)
    return lost if lost and lost.date.as_date() < event.date.as_date() else None


def no_transfer_reason(mission: Mission, w: Strings | None = None) -> str | None:
    """Why there is no flight to Mars to draw, from the data, in the words `w` (English without); None when
    there is one.

    A COSPAR ID is given only to what reached orbit, so a failure without one never got there; a failure
    with one and neither an arrival nor a last contact on the way stayed in Earth orbit.
    """
    if arrival(mission):
        return None
    w = w or english()
    lost = next((e for e in mission.events if e.id == "last-contact"), None)
    if lost:
        return w("flightpath.none_lost", name=mission.name, date=w.date(lost.date))
    if mission.outcome == "failure" and not mission.cospar_id:
        return w("flightpath.none_no_orbit", name=mission.name)
    if mission.outcome == "failure":
        return w("flightpath.none_earth_orbit", name=mission.name)
    return w("flightpath.none_no_arrival", name=mission.name)
