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
# The web page's machinery; and the pictures' alternative sources and inline SVG diagrams, which the book
# does not hold (a diagram's figure keeps its caption and the text table beside it).
_DROPPED = {"script", "style", "form", "input", "button", "iframe", "object", "embed", "svg"}
_SEMANTICS = {"footnote-ref": "noteref", "footnote-item": "footnote", "footnotes": "endnotes"}  # class -> epub:type

Rewrite = Callable[[str], str]


def document(html: str, rewrite: Rewrite = str, held: frozenset[str] = frozenset()) -> bytes:
    """A whole HTML page (`<html>...`) as an XHTML document: UTF-8, with the XML declaration and doctype.

    `held`: the book's own files an `<img>` may name as they are (the cover); every other picture becomes a link."""
    source = lxml.html.document_fromstring(_NOT_XML.sub("", html) or "<html></html>")
    _convert(source, rewrite, held)
    root = etree.Element(f"{{{XHTML}}}html", nsmap={None: XHTML, "epub": OPS}, attrib=dict(source.attrib))
    if source.get("lang"):  # EPUB reading systems read xml:lang; HTML's lang stays for the HTML rules
        root.set("{http://www.w3.org/XML/1998/namespace}lang", source.get("lang"))
    root.extend(list(source))  # moved under a root that declares the namespaces, so no prefixes are written
    return etree.tostring(root, encoding="utf-8", xml_declaration=True, doctype=DOCTYPE) + b"\n"


def fragment(html: str, rewrite: Rewrite = str) -> str:
    """HTML body content as XHTML markup (no namespace declarations), for tests and templates."""
    source = lxml.html.fragment_fromstring(_NOT_XML.sub("", html), create_parent="div")
    _convert(source, rewrite)
    holder = etree.Element(f"{{{XHTML}}}div", nsmap={None: XHTML, "epub": OPS})
    holder.text = source.text
    holder.extend(list(source))
    text = etree.tostring(holder, encoding="unicode")
    return text[text.index(">") + 1 : text.rindex("</div>")]


def _convert(root, rewrite: Rewrite, held: frozenset[str] = frozenset()) -> None:
    """In place: drop what a book can't hold, fix names and values, then move every element into XHTML.

    Renaming in place is several times faster than copying the tree element by element.
    """
    for node in list(root.iterdescendants()):
        if not isinstance(node.tag, str) or node.tag.lower() in _DROPPED or not _NAME.match(node.tag):
            node.drop_tree()  # its tail text stays, joined to what came before
        elif node.tag in ("picture", "source"):
            # libxml2's HTML parser may nest the <img> inside an unknown <source>: keep the children
            node.drop_tag()
    for node in list(root.iterdescendants("img")):
        _link_to_picture(node, rewrite, held)
    for element in root.iter():
        _fix_attributes(element, rewrite)
        semantic = _semantic(element)
        if semantic:
            element.set(f"{{{OPS}}}type", semantic)
    for element in root.iter():
        element.tag = f"{{{XHTML}}}{element.tag.lower()}"


def _fix_attributes(element, rewrite: Rewrite) -> None:
    attributes = element.attrib
    for name in [n for n in attributes if n == "epub:type" or not _NAME.match(n)]:
        value = attributes.pop(name)
        if name == "epub:type":  # written as in XHTML; the HTML parser keeps it as a plain name
            attributes[f"{{{OPS}}}type"] = value
    for name in ("href", "src"):
        if name in attributes:
            attributes[name] = rewrite(attributes[name])


def _semantic(element) -> str | None:
    """The epub:type that lets a reading system show a footnote as a pop-up (markdown-it's footnote classes)."""
    if element.tag not in ("a", "li", "section"):
        return None
    holder = element.getparent() if element.tag == "a" else element  # a note reference: <sup class=footnote-ref><a>
    classes = (holder.get("class") or "").split() if holder is not None else []
    kind = next((_SEMANTICS[c] for c in classes if c in _SEMANTICS), None)
    return kind if (kind == "noteref") == (element.tag == "a") else None


def _link_to_picture(image, rewrite: Rewrite, held: frozenset[str]) -> None:
    """The book holds no pictures: each becomes a link to it on the web, or its alt text where its address
    is relative to a content file (a remote image, or one missing from the book, fails EPUB's rules)."""
    source = image.get("src", "")
    target = rewrite(source)
    if source in held or (target != source and "://" not in target):
        return  # the book holds it: the link rewriting points the <img> at the book's file
    text = image.get("alt") or target
    if "://" in target:
        replacement = lxml.html.Element("a", href=target)
        replacement.text = text
    else:
        replacement = lxml.html.Element("span")
        replacement.text = image.get("alt") or ""
    replacement.tail = image.tail
    image.getparent().replace(image, replacement)


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
