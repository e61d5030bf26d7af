"""Read the content folder: decode files, split front matter, parse YAML keeping every value's line.

Parsing functions take text, not paths; only `load_content` touches the disk.
"""

from __future__ import annotations

import bisect
import hashlib
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .errors import ContentError, Source, error

try:  # the C parser is about three times faster; the wheel ships it
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover
    from yaml import SafeLoader as _Loader

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
CHAPTER_FILE = re.compile(r"^(\d+)-([a-z0-9]+(?:-[a-z0-9]+)*)\.md$")
_TAG = "tag:yaml.org,2002:"
_SCALAR_TAGS = {_TAG + t for t in ("str", "int", "float", "bool", "null", "timestamp")}
_CONSTRUCT = yaml.constructor.SafeConstructor()
MAX_YAML_NODES = 200_000
MAX_YAML_DEPTH = 50  # content is shallow; this keeps the recursive builder far from Python's stack limit

Mark = tuple[int, int]
Loc = tuple[str | int, ...]


@dataclass(frozen=True)
class YamlDoc:
    """Plain YAML data plus where each value and each key stands in its file."""

    path: str
    data: Any
    marks: dict[Loc, Mark] = field(default_factory=dict)
    key_marks: dict[Loc, Mark] = field(default_factory=dict)
    text: str = ""

    def where(self, loc: Loc = (), key: bool = False) -> Source:
        """The closest known position of `loc`: the key itself when asked, else its value."""
        if key and loc in self.key_marks:
            return Source(self.path, *self.key_marks[loc])
        for end in range(len(loc), -1, -1):
            if loc[:end] in self.marks:
                return Source(self.path, *self.marks[loc[:end]])
        return Source(self.path, 1, 1)


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
    digests: dict[str, str] = field(default_factory=dict)  # file as problems name it -> revision(bytes)
    republishers: YamlDoc | None = None  # republishers.yaml: hosts that copy others' pages


def revision(raw: bytes) -> str:
    """What a translation's `translated_from` records: the first 12 hex digits of the SHA-256 of the original."""
    return hashlib.sha256(raw).hexdigest()[:12]


class _YamlProblem(Exception):
    def __init__(self, node: yaml.Node, message: str):
        super().__init__(message)
        self.index = node.start_mark.index


class _AliasFound(_YamlProblem):
    """The composed tree has lost where the alias was written; `_first_alias` finds it again."""


def _first_alias(text: str) -> tuple[Mark, str]:
    for event in yaml.parse(text, Loader=_Loader):
        if isinstance(event, yaml.AliasEvent):
            mark = _position(text, event.start_mark.index)
            return mark, f"YAML aliases (*{event.anchor}) are not allowed in content files; write the value out"
    raise AssertionError("an alias was composed but not parsed")  # pragma: no cover


def decode(path: str, raw: bytes) -> tuple[str | None, list[ContentError]]:
    """UTF-8 without a byte-order mark; a bad byte is reported with its line and offset."""
    if raw.startswith(b"\xef\xbb\xbf"):
        msg = "file starts with a byte-order mark (BOM); save it as UTF-8 without BOM"
        return None, [error(path, 1, 1, msg)]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        col = len(raw[raw.rfind(b"\n", 0, exc.start) + 1 : exc.start].decode("utf-8")) + 1  # in characters
        byte = raw[exc.start]
        msg = f"file is not valid UTF-8: byte 0x{byte:02x} at offset {exc.start}"
        return None, [error(path, line, col, msg)]
    return text.replace("\r\n", "\n").replace("\r", "\n"), []


