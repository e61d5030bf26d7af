"""Profile one in-process cold build of a content folder with cProfile and print the top functions.

    python benchmarks/profile_build.py /tmp/corpus-1000/ours [--sort tottime] [--limit 40] [--search]

The build runs in one process (workers=1) with an empty cache, so the profile sees all the work.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import sys
import tempfile
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from documentary.pipeline import Options, build  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("content", type=Path)
    parser.add_argument("--sort", default="cumulative", help="pstats sort key (cumulative, tottime, ...)")
    parser.add_argument("--limit", type=int, default=40)
    parser.add_argument("--search", action="store_true", help="index for search too")
    parser.add_argument("--save", type=Path, help="also write the raw profile here")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        options = Options(args.content, ROOT / "templates", ROOT / "static", search=args.search, workers=1)
        options = replace(options, cache=Path(tmp) / "cache")
        profile = cProfile.Profile()
        profile.enable()
        build(options, Path(tmp) / "site", [], _show)
        profile.disable()
    if args.save:
        profile.dump_stats(args.save)
    pstats.Stats(profile).sort_stats(args.sort).print_stats(args.limit)


def _show(stage: str, count: int, seconds: float) -> None:
    print(f"{stage:<9} {count:>6}  {seconds * 1000:8.1f} ms", file=sys.stderr)


if __name__ == "__main__":
    main()
