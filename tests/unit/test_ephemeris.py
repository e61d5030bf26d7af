"""ephemeris.py: DE421 through skyfield and jplephem, checked against pyerfa, an independent implementation.

erfa.epv00 (Earth) and erfa.plan94 (Mars) are analytical theories (VSOP2000-based and Simon et al. 1994),
not JPL integrations, and give equatorial coordinates: the test rotates them into the ecliptic of J2000
with erfa's own matrix (ecm06 at J2000), so no code is shared with the module under test.
"""

import datetime as dt
import math
from pathlib import Path

import de421
import erfa
import numpy as np
import pytest

from documentary import ephemeris

DATES = [
    dt.datetime(1960, 10, 10, 14, 27, 49),
    dt.datetime(1962, 11, 1, 12),
    dt.datetime(1965, 7, 15, 1, 0, 57),
    dt.datetime(1971, 5, 28, 15, 26, 30),
    dt.datetime(1971, 12, 2, 13, 50),
    dt.datetime(1976, 7, 20, 11, 53, 6),
    dt.datetime(1988, 7, 12, 17, 1),
    dt.datetime(1996, 11, 16, 20, 48, 53),
    dt.datetime(2004, 1, 4, 4, 35),
    dt.datetime(2011, 11, 8, 20, 16, 2),
    dt.datetime(2021, 2, 18, 20, 55),
]
TO_ECLIPTIC = erfa.ecm06(2451545.0, 0.0)  # ICRS (and J2000 mean equator) to the ecliptic of J2000


def erfa_position(body: str, tdb: float) -> np.ndarray:
    """The body's heliocentric ecliptic-of-J2000 position by pyerfa, in AU."""
    if body == "earth":
        heliocentric, _ = erfa.epv00(tdb, 0.0)
    else:
        heliocentric = erfa.plan94(tdb, 0.0, 4)  # 4: Mars
    return TO_ECLIPTIC @ np.asarray(heliocentric["p"])


def angle(a: float, b: float) -> float:
    return abs((a - b + 180) % 360 - 180)


@pytest.mark.parametrize("body", ["earth", "mars"])
@pytest.mark.parametrize("when", DATES, ids=[d.date().isoformat() for d in DATES])
def test_positions_agree_with_pyerfa_within_a_tenth_of_a_degree(body, when):
    ours = ephemeris.position(body, when)
    theirs = erfa_position(body, ephemeris.tdb_jd(when))
    lon = math.degrees(math.atan2(theirs[1], theirs[0])) % 360
    assert angle(ephemeris.longitude(ours), lon) < 0.1
    assert ephemeris.distance(ours) / ephemeris.AU_KM == pytest.approx(float(np.linalg.norm(theirs)), abs=1e-3)
    assert abs(ours[2] / ephemeris.AU_KM - theirs[2]) < 1e-3  # the same ecliptic: heights above it agree too


def test_utc_becomes_tdb_with_leap_seconds():
    # 1 January 2000, 00:00 UTC is TT 00:01:04.184 (32 leap seconds + 32.184 s); TDB differs from TT by < 2 ms
    jd = ephemeris.tdb_jd(dt.datetime(2000, 1, 1))
    assert (jd - 2451544.5) * 86400 == pytest.approx(64.184, abs=0.002)
    aware = dt.datetime(2000, 1, 1, 3, tzinfo=dt.timezone(dt.timedelta(hours=3)))
    assert ephemeris.tdb_jd(aware) == jd


def test_an_orbit_is_one_sampled_period_not_a_circle():
    start = dt.datetime(1971, 5, 28)
    for body, (near, far) in {"earth": (0.983, 1.017), "mars": (1.381, 1.666)}.items():
        points = ephemeris.orbit(body, start)
        radii = [ephemeris.distance(p) / ephemeris.AU_KM for p in points]
        assert len(points) == ephemeris.ORBIT_SAMPLES
        assert min(radii) == pytest.approx(near, abs=0.002) and max(radii) == pytest.approx(far, abs=0.002)
        turns = sum(
            angle(ephemeris.longitude(a), ephemeris.longitude(b)) for a, b in zip(points, points[1:], strict=False)
        )
        assert 350 < turns < 360  # one revolution, less the last step back to the start
        assert points[0] == ephemeris.position(body, start)


def test_the_ephemeris_is_the_packaged_de421_loaded_once():
    kernel = ephemeris._kernel()
    assert Path(kernel.dirpath) == Path(de421.__file__).parent  # from the wheel: nothing is downloaded
    assert ephemeris._kernel() is kernel and ephemeris._timescale() is ephemeris._timescale()
