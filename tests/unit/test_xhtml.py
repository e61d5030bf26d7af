"""xhtml.py: the site's HTML made into well-formed XHTML, and site links sent into the book or to the web."""

from lxml import etree

from documentary.xhtml import (
    _SVG_ATTRIBUTES,
    _SVG_TAGS,
    OPS,
    SVG,
    XHTML,
    XLINK,
    document,
    fragment,
    holds_svg,
    link_rewriter,
)

BOOK = {"/sub/chapters/one/": "chapter-01.xhtml", "/sub/missions/mars-3/": "missions.xhtml#mission-mars-3"}
rewrite = link_rewriter("https://example.org/sub/", BOOK)


def parses(markup: str) -> etree._Element:
    """Raises if `markup` is not well-formed XML inside an XHTML element."""
    return etree.fromstring(f'<div xmlns="{XHTML}" xmlns:epub="{OPS}">{markup}</div>')


def test_void_elements_entities_and_unclosed_paragraphs_become_xml():
    out = fragment("<p>one<br>two&nbsp;three<p>four<hr>")
    assert out == "<p>one<br/>two\u00a0three</p><p>four</p><hr/>"
    parses(out)


def test_boolean_attributes_get_a_value():
    out = fragment("<details open><summary>s</summary></details><b hidden>h</b>")
    root = parses(out)
    assert root[0].get("open") is not None and root[1].get("hidden") is not None


def test_text_and_tails_survive_comments_and_dropped_elements():
    out = fragment("<p>a<!-- note -->b<script>alert(1)</script>c<button>x</button>d</p>")
    assert out == "<p>abcd</p>"


def test_characters_xml_forbids_are_removed():
    parses(fragment("<p>bell\x07 and form feed\x0c</p>"))


def test_markdown_it_footnotes_get_epub_types():
    html = (
        '<p>x<sup class="footnote-ref"><a href="#fn1" id="fnref1">[a]</a></sup></p>'
        '<section class="footnotes"><ol class="footnotes-list"><li id="fn1" class="footnote-item">'
        '<p>note <a href="#fnref1" class="footnote-backref">↩︎</a></p></li></ol></section>'
    )
    root = parses(fragment(html))
    kinds = {
        el.get("id") or el.tag.split("}")[1]: el.get(f"{{{OPS}}}type") for el in root.iter() if el.get(f"{{{OPS}}}type")
    }
    assert kinds == {"fnref1": "noteref", "section": "endnotes", "fn1": "footnote"}
    assert root.find(f".//{{{XHTML}}}a[@class='footnote-backref']").get("href") == "#fnref1"


def test_epub_type_written_in_a_template_is_namespaced():
    root = parses(fragment('<nav epub:type="toc"><ol><li>x</li></ol></nav>'))
    assert root[0].get(f"{{{OPS}}}type") == "toc"


def test_links_into_the_book_keep_the_anchor_unless_the_target_has_its_own():
    assert rewrite("/sub/chapters/one/") == "chapter-01.xhtml"
    assert rewrite("/sub/chapters/one/#the-landing") == "chapter-01.xhtml#the-landing"
    assert rewrite("/sub/missions/mars-3/") == "missions.xhtml#mission-mars-3"
    assert rewrite("/sub/missions/mars-3/#event-landing") == "missions.xhtml#mission-mars-3"


def test_links_outside_the_book_go_to_the_web_and_others_stay():
    assert rewrite("/sub/timeline/#window-1971-05") == "https://example.org/sub/timeline/#window-1971-05"
    assert rewrite("/sub/ru/chapters/one/") == "https://example.org/sub/ru/chapters/one/"
    assert rewrite("#source-nasa") == "#source-nasa"
    assert rewrite("https://nssdc.gsfc.nasa.gov/") == "https://nssdc.gsfc.nasa.gov/"
    assert rewrite("//cdn.example.org/x") == "//cdn.example.org/x"
    assert rewrite("mailto:a@example.org") == "mailto:a@example.org"


def test_links_are_rewritten_in_the_markup():
    out = fragment('<p><a href="/sub/chapters/one/#x">one</a> <a href="/sub/sources/#k">k</a></p>', rewrite)
    assert out == '<p><a href="chapter-01.xhtml#x">one</a> <a href="https://example.org/sub/sources/#k">k</a></p>'


