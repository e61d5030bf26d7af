"""What the loader hands over: parsed files with the position of every value, before any validation.

`load` makes these from the content folder, `yaml_marks` the YAML documents inside them; `models` and
`translations` validate them. After validation only a `Located` goes on with each file (its path, text and
positions), never the parsed values, which the validated models hold.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from .errors import ContentError, Source

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")

Mark = tuple[int, int]  # line and column, from 1
Loc = tuple[str | int, ...]  # where a value sits in its document: ("events", 0, "date")
NO_MARKS: Mapping[Loc, Mark] = MappingProxyType({})


@dataclass(frozen=True)
class Located:
    """A YAML file, or a Markdown file's front matter, without its values: its path and text, and where each
    value and each key stands. Read-only; what the stages after validation keep to point at a field."""

    path: str
    text: str = ""
    marks: Mapping[Loc, Mark] = field(default_factory=lambda: NO_MARKS)
    key_marks: Mapping[Loc, Mark] = field(default_factory=lambda: NO_MARKS)

    def where(self, loc: Loc = (), key: bool = False) -> Source:
        """The closest known position of `loc`: the key itself when asked, else its value."""
        if key and loc in self.key_marks:
            return Source(self.path, *self.key_marks[loc])
        for end in range(len(loc), -1, -1):
            if loc[:end] in self.marks:
                return Source(self.path, *self.marks[loc[:end]])
        return Source(self.path, 1, 1)

    def by_key(self) -> dict[str, Located]:
        """Each top-level key's part of the document (positions only, the key dropped from their paths),
        grouped in one pass over the marks, not one pass per key: sources.yaml has hundreds."""
        marks, key_marks = _grouped(self.marks), _grouped(self.key_marks)
        return {
            key: Located(self.path, "", MappingProxyType(marks.get(key, {})), MappingProxyType(key_marks.get(key, {})))
            for key in marks.keys() | key_marks.keys()
        }


def _grouped(marks: Mapping[Loc, Mark]) -> dict[Any, dict[Loc, Mark]]:
    groups: dict[Any, dict[Loc, Mark]] = {}
    for loc, mark in marks.items():
        if loc:
            groups.setdefault(loc[0], {})[loc[1:]] = mark
    return groups


@dataclass(frozen=True)
class YamlDoc:
    """One YAML document: its plain values (as PyYAML's safe loader gives them) and where each one stands."""

    data: Any
    file: Located

    @property
    def path(self) -> str:
        return self.file.path

    @property
    def text(self) -> str:
        return self.file.text

    def where(self, loc: Loc = (), key: bool = False) -> Source:
        return self.file.where(loc, key)


@dataclass(frozen=True)
class MarkdownDoc:
    """A Markdown file: its front matter and its body, which starts on `body_line`."""

    path: str
    slug: str
    meta: YamlDoc
    body: str
    body_line: int
    number: int = 0


@dataclass(frozen=True)
class RawTranslation:
    """content/<lang>/: the same file names as the original, holding only the translated text."""

    language: str
    folder: str  # as problems name it, e.g. content/ru
    site: YamlDoc | None
    chapters: tuple[MarkdownDoc, ...]
    missions: tuple[tuple[str, YamlDoc], ...]
    sources: YamlDoc | None
    pages: tuple[MarkdownDoc, ...]


@dataclass(frozen=True)
class RawContent:
    site: YamlDoc | None
    chapters: tuple[MarkdownDoc, ...]
    missions: tuple[tuple[str, YamlDoc], ...]
    sources: YamlDoc | None
    pages: tuple[MarkdownDoc, ...]
    errors: tuple[ContentError, ...]
    broken_missions: tuple[str, ...] = ()  # files that exist but could not be read or parsed
    translations: tuple[RawTranslation, ...] = ()
    # file as problems name it -> load.revision(its bytes)
    digests: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    republishers: YamlDoc | None = None  # republishers.yaml: hosts that copy others' pages
