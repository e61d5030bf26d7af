"""Images in Markdown: where each one stands in the source, and its HTML asked of the resolver.

`![alt](images/x.jpg "caption")` is parsed by markdown-it as usual; this plugin remembers the source
offset of each image, marks an image that is alone in its paragraph (it becomes a `<figure>`, and the
paragraph's `<p>` is dropped) and the first image of a body when it is in the body's first block (the
top of the page: loaded eagerly). Rendering calls `resolver.image(src, alt, caption, alone, lead)`,
because only the build knows the processed files, their sizes and credits.
"""

from __future__ import annotations

from dataclasses import dataclass

from markdown_it import MarkdownIt
from markdown_it.rules_inline import image as markdown_it_image
from markdown_it.token import Token


@dataclass(frozen=True)
class ImageRef:
    """One image in prose: `src` as markdown-it normalised it (percent-encoded), at line and column."""

    src: str
    alt: str
    caption: str
    line: int
    col: int
    alone: bool
    lead: bool


def images_plugin(md: MarkdownIt) -> None:
    md.inline.ruler.at("image", _image_with_offset)
    md.core.ruler.push("lone_images", _mark_lone_images)
    md.add_render_rule("image", _render_image)


def _image_with_offset(state, silent: bool) -> bool:
    start = state.pos
    if not markdown_it_image(state, silent):
        return False
    if not silent:
        token = state.tokens[-1]
        token.meta = {**(token.meta or {}), "offset": start, "raw": state.src[start : state.pos]}
    return True


def _mark_lone_images(state) -> None:
    """An image alone in a paragraph becomes a figure; the first image of the first block leads the page."""
    tokens = state.tokens
    first_image_seen = False
    for index, token in enumerate(tokens):
        if token.type != "inline" or not token.children:
            continue
        images = [child for child in token.children if child.type == "image"]
        if not images:
            continue
        in_first_block = index == 1 and tokens[0].type == "paragraph_open"
        if not first_image_seen and in_first_block:
            images[0].meta["lead"] = True
        first_image_seen = True
        others = [c for c in token.children if c.type != "image" and not (c.type == "text" and not c.content.strip())]
        opener, closer = tokens[index - 1], tokens[index + 1] if index + 1 < len(tokens) else None
        if len(images) == 1 and not others and opener.type == "paragraph_open" and closer is not None:
            images[0].meta["alone"] = True
            opener.hidden = closer.hidden = True


def image_ref(image: Token, line: int, col: int) -> ImageRef:
    """One image token of an inline, found at file `line` and `col` (the parser's Locator knows where)."""
    alt = "".join(c.content for c in _flatten(image.children or ()) if c.type in ("text", "code_inline"))
    caption = str(image.attrs.get("title") or "")
    alone, lead = bool(image.meta.get("alone")), bool(image.meta.get("lead"))
    return ImageRef(str(image.attrs.get("src", "")), alt, caption, line, col, alone, lead)


def _flatten(tokens) -> list[Token]:
    out = []
    for token in tokens:
        out.append(token)
        out.extend(_flatten(token.children or ()))
    return out


def _render_image(renderer, tokens, idx, options, env) -> str:
    token = tokens[idx]
    alt = renderer.renderInlineAsText(token.children or [], options, env)
    caption = str(token.attrs.get("title") or "")
    alone, lead = bool(token.meta.get("alone")), bool(token.meta.get("lead"))
    html = env["resolver"].image(str(token.attrs.get("src", "")), alt, caption, alone, lead)
    return html + "\n" if alone else html