def parse_yaml(path: str, text: str, line_offset: int = 0) -> tuple[YamlDoc | None, list[ContentError]]:
    """Parse one YAML document safely; positions are shifted by `line_offset` lines."""
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        (line, col), message = _yaml_problem(exc, text, line_offset)
        return None, [error(path, line + line_offset, col, message)]
    except yaml.reader.ReaderError as exc:  # a control character: PyYAML gives only its offset
        line, col = _position(text, exc.position)
        message = f"character U+{exc.character:04X} is not allowed in YAML; remove it"
        return None, [error(path, line + line_offset, col, message)]
    except yaml.YAMLError as exc:
        return None, [error(path, 1 + line_offset, 1, f"YAML error: {exc}".replace("\n", " "))]
    if node is None:
        return None, [error(path, 1 + line_offset, 1, "file is empty")]
    builder = _Builder(_Lines(text), line_offset)
    try:
        data = builder.build(node, ())
    except _YamlProblem as exc:
        (line, col), message = (
            _first_alias(text) if isinstance(exc, _AliasFound) else (_position(text, exc.index), str(exc))
        )
        return None, [error(path, line + line_offset, col, message)]
    problems = [error(path, line, col, msg) for (line, col), msg in builder.problems]
    return YamlDoc(path, data, builder.marks, builder.key_marks, text), problems


def _yaml_problem(exc: yaml.MarkedYAMLError, text: str, line_offset: int) -> tuple[Mark, str]:
    """Where the author should look, and what to do, for a PyYAML syntax error."""
    mark, context = exc.problem_mark or exc.context_mark, exc.context_mark
    where = _inside(text, _position(text, mark.index) if mark else (1, 1))
    opened = _inside(text, _position(text, context.index)) if context else where
    problem, during = exc.problem or "invalid YAML", exc.context or ""
    char = text[mark.index : mark.index + 1] if mark else ""
    before = text[: mark.index].rsplit("\n", 1)[-1].rstrip() if mark else ""
    reworded = _reword(problem, during, char, before, opened[0] + line_offset)
    if reworded:
        at_opening, message = reworded
        return (opened if at_opening else where), f"YAML syntax error: {message}"
    if context and mark and context.line != mark.line:
        during += f" (started on line {opened[0] + line_offset})"
    return where, f"YAML syntax error: {problem} {during}".strip().replace("\n", " ")


def _reword(problem: str, during: str, char: str, before: str, opened_line: int) -> tuple[bool, str] | None:
    """PyYAML's wording, matched loosely, turned into advice; True: point where the construct opened."""
    if char == "\t":
        return False, "tab character used for indentation; indent with spaces"
    if "expected ','" in problem and "flow sequence" in during:
        return True, "'[' is never closed with ']'"
    if "expected ','" in problem and "flow mapping" in during:
        return True, "'{' is never closed with '}'"
    if "end of stream" in problem and "quoted scalar" in during:
        return True, "quoted text is never closed"
    if "expected ':'" in problem and "simple key" in during:
        return True, "expected 'key: value' here; is the ':' missing?"
    if "flow node" in during and not char.strip():
        return False, "the file ends before a '[' or '{' is closed"
    if "expected key" in problem and before.endswith(('"', "'")):
        advice = "wrap it in the other kind of quotes or double them ('it''s')"
        return False, f"text after a closing quote; to put quotes inside a value, {advice}"
    if "expected key" in problem:
        return False, f"expected a 'key: value' line here, aligned with line {opened_line}"
    if "mapping values are not allowed" in problem:
        return False, "unexpected ':'; put a value that contains ': ' in quotes, or fix the indentation"
    if "cannot start any token" in problem:
        return False, f"a value cannot start with '{char}'; put the whole value in quotes"
    if "single document" in during:
        return False, "a second YAML document ('---') in the same file"
    return None


def _inside(text: str, where: Mark) -> Mark:
    """PyYAML puts end-of-file problems on the line after the last; point at the end of the last line."""
    lines = text.rstrip("\n").split("\n")
    if where[0] <= len(lines):
        return where
    return len(lines), len(lines[-1]) + 1


