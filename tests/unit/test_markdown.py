"""markdown.py: our extensions, parsed once, with the line and column of every reference."""

import re

import pytest

from documentary.markdown import PENDING, alt_problem, make_parser, nested_problem, parse, render, split_wikilink


class FakeResolver:
    def strings(self, key):
        return "Notes"

    def wikilink(self, kind, target, detail):
        return f"<{kind}|{target}|{detail}>"

    def cite(self, keys):
        return "<cite " + ",".join(keys) + ">"


@pytest.fixture(scope="module")
def md():
    return make_parser()


@pytest.mark.parametrize(
    ("inner", "expected"),
    [
        ("mars-3", ("mission", "mars-3", None)),
        ("mars-3|the lander", ("mission", "mars-3", "the lander")),
        ("mars-3:launch.date", ("fact", "mars-3", "launch.date")),
        ("count:program=soviet outcome=failure", ("count", "", "program=soviet outcome=failure")),
    ],
)
def test_wikilink_forms(inner, expected):
    assert split_wikilink(inner) == expected


def test_references_know_their_file_line_and_column(md):
    text = "Intro [[mars-3]].\n\nSecond para\nwith [@src-a; @src-b] and [[mars-2:launch.date]].\n"
    doc = parse(md, text, first_line=5)
    found = [(r.kind, r.target, r.line, r.col) for r in doc.refs]
    assert found == [
        ("mission", "mars-3", 5, 7),
        ("cite", "src-a", 8, 6),
        ("cite", "src-b", 8, 15),  # a later key at its own @
        ("fact", "mars-2", 8, 27),
    ]


def test_references_in_tables_and_footnotes_are_found(md):
    text = "Text.[^1]\n\n| a |\n| - |\n| [[mars-7]] |\n\n[^1]: See [@note-key].\n"
    doc = parse(md, text)
    assert [(r.target, r.line) for r in doc.refs] == [("mars-7", 5), ("note-key", 7)]


def test_rendering_asks_the_resolver(md):
    doc = parse(md, "A [[mars-3|lander]] [@k].")
    assert render(md, doc, FakeResolver()) == "<p>A <mission|mars-3|lander> <cite k>.</p>\n"


def test_raw_html_is_escaped_by_default(md):
    html = render(md, parse(md, 'x <script>alert(1)</script> <img src=x onerror="y">'), FakeResolver())
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "<img" not in html


def test_raw_html_passes_when_the_site_allows_it():
    md = make_parser(allow_html=True)
    assert "<b>x</b>" in render(md, parse(md, "<b>x</b>"), FakeResolver())


def test_dangerous_link_schemes_are_not_emitted(md):
    html = render(md, parse(md, "[a](javascript:alert(1)) [b](vbscript:x) ![c](data:text/html,x)"), FakeResolver())
    assert "javascript:" not in html.replace("[a](javascript:alert(1))", "")
    assert 'href="javascript' not in html and 'href="vbscript' not in html and 'src="data:text' not in html


def test_attribute_syntax_allows_only_id_and_class(md):
    html = render(md, parse(md, '{#intro .lead onclick="alert(1)"}\nText\n'), FakeResolver())
    assert 'id="intro"' in html and 'class="lead"' in html and "onclick" not in html


def test_headings_get_ids_and_feed_the_table_of_contents(md):
    doc = parse(md, "## The 1971 window\n\n### Mars 3 lands\n\n#### Too deep\n")
    assert [(h.level, h.id, h.text) for h in doc.headings] == [
        (2, "the-1971-window", "The 1971 window"),
        (3, "mars-3-lands", "Mars 3 lands"),
        (4, "", "Too deep"),
    ]


def test_footnotes_tables_and_definition_lists(md):
    html = render(md, parse(md, "A.[^n]\n\n| h |\n|---|\n| c |\n\nTerm\n: Def\n\n[^n]: Note.\n"), FakeResolver())
    assert 'class="footnote-ref"' in html and "<table>" in html and "<dl>" in html


