"""Markdown bodies parsed once and rendered ahead of the site graph, with a hole for each reference.

Almost all of a body's HTML depends only on its text; only `[[...]]`, `[@...]` and site links need the
graph (mission names, citation numbers, the base path). `compile_doc` parses a body, renders it with a
resolver that leaves a numbered hole at each of those calls, and drops the tokens (most of the memory).
`render_body` later asks the real resolver for each hole. The resolver's methods are pure functions of
their arguments (they read the frozen Site), so the result is byte for byte what `markdown.render` gives.
A heading that names a mission (`## [[mars-2]]`) waits for the name as well: the graph, which knows the
names of each language, calls `name_headings` to word it for the contents and give it its id.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Mapping
from dataclasses import astuple, dataclass, replace
from typing import Any, NamedTuple

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml

from .markdown import PENDING, RESERVED_IDS, Doc, Heading, Ref, Resolver, parse, render, slugify, unique_id
from .markdown_images import ImageRef


class ParseJob(NamedTuple):
    """The arguments of `markdown.parse` for one body: its text, first file line, and whole file if embedded."""

    text: str
    first_line: int = 1
    file_text: str | None = None


class Hole(NamedTuple):
    method: str  # the resolver method to call
    args: tuple[Any, ...]


@dataclass(frozen=True)
class CompiledDoc(Doc):
    """A Doc without tokens: its HTML, where the mark of `holes[i]` stands for that call's result."""

    html: str = ""
    holes: tuple[Hole, ...] = ()


# markdown-it turns NUL in the source into U+FFFD, so a NUL in the output can only be one of our marks.
# The "&" shows whether the renderer escaped the mark (an attribute, e.g. a site link's href): "&amp;".
_MARK = re.compile(r"\x00(\d+)(&|&amp;)\x00")


