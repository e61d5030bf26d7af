"""Where Earth and Mars were: heliocentric positions in the ecliptic of J2000, from JPL's DE421.

The `de421` package ships DE421's Chebyshev coefficients inside the wheel, so nothing is downloaded:
jplephem (skyfield's own reader, by the same author) evaluates them, and skyfield supplies the time
scales (UTC to TDB with its built-in leap-second table) and the rotation from the ICRF equator into
the ecliptic of J2000. Both are loaded once per process. Positions are plain tuples in kilometres.
"""

from __future__ import annotations

import datetime as dt
import math
from functools import lru_cache
from typing import Literal

Body = Literal["earth", "mars"]
Vector = tuple[float, float, float]

AU_KM = 149_597_870.7  # IAU 2012
MU_SUN = 1.32712440018e11  # km^3/s^2, the Sun's gravitational parameter
PERIOD_DAYS = {"earth": 365.256, "mars": 686.980}  # sidereal orbital periods
ORBIT_SAMPLES = 120  # 3° steps: a chord never strays a tenth of a pixel from the orbit at the diagrams' scale


@lru_cache(maxsize=1)
def _kernel():
    import de421
    from jplephem.ephem import Ephemeris

    return Ephemeris(de421)


@lru_cache(maxsize=1)
def _timescale():
    from skyfield.api import load

    return load.timescale(builtin=True)


@lru_cache(maxsize=1)
def _to_ecliptic() -> tuple[Vector, Vector, Vector]:
    """The ICRF-to-ecliptic-of-J2000 rotation; the same matrix at every date."""
    from skyfield.framelib import ecliptic_J2000_frame

    matrix = ecliptic_J2000_frame.rotation_at(_timescale().tdb_jd(2451545.0))
    return tuple(tuple(float(v) for v in row) for row in matrix)


def tdb_jd(moment: dt.datetime) -> float:
    """A UTC moment (naive means UTC) as a Julian date in Barycentric Dynamical Time."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(dt.UTC).replace(tzinfo=None)
    seconds = moment.second + moment.microsecond / 1e6
    t = _timescale().utc(moment.year, moment.month, moment.day, moment.hour, moment.minute, seconds)
    return float(t.tdb)


@lru_cache(maxsize=512)
def position(body: Body, moment: dt.datetime) -> Vector:
    """Heliocentric ecliptic-of-J2000 position of `body` at a UTC moment, in km."""
    return _positions(body, (tdb_jd(moment),))[0]


def positions(body: Body, moments: tuple[dt.datetime, ...]) -> tuple[Vector, ...]:
    """`position` at several moments in one evaluation of the ephemeris."""
    return _positions(body, tuple(tdb_jd(m) for m in moments))


def orbit(body: Body, moment: dt.datetime, samples: int = ORBIT_SAMPLES) -> tuple[Vector, ...]:
    """The body's path over one orbital period starting at `moment`: sampled, not an idealised circle."""
    return _orbit(body, tdb_jd(moment), samples)


@lru_cache(maxsize=64)
def _orbit(body: Body, start: float, samples: int) -> tuple[Vector, ...]:
    step = PERIOD_DAYS[body] / samples
    return _positions(body, tuple(start + i * step for i in range(samples)))


def _positions(body: Body, tdbs: tuple[float, ...]) -> tuple[Vector, ...]:
    import numpy as np

    kernel = _kernel()
    when = np.array(tdbs)
    sun = kernel.position("sun", when)
    if body == "earth":  # DE421 gives the Earth-Moon barycentre and the geocentric Moon
        place = kernel.position("earthmoon", when) - kernel.position("moon", when) * kernel.earth_share
    else:
        place = kernel.position("mars", when)  # the Mars system barycentre, within ~1 km of the planet
    helio = np.array(_to_ecliptic()) @ (place - sun)
    return tuple(map(tuple, helio.T.tolist()))


def longitude(point: Vector) -> float:
    """Ecliptic longitude in degrees, 0 to 360."""
    return math.degrees(math.atan2(point[1], point[0])) % 360


def distance(a: Vector, b: Vector = (0.0, 0.0, 0.0)) -> float:
    return math.dist(a, b)