def test_a_picture_the_book_does_not_hold_becomes_a_link():
    out = fragment('<p><img src="/sub/img/mars.png" alt="Mars 3 lander"> after</p>', rewrite)
    assert out == '<p><a href="https://example.org/sub/img/mars.png">Mars 3 lander</a> after</p>'
    book = link_rewriter("https://example.org/sub/", {"/sub/img/mars.png": "images/mars.png"})
    assert fragment('<img src="/sub/img/mars.png" alt="A">', book) == '<img src="images/mars.png" alt="A"/>'


def test_a_document_is_xhtml_with_both_language_attributes():
    out = document(
        '<!doctype html><html lang="ru"><head><meta charset="utf-8"><title>T</title></head><body><p>x</body>'
    )
    assert out.startswith(b"<?xml version='1.0' encoding='utf-8'?>\n<!DOCTYPE html>\n")
    root = etree.fromstring(out)
    assert root.tag == f"{{{XHTML}}}html"
    assert root.get("lang") == "ru" and root.get("{http://www.w3.org/XML/1998/namespace}lang") == "ru"
    assert root.find(f"{{{XHTML}}}body/{{{XHTML}}}p").text == "x"


def test_pictures_the_book_does_not_hold_become_links_or_alt_text():
    rewrite = link_rewriter("https://example.org/site/", {})
    html = (
        '<figure class="photo"><picture><source type="image/webp" srcset="/site/img/a-480.webp 480w">'
        '<img src="/site/img/a-480.jpg" alt="The dunes" width="480" height="320"></picture>'
        "<figcaption>Dunes</figcaption></figure>"
        '<p>Inline <img src="images/local.png" alt="a disc"> here.</p>'
    )
    out = fragment(html, rewrite)
    assert "<picture" not in out and "<source" not in out and "<img" not in out
    assert '<figure class="photo"><a href="https://example.org/site/img/a-480.jpg">The dunes</a>' in out
    assert "<figcaption>Dunes</figcaption></figure>" in out
    assert "<span>a disc</span>" in out


def test_a_held_picture_keeps_one_img_naming_the_books_file_and_loses_the_browsers_choices():
    book = link_rewriter("https://example.org/site/", {"/site/img/a-960.jpg": "images/a-960.jpg"})
    html = (
        '<figure class="photo"><picture><source type="image/webp" srcset="/site/img/a-480.webp 480w, '
        '/site/img/a-960.webp 960w" sizes="(min-width: 46rem) 42rem, 100vw"><img src="/site/img/a-960.jpg" '
        'srcset="/site/img/a-480.jpg 480w, /site/img/a-960.jpg 960w" sizes="42rem" width="1600" height="900" '
        'alt="The dunes" loading="lazy" decoding="async" fetchpriority="high"></picture>'
        "<figcaption>Dunes</figcaption></figure>"
    )
    assert fragment(html, book) == (
        '<figure class="photo"><img src="images/a-960.jpg" width="1600" height="900" alt="The dunes"/>'
        "<figcaption>Dunes</figcaption></figure>"
    )


def test_the_cover_is_held_by_its_name():
    assert fragment('<img src="images/cover.png" alt="C">', held=frozenset({"images/cover.png"})) == (
        '<img src="images/cover.png" alt="C"/>'
    )


DIAGRAM = (
    '<figure class="chart-figure"><div class="chart-scroll">'
    '<svg class="chart chart-flightpath" viewBox="0 0 660 712" preserveAspectRatio="xMidYMid meet" role="img" '
    'aria-labelledby="d-title d-desc" xmlns="http://www.w3.org/2000/svg">'
    '<title id="d-title">The flight</title><desc id="d-desc">A plan view.</desc>'
    '<defs><linearGradient id="g" gradientUnits="userSpaceOnUse"><stop offset="0"/></linearGradient>'
    '<clipPath id="c" clipPathUnits="userSpaceOnUse"><rect width="1" height="1"/></clipPath>'
    '<marker id="m" markerWidth="4" markerHeight="4" refX="2" refY="2"><path d="M0 0L4 2"/></marker></defs>'
    '<path id="p" d="M0 0L10 10" class="fp-arc" pathLength="10"/>'
    '<text class="legend"><textPath href="#p" startOffset="5">along</textPath></text>'
    "</svg></div><figcaption>The flights</figcaption></figure>"
)


def svg_of(markup: str) -> etree._Element:
    return parses(markup).find(f".//{{{SVG}}}svg")


