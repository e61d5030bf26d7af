"""The HTML of a published picture: `<picture>` with WebP and fallback `srcset`s, and `<figure>` with its credit.

Every `<img>` carries its `width` and `height` (the browser reserves the space: no layout shift) and
loads lazily, except the one at the top of a page, which the browser fetches first.
"""

from __future__ import annotations

from collections.abc import Callable

from markupsafe import Markup, escape

from .gallery import Photo
from .i18n import Strings, english
from .images import Variant
from .models import ImageCredit

# The text column is 42rem wide from 46rem of viewport up; below, the page less its gutters. A picture is
# shown at its own width when it is narrower (CSS only scales down).
COLUMN = ("42rem", "calc(100vw - 2rem)")
THUMBNAIL_SIZES = "8rem"

Url = Callable[[str], str]


def sizes_for(width: int) -> str:
    wide, narrow = COLUMN
    return f"(min-width: 46rem) min({width}px, {wide}), min({width}px, {narrow})"


def picture(photo: Photo, url: Url, alt: str, eager: bool = False, sizes: str | None = None) -> Markup:
    pic = photo.picture
    sizes = sizes or sizes_for(pic.width)
    loading = ' fetchpriority="high"' if eager else ' loading="lazy" decoding="async"'
    source = ""
    if pic.fallback:
        source = f'<source type="image/webp" srcset="{_srcset(pic.webp, url)}" sizes="{sizes}">'
    chosen = pic.fallback or pic.webp
    img = (
        f'<img src="{escape(url(pic.default.name))}" srcset="{_srcset(chosen, url)}" sizes="{sizes}"'
        f' width="{pic.width}" height="{pic.height}" alt="{escape(alt)}"{loading}>'
    )
    return Markup(f"<picture>{source}{img}</picture>")


def figure(
    photo: Photo,
    url: Url,
    alt: str,
    caption: str,
    eager: bool = False,
    kind: str = "photo",
    w: Strings | None = None,
) -> Markup:
    """A picture with its caption and its credit and licence beneath it, in the page's words `w`."""
    lines = [f'<figure class="{kind}">', picture(photo, url, alt, eager)]
    text = escape(caption)
    if photo.credit:
        text = Markup(f"{text} " if caption else "") + credit_line(photo.credit, w)
    if text:
        lines.append(f"<figcaption>{text}</figcaption>")
    lines.append("</figure>")
    return Markup("\n".join(lines))


def credit_line(credit: ImageCredit, w: Strings | None = None) -> Markup:
    """Who made it (licence, a link to where it comes from); the link's word is the page's (`figure.source`)."""
    licence = escape(credit.licence)
    if credit.source:
        word = escape((w or english())("figure.source"))
        licence = Markup(f'{licence}, <a href="{escape(credit.source)}">{word}</a>')
    return Markup(f'<span class="credit">{escape(credit.credit)} ({licence})</span>')


def _srcset(variants: tuple[Variant, ...], url: Url) -> str:
    return ", ".join(f"{escape(url(v.name))} {v.width}w" for v in variants)
