"""Bodies compiled by markdown-it-pyrs, the Rust port of markdown-it: the same HTML, about ten times sooner.

markdown-it-pyrs has the CommonMark core, tables, footnotes and definition lists, but takes no Python
plugins: no `[[...]]`, `[@...]` or `{#id .class}`, no heading ids of ours, and footnotes numbered its own
way. So a body goes through it only when the Rust parser can give exactly what `markdown.parse` plus
`bodies.compile_doc` give, and `compile_fast` returns None for any other body, which then takes the
markdown-it-py path. How it keeps the result exact:

- Before parsing, each `[[...]]` and `[@...]` is replaced by a mark, `⸀n⸁` (two Unicode punctuation
  marks, so emphasis next to it behaves as next to `[`); its source offset is kept, so its line and column
  are exact. After rendering, a mark in plain text becomes a hole for the resolver, a mark inside code
  becomes its source text again, a mark inside a link's text is an error, and a mark anywhere else (an
  attribute, a URL) sends the body to markdown-it-py.
- Whatever could parse differently once a reference is a mark (a reference definition `[@x]: /url`, a
  reference right before `(` or `[`, `|` in a wikilink where a table could split it, `![[`, `[[[`), and
  whatever the Rust parser lacks (`{`, raw HTML allowed), images and ```` ```flightpath ```` blocks (only
  `markdown.parse` records them and asks the resolver for their HTML), and headings holding a `[[...]]`
  (their words and ids wait for a mission's name, see `bodies.name_headings`) also go to markdown-it-py.
- Footnotes are renumbered by first reference and lettered as `markdown.py` does; heading ids come from
  the same `slugify` and `unique_id`; site links become `site_url` holes; words are counted from the
  same text. `tests/unit/test_fastpath.py` compares both paths on every body of the real site, the
  fixtures, the CommonMark examples and a set of edge cases.
"""

from __future__ import annotations

import bisect
import html
import re
import unicodedata
from collections import Counter
from functools import cache
from sys import intern

import markdown_it_pyrs
from markdown_it.common.utils import escapeHtml

from .bodies import CompiledDoc, Hole, ParseJob
from .markdown import (
    _WORD,
    ANCHOR_LEVELS,
    NOTES_HEADING_KEY,
    RESERVED_IDS,
    Heading,
    Locator,
    Ref,
    _is_site_link,
    cite_keys,
    footnotes_open,
    note_letter,
    slugify,
    split_wikilink,
    unique_id,
)

OPEN, CLOSE = "\u2e00", "\u2e01"
_RULES = [
    "blockquote", "code", "fence", "heading", "hr", "lheading", "list", "paragraph", "reference",
    "autolink", "backticks", "emphasis", "entity", "escape", "image", "link", "newline",
    "strikethrough", "table", "footnote", "deflist",
]  # fmt: skip
_CANDIDATE = re.compile(r"\[\[[^\[\n]*?\]\]|\[@[^\]\n]*\]")
_REF_DEFINITION = re.compile(r"\[@[^\]\n]*\]:")
_WRAPPED = re.compile(r"\[\[[^\[\]\n]*\n|\[@[^\]\n]*\n")  # a reference that may go on past a line break
_TABLE_RULE = re.compile(r"^[ \t]*\|?[ \t]*:?-+:?[ \t]*(\|[ \t]*:?-*:?[ \t]*)*\|?[ \t]*$", re.M)
_TAG = re.compile(r"<[^>]*>")
_MARK = re.compile(f"{OPEN}(\\d+){CLOSE}")
_BESIDE_EMPHASIS = re.compile(r"(?<=[*_])[^\x00-\x7f]|[^\x00-\x7f](?=[*_])")
_FENCE = re.compile(r"[ \t]*(```|~~~)")
_BACKTICKS = re.compile(r"`+")
_IN_LINK_TEXT = re.compile(f"\\[[^\\[\\]]*{OPEN}[^\\[\\]]*\\][(\\[]")
_ENCODED_MARK = "%E2%B8%80"
_FOOTNOTE_REF = re.compile(r'<sup class="footnote-ref"><a href="#fn(\d+)" id="fnref(\d+)">\[\d+\]</a></sup>')
_FOOTNOTES = '<hr class="footnotes-sep" />\n<section class="footnotes">\n<ol class="footnotes-list">\n'
_FOOTNOTE_ITEM = re.compile(r'<li id="fn(\d+)" class="footnote-item">\n(.*?)</li>\n', re.S)
_BACKREF = re.compile(r'<a href="#fnref(\d+)" class="footnote-backref">')
_HEADING = re.compile(r"<h([1-6])>(.*?)</h\1>", re.S)
_CODE = re.compile(r"<code[^>]*>.*?</code>", re.S)
_SUP = re.compile(r'<sup class="footnote-ref">.*?</sup>', re.S)


