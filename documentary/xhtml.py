"""HTML as the site renders it, made into well-formed XHTML for an ebook, with its links redirected.

The book's pages go through the same Markdown bodies, resolver and Jinja templates as the site's; only
the last step differs. lxml's HTML parser reads what HTML allows and XML does not (`<br>`, `&nbsp;`,
boolean attributes, unclosed `<p>`), and the tree is copied into the XHTML namespace and written as
XML. An inline `<svg>` goes into the SVG namespace instead, with the mixed-case names the HTML parser
lowercased put back (`viewbox` -> `viewBox`). Pure functions on strings: no disk.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from urllib.parse import urlsplit

import lxml.html
from lxml import etree

XHTML = "http://www.w3.org/1999/xhtml"
SVG = "http://www.w3.org/2000/svg"
XLINK = "http://www.w3.org/1999/xlink"
XML = "http://www.w3.org/XML/1998/namespace"
OPS = "http://www.idpf.org/2007/ops"  # epub:type
DOCTYPE = "<!DOCTYPE html>"
# Characters XML 1.0 forbids (HTML tolerates some); a document holding one would not parse.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_NAME = re.compile(r"^[A-Za-z_][\w.-]*$")
_SVG_ELEMENT = re.compile(rb"<svg[\s/>]")
# The web page's machinery, which a book does not run.
_DROPPED = {"script", "style", "form", "input", "button", "iframe", "object", "embed"}
# A picture's choice of files is the browser's; a book's <img> names the one file the book holds.
_PICTURE_ONLY = ("srcset", "sizes", "loading", "decoding", "fetchpriority")
_SEMANTICS = {"footnote-ref": "noteref", "footnote-item": "footnote", "footnotes": "endnotes"}  # class -> epub:type

# SVG's mixed-case names, which the HTML parser lowercases: the tables of the HTML standard's "adjust SVG
# tag names" and "adjust SVG attributes" steps (https://html.spec.whatwg.org/#parsing-main-inforeign).
_SVG_TAGS = {
    name.lower(): name
    for name in (  # noqa: SIM905 (a table to read, not a list to edit)
        "altGlyph altGlyphDef altGlyphItem animateColor animateMotion animateTransform clipPath feBlend "
        "feColorMatrix feComponentTransfer feComposite feConvolveMatrix feDiffuseLighting feDisplacementMap "
        "feDistantLight feDropShadow feFlood feFuncA feFuncB feFuncG feFuncR feGaussianBlur feImage feMerge "
        "feMergeNode feMorphology feOffset fePointLight feSpecularLighting feSpotLight feTile feTurbulence "
        "foreignObject glyphRef linearGradient radialGradient textPath"
    ).split()
}
_SVG_ATTRIBUTES = {
    name.lower(): name
    for name in (  # noqa: SIM905 (a table to read, not a list to edit)
        "attributeName attributeType baseFrequency baseProfile calcMode clipPathUnits contentScriptType "
        "contentStyleType diffuseConstant edgeMode externalResourcesRequired filterRes filterUnits glyphRef "
        "gradientTransform gradientUnits kernelMatrix kernelUnitLength keyPoints keySplines keyTimes "
        "lengthAdjust limitingConeAngle markerHeight markerUnits markerWidth maskContentUnits maskUnits "
        "numOctaves pathLength patternContentUnits patternTransform patternUnits pointsAtX pointsAtY "
        "pointsAtZ preserveAlpha preserveAspectRatio primitiveUnits refX refY repeatCount repeatDur "
        "requiredExtensions requiredFeatures specularConstant specularExponent spreadMethod startOffset "
        "stdDeviation stitchTiles surfaceScale systemLanguage tableValues targetX targetY textLength viewBox "
        "viewTarget xChannelSelector yChannelSelector zoomAndPan"
    ).split()
}
# The standard's "adjust foreign attributes": prefixed names the HTML parser keeps as plain text.
_SVG_PREFIXED = {
    **{f"xlink:{n}": f"{{{XLINK}}}{n}" for n in ("actuate", "arcrole", "href", "role", "show", "title", "type")},
    **{f"xml:{n}": f"{{{XML}}}{n}" for n in ("base", "lang", "space")},
}

Rewrite = Callable[[str], str]
_HTML_PARSER = etree.HTMLParser()


def document(html: str, rewrite: Rewrite = str, held: frozenset[str] = frozenset()) -> bytes:
    """A whole HTML page (`<html>...`) as an XHTML document: UTF-8, with the XML declaration and doctype.

    `held`: the book's own files an `<img>` may name as they are (the cover); a picture `rewrite` sends
    to a book file is held too, and every other picture becomes a link."""
    # lxml's own HTML parser, as lxml.html's but without its element classes: each element Python touches
    # costs a class lookup there, and the conversion touches every one several times (a third of its time)
    source = etree.fromstring(_NOT_XML.sub("", html) or "<html></html>", _HTML_PARSER)
    root = etree.Element(f"{{{XHTML}}}html", nsmap={None: XHTML, "epub": OPS}, attrib=dict(source.attrib))
    # Moved under a root that declares the namespaces, so no prefixes are written; moved before renaming,
    # because moving named elements costs lxml time with the square of their number (a 10 MB chapter: minutes).
    _prune(source)
    root.extend(list(source))
    _rename(root, rewrite, held)
    if root.get("lang"):  # EPUB reading systems read xml:lang; HTML's lang stays for the HTML rules
        root.set(f"{{{XML}}}lang", root.get("lang"))
    return etree.tostring(root, encoding="utf-8", xml_declaration=True, doctype=DOCTYPE) + b"\n"


def holds_svg(document: bytes) -> bool:
    """Whether an XHTML document from `document` holds inline SVG (its manifest item then says `svg`).

    Markup's `<` is written only for elements (text has `&lt;`), and only the SVG namespace has `svg`."""
    return _SVG_ELEMENT.search(document) is not None


