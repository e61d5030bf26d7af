"""What the ebooks cost a build of the real site: `build` against `build --no-epub`, interleaved.

    .venv/bin/python benchmarks/ebook.py [--reps 7]

The content is copied to a temporary folder; a site.yaml without `languages` gets every language that
has a content/<lang>/ folder, so both books are built. Each run is a fresh process, without search, into
the same output folder (the body cache is warm after the first run, as for an author's rebuild).
"""

from __future__ import annotations

import argparse
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def prepare(folder: Path) -> Path:
    content = folder / "content"
    shutil.copytree(ROOT / "content", content)
    site = content / "site.yaml"
    text = site.read_text(encoding="utf-8")
    extra = sorted(p.name for p in content.iterdir() if p.is_dir() and re.fullmatch(r"[a-z]{2,3}", p.name))
    if extra and not re.search(r"^languages:", text, re.M):
        text = re.sub(r"^language: (\w+)$", lambda m: f"languages: [{', '.join([m[1], *extra])}]", text, flags=re.M)
        site.write_text(text, encoding="utf-8")
    return folder


def run(folder: Path, *flags: str) -> float:
    command = [sys.executable, str(ROOT / "build.py"), "build", "--out", "out", "--no-search", "-q"]
    command += ["--templates", str(ROOT / "templates"), "--static", str(ROOT / "static"), *flags]
    started = time.perf_counter()
    subprocess.run(command, cwd=folder, check=True, capture_output=True)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--reps", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = prepare(Path(tmp))
        run(folder)  # warm the body cache and the file system
        books = sorted(p.name for p in (folder / "out").glob("*.epub"))
        times: dict[str, list[float]] = {"with ebooks": [], "--no-epub": []}
        for rep in range(args.reps):
            order = list(times) if rep % 2 == 0 else list(reversed(times))
            for name in order:
                times[name].append(run(folder, *(["--no-epub"] if name == "--no-epub" else [])))
    for name, values in times.items():
        print(f"{name:12} median {statistics.median(values):.3f} s  min {min(values):.3f} s  ({len(values)} runs)")
    extra = statistics.median(times["with ebooks"]) - statistics.median(times["--no-epub"])
    print(f"ebooks cost {extra * 1000:.0f} ms (median difference); books: {', '.join(books)}")


if __name__ == "__main__":
    main()
