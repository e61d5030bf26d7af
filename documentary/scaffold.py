"""`build.py new`: start a chapter or a mission file that validates, with TODO placeholders.

Every placeholder contains the word TODO, which `check` reports as a warning at its line (an error under
`--strict`), so a scaffold can be built and previewed at once but never published unfinished.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import yaml

from .errors import UsageError
from .load import CHAPTER_FILE
from .raw import SLUG

CHAPTER_BODY = """\
TODO: write the chapter. Name a mission with `[[mission-slug]]`, quote a fact with
`[[mission-slug:launch.date]]` and cite a source with `[@source-key]`.

## TODO: the first section
"""

MISSION = """\
# A new mission: `python build.py check --strict` lists every placeholder left to fill in.
name: {name}  # TODO: the common name; other names go in aliases
# aliases: []
# name_ru:
# designation:
# cospar_id: 1971-049A  # failed launches have none
program: soviet  # TODO: soviet | russia | usa | europe | china | india | japan | uae
type: [orbiter]  # TODO: any of flyby, orbiter, lander, impactor, rover, penetrator, sample-return
launch:
  date: 1960-01-01  # TODO: YYYY-MM-DD
  # time: "12:00:00"  # UTC, optional
  vehicle: TODO
  site: TODO
outcome: failure  # TODO: success | partial | failure
summary: TODO one sentence on what happened.
events: []  # TODO: e.g. - {{id: landing, date: 1971-12-02, title: Lander touches down}}
# landing_site: {{lat: -45.0, lon: -158.0, name: Ptolemaeus crater, note: Coordinates approximate}}
description: |
  TODO: a longer account in Markdown, with citations such as `[@source-key]`.
sources: []  # TODO: keys from content/sources.yaml
"""


def scaffold(content_dir: Path, kind: str, name: str) -> str:
    """Create the file; refuse (UsageError, exit 2) a bad name or an existing file."""
    if not content_dir.is_dir():
        raise UsageError(f"content folder {content_dir} does not exist")
    path, text = _chapter(content_dir, name) if kind == "chapter" else _mission(content_dir, name)
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with path.open("x", encoding="utf-8") as file:  # "x": never overwrite, even in a race
            file.write(text)
    except FileExistsError:
        raise UsageError(f"{path} already exists; not overwriting it") from None
    return f"created {path}: replace every TODO, then run python build.py check --strict"


def _chapter(content_dir: Path, title: str) -> tuple[Path, str]:
    title = " ".join(title.split())
    slug = slugify(title)
    if not slug:
        raise UsageError(f"cannot make a file name from the title {title!r}: use some letters or digits")
    folder = content_dir / "chapters"
    existing = [(m, p) for p in sorted(folder.glob("*.md")) if (m := CHAPTER_FILE.match(p.name))]
    for match, path in existing:
        if match.group(2) == slug:
            raise UsageError(f"{path} already uses the slug '{slug}'; choose another title")
    number = max((int(m.group(1)) for m, _ in existing), default=0) + 1
    width = max([2] + [len(m.group(1)) for m, _ in existing])
    meta = {"title": title, "summary": "TODO: one or two sentences."}
    front = yaml.safe_dump(meta, allow_unicode=True, sort_keys=False, width=1000)
    return folder / f"{number:0{width}d}-{slug}.md", f"---\n{front}---\n{CHAPTER_BODY}"


def _mission(content_dir: Path, slug: str) -> tuple[Path, str]:
    if not SLUG.match(slug):
        raise UsageError(f"'{slug}' is not a mission slug: use lowercase letters, digits and hyphens, e.g. mars-8")
    name = " ".join(word.capitalize() for word in slug.split("-"))
    return content_dir / "missions" / f"{slug}.yaml", MISSION.format(name=name)


def slugify(title: str) -> str:
    """'Mars 2 and 3: 1969–1971' -> 'mars-2-and-3-1969-1971' (accents dropped, ASCII only)."""
    letters = "".join(c for c in unicodedata.normalize("NFKD", title.lower()) if not unicodedata.combining(c))
    return re.sub(r"[^a-z0-9]+", "-", letters).strip("-")
