"""HTML as the site renders it, made into well-formed XHTML for an ebook, with its links redirected.

The book's pages go through the same Markdown bodies, resolver and Jinja templates as the site's; only
the last step differs. lxml's HTML parser reads what HTML allows and XML does not (`<br>`, `&nbsp;`,
boolean attributes, unclosed `<p>`), and the tree is copied into the XHTML namespace and written as
XML. Pure functions on strings: no disk.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from urllib.parse import urlsplit

import lxml.html
from lxml import etree

XHTML = "http://www.w3.org/1999/xhtml"
OPS = "http://www.idpf.org/2007/ops"  # epub:type
DOCTYPE = "<!DOCTYPE html>"
# Characters XML 1.0 forbids (HTML tolerates some); a document holding one would not parse.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_NAME = re.compile(r"^[A-Za-z_][\w.-]*$")
_DROPPED = {"script", "style", "form", "input", "button", "iframe", "object", "embed"}  # the web page's machinery
_SEMANTICS = {"footnote-ref": "noteref", "footnote-item": "footnote", "footnotes": "endnotes"}  # class -> epub:type

Rewrite = Callable[[str], str]


def document(html: str, rewrite: Rewrite = str) -> bytes:
    """A whole HTML page (`<html>...`) as an XHTML document: UTF-8, with the XML declaration and doctype."""
    source = lxml.html.document_fromstring(_NOT_XML.sub("", html) or "<html></html>")
    root = etree.Element(f"{{{XHTML}}}html", nsmap={None: XHTML, "epub": OPS})
    for name, value in _attributes(source):
        root.set(name, value)
    if source.get("lang"):  # EPUB reading systems read xml:lang; HTML's lang stays for the HTML rules
        root.set("{http://www.w3.org/XML/1998/namespace}lang", source.get("lang"))
    for child in source:
        _copy(child, root, rewrite)
    return etree.tostring(root, encoding="utf-8", xml_declaration=True, doctype=DOCTYPE) + b"\n"


def fragment(html: str, rewrite: Rewrite = str) -> str:
    """HTML body content as XHTML markup (no namespace declarations), for tests and templates."""
    holder = etree.Element(f"{{{XHTML}}}div", nsmap={None: XHTML, "epub": OPS})
    source = lxml.html.fragment_fromstring(_NOT_XML.sub("", html), create_parent="div")
    holder.text = source.text
    for child in source:
        _copy(child, holder, rewrite)
    text = etree.tostring(holder, encoding="unicode")
    return text[text.index(">") + 1 : text.rindex("</div>")]


def _copy(source, parent, rewrite: Rewrite) -> None:
    if not isinstance(source.tag, str):  # a comment or processing instruction: keep only its tail
        _append_text(parent, source.tail)
        return
    tag = source.tag.lower()
    if tag in _DROPPED or not _NAME.match(tag):
        _append_text(parent, source.tail)
        return
    if tag == "img" and "://" in rewrite(source.get("src", "")):
        _link_to_picture(source, parent, rewrite)
        return
    element = etree.SubElement(parent, f"{{{XHTML}}}{tag}")
    for name, value in _attributes(source):
        element.set(name, rewrite(value) if name in ("href", "src") else value)
    semantic = _semantic(source)
    if semantic:
        element.set(f"{{{OPS}}}type", semantic)
    element.text = source.text
    for child in source:
        _copy(child, element, rewrite)
    element.tail = source.tail


def _semantic(source) -> str | None:
    """The epub:type that lets a reading system show a footnote as a pop-up (markdown-it's footnote classes)."""
    holder = source.getparent() if source.tag == "a" else source  # the note reference is <sup class=footnote-ref><a>
    classes = (holder.get("class") or "").split() if holder is not None else []
    kind = next((_SEMANTICS[c] for c in classes if c in _SEMANTICS), None)
    return kind if (kind == "noteref") == (source.tag == "a") else None


def _link_to_picture(source, parent, rewrite: Rewrite) -> None:
    """A picture the book does not hold becomes a link to it (a remote image fails EPUB's rules)."""
    link = etree.SubElement(parent, f"{{{XHTML}}}a", href=rewrite(source.get("src", "")))
    link.text = source.get("alt") or source.get("src")
    link.tail = source.tail


def _attributes(source) -> list[tuple[str, str]]:
    """Attributes that XHTML can hold: a boolean attribute gets its own name as value (`hidden="hidden"`)."""
    found = []
    for name, value in source.attrib.items():
        if name == "epub:type":  # written as in XHTML; the HTML parser keeps it as a plain name
            name = f"{{{OPS}}}type"
        elif not isinstance(name, str) or not _NAME.match(name):
            continue
        found.append((name, name if value is None else value))
    return found


def _append_text(parent, text: str | None) -> None:
    if not text:
        return
    if len(parent):
        parent[-1].tail = (parent[-1].tail or "") + text
    else:
        parent.text = (parent.text or "") + text


def link_rewriter(base_url: str, book: Mapping[str, str]) -> Rewrite:
    """Send each site link into the book where the book has its target, else to the public web page.

    `book` maps a site path (`/soviet-mars/chapters/origins/`) to a book file, optionally with its own
    anchor (`missions.xhtml#mars-3`, which wins over the link's); links to other pages get the site's
    origin (`https://example.org/soviet-mars/timeline/`). In-page anchors and other sites stay as they are.
    """
    parts = urlsplit(base_url)
    origin = f"{parts.scheme}://{parts.netloc}"

    def rewrite(href: str) -> str:
        if not href.startswith("/") or href.startswith("//"):
            return href
        path, hash_, anchor = href.partition("#")
        target = book.get(path.split("?", 1)[0])
        if target is None:
            return origin + href
        if "#" in target or not hash_:
            return target
        return f"{target}#{anchor}"

    return rewrite
