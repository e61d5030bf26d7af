"""xhtml.py: the site's HTML made into well-formed XHTML, and site links sent into the book or to the web."""

from lxml import etree

from documentary.xhtml import OPS, XHTML, document, fragment, link_rewriter

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


def test_pictures_become_links_and_diagrams_leave_their_caption():
    rewrite = link_rewriter("https://example.org/site/", {})
    html = (
        '<figure class="photo"><picture><source type="image/webp" srcset="/site/img/a-480.webp 480w">'
        '<img src="/site/img/a-480.jpg" alt="The dunes" width="480" height="320"></picture>'
        "<figcaption>Dunes</figcaption></figure>"
        '<p>Inline <img src="images/local.png" alt="a disc"> here.</p>'
        '<figure class="chart-figure"><svg viewBox="0 0 10 10"><title>t</title></svg>'
        "<figcaption>The flights</figcaption></figure>"
    )
    out = fragment(html, rewrite)
    assert "<picture" not in out and "<source" not in out and "<svg" not in out and "<img" not in out
    assert '<a href="https://example.org/site/img/a-480.jpg">The dunes</a>' in out
    assert "<span>a disc</span>" in out and "<figcaption>The flights</figcaption>" in out
