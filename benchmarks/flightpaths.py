"""What the flight-path diagrams cost a real-site build: imports, DE421 loading, the Lambert solves, the SVG.

    .venv/bin/python benchmarks/flightpaths.py [--reps 9]

Each repetition is a fresh interpreter (the build is one), so imports and the one-time DE421 load are
counted. Prints the median CPU seconds of each phase and of the whole.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

PROBE = r"""
import json, time
clock = time.process_time
from documentary.pipeline import Options, prepare
from documentary import flightpath
site = prepare(Options(ROOT / "content", ROOT / "templates", ROOT / "static")).site
t0 = clock()
import numpy
t1 = clock()
from documentary import ephemeris
ephemeris._kernel(); ephemeris._timescale(); ephemeris._to_ecliptic()
t2 = clock()
flights = [f for f in map(flightpath.node_flight, site.missions) if f]
t3 = clock()
for f in flights:
    flightpath.figure((f,), "x")
flightpath.window_figure(site)
t4 = clock()
print(json.dumps({"numpy import": t1 - t0, "skyfield and DE421 load": t2 - t1,
                  f"{len(flights)} flights (ephemeris, Lambert, arc)": t3 - t2, "SVG and tables": t4 - t3,
                  "total": t4 - t0}))
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=9)
    reps = parser.parse_args().reps
    runs = []
    for _ in range(reps):
        code = f"from pathlib import Path\nROOT = Path({str(ROOT)!r})\n" + PROBE
        out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
        runs.append(json.loads(out.stdout))
    for phase in runs[0]:
        print(f"{phase:40} {statistics.median(r[phase] for r in runs):.3f} s CPU (median of {reps})")


if __name__ == "__main__":
    main()