def _position(text: str, index: int) -> Mark:
    """Line and column of a character offset, counting only newlines as decode() and editors do.

    PyYAML's own line numbers also break at U+0085, U+2028 and U+2029.
    """
    return text.count("\n", 0, index) + 1, index - (text.rfind("\n", 0, index) + 1) + 1


class _Lines:
    """`_position` for many offsets in one text, without rescanning it each time."""

    def __init__(self, text: str):
        self.starts = [0] + [match.end() for match in re.finditer("\n", text)]

    def at(self, index: int) -> Mark:
        line = bisect.bisect_right(self.starts, index)
        return line, index - self.starts[line - 1] + 1


class _Builder:
    """Turns a composed YAML node tree into plain values and records positions."""

    def __init__(self, lines: _Lines, line_offset: int):
        self.lines = lines
        self.marks: dict[Loc, Mark] = {}
        self.key_marks: dict[Loc, Mark] = {}
        self.problems: list[tuple[Mark, str]] = []
        self.seen: set[int] = set()
        self.line_offset = line_offset

    def mark(self, node: yaml.Node) -> Mark:
        line, col = self.lines.at(node.start_mark.index)
        return line + self.line_offset, col

    def build(self, node: yaml.Node, loc: Loc, at: yaml.Node | None = None) -> Any:
        if id(node) in self.seen:  # an alias: refusing them also defeats "billion laughs"
            raise _AliasFound(at or node, "YAML aliases (*name) are not allowed in content files")
        self.seen.add(id(node))
        if len(loc) > MAX_YAML_DEPTH:
            raise _YamlProblem(node, f"values are nested more than {MAX_YAML_DEPTH} levels deep")
        if len(self.seen) > MAX_YAML_NODES:
            raise _YamlProblem(node, f"file has more than {MAX_YAML_NODES} YAML values")
        self.marks[loc] = self.mark(node)
        if isinstance(node, yaml.MappingNode):
            return self.mapping(node, loc)
        if isinstance(node, yaml.SequenceNode):
            _check_tag(node, _TAG + "seq")
            return [self.build(item, loc + (i,), node) for i, item in enumerate(node.value)]
        return self.scalar(node)

    def mapping(self, node: yaml.MappingNode, loc: Loc) -> dict[str, Any]:
        _check_tag(node, _TAG + "map")
        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise _YamlProblem(key_node, "a mapping key must be plain text")
            key = key_node.value
            if key in out:
                first = self.key_marks[loc + (key,)][0]
                self.problems.append((self.mark(key_node), f"duplicate key '{key}' (first on line {first})"))
                continue
            self.key_marks[loc + (key,)] = self.mark(key_node)
            out[key] = self.build(value_node, loc + (key,), key_node)
        return out

    def scalar(self, node: yaml.ScalarNode) -> Any:
        _check_tag(node, None)
        if node.tag in (_TAG + "str", _TAG + "timestamp"):
            return node.value  # dates stay text: the models parse them with their precision
        if node.tag == _TAG + "int" and ":" in node.value:
            return node.value  # YAML 1.1 reads 15:26:30 as a base-60 number; it is a time
        try:
            return _CONSTRUCT.construct_object(node)
        except (ValueError, yaml.YAMLError):  # e.g. !!int on text, or a number too long to convert
            kind = node.tag.replace(_TAG, "")
            raise _YamlProblem(node, f"invalid {kind} {_short(node.value)}; put it in quotes if it is text") from None


def _short(text: str, limit: int = 40) -> str:
    return repr(text if len(text) <= limit else text[:limit] + "…")


def _check_tag(node: yaml.Node, expected: str | None) -> None:
    allowed = {expected} if expected else _SCALAR_TAGS
    if node.tag not in allowed:
        shown = node.tag.replace(_TAG, "!!")
        raise _YamlProblem(node, f"YAML tag '{shown}' is not allowed (content is data, never code)")


