"""Time the image pipeline: N photographs of 4,000 x 3,000 px, processed cold on every core, then rebuilt
from the cache, against the same site without them.

    python benchmarks/images.py                  # 200 photographs (generated once into .cache/bench-images/)
    python benchmarks/images.py --count 20 --reps 3

The photographs are generated (grain over gradients, a different disc on each, JPEG quality 90, about
4 MB each). The site is the synthetic corpus of benchmarks/corpus.py
(40 chapters); its chapters show the photographs as figures, with credit files. Every build is a fresh
`build.py build --no-search` process; CPU time counts the workers it forks (wait4 via RUSAGE_CHILDREN).
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

import corpus  # noqa: E402

WORK = ROOT / ".cache" / "bench-images"
SIZE = (4000, 3000)
CHAPTERS = 40


def photograph(index: int, path: Path) -> None:
    from PIL import Image, ImageDraw

    width, height = SIZE
    noise = Image.effect_noise((width // 3, height // 3), 50).resize(SIZE, Image.Resampling.BICUBIC)  # grain
    across = Image.linear_gradient("L").resize(SIZE)
    down = Image.linear_gradient("L").rotate(90).resize(SIZE)
    image = Image.merge("RGB", (across, down, noise))
    image = Image.blend(image, Image.merge("RGB", (noise, noise, noise)), 0.35)
    draw = ImageDraw.Draw(image)
    x, y = (index * 389) % (width - 800), (index * 233) % (height - 800)
    draw.ellipse((x, y, x + 700, y + 700), fill=((index * 37) % 256, 120, (index * 91) % 256))
    image.save(path, "JPEG", quality=90)


def make_site(count: int) -> tuple[Path, Path]:
    """Two copies of one corpus: `with/` shows `count` photographs, `without/` the same text without them."""
    site = WORK / f"site-{count}"
    if (site / "ready").is_file():
        return site / "with", site / "without"
    shutil.rmtree(site, ignore_errors=True)
    made = corpus.make_corpus(CHAPTERS)
    for name in ("with", "without"):
        corpus.write_ours(made, site / name / "content")
    photos = site / "with" / "content" / "chapters" / "photos"
    photos.mkdir()
    started = time.perf_counter()
    for index in range(count):
        photograph(index, photos / f"p{index:04d}.jpg")
        (photos / f"p{index:04d}.jpg.yaml").write_text("credit: Generated for the benchmark\nlicence: CC0 1.0\n")
    print(f"generated {count} photographs in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    chapters = sorted((site / "with" / "content" / "chapters").glob("*.md"))
    for index in range(count):
        chapter = chapters[index % len(chapters)]
        figure = f'\n\n![Photograph {index}](photos/p{index:04d}.jpg "Benchmark photograph {index}.")\n'
        chapter.write_text(chapter.read_text() + figure)
    (site / "ready").write_text("")
    return site / "with", site / "without"


def build(site: Path, fresh: bool) -> tuple[float, float]:
    """One build in a fresh process: (wall seconds, CPU seconds of it and its workers)."""
    if fresh:
        for folder in (site / "out", site / "out.cache"):
            shutil.rmtree(folder, ignore_errors=True)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    command = [sys.executable, str(ROOT / "build.py"), "build", "--out", "out", "--no-search", "-q"]
    subprocess.run(command, cwd=site, check=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=200)
    parser.add_argument("--reps", type=int, default=5, help="rebuilds of each site")
    args = parser.parse_args()
    with_photos, without = make_site(args.count)
    source_mb = sum(p.stat().st_size for p in (with_photos / "content/chapters/photos").glob("*.jpg")) / 1e6
    cold_wall, cold_cpu = build(with_photos, fresh=True)
    build(without, fresh=True)
    rebuilds: dict[str, list[float]] = {"with": [], "without": []}
    for _ in range(args.reps):  # interleaved, so a busy machine slows both alike
        rebuilds["with"].append(build(with_photos, fresh=False)[0])
        rebuilds["without"].append(build(without, fresh=False)[0])
    published = list((with_photos / "out" / "img").glob("*-*.*"))
    out_mb = sum(p.stat().st_size for p in published) / 1e6
    median = {name: statistics.median(times) for name, times in rebuilds.items()}
    print(f"| photographs | {args.count} of {SIZE[0]} x {SIZE[1]} px, {source_mb:.0f} MB of JPEG |")
    print(f"| published files | {len(published)} ({out_mb:.0f} MB of WebP and JPEG) |")
    cores = cold_cpu / cold_wall
    print(f"| cold build with photographs | {cold_wall:.1f} s wall, {cold_cpu:.1f} CPU s ({cores:.2f} cores busy) |")
    print(f"| rebuild with the cache, with photographs | {median['with']:.2f} s (median of {args.reps}) |")
    print(f"| rebuild, same site without photographs | {median['without']:.2f} s (median of {args.reps}) |")
    print(f"| difference (target ≤ 0.5 s) | {median['with'] - median['without']:+.2f} s |")
    print(f"| load average after the run | {' '.join(f'{x:.1f}' for x in os.getloadavg())} |")


if __name__ == "__main__":
    main()