@cache
def _parser() -> markdown_it_pyrs.MarkdownIt:
    """Raw HTML stays text: the html rules are left out (bodies that allow HTML take markdown-it-py)."""
    return markdown_it_pyrs.MarkdownIt("zero").enable_many(_RULES)


def _rust(call, text: str):
    """`call(text)`, or None where the Rust parser panics (property tests found inputs that do):
    markdown-it-py then parses the body."""
    try:
        return call(text)
    except BaseException as exc:  # pyo3's PanicException derives from BaseException
        if type(exc).__name__ != "PanicException":
            raise
        return None


class _Found:
    """One `[[...]]` or `[@...]` found in the source."""

    __slots__ = ("raw", "start", "end")

    def __init__(self, raw: str, start: int):
        self.raw, self.start, self.end = raw, start, start + len(raw)


def compile_fast(job: ParseJob, allow_html: bool) -> CompiledDoc | None:
    """The compiled body, or None when only markdown-it-py can give the exact result."""
    text = job.text
    if allow_html or "{" in text or OPEN in text or CLOSE in text or "\x00" in text:
        return None
    if "![" in text or "flightpath" in text:
        return None  # only markdown-it-py records images and flightpath blocks and asks the resolver for them
    if not text.isascii() and _symbol_next_to_emphasis(text):
        return None
    if "^[" in text or ("`" in text and "[" in text and _unpaired_backticks(text)):
        return None  # markdown-it-pyrs 0.4 can panic on `[` before an unclosed code span or `^[`
    found = _references(text)
    if found is None:
        return None
    marked, starts = _mark(text, found)
    if found and _IN_LINK_TEXT.search(marked):
        return None  # markdown-it-py reports a reference meant as a link's text
    rendered = _rust(_parser().render, marked)
    if rendered is None:
        return None
    rendered = rendered.replace("<blockquote>\n</blockquote>", "<blockquote></blockquote>")
    if _ENCODED_MARK in rendered:
        return None
    rendered = _footnotes(rendered)
    if rendered is None:
        return None
    where = Locator(text, job.first_line, job.file_text)
    filled = _fill(rendered, found, where)
    if filled is None:
        return None
    body, holes = filled
    named = _headings(body, holes)
    if named is None:
        return None
    body, headings = named
    links = _links(marked, body, starts, where)
    if links is None:
        return None
    body, holes = _site_links(body, holes, links)
    if body is None:
        return None
    words = _words(body)
    body, holes = _notes_heading(body, holes)
    return CompiledDoc(
        tokens=[],
        env={},
        refs=tuple(r for *_, refs in holes for r in refs),
        headings=headings,
        words=words,
        html=_html5_void(body),
        holes=tuple(Hole(method, args) for method, args, _ in holes),
    )


def _references(text: str) -> list[_Found] | None:
    """Every reference the inline rules of `markdown.py` would take, or None if that is not certain.

    `_CANDIDATE` is those rules as one expression for references on one line: a wikilink ends at the first
    `]]` and holds no `[`; a citation is `_CITE`. One that may go on past a line break takes markdown-it-py.
    """
    if "[" not in text:
        return []
    if _REF_DEFINITION.search(text) or _WRAPPED.search(text) or "![[" in text or "[[[" in text:
        return None
    table = _table_spans(text) if "|" in text else []
    found: list[_Found] = []
    for match in _CANDIDATE.finditer(text):
        raw, start = match[0], match.start()
        if start and text[start - 1] == "\\" and _escaped(text, start):
            continue
        if raw[1] == "[" and not raw[2:-2].strip():
            continue
        after = text[match.end() : match.end() + 1]
        if after in ("(", "[") or (table and "|" in raw and any(a <= start < b for a, b in table)):
            return None  # next to link syntax, or a `|` the table rule could split a cell at
        found.append(_Found(raw, start))
    return found


