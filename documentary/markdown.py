"""One markdown-it parser with the documentary's small extensions.

`[[slug]]`, `[[slug|text]]`, `[[slug:fact.path]]` and `[[count:filters]]` refer to missions;
`[@key]` and `[@a; @b]` cite sources; a fenced ```` ```flightpath ```` block holding `missions: [a, b]` draws
those missions' flights. Parsing records every reference with its line and column;
rendering asks a resolver (supplied by the caller, who knows URLs) for each reference's HTML.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.token import Token
from mdit_py_plugins.attrs import attrs_block_plugin, attrs_plugin
from mdit_py_plugins.deflist import deflist_plugin
from mdit_py_plugins.footnote import footnote_plugin

from .markdown_images import ImageRef, image_ref, images_plugin

_CITE = re.compile(r"\[@([^\]]*)\]")  # over a line break too: editors wrap long lines inside [@a; @b]
_BREAK = re.compile(r"[ \t]*\n[ \t]*")
_KEY = re.compile(r"^@([a-z0-9]+(?:-[a-z0-9]+)*)$")
_WORD = re.compile(r"[\w’'-]+")
FLIGHTPATH = "flightpath"
_FLIGHTPATH = re.compile(r"^\s*missions:\s*\[([^\]\n]*)\]\s*$")
_FLIGHTPATH_HELP = "a flightpath block holds one line, missions: [slug, ...], e.g. missions: [mars-2, mars-3]"
# Ids the templates give their own elements: a heading must never get one of them (`## Main`).
TEMPLATE_IDS = frozenset(
    {
        "account-heading", "chapters-heading", "events-heading", "facts-heading", "filter-status",
        "flightpath-heading", "header-q", "landmarks", "main", "map-heading", "mentioned-heading",
        "search-form", "search-input", "search-program", "search-results", "search-status", "sites-caption",
        "sources-heading", "tally-heading", "timeline-filters", "toc", "toc-heading", "window-table-caption",
    }
)  # fmt: skip
NOTES_HEADING_ID = "footnotes-heading"  # the notes section's own heading (see _render_footnote_block_open)
RESERVED_IDS = TEMPLATE_IDS | {NOTES_HEADING_ID}  # no generated heading id is one of these
ANCHOR_LEVELS = (2, 3)
# The id of a heading that waits for a mission's name: NUL cannot come from the source (markdown-it makes
# it U+FFFD), so the placeholder is found again in the HTML and the tokens, and nowhere else.
PENDING = "\x00heading-{}\x00"


@dataclass(frozen=True)
class Ref:
    """A reference in prose: kind is mission, fact, count, cite, link or flightpath."""

    kind: str
    target: str
    detail: str | None
    line: int
    col: int
    raw: str


@dataclass(frozen=True)
class Heading:
    """A heading: level, id ("" at levels 1 and 4-6 without `{#id}`) and words (the contents show them).

    A heading naming a mission (`## [[mars-2]] reaches Mars`) has `parts`: its words and slugs alternating,
    `("", "mars-2", " reaches Mars")`. Its `text` holds the slugs and its id (when generated) is a
    placeholder (`PENDING`) until the graph, which knows the names in each language, calls
    `bodies.name_headings`.
    """

    level: int
    id: str
    text: str
    parts: tuple[str, ...] = ()


@dataclass(frozen=True)
class Doc:
    tokens: list[Token]
    env: dict[str, Any]
    refs: tuple[Ref, ...]
    headings: tuple[Heading, ...]
    words: int
    images: tuple[ImageRef, ...] = field(default=())
    problems: tuple[tuple[int, int, str], ...] = field(default=())  # (line, col, message): errors in the body

    @property
    def images_without_alt(self) -> tuple[tuple[int, int], ...]:
        return tuple((i.line, i.col) for i in self.images if not i.alt.strip())


class Resolver(Protocol):
    def wikilink(self, kind: str, target: str, detail: str | None) -> str: ...

    def cite(self, keys: list[str]) -> str: ...

    def site_url(self, path: str) -> str: ...

    def flightpath(self, slugs: list[str]) -> str: ...

    def image(self, src: str, alt: str, caption: str, alone: bool, lead: bool) -> str: ...

    def strings(self, key: str) -> str: ...  # a UI string in the page's language (the notes heading)


def make_parser(allow_html: bool = False) -> MarkdownIt:
    # xhtmlOut off: HTML void elements without the trailing slash (<br>, <hr>), as the Nu checker prefers
    md = MarkdownIt("commonmark", {"html": allow_html, "typographer": False, "xhtmlOut": False})
    md.enable(["table", "strikethrough"])
    md.use(footnote_plugin).use(deflist_plugin)
    md.use(attrs_plugin, allowed=["id", "class"]).use(attrs_block_plugin, allowed=["id", "class"])
    md.core.ruler.push("anchors", _anchors_rule)
    md.inline.ruler.at("link", _with_offset(md.inline.ruler, "link"))
    md.inline.ruler.at("image", _with_offset(md.inline.ruler, "image"))
    md.inline.ruler.before("link", "wikilink", _wikilink_rule)
    md.inline.ruler.before("link", "cite", _cite_rule)
    md.add_render_rule("wikilink", _render_wikilink)
    md.add_render_rule("cite", _render_cite)
    md.add_render_rule("link_open", _render_link_open)
    md.add_render_rule("footnote_caption", _render_footnote_caption)
    md.add_render_rule("fence", _render_fence)
    md.add_render_rule("footnote_block_open", _render_footnote_block_open)
    images_plugin(md)
    return md


def slugify(text: str) -> str:
    slug = re.sub(r"[^\w\s-]", "", text.lower()).strip()
    return re.sub(r"[\s_-]+", "-", slug) or "section"


def split_wikilink(inner: str) -> tuple[str, str, str | None]:
    """`count:f` -> (count, '', f); `a|t` -> (mission, a, t); `a:p` -> (fact, a, p); `a` -> (mission, a, None)."""
    inner = inner.strip()
    if inner.startswith("count:"):
        return "count", "", inner[len("count:") :].strip()
    if "|" in inner:
        slug, text = inner.split("|", 1)
        return "mission", slug.strip(), text.strip()
    if ":" in inner:
        slug, path = inner.split(":", 1)
        return "fact", slug.strip(), path.strip()
    return "mission", inner, None


def parse(md: MarkdownIt, text: str, first_line: int = 1, file_text: str | None = None) -> Doc:
    """Parse once; `first_line` is the file line where `text` starts.

    `file_text`, the whole file, gives exact columns for text embedded in YAML.
    """
    env: dict[str, Any] = {}
    tokens = md.parse(text, env)
    where = Locator(text, first_line, file_text)
    refs: list[Ref] = []
    headings: list[Heading] = []
    images: list[ImageRef] = []
    problems: list[tuple[int, int, str]] = []
    words = 0
    for index, token in enumerate(tokens):
        if token.type == "fence" and token.info.strip() == FLIGHTPATH:
            refs.extend(_flightpath_refs(token, where))
        if token.type != "inline":
            continue
        words += sum(len(_WORD.findall(c.content)) for c in token.children or () if c.type == "text")
        in_heading = bool(index) and tokens[index - 1].type == "heading_open"
        if in_heading:
            headings.append(_heading(tokens[index - 1], token))
        at = where.inline(token)
        brackets: list[list[tuple[int, int, str]]] = []  # the references after each `[` still open
        children = token.children or []
        for position, child in enumerate(children):
            offset = child.meta.get("offset") if child.meta else None
            if child.type in ("wikilink", "cite"):
                line, col = at(offset)
                refs.extend(_refs(child, at))
                if brackets:
                    brackets[-1].append((line, col, child.content))
                if in_heading and child.type == "wikilink" and refs[-1].kind in ("fact", "count"):
                    problems.append((line, col, heading_problem(refs[-1])))
            elif child.type == "text" and ("[" in child.content or "]" in child.content):
                problems += _in_link_text(child.content + _opens_link(children, position + 1), brackets)
            elif child.type == "link_open":
                href = str(child.attrs.get("href", ""))
                if _is_site_link(href):
                    refs.append(Ref("link", href, None, *at(offset), href))
            elif child.type == "image":
                images.append(image_ref(child, *at(offset)))
                problems += _in_alt_text(child, offset, at)
    return Doc(tokens, env, tuple(refs), tuple(headings), words, tuple(images), tuple(problems))


def _opens_link(children: list[Token], index: int) -> str:
    """`[` if the token at `index` is a link the link rule made (so it starts with `[` in the source), else ""."""
    after = children[index] if index < len(children) else None
    return "[" if after is not None and after.type == "link_open" and "offset" in (after.meta or {}) else ""


def _in_link_text(text: str, brackets: list[list[tuple[int, int, str]]]) -> list[tuple[int, int, str]]:
    """References between a `[` and a `](` or `][`: meant as a link's text, which cannot hold a link.

    markdown-it then makes no link of them (`[see [[a]]](/x/)` stays text), so the brackets are in text;
    in `[the [@k] record][r]` the `[r]` that follows becomes a link of its own (`text` ends with its `[`).
    """
    problems = []
    for index, char in enumerate(text):
        if char == "[":
            brackets.append([])
        elif char == "]" and brackets:
            inner = brackets.pop()
            if text[index + 1 : index + 2] in ("(", "["):
                problems += [(line, col, nested_problem(raw)) for line, col, raw in inner]
            elif brackets:
                brackets[-1] += inner
    return problems


def _in_alt_text(image: Token, offset: int | None, at) -> list[tuple[int, int, str]]:
    """References in an image's description (`![the [[mars-3]] lander](x.jpg)`): alt text is plain words, so
    markdown-it would drop them. Offsets in the description count from its start, after `![`."""
    start = (offset or 0) + 2
    return [
        (*at(start + child.meta["offset"]), alt_problem(child.content))
        for child in image.children or ()
        if child.type in ("wikilink", "cite")
    ]


def alt_problem(raw: str) -> str:
    what = "citation" if raw.startswith("[@") else "mission reference"
    return f"{what} {raw} inside an image's description: the alt text is plain words; write them out"


def heading_problem(ref: Ref) -> str:
    what = "fact" if ref.kind == "fact" else "count"
    return (
        f"{what} {ref.raw} in a heading: a heading holds words and mission names ([[slug]], [[slug|text]]),"
        f" which make its id and its entry in the contents; move the {what} into the text"
    )


def nested_problem(raw: str) -> str:
    what = "citation" if raw.startswith("[@") else "mission reference"
    return f"{what} {raw} inside a link's text: a link cannot hold another link; move it out of the [...]"


class Locator:
    """File line and column of a place in a body, from its offset in the body's text or in a block's content.

    Columns count characters. For a body embedded in YAML, each of its lines is found in the file's line,
    which adds the indentation the YAML scalar took away.
    """

    def __init__(self, text: str, first_line: int = 1, file_text: str | None = None):
        self.text = text
        self.first_line = first_line
        self.lines = text.split("\n")
        self.file_lines = file_text.split("\n")[first_line - 1 :] if file_text is not None else None
        self.starts = [0]
        for line in self.lines[:-1]:
            self.starts.append(self.starts[-1] + len(line) + 1)

    def offset(self, offset: int) -> tuple[int, int]:
        """Where character `offset` of the text is."""
        index = bisect.bisect_right(self.starts, offset) - 1
        shift = self._shift(index, self.lines[index]) if self.file_lines is not None else 0
        return self.first_line + index, offset - self.starts[index] + shift + 1

    def source_line(self, index: int) -> str:
        """Line `index` of the body as the file has it (with a YAML scalar's indentation)."""
        source = self.file_lines if self.file_lines is not None else self.lines
        return source[index] if index < len(source) else ""

    def _shift(self, index: int, content: str) -> int:
        """How far right of the start of source line `index` the text `content` begins."""
        line = self.source_line(index)
        found = line.find(content) if content else 0
        return max(found, 0)

    def inline(self, token: Token):
        """A function from an offset in `token.content` (None: unknown) to the file line and column.

        Block parsing strips a container's markers and indentation from each content line; each line is
        found again in its source line. In a table row two equal cells give the first one's column.
        """
        first = token.map[0] if token.map else 0
        content = token.content
        cache: dict[int, int] = {}

        def at(offset: int | None) -> tuple[int, int]:
            if offset is None:
                return self.first_line + first, 1
            row = content.count("\n", 0, offset)
            start = content.rfind("\n", 0, offset) + 1
            if row not in cache:
                end = content.find("\n", start)
                cache[row] = self._shift(first + row, content[start : end if end >= 0 else len(content)])
            return self.first_line + first + row, offset - start + cache[row] + 1

        return at


def render(md: MarkdownIt, doc: Doc, resolver: Resolver) -> str:
    env = dict(doc.env)
    env["resolver"] = resolver
    return md.renderer.render(doc.tokens, md.options, env)


def _refs(token: Token, at: Callable[[int | None], tuple[int, int]]) -> list[Ref]:
    raw, offset = token.content, token.meta["offset"]
    if token.type == "wikilink":
        kind, target, detail = split_wikilink(token.meta["inner"])
        return [Ref(kind, target, detail, *at(offset), raw)]
    keys, shifts = token.meta["keys"], token.meta["shifts"]
    return [Ref("cite", key, None, *at(offset + shift), raw) for key, shift in zip(keys, shifts, strict=True)]


def cite_keys(inner: str) -> tuple[tuple[str, int], ...]:
    """Each key of a citation `[@inner]`: its slug (the text as written when it is not one), and where it is
    reported, as an offset from the `[@`: the first at the `[`, every other at its own `@`, so a wrapped
    `[@a;\n@b]` names `@b`'s line."""
    parts = inner.split(";")
    offsets, start = [0], 2 + len(parts[0]) + 1
    for part in parts[1:]:
        offsets.append(start + len(part) - len(part.lstrip()))
        start += len(part) + 1
    return tuple(zip((_cite_key(_one_line(part).strip()) for part in parts), offsets, strict=True))


def _cite_key(text: str) -> str:
    match = _KEY.match(text)
    return match.group(1) if match else text


def flightpath_slugs(content: str) -> list[str] | None:
    """The slugs of a flightpath block, or None if it is not one `missions: [...]` line."""
    lines = [line for line in content.split("\n") if line.strip()]
    match = _FLIGHTPATH.match(lines[0]) if len(lines) == 1 else None
    slugs = [s.strip() for s in match.group(1).split(",")] if match else []
    return slugs if slugs and all(slugs) else None


def _flightpath_refs(token: Token, where: Locator) -> list[Ref]:
    """One ref per mission of the block, at its own line and column; or one naming what is wrong."""
    start = token.map[0] + 1  # the line after the opening fence
    slugs = flightpath_slugs(token.content)
    if slugs is None:
        return [Ref(FLIGHTPATH, "", _FLIGHTPATH_HELP, where.first_line + start - 1, 1, token.content)]
    refs = []
    for number in range(start, token.map[1]):
        text_line = where.source_line(number)
        if "missions:" not in text_line:
            continue
        at = text_line.index("[") + 1
        for slug in slugs:
            col = text_line.find(slug, at)
            refs.append(Ref(FLIGHTPATH, slug, None, where.first_line + number, col + 1, "the flightpath block"))
            at = col + len(slug)
        break
    return refs


def heading_parts(inline: Token) -> tuple[str, ...]:
    """A heading's words and the slugs of the missions it names, alternating (words first and last).

    `[[slug|text]]` counts as its text; citations, notes, facts and counts add no words (a fact or count in
    a heading is reported by `parse`), pictures neither.
    """
    parts = [""]
    for child in inline.children or ():
        if child.type in ("text", "code_inline"):
            parts[-1] += child.content
        elif child.type in ("softbreak", "hardbreak"):  # a setext heading over two lines: two words
            parts[-1] += " "
        elif child.type == "wikilink":
            kind, target, detail = split_wikilink(child.meta["inner"])
            if kind == "mission" and detail:
                parts[-1] += detail
            elif kind == "mission":
                parts += [target, ""]
    return tuple(parts)


def _heading(opener: Token, inline: Token) -> Heading:
    parts = heading_parts(inline)
    text = "".join(parts).strip()
    return Heading(int(opener.tag[1]), str(opener.attrs.get("id", "")), text, parts if len(parts) > 1 else ())


def unique_id(slug: str, taken: set[str]) -> str:
    """`slug`, or `slug-1`, `slug-2`, ... : the first not yet taken (it is then taken)."""
    found, number = slug, 1
    while found in taken:
        found, number = f"{slug}-{number}", number + 1
    taken.add(found)
    return found


def _anchors_rule(state) -> None:
    """An id for every level-2 and level-3 heading, from its words, unique in the page and the templates.

    Explicit `{#id}` ids are reserved first, so a generated id never takes one, whatever the order. A
    heading naming a mission gets a placeholder: its id is made from the name, after all the others
    (`bodies.name_headings`), so the ids of the other headings never depend on a name.
    """
    tokens = state.tokens
    openers = [(i, t) for i, t in enumerate(tokens) if t.type == "heading_open"]
    taken = set(RESERVED_IDS) | {str(t.attrs["id"]) for _, t in openers if t.attrs.get("id")}
    pending = 0
    for index, token in openers:
        if int(token.tag[1]) in ANCHOR_LEVELS and not token.attrs.get("id"):
            parts = heading_parts(tokens[index + 1])
            if len(parts) > 1:
                token.attrSet("id", PENDING.format(pending))
                pending += 1
            else:
                token.attrSet("id", unique_id(slugify(parts[0]), taken))


def _with_offset(ruler, name: str):
    """The inline rule `name`, recording where in the block's content its token starts."""
    rule = next(r.fn for r in ruler.__rules__ if r.name == name)

    def recording(state, silent: bool) -> bool:
        start, count = state.pos, len(state.tokens)
        found = rule(state, silent)
        if found and not silent:  # pending text is pushed first: the rule's own token is the first not text
            token = next((t for t in state.tokens[count:] if t.type != "text"), None)
            if token is not None:
                token.meta = {**(token.meta or {}), "offset": start}
        return found

    return recording


def _wikilink_rule(state, silent: bool) -> bool:
    src, pos = state.src, state.pos
    if not src.startswith("[[", pos):
        return False
    end = src.find("]]", pos + 2)
    inner = src[pos + 2 : end] if end > 0 else ""
    if not inner.strip() or "[" in inner:
        return False
    if not silent:
        token = state.push("wikilink", "", 0)
        token.content = _one_line(src[pos : end + 2])
        token.meta = {"inner": _one_line(inner), "offset": pos}
    state.pos = end + 2
    return True


def _cite_rule(state, silent: bool) -> bool:
    match = _CITE.match(state.src, state.pos)
    if not match or not state.src.startswith("[@", state.pos):
        return False
    if not silent:
        located = cite_keys(match.group(1))
        token = state.push("cite", "", 0)
        token.content = _one_line(match.group(0))
        token.meta = {"keys": [k for k, _ in located], "offset": state.pos, "shifts": [at for _, at in located]}
    state.pos = match.end()
    return True


def _one_line(text: str) -> str:
    """A reference wrapped over lines as one line, each break and the spaces around it one space: what it names,
    and how messages quote it. A reference on one line is left as it is (the Rust path keeps it so)."""
    return _BREAK.sub(" ", text) if "\n" in text else text


def _is_site_link(href: str) -> bool:
    """`/timeline/` means a page of this site, wherever the site is served from."""
    return href.startswith("/") and not href.startswith("//")


def _render_link_open(renderer, tokens, idx, options, env) -> str:
    token = tokens[idx]
    href = str(token.attrs.get("href", ""))
    if _is_site_link(href):
        token = token.copy()
        token.attrs["href"] = env["resolver"].site_url(href)
    return renderer.renderToken([token], 0, options, env)


def note_letter(number: int) -> str:
    """1 -> a, 26 -> z, 27 -> aa: notes are lettered so they never look like numbered citations."""
    letters = ""
    while number > 0:
        number, rest = divmod(number - 1, 26)
        letters = chr(ord("a") + rest) + letters
    return letters


NOTES_HEADING_KEY = "footnotes.heading"  # the UI string of the heading, in the page's language


def footnotes_open(heading: str) -> str:
    """The start of the notes section; `heading` is the heading's HTML (the fast path gives the same)."""
    return (
        '<hr class="footnotes-sep">\n'
        f'<section class="footnotes" aria-labelledby="{NOTES_HEADING_ID}">\n'
        f'<h2 id="{NOTES_HEADING_ID}" class="footnotes-heading">{heading}</h2>\n'
        '<ol class="footnotes-list">\n'
    )


def _render_footnote_block_open(renderer, tokens, idx, options, env) -> str:
    """The notes are a section of the page, so they get a heading (the plugin's own markup has none).

    Its words are the resolver's UI string (`strings(key)`), so a Russian page says «Примечания».
    """
    return footnotes_open(escapeHtml(env["resolver"].strings(NOTES_HEADING_KEY)))


def _render_footnote_caption(renderer, tokens, idx, options, env) -> str:
    meta = tokens[idx].meta
    caption = note_letter(meta["id"] + 1)
    if meta.get("subId", -1) > 0:
        caption += f":{meta['subId']}"
    return f"[{caption}]"


def _render_fence(renderer, tokens, idx, options, env) -> str:
    token = tokens[idx]
    if token.info.strip() != FLIGHTPATH:
        return renderer.fence(tokens, idx, options, env)
    slugs = flightpath_slugs(token.content)
    return env["resolver"].flightpath(slugs) + "\n" if slugs else ""


def _render_wikilink(renderer, tokens, idx, options, env) -> str:
    kind, target, detail = split_wikilink(tokens[idx].meta["inner"])
    return env["resolver"].wikilink(kind, target, detail)


def _render_cite(renderer, tokens, idx, options, env) -> str:
    return env["resolver"].cite(tokens[idx].meta["keys"])
