"""How long the one `git log` that dates every content file takes, for N files over C commits.

    python benchmarks/git_dates.py 5000 50      # files, commits; prints the median of 5 reads

Builds a throwaway repository in a temporary folder: C commits, each touching N/C new files and 20
already-committed ones, so files have different first and last commits, as a real history would.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from documentary.revisions import read_revisions


def make_repository(root: Path, files: int, commits: int) -> None:
    env = {**os.environ, "GIT_AUTHOR_NAME": "b", "GIT_AUTHOR_EMAIL": "b@example.org"}
    env |= {"GIT_COMMITTER_NAME": "b", "GIT_COMMITTER_EMAIL": "b@example.org"}
    run = lambda *args: subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True, env=env)  # noqa: E731
    folder = root / "content" / "chapters"
    folder.mkdir(parents=True)
    run("init", "-q")
    per = max(1, files // commits)
    for c in range(commits):
        for i in range(c * per, min(files, (c + 1) * per)):
            (folder / f"{i:05d}-chapter.md").write_text(f"chapter {i}\n")
        for i in range(0, c * per, max(1, c * per // 20)):
            (folder / f"{i:05d}-chapter.md").write_text(f"chapter {i}, edit {c}\n")
        run("add", "-A")
        run("commit", "-qm", f"commit {c}")


def main() -> None:
    files, commits = (int(a) for a in sys.argv[1:3]) if len(sys.argv) > 2 else (5000, 50)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        make_repository(root, files, commits)
        times = []
        for _ in range(5):
            started = time.perf_counter()
            found = read_revisions(root / "content")
            times.append(time.perf_counter() - started)
        assert len(found) == files, len(found)
        print(f"{files} files, {commits} commits: median {statistics.median(times) * 1000:.0f} ms over 5 reads")


if __name__ == "__main__":
    main()