def test_words_are_counted_and_images_without_alt_found(md):
    doc = parse(md, "One two three.\n\n![](a.png)\n", first_line=3)
    assert doc.words == 3
    assert doc.images_without_alt == ((5, 1),)


def test_unclosed_wikilink_is_plain_text(md):
    doc = parse(md, "[[mars-3 and more")
    assert doc.refs == ()


def test_site_links_are_recorded_and_rewritten_by_the_resolver(md):
    class Resolver(FakeResolver):
        def site_url(self, path):
            return "/base" + path

    doc = parse(md, "See [the timeline](/timeline/#w) and [out](https://example.org/).", first_line=2)
    assert [(r.kind, r.target, r.line, r.col) for r in doc.refs] == [("link", "/timeline/#w", 2, 5)]
    html = render(md, doc, Resolver())
    assert 'href="/base/timeline/#w"' in html and 'href="https://example.org/"' in html


def test_notes_are_lettered_so_they_never_look_like_citations(md):
    from documentary.markdown import note_letter

    assert [note_letter(n) for n in (1, 2, 26, 27, 52, 53)] == ["a", "b", "z", "aa", "az", "ba"]
    html = render(md, parse(md, "A.[^x] B.[^y]\n\n[^x]: One.\n[^y]: Two.\n"), FakeResolver())
    assert '<a href="#fn1" id="fnref1">[a]</a>' in html and '<a href="#fn2" id="fnref2">[b]</a>' in html


def test_heading_ids_never_repeat_a_template_id_or_another_heading(md):
    doc = parse(
        md, "## Main\n\n## Main\n\n### Toc heading\n\n## Search results\n\n## Footnotes heading\n\n## 1\n\n## 1\n"
    )
    assert [h.id for h in doc.headings] == ["main-1", "main-2", "toc-heading-1", "search-results-1",
                                            "footnotes-heading-1", "1", "1-1"]  # fmt: skip


def test_an_explicit_id_is_reserved_before_any_generated_one(md):
    doc = parse(md, "## Origins\n\n{#origins}\n## Later\n")
    assert [h.id for h in doc.headings] == ["origins-1", "origins"]


def test_a_heading_naming_a_mission_waits_for_the_name(md):
    doc = parse(md, "## The [[mars-2]] and [[mars-3|its twin]] [@k]\n\n#### [[mars-3]] deep\n\n## [[a|The pair]]\n")
    pair, deep, named = doc.headings
    assert pair.parts == ("The ", "mars-2", " and its twin ") and pair.id == PENDING.format(0)
    assert (deep.level, deep.id, deep.parts) == (4, "", ("", "mars-3", " deep"))  # no id below level 3
    assert (named.id, named.text, named.parts) == ("the-pair", "The pair", ())  # the text is known: no wait
    assert [r.target for r in doc.refs] == ["mars-2", "mars-3", "k", "mars-3", "a"]


def test_heading_ids_from_cyrillic_words_keep_their_letters(md):
    doc = parse(md, "## Марс-2 и «Марс-3»\n\n## Марс-2 и «Марс-3»\n")
    assert [(h.id, h.text) for h in doc.headings] == [("марс-2-и-марс-3", "Марс-2 и «Марс-3»")] + [
        ("марс-2-и-марс-3-1", "Марс-2 и «Марс-3»")
    ]


@pytest.mark.parametrize(
    ("text", "what"),
    [("## Launched [[mars-3:launch.date]]\n", "fact [[mars-3:launch.date]]"),
     ("Intro.\n\n### The [[count:program=soviet]] attempts\n", "count [[count:program=soviet]]")],
)  # fmt: skip
def test_a_fact_or_count_in_a_heading_is_a_problem_at_its_position(md, text, what):
    doc = parse(md, text, first_line=4)
    line = 4 + text.count("\n") - 1
    col = text.split("\n")[-2].index("[[") + 1
    assert doc.problems == (
        (line, col, f"{what} in a heading: a heading holds words and mission names ([[slug]], [[slug|text]]),"
         f" which make its id and its entry in the contents; move the {what.split()[0]} into the text"),
    )  # fmt: skip