def test_an_inline_diagram_stays_svg_in_its_namespace_with_svgs_own_names():
    out = fragment(DIAGRAM)
    assert out.startswith(
        '<figure class="chart-figure"><div class="chart-scroll"><svg xmlns="http://www.w3.org/2000/svg"'
    )
    assert 'viewBox="0 0 660 712"' in out and 'preserveAspectRatio="xMidYMid meet"' in out
    svg = svg_of(out)
    names = {el.tag.split("}")[1] for el in svg.iter()}
    assert {"svg", "title", "desc", "linearGradient", "clipPath", "marker", "textPath", "path", "text"} <= names
    assert {el.tag.split("}")[0][1:] for el in svg.iter()} == {SVG}
    assert svg.find(f"{{{SVG}}}defs/{{{SVG}}}marker").attrib == {
        "id": "m",
        "markerWidth": "4",
        "markerHeight": "4",
        "refX": "2",
        "refY": "2",
    }
    assert svg.find(f".//{{{SVG}}}clipPath").get("clipPathUnits") == "userSpaceOnUse"
    assert svg.find(f".//{{{SVG}}}textPath").attrib == {"href": "#p", "startOffset": "5"}
    assert svg.find(f"{{{SVG}}}path").get("pathLength") == "10"
    assert "<figcaption>The flights</figcaption>" in out


def test_a_diagram_keeps_what_a_screen_reader_reads():
    svg = svg_of(fragment(DIAGRAM))
    assert (svg.get("role"), svg.get("aria-labelledby")) == ("img", "d-title d-desc")
    assert svg.findtext(f"{{{SVG}}}title") == "The flight" and svg.findtext(f"{{{SVG}}}desc") == "A plan view."
    assert svg.find(f"{{{SVG}}}title").get("id") == "d-title"
    assert svg.get("class") == "chart chart-flightpath"  # the book's stylesheet draws it by its classes


def test_every_mixed_case_svg_element_name_comes_back_spelled_as_svg_spells_it():
    assert len(_SVG_TAGS) == 37 and all(name != name.lower() for name in _SVG_TAGS.values())
    for name in _SVG_TAGS.values():
        assert [el.tag for el in svg_of(fragment(f"<svg><{name}/></svg>"))] == [f"{{{SVG}}}{name}"]


def test_every_mixed_case_svg_attribute_name_comes_back_spelled_as_svg_spells_it():
    assert len(_SVG_ATTRIBUTES) == 62 and all(name != name.lower() for name in _SVG_ATTRIBUTES.values())
    for name in _SVG_ATTRIBUTES.values():
        assert list(svg_of(fragment(f'<svg {name}="1"></svg>')).attrib) == [name]


def test_xlink_and_xml_attributes_get_their_namespaces_and_are_declared_once():
    out = fragment('<svg><a xlink:href="/sub/chapters/one/"><text xml:space="preserve">x</text></a></svg>', rewrite)
    assert out.count("xmlns:xlink=") == 1 and "ns0" not in out
    svg = svg_of(out)
    assert svg.find(f"{{{SVG}}}a").get(f"{{{XLINK}}}href") == "chapter-01.xhtml"  # into the book like any link
    assert svg.find(f".//{{{SVG}}}text").get("{http://www.w3.org/XML/1998/namespace}space") == "preserve"


def test_foreign_object_content_is_xhtml_again():
    svg = svg_of(
        fragment('<svg><foreignObject width="9"><p>a<br>b <a href="/sub/x/">x</a></p></foreignObject></svg>', rewrite)
    )
    p = svg.find(f"{{{SVG}}}foreignObject/{{{XHTML}}}p")
    assert p is not None and p.find(f"{{{XHTML}}}br") is not None
    assert p.find(f"{{{XHTML}}}a").get("href") == "https://example.org/sub/x/"


def test_scripts_and_handlers_inside_a_diagram_are_dropped_with_the_pages_machinery():
    out = fragment('<svg><script>alert(1)</script><style>text{}</style><circle r="1"/></svg>')
    assert "script" not in out and "style" not in out and "<circle" in out


def test_a_document_with_a_diagram_says_so_and_one_without_does_not():
    page = '<!doctype html><html lang="en"><head><title>T</title></head><body>{}</body></html>'
    with_svg = document(page.format(DIAGRAM))
    assert holds_svg(with_svg)
    root = etree.fromstring(with_svg)
    assert root.find(f".//{{{SVG}}}svg").get("viewBox") == "0 0 660 712"
    assert b"ns0" not in with_svg and with_svg.count(b'xmlns="http://www.w3.org/2000/svg"') == 1
    without = document(page.format("<p>Markup about &lt;svg viewBox&gt; written as text.</p><svgx>y</svgx>"))
    assert not holds_svg(without)
