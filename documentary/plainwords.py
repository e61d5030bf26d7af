"""Titles, summaries and names are plain words: a wiki link or citation in one is an error where it stands.

They are printed as written, not as Markdown: in the page's header, in lists of chapters, in feeds, in
the description search engines and link previews show, in the book. A `[[mars-3]]` there would reach
the reader as brackets (the fixture site's summary did, on every one of those pages, for a year of
builds). The error is at the reference itself, found in the file's text from where its value starts.
Pure: it reads validated content, never the disk.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from .errors import ContentError, error
from .models import Content, MissionDoc, TextFile
from .raw import Loc, Located

REFERENCE = re.compile(r"\[\[[^\]\n]*\]\]|\[@[^\]\n]*\]")
MESSAGE = "{what} {ref} in '{field}': '{field}' is printed as written, not as Markdown; write the words out"
FRONT_MATTER_LINE = 2  # a Markdown file's front matter starts after its opening '---'


def check(content: Content, missions: frozenset[str] | None = None) -> list[ContentError]:
    """Every reference in a plain field of site.yaml, the chapters, pages and missions.

    `missions` (a translation): only those files, and only what they write themselves; a name a translation
    takes from its original is the original's problem, reported once."""
    original = missions is None
    found: list[ContentError] = []
    if content.site_doc is not None:  # the site's name and description: in every header, feed and preview
        for name in ("title", "subtitle", "description"):
            found += problems(content.site_doc, 1, (name,), getattr(content.site, name), original)
    for text in content.chapters + content.pages:
        found += _text_problems(text.file, text.meta.title, text.meta.summary)
    for mission in content.missions:
        if original or mission.slug in missions:
            found += _mission_problems(mission, original)
    return found


def _text_problems(file: TextFile, title: str, summary: str) -> list[ContentError]:
    fields = (("title",), title), (("summary",), summary)
    return [p for loc, value in fields for p in problems(file.meta, FRONT_MATTER_LINE, loc, value, True)]


def _mission_problems(mission: MissionDoc, original: bool) -> Iterator[ContentError]:
    data = mission.data
    fields: list[tuple[Loc, str]] = [(("name",), data.name), (("summary",), data.summary)]
    fields += [(("events", i, "title"), event.title) for i, event in enumerate(data.events)]
    if data.image:
        fields += [(("image", "alt"), data.image.alt), (("image", "caption"), data.image.caption)]
    for loc, value in fields:
        yield from problems(mission.doc, 1, loc, value, original)


def problems(located: Located, first: int, loc: Loc, value: str, original: bool) -> list[ContentError]:
    """`first`: the file line that the located text starts on. Outside an original (a translation's field
    taken from its original) a reference the file's own text does not hold is not this file's problem."""
    if "[" not in value:
        return []
    found = []
    start = located.where(loc)
    offset = _offset(located.text, start.line - first, start.col - 1)
    for match in REFERENCE.finditer(value):
        ref = match.group(0)
        at = located.text.find(ref, offset)
        if at < 0 and not original:
            continue
        line, col = (start.line, start.col) if at < 0 else _line_col(located.text, at, first)
        offset = max(offset, at + len(ref))
        what = "citation" if ref.startswith("[@") else "mission reference"
        field = ".".join(str(part) for part in loc)
        found.append(error(located.path, line, col, MESSAGE.format(what=what, ref=ref, field=field)))
    return found


def _offset(text: str, line: int, col: int) -> int:
    """The index in `text` of line `line` (from 0) and column `col` (from 0); 0 if that is outside it."""
    if line < 0:
        return 0
    starts = [0] + [m.end() for m in re.finditer("\n", text)]
    return starts[line] + col if line < len(starts) else 0


def _line_col(text: str, index: int, first: int) -> tuple[int, int]:
    line = text.count("\n", 0, index)
    return line + first, index - (text.rfind("\n", 0, index) + 1) + 1
