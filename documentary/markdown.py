"""One markdown-it parser with the documentary's small extensions.

`[[slug]]`, `[[slug|text]]`, `[[slug:fact.path]]` and `[[count:filters]]` refer to missions;
`[@key]` and `[@a; @b]` cite sources; a fenced ```` ```flightpath ```` block holding `missions: [a, b]` draws
those missions' flights. Parsing records every reference with its line and column;
rendering asks a resolver (supplied by the caller, who knows URLs) for each reference's HTML.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Protocol

from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.anchors import anchors_plugin
from mdit_py_plugins.attrs import attrs_block_plugin, attrs_plugin
from mdit_py_plugins.deflist import deflist_plugin
from mdit_py_plugins.footnote import footnote_plugin

from .markdown_images import ImageRef, image_refs, images_plugin

_CITE = re.compile(r"\[@([^\]\n]*)\]")
_KEY = re.compile(r"^@([a-z0-9]+(?:-[a-z0-9]+)*)$")
_WORD = re.compile(r"[\w’'-]+")
FLIGHTPATH = "flightpath"
_FLIGHTPATH = re.compile(r"^\s*missions:\s*\[([^\]\n]*)\]\s*$")
_FLIGHTPATH_HELP = "a flightpath block holds one line, missions: [slug, ...], e.g. missions: [mars-2, mars-3]"


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
    level: int
    id: str
    text: str


@dataclass(frozen=True)
class Doc:
    tokens: list[Token]
    env: dict[str, Any]
    refs: tuple[Ref, ...]
    headings: tuple[Heading, ...]
    words: int
    images: tuple[ImageRef, ...] = field(default=())

    @property
    def images_without_alt(self) -> tuple[tuple[int, int], ...]:
        return tuple((i.line, i.col) for i in self.images if not i.alt.strip())


class Resolver(Protocol):
    def wikilink(self, kind: str, target: str, detail: str | None) -> str: ...

    def cite(self, keys: list[str]) -> str: ...

    def site_url(self, path: str) -> str: ...

    def flightpath(self, slugs: list[str]) -> str: ...
    def image(self, src: str, alt: str, caption: str, alone: bool, lead: bool) -> str: ...


def make_parser(allow_html: bool = False) -> MarkdownIt:
    # xhtmlOut off: HTML void elements without the trailing slash (<br>, <hr>), as the Nu checker prefers
    md = MarkdownIt("commonmark", {"html": allow_html, "typographer": False, "xhtmlOut": False})
    md.enable(["table", "strikethrough"])
    md.use(footnote_plugin).use(deflist_plugin)
    md.use(attrs_plugin, allowed=["id", "class"]).use(attrs_block_plugin, allowed=["id", "class"])
    md.use(anchors_plugin, min_level=2, max_level=3, slug_func=slugify)
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
    lines = text.split("\n")
    if file_text is not None:
        lines = file_text.split("\n")[first_line - 1 :]
    refs: list[Ref] = []
    headings: list[Heading] = []
    images: list[ImageRef] = []
    words = 0
    last_map = 0
    for index, token in enumerate(tokens):
        last_map = token.map[0] if token.map else last_map
        if token.type == "fence" and token.info.strip() == FLIGHTPATH:
            refs.extend(_flightpath_refs(token, lines, first_line))
        if token.type != "inline":
            continue
        words += sum(len(_WORD.findall(c.content)) for c in token.children or () if c.type == "text")
        if index and tokens[index - 1].type == "heading_open":
            opener = tokens[index - 1]
            headings.append(Heading(int(opener.tag[1]), str(opener.attrs.get("id", "")), _plain(token)))
        images += image_refs(token, last_map, lines, first_line)
        for child in token.children or []:
            line = last_map + token.content.count("\n", 0, child.meta.get("offset", 0)) if child.meta else last_map
            if child.type in ("wikilink", "cite"):
                refs.extend(_refs(child, line, lines, first_line))
            elif child.type == "link_open" and _is_site_link(str(child.attrs.get("href", ""))):
                href = str(child.attrs["href"])
                text_line = lines[line] if line < len(lines) else ""
                refs.append(Ref("link", href, None, first_line + line, text_line.find(f"]({href}") + 3 or 1, href))
    return Doc(tokens, env, tuple(refs), tuple(headings), words, tuple(images))


def render(md: MarkdownIt, doc: Doc, resolver: Resolver) -> str:
    env = dict(doc.env)
    env["resolver"] = resolver
    return md.renderer.render(doc.tokens, md.options, env)


def _refs(token: Token, line: int, lines: list[str], first_line: int) -> list[Ref]:
    raw = token.content
    text_line = lines[line] if line < len(lines) else ""
    col = text_line.find(raw) + 1 or 1
    at = (first_line + line, col)
    if token.type == "wikilink":
        kind, target, detail = split_wikilink(token.meta["inner"])
        return [Ref(kind, target, detail, *at, raw)]
    return [Ref("cite", key, None, *at, raw) for key in token.meta["keys"]]


def flightpath_slugs(content: str) -> list[str] | None:
    """The slugs of a flightpath block, or None if it is not one `missions: [...]` line."""
    lines = [line for line in content.split("\n") if line.strip()]
    match = _FLIGHTPATH.match(lines[0]) if len(lines) == 1 else None
    slugs = [s.strip() for s in match.group(1).split(",")] if match else []
    return slugs if slugs and all(slugs) else None


def _flightpath_refs(token: Token, lines: list[str], first_line: int) -> list[Ref]:
    """One ref per mission of the block, at its own line and column; or one naming what is wrong."""
    start = token.map[0] + 1  # the line after the opening fence
    slugs = flightpath_slugs(token.content)
    if slugs is None:
        return [Ref(FLIGHTPATH, "", _FLIGHTPATH_HELP, first_line + start - 1, 1, token.content)]
    refs = []
    for number in range(start, token.map[1]):
        text_line = lines[number] if number < len(lines) else ""
        if "missions:" not in text_line:
            continue
        at = text_line.index("[") + 1
        for slug in slugs:
            col = text_line.find(slug, at)
            refs.append(Ref(FLIGHTPATH, slug, None, first_line + number, col + 1, "the flightpath block"))
            at = col + len(slug)
        break
    return refs


def _plain(token: Token) -> str:
    parts = []
    for child in token.children or []:
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type == "wikilink":
            kind, target, detail = split_wikilink(child.meta["inner"])
            parts.append(detail if kind == "mission" and detail else target)
    return "".join(parts).strip()


def _wikilink_rule(state, silent: bool) -> bool:
    src, pos = state.src, state.pos
    if not src.startswith("[[", pos):
        return False
    end = src.find("]]", pos + 2)
    inner = src[pos + 2 : end] if end > 0 else ""
    if not inner.strip() or "\n" in inner or "[" in inner:
        return False
    if not silent:
        token = state.push("wikilink", "", 0)
        token.content = src[pos : end + 2]
        token.meta = {"inner": inner, "offset": pos}
    state.pos = end + 2
    return True


def _cite_rule(state, silent: bool) -> bool:
    match = _CITE.match(state.src, state.pos)
    if not match or not state.src.startswith("[@", state.pos):
        return False
    keys = [part.strip() for part in match.group(1).split(";")]
    if not silent:
        token = state.push("cite", "", 0)
        token.content = match.group(0)
        token.meta = {"keys": [_KEY.match(k).group(1) if _KEY.match(k) else k for k in keys], "offset": state.pos}
    state.pos = match.end()
    return True


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


NOTES_HEADING_ID = "footnotes-heading"


def _render_footnote_block_open(renderer, tokens, idx, options, env) -> str:
    """The notes are a section of the page, so they get a heading (the plugin's own markup has none)."""
    return (
        '<hr class="footnotes-sep">\n'
        f'<section class="footnotes" aria-labelledby="{NOTES_HEADING_ID}">\n'
        f'<h2 id="{NOTES_HEADING_ID}" class="footnotes-heading">Notes</h2>\n'
        '<ol class="footnotes-list">\n'
    )


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
