"""lambert.py: the universal-variable Lambert solver (Curtis Algorithm 5.2) and Kepler propagation."""

import math

import pytest

from documentary import lambert

MU_EARTH = 398600.0  # km^3/s^2, as in Curtis


def close(a, b, tol):
    return all(x == pytest.approx(y, abs=tol) for x, y in zip(a, b, strict=True))


def test_curtis_example_5_2():
    """Curtis, Orbital Mechanics for Engineering Students, Example 5.2: two positions one hour apart."""
    v1, v2 = lambert.solve((5000, 10000, 2100), (-14600, 2500, 7000), 3600, MU_EARTH)
    assert close(v1, (-5.9925, 1.9254, 3.2456), 1e-4)
    assert close(v2, (-3.3125, -4.1966, -0.38529), 1e-4)


def test_a_quarter_of_a_circular_orbit():
    """A quarter period between two points 90° apart on a circle: the circular velocity, tangent to it."""
    radius = 7000.0
    speed = math.sqrt(MU_EARTH / radius)
    quarter = math.pi / 2 * math.sqrt(radius**3 / MU_EARTH)
    v1, v2 = lambert.solve((radius, 0, 0), (0, radius, 0), quarter, MU_EARTH)
    assert close(v1, (0, speed, 0), 1e-9) and close(v2, (-speed, 0, 0), 1e-9)
    v1, _ = lambert.solve((radius, 0, 0), (0, -radius, 0), 3 * quarter, MU_EARTH)  # prograde: the long way
    assert close(v1, (0, speed, 0), 1e-9)


@pytest.mark.parametrize("tof", [600.0, 3600.0, 20000.0])  # hyperbolic, elliptic, long elliptic
def test_the_solution_flies_from_r1_to_r2_in_the_time_given(tof):
    r1, r2 = (5000.0, 10000.0, 2100.0), (-14600.0, 2500.0, 7000.0)
    v1, v2 = lambert.solve(r1, r2, tof, MU_EARTH)
    r, v = lambert.propagate(r1, v1, tof, MU_EARTH)
    assert close(r, r2, 1e-5) and close(v, v2, 1e-8)


def test_sample_runs_from_r1_to_r2_evenly_in_time():
    r1, r2 = (5000.0, 10000.0, 2100.0), (-14600.0, 2500.0, 7000.0)
    v1, _ = lambert.solve(r1, r2, 3600, MU_EARTH)
    points = lambert.sample(r1, v1, 3600, MU_EARTH, 11)
    assert len(points) == 11 and points[0] == r1 and close(points[-1], r2, 1e-5)
    assert close(points[5], lambert.propagate(r1, v1, 1800, MU_EARTH)[0], 1e-9)


def test_impossible_geometries_raise():
    with pytest.raises(lambert.NoSolution):
        lambert.solve((7000, 0, 0), (14000, 0, 0), 3600, MU_EARTH)  # aligned with the centre
    with pytest.raises(lambert.NoSolution):
        lambert.solve((7000, 0, 0), (0, 7000, 0), 0, MU_EARTH)


def test_stumpff_series_near_zero_match_the_closed_forms():
    for z in (-9e-4, -1e-4, 1e-4, 9e-4):  # where the module uses its series
        root = math.sqrt(abs(z))
        if z > 0:
            c, s = (1 - math.cos(root)) / z, (root - math.sin(root)) / root**3
        else:
            c, s = (math.cosh(root) - 1) / -z, (math.sinh(root) - root) / root**3
        assert lambert.stumpff_c(z) == pytest.approx(c, rel=1e-9)
        assert lambert.stumpff_s(z) == pytest.approx(s, rel=1e-7)
    assert lambert.stumpff_c(0) == 0.5 and lambert.stumpff_s(0) == pytest.approx(1 / 6)