def fragment(html: str, rewrite: Rewrite = str, held: frozenset[str] = frozenset()) -> str:
    """HTML body content as XHTML markup (no namespace declarations but SVG's), for tests and templates."""
    source = lxml.html.fragment_fromstring(_NOT_XML.sub("", html), create_parent="div")
    _convert(source, rewrite, held)
    holder = etree.Element(f"{{{XHTML}}}div", nsmap={None: XHTML, "epub": OPS})
    holder.text = source.text
    holder.extend(list(source))
    text = etree.tostring(holder, encoding="unicode")
    return text[text.index(">") + 1 : text.rindex("</div>")]


def _convert(root, rewrite: Rewrite, held: frozenset[str] = frozenset()) -> None:
    """In place: drop what a book can't hold, fix names and values, then move every element into XHTML
    (an inline SVG diagram into SVG).

    Renaming in place is several times faster than copying the tree element by element.
    """
    _prune(root)
    _rename(root, rewrite, held)


def _prune(root) -> None:
    """Drop what a book can't hold from a tree lxml's HTML parser made."""
    for node in list(root.iterdescendants()):
        if not isinstance(node.tag, str) or node.tag.lower() in _DROPPED or not _NAME.match(node.tag):
            _drop_tree(node)
        elif node.tag in ("picture", "source"):
            # libxml2's HTML parser may nest the <img> inside an unknown <source>: keep the children
            _drop_tag(node)


def _drop_tree(node) -> None:
    """Remove `node` and what it holds; its tail text stays, joined to what came before (lxml.html's
    `drop_tree`, for any element)."""
    parent = node.getparent()
    if node.tail:
        _append_text(parent, node.getprevious(), node.tail)
    parent.remove(node)


def _drop_tag(node) -> None:
    """Remove `node` but keep its text and children in its place (lxml.html's `drop_tag`, for any element)."""
    parent, previous = node.getparent(), node.getprevious()
    if node.text and isinstance(node.tag, str):
        _append_text(parent, previous, node.text)
    if node.tail:
        if len(node):
            node[-1].tail = (node[-1].tail or "") + node.tail
        else:
            _append_text(parent, previous, node.tail)
    index = parent.index(node)
    parent[index : index + 1] = node[:]


def _append_text(parent, previous, text: str) -> None:
    if previous is None:
        parent.text = (parent.text or "") + text
    else:
        previous.tail = (previous.tail or "") + text


def _rename(root, rewrite: Rewrite, held: frozenset[str]) -> None:
    for node in list(root.iterdescendants("img")):
        _picture(node, rewrite, held)
    for node in [n for n in root.iterdescendants("svg") if not any(a.tag == "svg" for a in n.iterancestors())]:
        _into_svg(node, rewrite)
    # One pass in document order: a parent is renamed before its children are looked at, and `_semantic`
    # reads only a parent's class, never its name.
    svg, xhtml, op_type = f"{{{SVG}}}", f"{{{XHTML}}}", f"{{{OPS}}}type"
    for element in root.iter():
        tag = element.tag
        if tag.startswith(svg):  # done by _into_svg
            continue
        if element.attrib:
            _fix_attributes(element, rewrite)
        semantic = _semantic(element)
        if semantic:
            element.set(op_type, semantic)
        if not tag.startswith("{"):
            element.tag = xhtml + tag.lower()