class _Recorder:
    """A resolver that answers every call, whatever the method, with a numbered mark, and remembers it."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, tuple[Any, ...]]] = []

    def __getattr__(self, method: str):
        if method.startswith("_"):
            raise AttributeError(method)

        def mark(*args: Any) -> str:
            self.calls.append((method, args))
            return f"\x00{len(self.calls) - 1}&\x00"

        return mark


def compile_doc(md: MarkdownIt, job: ParseJob) -> Doc:
    """Parse and pre-render one body; a body whose marks can't be found again keeps its tokens.

    The Rust parser takes every body it can give exactly (`fastpath.py`); markdown-it-py the others.
    """
    from .fastpath import compile_fast  # it builds on this module's CompiledDoc

    fast = compile_fast(job, bool(md.options.get("html")))
    return fast if fast is not None else compile_slow(md, job)


def compile_slow(md: MarkdownIt, job: ParseJob) -> Doc:
    """`compile_doc` through markdown-it-py and its tokens: the reference the Rust path is held to."""
    doc = parse(md, *job)
    recorder = _Recorder()
    html = render(md, doc, recorder)
    if [int(n) for n, _ in _MARK.findall(html)] != list(range(len(recorder.calls))):
        return doc  # a mark was dropped, doubled or transformed: render from the tokens instead
    holes = tuple(Hole(method, _shared_args(args)) for method, args in recorder.calls)
    refs = tuple(_shared_ref(*_ref_fields(r)) for r in doc.refs)
    return CompiledDoc([], {}, refs, doc.headings, doc.words, doc.images, doc.problems, html, holes)


def parse_each(md: MarkdownIt, jobs: list[ParseJob]) -> list[Doc]:
    return [compile_doc(md, job) for job in jobs]


def render_body(md: MarkdownIt, doc: Doc, resolver: Resolver) -> str:
    if not isinstance(doc, CompiledDoc):
        return render(md, doc, resolver)
    values = [getattr(resolver, hole.method)(*hole.args) for hole in doc.holes]
    return _MARK.sub(lambda m: values[int(m[1])] if m[2] == "&" else escapeHtml(str(values[int(m[1])])), doc.html)


def names_a_mission(doc: Doc) -> bool:
    """Whether a heading of the body is or holds a mission reference (`## [[mars-2]]`)."""
    return any(heading.parts for heading in doc.headings)


def name_headings(doc: Doc, names: Mapping[str, str]) -> Doc:
    """The body with every heading that names a mission (`## [[mars-2]]`) worded with the name (slug -> name,
    in the body's language), for the table of contents, and with its id made from it (`id="mars-2"` from
    "Mars 2", `id="марс-2"` from «Марс-2»).

    The graph calls this once it knows the names; a body without such headings is returned as it is. The
    new ids are unique against the templates' ids and every id the parser gave, in the order of the page.
    An unknown slug (reported by the graph) keeps the slug.
    """
    if not names_a_mission(doc):
        return doc
    taken = set(RESERVED_IDS) | {h.id for h in doc.headings if h.id and not _pending(h.id)}
    ids: dict[str, str] = {}
    headings = []
    for heading in doc.headings:
        if not heading.parts:
            headings.append(heading)
            continue
        words = (names.get(part, part) if odd else part for odd, part in _alternating(heading.parts))
        text = "".join(words).strip()
        ident = heading.id
        if _pending(ident):
            ident = ids[heading.id] = unique_id(slugify(text), taken)
        headings.append(Heading(heading.level, ident, text))
    if isinstance(doc, CompiledDoc):
        html = _PENDING.sub(lambda m: f'id="{escapeHtml(ids[m[1]])}"', doc.html)
        return replace(doc, headings=tuple(headings), html=html)
    return replace(doc, tokens=[_named(token, ids) for token in doc.tokens], headings=tuple(headings))


_PENDING = re.compile(r'id="(\x00heading-\d+\x00)"')  # markdown.PENDING in the HTML


def _pending(ident: str) -> bool:
    return ident.startswith(PENDING[0])  # NUL: no id from the source starts with it


def _alternating(parts: tuple[str, ...]):
    """(False, words), (True, slug), (False, words), ..."""
    return ((index % 2 == 1, part) for index, part in enumerate(parts))


def _named(token, ids: Mapping[str, str]):
    ident = token.attrs.get("id") if token.type == "heading_open" else None
    if ident not in ids:
        return token
    token = token.copy()
    token.attrSet("id", ids[ident])
    return token


def to_bytes(doc: CompiledDoc) -> bytes:
    """For the cache: one line of JSON (everything but the HTML), then the HTML."""
    meta = {
        "refs": [list(_ref_fields(r)) for r in doc.refs],
        "headings": [[h.level, h.id, h.text, list(h.parts)] for h in doc.headings],
        "words": doc.words,
        "images": [list(astuple(image)) for image in doc.images],
        "problems": [list(p) for p in doc.problems],
        "holes": [[h.method, list(h.args)] for h in doc.holes],
    }
    return json.dumps(meta, ensure_ascii=False, separators=(",", ":")).encode() + b"\n" + doc.html.encode()


def from_bytes(blob: bytes) -> CompiledDoc:
    """The inverse of `to_bytes`; raises ValueError (or KeyError, TypeError) on anything malformed."""
    head, _, html = blob.partition(b"\n")
    meta = json.loads(head)
    text = html.decode()
    holes = tuple(Hole(sys.intern(method), _shared_args(args)) for method, args in meta["holes"])
    if sorted(int(n) for n, _ in _MARK.findall(text)) != list(range(len(holes))):
        raise ValueError("the HTML's marks do not match the holes")
    return CompiledDoc(
        tokens=[],
        env={},
        refs=tuple(_shared_ref(*fields) for fields in meta["refs"]),
        headings=tuple(Heading(level, ident, text, tuple(parts)) for level, ident, text, parts in meta["headings"]),
        words=int(meta["words"]),
        images=tuple(ImageRef(*fields) for fields in meta["images"]),
        problems=tuple((int(line), int(col), str(message)) for line, col, message in meta["problems"]),
        html=text,
        holes=holes,
    )


def _ref_fields(ref: Ref) -> tuple:
    return (ref.kind, ref.target, ref.detail, ref.line, ref.col, ref.raw)


# The same text in every reference (kinds, slugs, source keys) is kept as one string object, not
# thousands: at 5,000 pages the references and holes hold about a million strings (35 MB).


def _shared(value: Any) -> Any:
    return sys.intern(value) if isinstance(value, str) else value


def _shared_ref(kind: str, target: str, detail: str | None, line: int, col: int, raw: str) -> Ref:
    return Ref(sys.intern(kind), sys.intern(target), _shared(detail), line, col, sys.intern(raw))


def _shared_args(args) -> tuple:
    """A resolver call's arguments: text, None, or a list of source keys."""
    return tuple([_shared(k) for k in a] if isinstance(a, list) else _shared(a) for a in args)