def test_references_in_an_image_s_description_are_problems_at_their_positions(md):
    doc = parse(md, "Para.\n\nSee ![the *[[mars-3]]* lander [@k]](x.png)\nand ![[[y]]](z.png)\n", first_line=3)
    assert doc.problems == (
        (5, 12, alt_problem("[[mars-3]]")),
        (5, 31, alt_problem("[@k]")),
        (6, 7, alt_problem("[[y]]")),
    )
    assert (
        alt_problem("[@k]")
        == "citation [@k] inside an image's description: the alt text is plain words; write them out"
    )


def test_the_reserved_ids_are_exactly_the_templates_ids():
    from documentary.markdown import TEMPLATE_IDS
    from tests.conftest import ROOT

    found = set()
    for path in (ROOT / "templates").rglob("*.html"):
        found |= set(re.findall(r'\bid="([a-z][a-z0-9-]*)"', path.read_text()))
    assert found == TEMPLATE_IDS


def test_a_reference_wrapped_over_lines_is_one_reference_at_its_positions(md):
    text = "As both say [@src-a;\n  @src-b], the [[mars-3|second\nlander]] flew.\n\n- item [@src-a; x\n  y]\n"
    doc = parse(md, text, first_line=3)
    assert [(r.kind, r.target, r.detail, r.line, r.col, r.raw) for r in doc.refs] == [
        ("cite", "src-a", None, 3, 13, "[@src-a; @src-b]"),
        ("cite", "src-b", None, 4, 3, "[@src-a; @src-b]"),  # the file's column, indentation counted
        ("mission", "mars-3", "second lander", 4, 16, "[[mars-3|second lander]]"),
        ("cite", "src-a", None, 7, 8, "[@src-a; x y]"),
        ("cite", "x y", None, 7, 17, "[@src-a; x y]"),  # not a key: reported as an unknown one, not raw text
    ]
    html = render(md, doc, FakeResolver())
    assert "<cite src-a,src-b>" in html and "<mission|mars-3|second lander>" in html and "[@" not in html


def test_positions_are_exact_on_later_lines_and_for_repeats(md):
    text = "Para line one\nline two [[x]] and [[x]], [a](/p/)\n\n- item [@k]\n\n| a | b |\n| - | - |\n| c | [[y]] |\n"
    doc = parse(md, text, first_line=10)
    assert [(r.target, r.line, r.col) for r in doc.refs] == [
        ("x", 11, 10), ("x", 11, 20), ("/p/", 11, 27), ("k", 13, 8), ("y", 17, 7)
    ]  # fmt: skip


def test_a_reference_in_a_link_s_text_is_a_problem_at_its_position(md):
    doc = parse(md, "See [the [[x]] page](/t/) and [[y]].")
    assert [(line, col) for line, col, _ in doc.problems] == [(1, 10)]


def test_references_in_link_text_are_problems_in_every_form_of_link(md):
    text = "[see [[a]]](/t/), [the [@k] record][r], [x *[[b]]* y][]\nand [[c]] [ok](/t/) [[d]]\n\n[r]: /s/\n"
    doc = parse(md, text, first_line=2)
    assert doc.problems == (
        (2, 6, nested_problem("[[a]]")),
        (2, 24, nested_problem("[@k]")),
        (2, 45, nested_problem("[[b]]")),
    )
    assert nested_problem("[[a]]").startswith("mission reference [[a]] inside a link's text: a link cannot hold")


def test_references_in_link_text_in_a_yaml_description_are_at_their_file_columns(md):
    file_text = "name: x\ndescription: |\n  Twin of [[a]].\n  Read [about [[a]] here](/t/).\n"
    doc = parse(md, "Twin of [[a]].\nRead [about [[a]] here](/t/).\n", first_line=3, file_text=file_text)
    assert [(line, col) for line, col, _ in doc.problems] == [(4, 15)]


def test_a_setext_heading_over_two_lines_keeps_its_words_apart(md):
    doc = parse(md, "The first\nwindow\n---\n\nA hard  \nbreak\n===\n")
    assert [(h.id, h.text) for h in doc.headings] == [("the-first-window", "The first window"), ("", "A hard break")]