def _symbol_next_to_emphasis(text: str) -> bool:
    """A `*` or `_` beside a Unicode symbol (£, €): CommonMark 0.31 and markdown-it-py count symbols as
    punctuation for emphasis, markdown-it-pyrs does not."""
    return any(unicodedata.category(m[0])[0] == "S" for m in _BESIDE_EMPHASIS.finditer(text))


def _unpaired_backticks(text: str) -> bool:
    """A run of backticks with no run of the same length to close it on its line (fence lines aside);
    also true of a code span over two lines, which then simply takes markdown-it-py."""
    for line in text.split("\n"):
        if "`" not in line or _FENCE.match(line):
            continue
        if "\\" in line:
            return True  # an escaped backtick, or an escaped backslash before one
        lengths = Counter(len(run) for run in _BACKTICKS.findall(line))
        if any(count % 2 for count in lengths.values()):
            return True
    return False


def _table_spans(text: str) -> list[tuple[int, int]]:
    """Offsets that could be in a table: from the line above each delimiter row to the next blank line."""
    spans = []
    for rule in _TABLE_RULE.finditer(text):
        start = text.rfind("\n", 0, max(rule.start() - 1, 0)) + 1
        blank = re.compile(r"\n[ \t]*(\n|$)").search(text, rule.end())
        spans.append((start, blank.start() if blank else len(text)))
    return spans


def _escaped(text: str, index: int) -> bool:
    count = 0
    while index > count and text[index - count - 1] == "\\":
        count += 1
    return count % 2 == 1


def _mark(text: str, found: list[_Found]) -> tuple[str, list[tuple[int, int]]]:
    """The text with each reference replaced by its mark, and (marked offset, source offset) pairs."""
    parts, starts, last, shift = [], [(0, 0)], 0, 0
    for number, ref in enumerate(found):
        mark = f"{OPEN}{number}{CLOSE}"
        parts += [text[last : ref.start], mark]
        shift += len(mark) - len(ref.raw)
        starts.append((ref.end + shift, ref.end))
        last = ref.end
    parts.append(text[last:])
    return "".join(parts), starts


def _source_offset(starts: list[tuple[int, int]], offset: int) -> int:
    """A marked-text offset outside any mark, back in the source."""
    index = bisect.bisect_right(starts, (offset, float("inf"))) - 1
    marked, source = starts[index]
    return source + offset - marked


def _footnotes(body: str) -> str | None:
    """Footnotes as mdit-py-plugins numbers them (by first reference) and as `markdown.py` letters them;
    None for a footnote section this cannot take apart for certain (a list inside a footnote)."""
    if 'class="footnote-ref"' not in body:
        return body
    number: dict[str, int] = {}
    seen: dict[str, int] = {}
    backrefs: dict[str, str] = {}

    def ref(match: re.Match) -> str:
        definition, ref_id = match[1], match[2]
        ident = number.setdefault(definition, len(number) + 1)
        sub = seen.get(definition, 0)
        seen[definition] = sub + 1
        suffix = f":{sub}" if sub else ""
        backrefs[ref_id] = f"{ident}{suffix}"
        caption = note_letter(ident) + suffix
        return f'<sup class="footnote-ref"><a href="#fn{ident}" id="fnref{ident}{suffix}">[{caption}]</a></sup>'

    head, sep, section = body.partition(_FOOTNOTES)
    head = _FOOTNOTE_REF.sub(ref, head)
    if not sep:
        return head
    items = {m[1]: m[2] for m in _FOOTNOTE_ITEM.finditer(section)}
    if section.count("<li") != len(items) or 'class="footnote-ref"' in "".join(items.values()):
        return None  # a list, or a reference to a note, inside a note
    if any(not inner.startswith("<p>") for inner in items.values()):
        return None
    out = [head, sep]
    for ident, definition in sorted((number[d], d) for d in items if d in number):
        inner = _BACKREF.sub(lambda m: f'<a href="#fnref{backrefs[m[1]]}" class="footnote-backref">', items[definition])
        out.append(f'<li id="fn{ident}" class="footnote-item">{inner}</li>\n')
    out.append("</ol>\n</section>\n")
    return "".join(out)