def _into_svg(svg, rewrite: Rewrite) -> None:
    """One inline diagram into the SVG namespace, with SVG's own spelling of each name, under an `<svg>`
    that declares the namespace as the default (and xlink's when it is used), so no prefix is written.
    `<title>`, `<desc>` and the aria attributes stay as they are: screen readers read them."""
    linked = any(name.startswith("xlink:") for element in svg.iter() for name in element.attrib)
    top = etree.Element(f"{{{SVG}}}svg", nsmap={None: SVG, **({"xlink": XLINK} if linked else {})})
    top.text, top.tail = svg.text, svg.tail
    _svg_attributes(svg, top, rewrite)
    top.extend(list(svg))
    svg.getparent().replace(svg, top)
    pending = list(top)
    while pending:
        element = pending.pop()
        original = dict(element.attrib)
        element.attrib.clear()
        element.tag = f"{{{SVG}}}{_SVG_TAGS.get(element.tag, element.tag)}"
        _svg_attributes(original, element, rewrite)
        if element.tag == f"{{{SVG}}}foreignObject":
            for child in list(element):
                _back_into_xhtml(child)
        else:
            pending.extend(element)


def _back_into_xhtml(element) -> None:
    """A `<foreignObject>`'s content is HTML again: the element declares XHTML as its default namespace
    (libxml2 would write it unprefixed without, and SVG's default would claim it); the rest of the XHTML
    pass renames its descendants."""
    html = etree.Element(f"{{{XHTML}}}{element.tag.lower()}", nsmap={None: XHTML}, attrib=dict(element.attrib))
    html.text, html.tail = element.text, element.tail
    html.extend(list(element))
    element.getparent().replace(element, html)


def _svg_attributes(source, target, rewrite: Rewrite) -> None:
    """`source`'s attributes (an element or a dict) on `target`, spelled as SVG spells them. Namespace
    declarations (`xmlns`, `xmlns:xlink`) are the writer's business, and a name XML can't have is dropped."""
    for name, value in list(source.items()):
        if name == "xmlns" or name.startswith("xmlns:"):
            continue
        if name in _SVG_PREFIXED:
            name = _SVG_PREFIXED[name]
        elif _NAME.match(name):
            name = _SVG_ATTRIBUTES.get(name, name)
        else:
            continue
        if name in ("href", f"{{{XLINK}}}href"):  # an SVG <a> or <use>: into the book like any link
            value = rewrite(value)
        target.set(name, value)


def _fix_attributes(element, rewrite: Rewrite) -> None:
    attributes = element.attrib
    for name in [n for n in attributes if not _plain_name(n)]:
        value = attributes.pop(name)
        if name == "epub:type":  # written as in XHTML; the HTML parser keeps it as a plain name
            attributes[f"{{{OPS}}}type"] = value
    for name in ("href", "src"):
        if name in attributes:
            attributes[name] = rewrite(attributes[name])


_PLAIN: dict[str, bool] = {}  # attribute name -> whether XHTML keeps it as it is (a page has few names)


def _plain_name(name: str) -> bool:
    found = _PLAIN.get(name)
    if found is None:
        found = _PLAIN[name] = name != "epub:type" and bool(_NAME.match(name))
        if len(_PLAIN) > 10_000:  # hostile markup may have any number of names
            _PLAIN.clear()
    return found


_SEMANTIC_TAGS = frozenset(("a", "li", "section"))  # (an element back in XHTML has its namespace: not these)


def _semantic(element) -> str | None:
    """The epub:type that lets a reading system show a footnote as a pop-up (markdown-it's footnote classes)."""
    if element.tag not in _SEMANTIC_TAGS:  # most elements: one set lookup
        return None
    holder = element.getparent() if element.tag == "a" else element  # a note reference: <sup class=footnote-ref><a>
    classes = (holder.get("class") or "").split() if holder is not None else []
    kind = next((_SEMANTICS[c] for c in classes if c in _SEMANTICS), None)
    return kind if (kind == "noteref") == (element.tag == "a") else None


def _picture(image, rewrite: Rewrite, held: frozenset[str]) -> None:
    """A picture the book holds keeps its `<img>`, with the one file the book has for it; any other becomes
    a link to it on the web, or its alt text where its address is relative to a content file (a remote
    image, or one missing from the book, fails EPUB's rules)."""
    for name in _PICTURE_ONLY:
        image.attrib.pop(name, None)
    source = image.get("src", "")
    target = rewrite(source)
    if source in held or (target != source and "://" not in target):
        return  # the book holds it: the link rewriting points the <img> at the book's file
    text = image.get("alt") or target
    if "://" in target:
        replacement = etree.Element("a", href=target)
        replacement.text = text
    else:
        replacement = etree.Element("span")
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
