"""Lambert's problem in universal variables, after Curtis, *Orbital Mechanics for Engineering Students*.

`solve` is Curtis's Algorithm 5.2: the orbit that joins two positions in a given time of flight, going
the prograde way round (the sense of the planets). `propagate` is his Algorithms 3.3 and 3.4 (universal
Kepler's equation, then the Lagrange f and g coefficients), which `sample` uses to draw the arc.
Pure functions of tuples; any consistent units (km, s and km^3/s^2 here).
"""

from __future__ import annotations

import math

Vector = tuple[float, float, float]

TOLERANCE = 1e-11  # relative, on the time of flight and on Kepler's equation
MAX_STEPS = 200


class NoSolution(ValueError):
    """The two positions and the time admit no single-revolution transfer (or the geometry is degenerate)."""


def stumpff_c(z: float) -> float:
    if abs(z) < 1e-3:  # the closed forms cancel badly near zero; the series does not
        return 1 / 2 - z / 24 + z * z / 720 - z**3 / 40320
    if z > 0:
        return (1 - math.cos(math.sqrt(z))) / z
    return (math.cosh(math.sqrt(-z)) - 1) / -z


def stumpff_s(z: float) -> float:
    if abs(z) < 1e-3:
        return 1 / 6 - z / 120 + z * z / 5040 - z**3 / 362880
    if z > 0:
        s = math.sqrt(z)
        return (s - math.sin(s)) / s**3
    s = math.sqrt(-z)
    return (math.sinh(s) - s) / s**3


def solve(r1: Vector, r2: Vector, tof: float, mu: float) -> tuple[Vector, Vector]:
    """The velocities at r1 and r2 of the prograde transfer taking `tof` (Curtis Algorithm 5.2)."""
    n1, n2 = _norm(r1), _norm(r2)
    if tof <= 0 or n1 == 0 or n2 == 0:
        raise NoSolution("the time of flight and both distances must be positive")
    cos_theta = max(-1.0, min(1.0, _dot(r1, r2) / (n1 * n2)))
    theta = math.acos(cos_theta)
    if _cross(r1, r2)[2] < 0:  # prograde: the transfer turns the way the planets do, about +z
        theta = 2 * math.pi - theta
    if 1 - cos_theta < 1e-12 or abs(math.sin(theta)) < 1e-9:
        raise NoSolution("the positions are aligned with the Sun, so the transfer plane is undefined")
    a = math.sin(theta) * math.sqrt(n1 * n2 / (1 - cos_theta))
    z = _solve_z(n1, n2, a, math.sqrt(mu) * tof)
    y = _y(z, n1, n2, a)
    f = 1 - y / n1
    g = a * math.sqrt(y / mu)
    gdot = 1 - y / n2
    v1 = tuple((q - f * p) / g for p, q in zip(r1, r2, strict=True))
    v2 = tuple((gdot * q - p) / g for p, q in zip(r1, r2, strict=True))
    return v1, v2


def _y(z: float, n1: float, n2: float, a: float) -> float:
    return n1 + n2 + a * (z * stumpff_s(z) - 1) / math.sqrt(stumpff_c(z))


def _time_gap(z: float, n1: float, n2: float, a: float, target: float) -> float:
    """Curtis's F(z): sqrt(mu) times the time of flight through z, minus the one wanted; rises with z."""
    y = _y(z, n1, n2, a)
    if y < 0:
        return -math.inf  # beyond the shortest possible flight: below the root
    return (y / stumpff_c(z)) ** 1.5 * stumpff_s(z) + a * math.sqrt(y) - target


def _slope(z: float, n1: float, n2: float, a: float) -> float:
    """dF/dz (Curtis eq. 5.43)."""
    y = _y(z, n1, n2, a)
    if abs(z) < 1e-6:
        y0 = _y(0.0, n1, n2, a)
        return math.sqrt(2) / 40 * y0**1.5 + a / 8 * (math.sqrt(y0) + a * math.sqrt(1 / (2 * y0)))
    c, s = stumpff_c(z), stumpff_s(z)
    return (y / c) ** 1.5 * (1 / (2 * z) * (c - 3 * s / (2 * c)) + 3 * s * s / (4 * c)) + a / 8 * (
        3 * s / c * math.sqrt(y) + a * math.sqrt(c / y)
    )


