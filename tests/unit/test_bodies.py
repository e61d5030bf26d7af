"""Compiled bodies: rendering ahead with holes gives exactly what rendering the tokens gives."""

from __future__ import annotations

import pytest

from documentary.bodies import (
    CompiledDoc,
    ParseJob,
    compile_doc,
    compile_slow,
    from_bytes,
    name_headings,
    render_body,
    to_bytes,
)
from documentary.markdown import make_parser, parse, render
from tests.conftest import FIXTURE_SITE, ROOT

TRICKY = """# Title with [[mars-3]]

A [[mars-3|lander]], a fact [[mars-3:launch.date]] and [[count:program=soviet]] missions.[^n] [@a; @b]

## [[mars-3]] in a heading {#custom .x}

| Mission | Cited |
| --- | --- |
| [[mars-3]] | [@a] |

![alt with [[mars-3]]](/img/x.png) and [a site link](/timeline/#w "title & more") and [out](https://e.org/?a=1&b=2).

- item with [@b] and *[[mars-3]]*

Term [[mars-3]]
: Definition [@a]

[^n]: A note citing [@b] about [[mars-3:name]], see [the list](/missions/).
"""


class Resolver:
    """Answers like the real one does: HTML for references, a prefixed path for site links."""

    def strings(self, key: str) -> str:
        return {"footnotes.heading": "Notes"}[key]

    def wikilink(self, kind: str, target: str, detail: str | None) -> str:
        return f'<a href="/m/{target}/" data-kind="{kind}">{detail or target}</a>'

    def cite(self, keys: list[str]) -> str:
        return "<sup>" + ",".join(keys) + "</sup>"

    def site_url(self, path: str) -> str:
        return '/base"&<' + path  # characters the renderer must escape inside an attribute

    def flightpath(self, slugs: list[str]) -> str:
        return f'<figure data-missions="{" ".join(slugs)}"></figure>'

    def image(self, src: str, alt: str, caption: str, alone: bool, lead: bool) -> str:
        return f'<img src="{src}" data-alt="{alt}" data-caption="{caption}" data-flags="{alone:d}{lead:d}">'


def bodies() -> list[str]:
    files = sorted((ROOT / "content").rglob("*.md")) + sorted((FIXTURE_SITE / "content").rglob("*.md"))
    return [TRICKY, "", "plain text\n", "\x00 a NUL in the source [[x]]"] + [
        f.read_text().split("---", 2)[-1] for f in files
    ]


@pytest.mark.parametrize("allow_html", [False, True])
def test_compiled_bodies_render_byte_for_byte_like_tokens(allow_html):
    md = make_parser(allow_html)
    for text in bodies():
        compiled = compile_doc(md, ParseJob(text, 3))
        assert isinstance(compiled, CompiledDoc) and compiled.tokens == []
        expected = render(md, parse(md, text, 3), Resolver())
        assert render_body(md, compiled, Resolver()) == expected


def test_compiled_doc_keeps_what_the_graph_reads():
    md = make_parser()
    doc, compiled = parse(md, TRICKY, 5), compile_doc(md, ParseJob(TRICKY, 5))
    assert (compiled.refs, compiled.headings, compiled.words) == (doc.refs, doc.headings, doc.words)
    assert compiled.images == doc.images and compiled.images_without_alt == doc.images_without_alt


def test_cache_bytes_round_trip():
    md = make_parser()
    compiled = compile_doc(md, ParseJob(TRICKY, 2))
    again = from_bytes(to_bytes(compiled))
    assert again == compiled
    assert render_body(md, again, Resolver()) == render_body(md, compiled, Resolver())


@pytest.mark.parametrize(
    "blob",
    [
        b"",
        b"not json\n<p>x</p>",
        b'{"refs": []}\n<p></p>',
        b'{"refs":[],"headings":[],"words":1,"images":[],"holes":[]}\n\x001&\x00',
    ],
)
def test_malformed_cache_bytes_raise(blob):
    with pytest.raises((ValueError, KeyError, TypeError)):
        from_bytes(blob)