def split_front_matter(path: str, text: str) -> tuple[str, str, int] | ContentError:
    """Return (front matter, body, first body line) from `---` fenced front matter."""
    lines = text.split("\n")
    if not lines or lines[0].rstrip() != "---":
        return error(path, 1, 1, "file must start with front matter: a line '---', YAML, then '---'")
    for index in range(1, len(lines)):
        if lines[index].rstrip() in ("---", "..."):
            return "\n".join(lines[1:index]), "\n".join(lines[index + 1 :]), index + 2
    return error(path, 1, 1, "front matter opened on line 1 is never closed with '---'")


def parse_markdown_file(
    path: str, slug: str, text: str, number: int = 0
) -> tuple[MarkdownDoc | None, list[ContentError]]:
    split = split_front_matter(path, text)
    if isinstance(split, ContentError):
        return None, [split]
    meta_text, body, body_line = split
    if not meta_text.strip():
        return None, [error(path, 1, 1, "front matter is empty; it needs at least a title")]
    meta, errors = parse_yaml(path, meta_text, line_offset=1)
    if meta is None:
        return None, errors
    return MarkdownDoc(path, slug, meta, body, body_line, number), errors


class ParseMemo:
    """Parsed files by their text, kept by the dev server from one load to the next (passed explicitly):
    an unchanged file is not parsed again, and gives the very same objects, which later stages compare and
    digest cheaply. Only what the latest load used is kept."""

    def __init__(self) -> None:
        self.found: dict[tuple, Any] = {}
        self.used: dict[tuple, Any] = {}

    def parse(self, parser, *args):
        key = (parser.__name__, *args)
        hit = self.used.get(key) or self.found.get(key)
        if hit is None:
            hit = parser(*args)
        self.used[key] = hit
        return hit

    def turn(self) -> None:
        self.found, self.used = self.used, {}


class _Reader:
    """Reads one file at a time, collecting problems and revisions; parses through the memo, if any."""

    def __init__(self, base: Path, errors: list[ContentError], memo: ParseMemo | None):
        self.base, self.errors, self.memo = base, errors, memo
        self.digests: dict[str, str] = {}

    def __call__(self, path: Path) -> tuple[str, str | None]:
        shown = _display(path, self.base)
        try:
            raw = path.read_bytes()
        except OSError as exc:  # deleted or renamed since the folder was listed, or unreadable
            self.errors.append(error(shown, 1, 1, f"cannot read the file: {exc.strerror or exc}"))
            return shown, None
        self.digests[shown] = revision(raw)
        text, problems = decode(shown, raw)
        self.errors.extend(problems)
        return shown, text

    def parse(self, parser, *args):
        return self.memo.parse(parser, *args) if self.memo is not None else parser(*args)


def load_content(content_dir: Path, memo: ParseMemo | None = None) -> RawContent:
    """Read every content file once. Problems are collected, never raised."""
    base = Path.cwd()
    errors: list[ContentError] = []
    read = _Reader(base, errors, memo)
    digests = read.digests

    site = _load_yaml(content_dir / "site.yaml", read, errors, required=True)
    sources = _load_yaml(content_dir / "sources.yaml", read, errors, required=False)
    chapters = _load_chapters(content_dir / "chapters", read, errors)
    broken: list[str] = []
    missions = _load_missions(content_dir / "missions", read, errors, broken)
    pages = _load_pages(content_dir / "pages", read, errors)
    republishers = _load_yaml(content_dir / "republishers.yaml", read, errors, required=False)
    translations = tuple(
        _load_translation(content_dir / language, language, base, read, errors)
        for language in declared_languages(site)[1:]
    )
    if memo is not None:
        memo.turn()
    return RawContent(
        site, chapters, missions, sources, pages, tuple(errors), tuple(broken), translations, digests, republishers
    )


def declared_languages(site: YamlDoc | None) -> tuple[str, ...]:
    """site.yaml's `languages`, as far as it reads as a list of codes (the models check it properly)."""
    data = site.data if site else None
    listed = data.get("languages") if isinstance(data, dict) else None
    if not isinstance(listed, list):
        return ()
    return tuple(dict.fromkeys(code for code in listed if isinstance(code, str) and SLUG.match(code)))


