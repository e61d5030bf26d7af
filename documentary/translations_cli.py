"""`build.py translations`: where every translation stands, and stamping the revisions they match."""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from pathlib import Path

from .errors import UsageError
from .load import display_path, load_content
from .stamp import stamp_markdown, stamp_yaml
from .translations import Status, statuses

STALE = ("stale", "unstamped")


def run(content: Path, stamp: Sequence[str], stamp_all: bool) -> int:
    if not content.is_dir():
        raise UsageError(f"content folder {content} does not exist")
    raw = load_content(content)
    if not raw.translations:
        print("site.yaml declares one language: there is nothing to translate", file=sys.stderr)
        return 0
    found = statuses(raw)
    chosen = _chosen(found, stamp, stamp_all)
    for status in chosen:
        _stamp(status)
        print(f"stamped {status.translation}: translated_from {status.current} ({status.original})")
    if not chosen:
        print(report(found), end="")
    return 0


def report(found: Sequence[Status]) -> str:
    """One line per original and language, then a count per state."""
    width = max((len(s.translation) for s in found), default=0)
    lines = []
    for s in found:
        detail = {
            "up to date": "",
            "stale": f"translated from {s.recorded}, {s.original} is now {s.current}",
            "unstamped": f"no translated_from; {s.original} is at {s.current}",
            "missing": f"translates {s.original}",
        }[s.state]
        lines.append(f"{s.language}  {s.state:<10}  {s.translation:<{width}}  {detail}".rstrip())
    counts = {state: sum(1 for s in found if s.state == state) for state in ("up to date", *STALE, "missing")}
    lines.append(", ".join(f"{n} {state}" for state, n in counts.items()))
    return "\n".join(lines) + "\n"


def _chosen(found: Sequence[Status], stamp: Sequence[str], stamp_all: bool) -> list[Status]:
    if stamp_all:
        return [s for s in found if s.state in STALE]
    by_path = {s.translation: s for s in found}
    chosen = []
    for name in stamp:
        status = by_path.get(display_path(Path(name)))
        if status is None:
            raise UsageError(f"{name} is not a translation of a chapter, page or mission (content/<lang>/...)")
        if status.state == "missing":
            raise UsageError(f"{name} does not exist: translate {status.original} first")
        chosen.append(status)
    return chosen


def _stamp(status: Status) -> None:
    path = Path(status.translation)
    text = path.read_bytes().decode("utf-8")
    edit = stamp_markdown if path.suffix == ".md" else stamp_yaml
    try:
        new = edit(text, status.current)
    except ValueError as exc:
        raise UsageError(f"cannot stamp {status.translation}: {exc}") from None
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_bytes(new.encode("utf-8"))
    os.replace(tmp, path)
