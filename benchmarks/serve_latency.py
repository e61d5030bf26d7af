"""Save-to-page latency of `build.py serve`: the time from writing a file to the server answering that
page's URL with the edit in it, found by polling the page over HTTP; and the server's peak memory.

Runs on a copy of the real content and on a synthetic site of about 1,000 pages (benchmarks/corpus.py:
900 chapters and 90 missions), each in a temporary folder; the real content/ is never touched. The edits
alternate between a chapter (a new sentence) and a mission (its summary), one at a time.

    python benchmarks/serve_latency.py [--edits 20] [--pause 1.0] [--no-search] [--only real|synthetic] [--pages N]
"""

from __future__ import annotations

import argparse
import os
import queue
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

import corpus  # noqa: E402  (the synthetic corpus the build benchmarks use)

STARTUP_SECONDS = 600  # the first build of the synthetic site parses every body
WAIT_SECONDS = 120
POLL_SECONDS = 0.005


@dataclass(frozen=True)
class Target:
    """A file to edit and the page that shows the edit."""

    path: Path
    page: str
    kind: str  # chapter | mission


class Server:
    """`build.py serve` on a free port over a folder holding content/, templates/ and static/."""

    def __init__(self, folder: Path, search: bool):
        command = [sys.executable, str(ROOT / "build.py"), "serve", "--port", "0", "-q"]
        command += ["--content", str(folder / "content")]
        command += ["--templates", str(folder / "templates"), "--static", str(folder / "static")]
        command += [] if search else ["--no-search"]
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        self.process = subprocess.Popen(command, cwd=folder, env=env, stderr=subprocess.PIPE, text=True)
        self.url = self._url()

    def _url(self) -> str:
        lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=lambda: [lines.put(line) for line in self.process.stderr], daemon=True).start()
        deadline = time.monotonic() + STARTUP_SECONDS
        while time.monotonic() < deadline:
            line = lines.get(timeout=deadline - time.monotonic())
            if match := re.match(r"serving (http://\S+) ", line):
                return match.group(1)
            print(line.rstrip(), file=sys.stderr)
        raise SystemExit("the server did not start")

    def fetch(self, page: str) -> bytes:
        with urllib.request.urlopen(self.url + page, timeout=WAIT_SECONDS) as answer:
            return answer.read()

    def peak_mb(self) -> float:
        """The server process's peak resident memory (Linux), in MB."""
        status = Path(f"/proc/{self.process.pid}/status").read_text()
        return int(re.search(r"VmHWM:\s+(\d+) kB", status).group(1)) / 1024

    def close(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()


def edit(target: Target, number: int) -> str:
    """Change the file so its page shows `Edit <number>`; returns that marker."""
    marker = f"Edit {number}"
    text = target.path.read_text(encoding="utf-8")
    if target.kind == "chapter":
        text = re.sub(r"\n*\n\nEdit \d+: [^\n]*\n$", "\n", text) + f"\n\n{marker}: the signal faded.\n"
    else:
        text, found = re.subn(r"^summary: (Edit \d+\. )?(?=[^>|\"'\s])", f"summary: {marker}. ", text, flags=re.M)
        assert found == 1, f"{target.path}: no plain one-line summary to edit"
    target.path.write_text(text, encoding="utf-8")
    return marker


def measure(server: Server, targets: list[Target], edits: int, pause: float) -> list[float]:
    """Save, then poll the page over HTTP every few milliseconds until it shows the edit, as a reader's
    reload would: the server's own reload signal is not what counts."""
    page_ms = []
    for number in range(edits):
        target = targets[number % len(targets)]
        started = time.perf_counter()
        marker = edit(target, number).encode()
        while marker not in server.fetch(target.page):
            if time.perf_counter() - started > WAIT_SECONDS:
                raise SystemExit(f"edit {number} of {target.path.name}: never served")
            time.sleep(POLL_SECONDS)
        page_ms.append((time.perf_counter() - started) * 1000)
        time.sleep(pause)  # an author reads the page before the next save
    return page_ms


def real_site(folder: Path) -> list[Target]:
    shutil.copytree(ROOT / "content", folder / "content")
    chapter = folder / "content/chapters/02-mars-2-and-3.md"
    mission = folder / "content/missions/mars-3.yaml"
    return [Target(chapter, "chapters/mars-2-and-3/", "chapter"), Target(mission, "missions/mars-3/", "mission")]


def synthetic_site(folder: Path, pages: int = 1000) -> list[Target]:
    """About `pages` pages: chapters, one mission per ten chapters, and the ten fixed pages."""
    chapters = (pages - 10) * 10 // 11
    corpus.write_ours(corpus.make_corpus(chapters), folder / "content")
    chapter = sorted((folder / "content/chapters").glob("*.md"))[chapters // 2]
    mission = sorted((folder / "content/missions").glob("*.yaml"))[chapters // 20]
    slug = chapter.stem.split("-", 1)[1]
    return [Target(chapter, f"chapters/{slug}/", "chapter"), Target(mission, f"missions/{mission.stem}/", "mission")]


def run(name: str, make, edits: int, pause: float, search: bool) -> None:
    with tempfile.TemporaryDirectory(prefix="serve-latency-") as tmp:
        folder = Path(tmp)
        targets = make(folder)
        for part in ("templates", "static"):  # copies, so nobody's work in the tree triggers a rebuild
            shutil.copytree(ROOT / part, folder / part)
        started = time.perf_counter()
        server = Server(folder, search)
        try:
            print(f"{name}: first build and start {time.perf_counter() - started:.1f} s")
            page_ms = measure(server, targets, edits, pause)
            peak = server.peak_mb()
        finally:
            server.close()
    median, worst = statistics.median(page_ms), max(page_ms)
    print(
        f"  save -> page served with the edit: median {median:6.0f} ms   worst {worst:6.0f} ms   ({len(page_ms)} edits)"
    )
    for kind in dict.fromkeys(target.kind for target in targets):  # where a slow edit comes from
        times = [ms for number, ms in enumerate(page_ms) if targets[number % len(targets)].kind == kind]
        print(f"    {kind}: median {statistics.median(times):6.0f} ms   each: {' '.join(f'{ms:.0f}' for ms in times)}")
    print(f"  server peak memory {peak:.0f} MB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--edits", type=int, default=20)
    parser.add_argument("--pause", type=float, default=1.0, help="seconds between edits (default: 1)")
    parser.add_argument("--no-search", action="store_true", help="serve without the search index")
    parser.add_argument("--only", choices=("real", "synthetic"))
    parser.add_argument("--pages", type=int, default=1000, help="size of the synthetic site (default: 1000)")
    args = parser.parse_args()
    synthetic = ("synthetic site", lambda folder: synthetic_site(folder, args.pages))
    sites = {"real": ("real site", real_site), "synthetic": synthetic}
    for key, (name, make) in sites.items():
        if args.only in (None, key):
            run(name, make, args.edits, args.pause, not args.no_search)


if __name__ == "__main__":
    main()
