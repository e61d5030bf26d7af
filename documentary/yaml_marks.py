"""YAML with the position of every value and every key, and PyYAML's errors reworded as advice.

Content YAML is data: only the safe scalar types, no tags, no aliases (which also defeats "billion
laughs"), no duplicate keys, a bounded size and depth. Dates and times stay text, for the models to
parse with their precision. Every problem is one `ContentError` at the line and column to fix.
"""

from __future__ import annotations

import bisect
import re
from types import MappingProxyType
from typing import Any

import yaml

from .errors import ContentError, error
from .raw import Loc, Located, Mark, YamlDoc

try:  # the C parser is about three times faster; the wheel ships it
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover
    from yaml import SafeLoader as _Loader

_TAG = "tag:yaml.org,2002:"
_SCALAR_TAGS = {_TAG + t for t in ("str", "int", "float", "bool", "null", "timestamp")}
_CONSTRUCT = yaml.constructor.SafeConstructor()
MAX_YAML_NODES = 200_000
MAX_YAML_DEPTH = 50  # content is shallow; this keeps the recursive builder far from Python's stack limit


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
    located = Located(path, text, MappingProxyType(builder.marks), MappingProxyType(builder.key_marks))
    return YamlDoc(data, located), problems


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