def _load_translation(folder: Path, language: str, base: Path, read, errors: list[ContentError]) -> RawTranslation:
    broken: list[str] = []  # a translation that cannot be parsed has its own error; it is then "missing"
    return RawTranslation(
        language=language,
        folder=_display(folder, base),
        site=_load_yaml(folder / "site.yaml", read, errors, required=False),
        chapters=_load_chapters(folder / "chapters", read, errors),
        missions=_load_missions(folder / "missions", read, errors, broken),
        sources=_load_yaml(folder / "sources.yaml", read, errors, required=False),
        pages=_load_pages(folder / "pages", read, errors),
    )


def _display(path: Path, base: Path) -> str:
    rel = os.path.relpath(path, base)
    return Path(rel).as_posix() if not rel.startswith("..") else path.as_posix()


def display_path(path: Path) -> str:
    """How problems name a file or folder: relative to the working directory when inside it."""
    return _display(path, Path.cwd())


def _load_yaml(path: Path, read, errors: list[ContentError], required: bool) -> YamlDoc | None:
    if not path.is_file():
        if required:
            errors.append(error(_display(path, Path.cwd()), 1, 1, "missing file: every site needs site.yaml"))
        return None
    shown, text = read(path)
    if text is None:
        return None
    doc, problems = read.parse(parse_yaml, shown, text)
    errors.extend(problems)
    return doc


def _files(folder: Path, suffixes: tuple[str, ...]) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.is_file() and p.suffix in suffixes and not p.name.startswith("."))


def _load_chapters(folder: Path, read, errors: list[ContentError]) -> tuple[MarkdownDoc, ...]:
    out = []
    for path in _files(folder, (".md",)):
        shown, text = read(path)
        match = CHAPTER_FILE.match(path.name)
        if not match:
            msg = f"chapter file name '{path.name}' must be NN-slug.md, e.g. 01-origins.md"
            errors.append(error(shown, 1, 1, msg))
            continue
        if text is not None:
            doc, problems = read.parse(parse_markdown_file, shown, match.group(2), text, int(match.group(1)))
            errors.extend(problems)
            out += [doc] if doc else []
    return tuple(out)


def _load_missions(
    folder: Path, read, errors: list[ContentError], broken: list[str]
) -> tuple[tuple[str, YamlDoc], ...]:
    out = []
    for path in _files(folder, (".yaml", ".yml")):
        shown, text = read(path)
        if path.suffix != ".yaml" or not SLUG.match(path.stem):
            msg = f"mission file name '{path.name}' must be <slug>.yaml with a lowercase-hyphen slug"
            errors.append(error(shown, 1, 1, msg))
            continue
        doc, problems = read.parse(parse_yaml, shown, text) if text is not None else (None, [])
        errors.extend(problems)
        out += [(path.stem, doc)] if doc else []
        broken += [] if doc else [path.stem]
    return tuple(out)


def _load_pages(folder: Path, read, errors: list[ContentError]) -> tuple[MarkdownDoc, ...]:
    out = []
    for path in _files(folder, (".md",)):
        shown, text = read(path)
        if not SLUG.match(path.stem):
            errors.append(error(shown, 1, 1, f"page file name '{path.name}' must be <slug>.md"))
            continue
        if text is not None:
            doc, problems = read.parse(parse_markdown_file, shown, path.stem, text)
            errors.extend(problems)
            out += [doc] if doc else []
    return tuple(out)


def list_static(static_dir: Path) -> tuple[str, ...]:
    """Relative POSIX paths of every static file, sorted."""
    if not static_dir.is_dir():
        return ()
    return tuple(sorted(p.relative_to(static_dir).as_posix() for p in static_dir.rglob("*") if p.is_file()))
