"""When each content file was first and last committed, from one `git log` over the content folder.

The only module that runs git. `parse_log` is a pure function of git's output, so it is tested on strings.
A shallow clone (CI checks out one commit by default) only knows its newest commits, which would date
every file to the checkout's commit: such a repository gives no dates at all, and the pages fall back
(see `documentary.dating`). Outside a repository, or without git, there are no dates either.
"""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

COMMIT_MARK = "\x00commit "  # starts each commit's header line in our --format; no path can contain NUL
LOG_FORMAT = "%x00commit %ct"
TIMEOUT_SECONDS = 60


@dataclass(frozen=True)
class Revision:
    """A file's first and last commit times (UTC)."""

    first: dt.datetime
    last: dt.datetime


def parse_log(text: str) -> Mapping[str, Revision]:
    """Read `git log --format=%x00commit %ct --name-only`: newest commit first, each followed by its files.

    A file's first sighting is its last change and its last sighting its first commit.
    """
    first: dict[str, dt.datetime] = {}
    last: dict[str, dt.datetime] = {}
    stamp: dt.datetime | None = None
    for line in text.split("\n"):
        if line.startswith(COMMIT_MARK):
            stamp = dt.datetime.fromtimestamp(int(line[len(COMMIT_MARK) :].strip()), dt.UTC)
        elif line.strip() and stamp is not None:
            name = line.strip()
            last.setdefault(name, stamp)
            first[name] = stamp
    return MappingProxyType({name: Revision(first[name], last[name]) for name in sorted(first)})


def read_revisions(folder: Path) -> Mapping[str, Revision]:
    """Every committed file under `folder`, by its POSIX path relative to `folder`; empty without usable git."""
    git = shutil.which("git")
    if git is None or not folder.is_dir():
        return MappingProxyType({})
    shallow = _git(git, folder, "rev-parse", "--is-shallow-repository")
    if shallow is None or shallow.strip() != "false":
        return MappingProxyType({})  # not a repository (None), or a shallow clone ("true")
    # --relative: paths relative to `folder`; -c core.quotepath=off: names with non-ASCII letters as they are
    log = _git(git, folder, "log", f"--format={LOG_FORMAT}", "--name-only", "--relative", "--no-renames", "--", ".")
    return parse_log(log or "")


def _git(git: str, folder: Path, *args: str) -> str | None:
    try:
        result = subprocess.run(
            [git, "-c", "core.quotepath=off", "-C", str(folder), *args],
            capture_output=True,
            text=True,
            encoding="utf-8",
            timeout=TIMEOUT_SECONDS,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return result.stdout if result.returncode == 0 else None
