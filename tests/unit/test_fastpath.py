"""fastpath.py: the Rust parser's path gives exactly what markdown-it-py's gives, or steps aside."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from documentary.bodies import CompiledDoc, ParseJob, compile_doc, compile_slow
from documentary.fastpath import _parser, _rust, compile_fast
from documentary.load import split_front_matter
from documentary.markdown import make_parser
from tests.conftest import FIXTURES, ROOT

FIELDS = ("refs", "headings", "words", "images", "problems", "html", "holes")

EDGE_CASES = [
    "Plain [[mars-3]], [[mars-3|the lander]], [[mars-3:launch.date]], [[count:program=soviet]] [@a; @b].",
    "Twice on a line: [[mars-9]] and [[mars-9]].\nSecond line [[mars-9]] [@k].",
    "`[[mars-3]]` in code, ``[@k]`` too, and\n\n    [[mars-3]] indented\n\n```\n[[mars-3]] [@k]\n```\n",
    "\\[[mars-3]] escaped, \\\\[[mars-3]] not, [[ ]] blank, [[a\nb]] split, [[a [b]]] bracket.",
    "*[[mars-3]]* and foo*[[mars-3]]*bar and **[@k]**x and _[[a]]_",
    "# [[mars-3]] in h1\n\n## Main\n\n## Main\n\n### A `c&d` *e* & f\n\n## [[mars-2]] and [@k]\n\n"
    "Setext\nheading\n---\n",
    "# Title\n\n## Main\n\n## Main\n\n### A `c&d` *e* & f [@k]\n\n## Toc heading\n\n## 1\n\n## 1\n\n"
    "Setext\nheading [@k]\n---\n\n#### Deep `[[mars-3]]` [@a; @b]\n\n## Марс-2 и «Марс-3»\n",
    "A[^b] b[^a] c[^b] ^[inline *note* [[mars-3]]].\n\n[^a]: Note A [@k]\n\n    more a\n\n"
    "[^b]: Note *B*\n[^c]: unused\n",
    "[see [[a]]][nolabel] and [x [@k] y][] and [[[a]]](/x)",
    "[see [[mars-3]]](/timeline/) and [cite [@k]](/timeline/) and [ok](/missions/#x?a&b) [out](https://x.org/)",
    "![](/img/a.png) ![alt](/img/b.png) ![ ](c.png)\n\n[ref][r] and <https://example.org/[[x]]>\n\n[r]: /sources/",
    "| a | b |\n| - | :-: |\n| [[mars-3]] | [@k] |\n| [[x|y]] | z |\n\nafter [[x|y]]",
    "Term\n: Definition with [[mars-3]]\n\n> quote [[mars-3]]\n> [@k]\n\n- list [[a]]\n  - nested [@k]\n1. one\n",
    "Raw <script>alert(1)</script> & <b>x</b> &copy; &amp; &#35; \u00e9\u00e8 \u2014 [[mars-3]]",
    "[[a]](/timeline/) [@k](/x) [[a]][b] ![[a]] [[[a]]] [@k]: /url",
    "Attributes {#id .class} and [[a]]{.x}",
    "NUL \x00 here [[a]]",
    "Ünïcödé first [ok](/timeline/) then ![](/img/x.png) [[a]]",
    "A ~~struck [[a]]~~ and hard  \nbreak [@k]\\\nend",
    "Keys [@a;@b ;  @c] and [@a; not a key] each at their own column.",
]


def bodies() -> list[tuple[str, ParseJob]]:
    found = []
    for path in sorted([*ROOT.glob("content/*/*.md"), *FIXTURES.glob("site/content/*/*.md")]):
        split = split_front_matter(path.name, path.read_text())
        found.append((path.name, ParseJob(split[1], split[2])))
    found += [(f"edge-{i}", ParseJob(text, 3)) for i, text in enumerate(EDGE_CASES)]
    spec = Path(__file__).parent.parent / "commonmark" / "spec.json"
    if spec.is_file():
        found += [(f"spec-{e['example']}", ParseJob(e["markdown"])) for e in json.loads(spec.read_text())]
    yaml_text = "name: x\ndescription: |\n  Line one [[a]]\n  and [ok](/timeline/) [[a]] [@k]\n"
    found.append(("yaml", ParseJob("Line one [[a]]\nand [ok](/timeline/) [[a]] [@k]\n", 3, yaml_text)))
    return found


@pytest.fixture(scope="module")
def md():
    return make_parser()


def test_the_rust_path_gives_exactly_what_markdown_it_py_gives(md):
    taken, differ = 0, []
    for name, job in bodies():
        fast = compile_fast(job, allow_html=False)
        if fast is None:
            continue
        taken += 1
        slow = compile_slow(md, job)
        assert isinstance(slow, CompiledDoc), name
        differ += [f"{name}: {field}" for field in FIELDS if getattr(fast, field) != getattr(slow, field)]
    assert not differ, differ[:20]
    assert taken >= 600  # most bodies take the fast path (644 of the 652 CommonMark examples): not vacuous


ONLY_PY = ["Attributes {#id .class}", "[[a]](/x)", "[@k]: /url", "![[a]]", "NUL \x00", "An ![image](a.png)"]
ONLY_PY += ["```flightpath\nmissions: [mars-3]\n```"]  # only markdown-it-py records images and flight paths
ONLY_PY += ["## [[mars-3]]", "Text\n\n### The [[mars-3|lander]]", "Setext [[a]]\n===", "## [[a:launch.date]]"]
ONLY_PY += ["[the [@k] record][r]\n\n[r]: /s/"]  # headings holding a reference, above; a reference in link text
ONLY_PY += ["[@a;\n@b]", "[[a|the\nlander]]"]  # a reference wrapped over two lines


@pytest.mark.parametrize("text", ONLY_PY)
def test_what_the_rust_parser_cannot_do_steps_aside(text):
    assert compile_fast(ParseJob(text), allow_html=False) is None


def test_headings_the_rust_path_takes_are_those_markdown_it_py_gives(md):
    job = ParseJob(EDGE_CASES[6], 3)
    fast = compile_fast(job, allow_html=False)
    assert fast is not None and fast.headings == compile_slow(md, job).headings
    assert [h.id for h in fast.headings if h.level == 2] == ["main-1", "main-2", "toc-heading-1", "1", "1-1",
                                                             "setext-heading", "марс-2-и-марс-3"]  # fmt: skip


def test_raw_html_allowed_always_takes_markdown_it_py():
    assert compile_fast(ParseJob("plain"), allow_html=True) is None


def test_every_real_and_fixture_body_takes_the_fast_path_unless_it_has_images_or_flight_paths():
    real = [job for name, job in bodies() if not name.startswith(("edge", "spec", "yaml"))]
    pictured = ["![" in job.text or "flightpath" in job.text for job in real]
    assert real and not all(pictured)
    assert [compile_fast(job, False) is None for job in real] == pictured


PANICS = ["[`", "x [`a", "^[", "*\té[`\\\\` ~-`_ #", "[*`:@)\n)\n# -`-~^"]  # markdown-it-pyrs 0.4 panics on these


@pytest.mark.parametrize("text", PANICS)
def test_inputs_that_make_the_rust_parser_panic_take_markdown_it_py(text, md):
    assert compile_fast(ParseJob(text), allow_html=False) is None
    assert compile_doc(md, ParseJob(text)).html == compile_slow(md, ParseJob(text)).html


def test_a_panic_in_the_rust_parser_is_caught():
    assert _rust(_parser().render, "[`") is None  # the pre-checks aside, the body still builds