def _solve_z(n1: float, n2: float, a: float, target: float) -> float:
    """Newton's method on F(z) = 0 as Curtis does, kept inside a bracket so that it cannot wander off."""
    hi = 4 * math.pi**2 - 1e-4  # just short of one full revolution, where F grows without bound
    lo = -1.0
    while _time_gap(lo, n1, n2, a, target) > 0:
        lo *= 2
        if lo < -1e7:
            raise NoSolution("no hyperbolic transfer is that fast")
    if _time_gap(hi, n1, n2, a, target) < 0:
        raise NoSolution("the time of flight needs more than one revolution")
    z = 0.0 if lo < 0 < hi else (lo + hi) / 2
    for _ in range(MAX_STEPS):
        gap = _time_gap(z, n1, n2, a, target)
        if abs(gap) <= TOLERANCE * target:
            return z
        lo, hi = (z, hi) if gap < 0 else (lo, z)
        step = z - gap / _slope(z, n1, n2, a) if math.isfinite(gap) else math.nan
        z = step if lo < step < hi else (lo + hi) / 2
    return z


def propagate(r0: Vector, v0: Vector, dt: float, mu: float) -> tuple[Vector, Vector]:
    """Position and velocity `dt` after (r0, v0) on the same conic (Curtis Algorithms 3.3 and 3.4)."""
    r, v, _ = _propagate(r0, v0, dt, mu, None)
    return r, v


def _propagate(r0: Vector, v0: Vector, dt: float, mu: float, guess: float | None) -> tuple[Vector, Vector, float]:
    """`propagate`, starting Newton from `guess` (None: Curtis's sqrt(mu) |alpha| dt); also returns the anomaly."""
    n0 = _norm(r0)
    vr0 = _dot(r0, v0) / n0
    alpha = 2 / n0 - _dot(v0, v0) / mu
    chi = _universal_anomaly(dt, n0, vr0, alpha, mu, guess)
    z = alpha * chi * chi
    f = 1 - chi * chi / n0 * stumpff_c(z)
    g = dt - chi**3 * stumpff_s(z) / math.sqrt(mu)
    r = tuple(f * p + g * v for p, v in zip(r0, v0, strict=True))
    n = _norm(r)
    fdot = math.sqrt(mu) / (n * n0) * (alpha * chi**3 * stumpff_s(z) - chi)
    gdot = 1 - chi * chi / n * stumpff_c(z)
    v = tuple(fdot * p + gdot * w for p, w in zip(r0, v0, strict=True))
    return r, v, chi


def _universal_anomaly(dt: float, n0: float, vr0: float, alpha: float, mu: float, guess: float | None) -> float:
    root_mu = math.sqrt(mu)
    chi = root_mu * abs(alpha) * dt if guess is None else guess
    for _ in range(MAX_STEPS):
        z = alpha * chi * chi
        c, s = stumpff_c(z), stumpff_s(z)
        value = n0 * vr0 / root_mu * chi * chi * c + (1 - alpha * n0) * chi**3 * s + n0 * chi - root_mu * dt
        slope = n0 * vr0 / root_mu * chi * (1 - z * s) + (1 - alpha * n0) * chi * chi * c + n0
        step = value / slope
        chi -= step
        if abs(step) <= TOLERANCE * max(1.0, abs(chi)):
            break
    return chi


def sample(r1: Vector, v1: Vector, tof: float, mu: float, count: int) -> tuple[Vector, ...]:
    """`count` positions along the transfer, from r1 at time 0 to the arrival at `tof`, evenly in time."""
    points, chi = [r1], None
    for i in range(1, count):
        # the anomaly grows almost in step with time: the last one, scaled, starts Newton next to the root
        guess = chi * i / (i - 1) if chi is not None else None
        r, _, chi = _propagate(r1, v1, tof * i / (count - 1), mu, guess)
        points.append(r)
    return tuple(points)


def _dot(a: Vector, b: Vector) -> float:
    return a[0] * b[0] + a[1] * b[1] + a[2] * b[2]


def _cross(a: Vector, b: Vector) -> Vector:
    return (a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0])


def _norm(a: Vector) -> float:
    return math.sqrt(_dot(a, a))
