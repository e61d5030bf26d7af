"""Save-to-reload latency of `build.py serve`: the time from writing a file to the reload signal reaching
a client (a long-poll client, as the page's own script is), and to that client having the new page.

Runs on a copy of the real content and on a synthetic site of about 1,000 pages (benchmarks/corpus.py:
900 chapters and 90 missions), each in a temporary folder; the real content/ is never touched. The edits
alternate between a chapter (a new sentence) and a mission (its summary), one at a time.

    python benchmarks/serve_latency.py [--edits 20] [--pause 1.0] [--no-search] [--only real|synthetic]
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


@dataclass(frozen=True)
class Target:
    """A file to edit and the page that shows the edit."""

    path: Path
    page: str
    kind: str  # chapter | mission


class Server:
    """`build.py serve` on a free port, with a thread that long-polls for reloads like a browser does."""

    def __init__(self, folder: Path, search: bool):
        command = [sys.executable, str(ROOT / "build.py"), "serve", "--port", "0", "-q"]
        command += ["--content", str(folder / "content"), "--out", str(folder / "out")]
        command += ["--templates", str(folder / "templates"), "--static", str(folder / "static")]
        command += [] if search else ["--no-search"]
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        self.process = subprocess.Popen(command, cwd=folder, env=env, stderr=subprocess.PIPE, text=True)
        self.url = self._url()
        self.signals: queue.Queue[tuple[float, str]] = queue.Queue()
        self.version = self._poll("")
        threading.Thread(target=self._listen, daemon=True).start()

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

    def _poll(self, since: str) -> str:
        with urllib.request.urlopen(f"{self.url}__reload?since={since}", timeout=WAIT_SECONDS) as answer:
            return answer.read().decode()

    def _listen(self) -> None:
        version = self.version
        while self.process.poll() is None:
            try:
                new = self._poll(version)
            except OSError:
                return
            if new != version:
                self.signals.put((time.perf_counter(), new))
                version = new

    def fetch(self, page: str) -> bytes:
        with urllib.request.urlopen(self.url + page, timeout=WAIT_SECONDS) as answer:
            return answer.read()

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


def measure(server: Server, targets: list[Target], edits: int, pause: float) -> tuple[list[float], list[float]]:
    signal_ms, page_ms = [], []
    for number in range(edits):
        target = targets[number % len(targets)]
        while not server.signals.empty():  # only this edit's signal counts
            server.signals.get()
        started = time.perf_counter()
        marker = edit(target, number)
        try:
            signalled, _ = server.signals.get(timeout=WAIT_SECONDS)
        except queue.Empty:
            raise SystemExit(f"edit {number} of {target.path.name}: no reload signal") from None
        page = server.fetch(target.page)
        loaded = time.perf_counter()
        assert marker.encode() in page, f"edit {number}: the page does not show {marker!r}"
        signal_ms.append((signalled - started) * 1000)
        page_ms.append((loaded - started) * 1000)
        time.sleep(pause)  # an author reads the page before the next save
    return signal_ms, page_ms


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
            outputs = [p for p in (folder / "out").rglob("*") if p.is_file() and "pagefind" not in p.parts]
            took = time.perf_counter() - started
            print(f"{name}: {len(outputs)} files (pages, feeds, static), first build and start {took:.1f} s")
            signal_ms, page_ms = measure(server, targets, edits, pause)
        finally:
            server.close()
    for label, values in (("reload signal", signal_ms), ("new page loaded", page_ms)):
        median, worst = statistics.median(values), max(values)
        print(f"  save -> {label:<15} median {median:6.0f} ms   worst {worst:6.0f} ms   ({len(values)} edits)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--edits", type=int, default=20)
    parser.add_argument("--pause", type=float, default=1.0, help="seconds between edits (default: 1)")
    parser.add_argument("--no-search", action="store_true", help="serve without the search index")
    parser.add_argument("--only", choices=("real", "synthetic"))
    args = parser.parse_args()
    sites = {"real": ("real site", real_site), "synthetic": ("synthetic site", synthetic_site)}
    for key, (name, make) in sites.items():
        if args.only in (None, key):
            run(name, make, args.edits, args.pause, not args.no_search)


if __name__ == "__main__":
    main()