def _fill(body: str, found: list[_Found], where: Locator):
    """Marks become holes (or source text in code); None if one sits where markdown-it-py could differ
    (in a tag, or in a link's text).

    Raw HTML is escaped, so a `<` in the output always opens a tag of the renderer's: the tags before a
    mark tell whether it stands inside a tag, a code span or block, or a link's text.
    """
    holes: list[tuple[str, tuple, tuple[Ref, ...]]] = []
    used = [False] * len(found)
    inside = _Inside(body)

    def fill(match: re.Match) -> str:
        number, at = int(match[1]), match.start()
        if used[number] or body.rfind("<", 0, at) > body.rfind(">", 0, at):
            raise _Unsure
        used[number] = True
        ref = found[number]
        if inside.code(at):
            return escapeHtml(ref.raw)
        if inside.link(at):  # markdown-it-py makes no link of `[a [[b]]](/c/)`, and reports it
            raise _Unsure
        method, args, parts = _parsed(ref.raw)
        holes.append((method, args, tuple(Ref(*part, *where.offset(ref.start + at), raw) for *part, raw, at in parts)))
        return f"\x00{len(holes) - 1}&\x00"

    try:
        body = _MARK.sub(fill, body)
    except _Unsure:
        return None
    return (body, holes) if all(used) else None


_CONTAINER = re.compile(r"<(/?)(code|a)[ >]")


class _Inside:
    """Whether an offset of the HTML is inside a code span or block, or inside a link's text."""

    def __init__(self, body: str):
        self.tags = {"code": ([], []), "a": ([], [])}
        for tag in _CONTAINER.finditer(body):
            self.tags[tag[2]][bool(tag[1])].append(tag.start())

    def _in(self, name: str, at: int) -> bool:
        opens, closes = self.tags[name]
        return bool(opens) and bisect.bisect(opens, at) > bisect.bisect(closes, at)

    def code(self, at: int) -> bool:
        return self._in("code", at)

    def link(self, at: int) -> bool:
        return self._in("a", at)


_WIKILINK, _CITE_HOLE = intern("wikilink"), intern("cite")


@cache
def _parsed(raw: str) -> tuple[str, tuple, tuple[tuple[str, str, str | None, str, int], ...]]:
    """A reference's resolver call and its Ref fields but the position, with each one's offset in `raw`
    (`markdown.cite_keys`); the same text is parsed once."""
    raw = intern(raw)
    if raw.startswith("[["):
        kind, target, detail = split_wikilink(raw[2:-2])
        kind, target, detail = intern(kind), intern(target), detail and intern(detail)
        return _WIKILINK, (kind, target, detail), ((kind, target, detail, raw, 0),)
    located = [(intern(key), at) for key, at in cite_keys(raw[2:-1])]
    return _CITE_HOLE, ([key for key, _ in located],), tuple((_CITE_HOLE, key, None, raw, at) for key, at in located)


class _Unsure(Exception):
    """A mark doubled, or inside a tag: the body takes markdown-it-py."""


def _headings(body: str, holes: list) -> tuple[str, tuple[Heading, ...]] | None:
    """Ids for level-2 and -3 headings and every heading's text, as `markdown.py` gives them; None for a
    heading holding a `[[...]]` (its words wait for a name, or it is an error: markdown-it-py's part)."""
    if "<h" not in body:
        return body, ()
    taken = set(RESERVED_IDS)
    headings: list[Heading] = []

    def heading(match: re.Match) -> str:
        level, inner = int(match[1]), match[2]
        if any(holes[int(n)][0] == _WIKILINK for n in _HOLE.findall(inner)):
            raise _Unsure
        plain = _SUP.sub("", inner).replace("\n", " ")  # a line break in a setext heading parts two words
        title = html.unescape(_TAG.sub("", _HOLE.sub("", plain))).strip()  # citations add no words
        ident = unique_id(slugify(title), taken) if level in ANCHOR_LEVELS else ""
        headings.append(Heading(level, ident, title))
        return f'<h{level} id="{ident}">{inner}</h{level}>' if ident else match[0]

    try:
        return _HEADING.sub(heading, body), tuple(headings)
    except _Unsure:
        return None