def test_a_body_whose_marks_do_not_survive_keeps_its_tokens(monkeypatch):
    md = make_parser()

    def lossy(md, doc, resolver):  # a renderer that calls the resolver but drops what it returned
        resolver.cite(["a"])
        return "<p>no marks</p>"

    monkeypatch.setattr("documentary.bodies.render", lossy)
    doc = compile_slow(md, ParseJob("[@a] [@b]"))
    assert not isinstance(doc, CompiledDoc) and doc.tokens


NAMED = "## [[mars-2]]\n\n## Mars 2\n\n### The [[mars-2]] and [[mars-3]] pair [@a]\n\n## [[main]]\n\n## [[mars-2]]\n"
NAMES = {"mars-2": "Mars 2", "mars-3": "Mars 3", "main": "Main"}


def test_a_heading_naming_a_mission_gets_the_name_in_its_text_and_its_id():
    md = make_parser()
    named = name_headings(compile_doc(md, ParseJob(NAMED)), NAMES)
    assert [(h.level, h.id, h.text, h.parts) for h in named.headings] == [
        (2, "mars-2-1", "Mars 2", ()),  # the plain "Mars 2" below took its id at parse time
        (2, "mars-2", "Mars 2", ()),
        (3, "the-mars-2-and-mars-3-pair", "The Mars 2 and Mars 3 pair", ()),
        (2, "main-1", "Main", ()),  # never the template's id="main"
        (2, "mars-2-2", "Mars 2", ()),
    ]
    html = render_body(md, named, Resolver())
    assert html.startswith('<h2 id="mars-2-1"><a href="/m/mars-2/" data-kind="mission">mars-2</a></h2>\n')
    assert '<h3 id="the-mars-2-and-mars-3-pair">The <a href="/m/mars-2/"' in html and "\x00" not in html


def test_names_in_another_language_make_ids_of_their_own_letters():
    md = make_parser()
    named = name_headings(compile_doc(md, ParseJob("## [[mars-2]] и [[mars-3|его близнец]]\n")), {"mars-2": "Марс-2"})
    assert [(h.id, h.text) for h in named.headings] == [("марс-2-и-его-близнец", "Марс-2 и его близнец")]
    assert render_body(md, named, Resolver()).startswith('<h2 id="марс-2-и-его-близнец">')


def test_a_body_kept_as_tokens_is_named_the_same_way():
    md = make_parser()
    tokens = name_headings(parse(md, NAMED), NAMES)
    compiled = name_headings(compile_doc(md, ParseJob(NAMED)), NAMES)
    assert not isinstance(tokens, CompiledDoc) and tokens.headings == compiled.headings
    assert render(md, tokens, Resolver()) == render_body(md, compiled, Resolver())
    assert "\x00" in render(md, parse(md, NAMED), Resolver())  # naming copied the tokens, never changed them


def test_a_body_without_such_headings_is_left_as_it_is_and_an_unknown_slug_keeps_the_slug():
    md = make_parser()
    plain = compile_doc(md, ParseJob("## Mars 2\n\n[[mars-2]]\n"))
    assert name_headings(plain, NAMES) is plain
    unknown = name_headings(compile_doc(md, ParseJob("## [[mars-9]]\n")), NAMES)  # the graph reports it
    assert [(h.id, h.text) for h in unknown.headings] == [("mars-9", "mars-9")]


def test_a_heading_waiting_for_a_name_survives_the_cache():
    md = make_parser()
    compiled = compile_doc(md, ParseJob(NAMED))
    again = from_bytes(to_bytes(compiled))
    assert again == compiled and again.headings[0].parts == ("", "mars-2", "")
    assert name_headings(again, NAMES) == name_headings(compiled, NAMES)
