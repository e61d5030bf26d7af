"""Record in a translation which revision of the original it matches: a one-line edit of its text.

`translated_from: <revision>` goes into a chapter's or page's front matter, or at the top of a mission's
YAML; an existing `translated_from` line is replaced, nothing else in the file changes (not even its
line endings). Pure: text in, text out; the command line reads and writes the file.
"""

from __future__ import annotations

import re

KEY = "translated_from"
_LINE = re.compile(rf"^{KEY}\s*:.*?(\r?\n|$)")


def stamp_line(revision: str, newline: str = "\n") -> str:
    # an all-digit revision would read back as a number; quoted, it stays text
    shown = f'"{revision}"' if revision.isdigit() else revision
    return f"{KEY}: {shown}{newline}"


def stamp_markdown(text: str, revision: str) -> str:
    """Set `translated_from` in the front matter (between the first two `---` lines)."""
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].rstrip("\r\n") != "---":
        raise ValueError("the file does not start with front matter ('---')")
    newline = "\r\n" if lines[0].endswith("\r\n") else "\n"
    for index in range(1, len(lines)):
        if lines[index].rstrip("\r\n").rstrip() in ("---", "..."):
            return _replace_or_insert(lines, 1, index, revision, newline)
    raise ValueError("the front matter is never closed with '---'")


def stamp_yaml(text: str, revision: str) -> str:
    """Set the top-level `translated_from` of a YAML file (added as its first line if absent)."""
    lines = text.splitlines(keepends=True)
    newline = "\r\n" if lines and lines[0].endswith("\r\n") else "\n"
    return _replace_or_insert(lines, 0, len(lines), revision, newline, insert_at=0)


def _replace_or_insert(lines, start: int, end: int, revision: str, newline: str, insert_at: int | None = None) -> str:
    for index in range(start, end):
        match = _LINE.match(lines[index])
        if match:
            lines[index] = stamp_line(revision, match.group(1))
            return "".join(lines)
    lines.insert(end if insert_at is None else insert_at, stamp_line(revision, newline))
    return "".join(lines)