def _links(marked: str, body: str, starts, where: Locator) -> dict[str, list[tuple[int, int]]] | None:
    """Site links with their exact positions, from the Rust parser's tree (images never come here)."""
    if 'href="/' not in body:
        return {}
    to_chars = _char_offsets(marked)
    links: dict[str, list[tuple[int, int]]] = {}
    tree = _rust(_parser().tree, marked)
    if tree is None:
        return None
    for node in tree.walk():
        if node.name != "link" or node.srcmap is None:
            continue
        url = str(node.meta.get("url", ""))
        if _is_site_link(url):
            links.setdefault(url, []).append(where.offset(_source_offset(starts, to_chars(node.srcmap[0]))))
    return links


def _char_offsets(text: str):
    if text.isascii():
        return lambda offset: offset
    data = text.encode()
    return lambda offset: len(data[:offset].decode(errors="ignore"))


_HOLE = re.compile("\x00(\\d+)&\x00")


def _site_links(body: str, holes: list, links: dict[str, list[tuple[int, int]]]):
    """Each site link's href becomes a `site_url` hole; every hole is numbered again in the order of the HTML.

    A link's position comes from the tree; two links to the same page are matched in order. None if a
    site link of the HTML is missing from the tree.
    """
    if 'href="/' not in body:
        return body, holes
    order: list[tuple[str, tuple, tuple[Ref, ...]]] = []
    queues = {url: list(reversed(at)) for url, at in links.items()}

    def renumber(match: re.Match) -> str:
        if match[1] is not None:
            order.append(holes[int(match[1])])
            return f"\x00{len(order) - 1}&\x00"
        url = html.unescape(match[2])
        if not _is_site_link(url) or not queues.get(url):
            raise _Unsure
        order.append(("site_url", (url,), (Ref("link", url, None, *queues[url].pop(), url),)))
        return f'<a href="\x00{len(order) - 1}&amp;\x00"'

    try:
        body = _HOLE_OR_HREF.sub(renumber, body)
    except _Unsure:
        return None, holes
    return body, order


_HOLE_OR_HREF = re.compile('\x00(\\d+)&\x00|<a href="(/(?!/)[^"]*)"')
_ANY_HOLE = re.compile("\x00(\\d+)(&|&amp;)\x00")


def _notes_heading(body: str, holes: list) -> tuple[str, list]:
    """The notes section opened as `markdown.py` opens it: a heading whose words are a `strings` hole.

    Holes are in the order of the HTML, as markdown-it-py calls the resolver; those after the heading move
    up by one.
    """
    head, sep, tail = body.partition(_FOOTNOTES)
    if not sep:
        return body, holes
    at = len(_ANY_HOLE.findall(head))
    tail = _ANY_HOLE.sub(lambda m: f"\x00{int(m[1]) + 1}{m[2]}\x00", tail)
    heading = ("strings", (NOTES_HEADING_KEY,), ())
    return head + footnotes_open(f"\x00{at}&amp;\x00") + tail, [*holes[:at], heading, *holes[at:]]


def _html5_void(body: str) -> str:
    """`<br>` and `<hr>` as markdown-it-py writes them with xhtmlOut off (raw HTML is text here, so every
    `<br />` is the renderer's own)."""
    return body.replace("<br />", "<br>").replace("<hr />", "<hr>")


def _words(body: str) -> int:
    """Words of the text, as `markdown.parse` counts them: not code, not references, not note numbers."""
    text = _TAG.sub(" ", _SUP.sub(" ", _CODE.sub(" ", _HOLE.sub(" ", body))))
    return len(_WORD.findall(html.unescape(text)))
