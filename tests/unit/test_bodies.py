"""Compiled bodies: rendering ahead with holes gives exactly what rendering the tokens gives."""

from __future__ import annotations

import pytest

from documentary.bodies import CompiledDoc, ParseJob, compile_doc, compile_slow, from_bytes, render_body, to_bytes
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
