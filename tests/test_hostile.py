"""Hostile content: nothing an author writes may run code, inject script, or leave the site's attributes.

One site full of attacks is built once; each test reads the output as a browser would (html.parser),
so an escaped `&lt;script&gt;` is text and only a real element or attribute counts as injected.
"""

from __future__ import annotations

import json
import re
import shutil
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import pytest

from documentary.load import parse_yaml
from tests.conftest import run_cli

SITE = """\
title: 'Site "quoted" <b>bold</b> & </title><script>alert("site")</script>'
description: "</script><script>alert('description')</script>"
base_url: https://example.org/
author: '<script>alert("author")</script>'
licence: CC0
updated: 2024-01-02
"""

SOURCES = """\
src-a:
  title: 'Title with "quotes" and <tags> </script><script>alert("source")</script>'
  publisher: '<b onmouseover="alert(1)">P</b>'
  url: https://example.org/a?x=1&y=2
  note: "<script>alert('note')</script>"
"""

MISSION = """\
name: 'Probe "One" </script><script>alert("name")</script>'
aliases: ['<b>bold</b>']
name_ru: '<i onclick="alert(1)">x</i>'
program: soviet
type: [orbiter, lander]
launch:
  date: 1971-05-28
  vehicle: 'Proton "K" <x onload=alert(1)>'
  site: Baikonur
outcome: failure
summary: "</script><script>alert('summary')</script>"
events:
  - {date: 1971-12-02, title: '<img src=x onerror=alert("event")>'}
landing_site: {lat: 1, lon: 2, name: '</title><script>alert("place")</script>', note: '<i>note</i>'}
description: |
  <script>alert('desc')</script> <iframe src="https://evil.example/"></iframe>
  [x](javascript:alert('desc-link')) [@src-a]
sources: [src-a]
"""

CHAPTER = """\
---
title: 'Quotes " and <b>tags</b> & </title><script>alert("title")</script>'
summary: "A summary with \\"quotes\\" and <script>alert('summary')</script>"
---
Raw: <script>alert('raw')</script> and <iframe src="https://evil.example/"></iframe>
and <img src=x onerror="alert('img')">.

<div onclick="alert('block')">block html</div>

[js link](javascript:alert('js'))
[JS upper](JaVaScRiPt:alert('upper'))
[vb](vbscript:msgbox('vb'))
[data html](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)
[entity](&#106;avascript:alert('entity'))
[tabbed](<java\tscript:alert('tab')>)
<javascript:alert('autolink')>
[ref link][evil]

[evil]: javascript:alert('ref')

![js image](javascript:alert('img-js'))
![svg data image](data:image/svg+xml;base64,PHN2Zz48L3N2Zz4=)
![png data image](data:image/png;base64,iVBORw0KGgo=)

[titled](https://example.org/ "a \\"quoted\\" title <b>")
![alt with "quotes" <b>](https://example.org/i.png "img \\" title")

[attr link](https://example.org/){onclick="alert('attr')" .ok #link-id}

{onmouseover="alert('block-attr')" .para}
A paragraph with block attributes.

[[probe-1|<img src=x onerror=alert('wiki')>]], [[probe-1:summary]], [[probe-1:launch.vehicle]] [@src-a]

## Heading <script>alert('h')</script> "q"

`<script>alert('code')</script>`
"""

OWN_SCRIPT = re.compile(r"^/js/(theme|site|search)\.[0-9a-f]{8}\.js$")  # fingerprinted (documentary.assets)
BAD_SCHEMES = ("javascript:", "vbscript:", "data:")


class Elements(HTMLParser):
    """Every start tag with its attributes, and the text inside each <script>."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.script_text: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, {k: v or "" for k, v in attrs}))
        self._in_script = tag == "script"

    def handle_startendtag(self, tag, attrs):
        self.tags.append((tag, {k: v or "" for k, v in attrs}))

    def handle_endtag(self, tag):
        self._in_script = False

    def handle_data(self, data):
        if self._in_script and data.strip():
            self.script_text.append(data)


def elements(html: str) -> Elements:
    parser = Elements()
    parser.feed(html)
    parser.close()
    return parser


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("hostile")
    files = {
        "content/site.yaml": SITE,
        "content/sources.yaml": SOURCES,
        "content/missions/probe-1.yaml": MISSION,
        "content/chapters/01-hostile.md": CHAPTER,
    }
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    result = run_cli(["build", "--out", "out", "--no-search"], cwd=root)
    assert result.returncode == 0, result.stderr
    return root / "out"


def html_pages(out: Path) -> dict[str, str]:
    return {p.relative_to(out).as_posix(): p.read_text(encoding="utf-8") for p in sorted(out.rglob("*.html"))}


def test_the_hostile_pages_were_built(site: Path):
    assert {"chapters/hostile/index.html", "missions/probe-1/index.html", "sources/index.html"} <= set(html_pages(site))


def test_no_page_has_a_script_the_site_did_not_ship(site: Path):
    for name, html in html_pages(site).items():
        found = elements(html)
        scripts = [attrs for tag, attrs in found.tags if tag == "script"]
        assert all(OWN_SCRIPT.match(s["src"]) for s in scripts if "src" in s), name
        # the only inline <script> is the JSON-LD data block, and the hostile text inside it stays data
        assert [s.get("type") for s in scripts if "src" not in s] == ["application/ld+json"], name
        for text in found.script_text:
            json.loads(text)
            assert "<" not in text and ">" not in text, name
        assert not [tag for tag, _ in found.tags if tag in ("iframe", "object", "embed", "base")], name


def test_no_element_has_an_event_handler_attribute(site: Path):
    for name, html in html_pages(site).items():
        handlers = [(tag, key) for tag, attrs in elements(html).tags for key in attrs if key.startswith("on")]
        assert handlers == [], name


def test_no_link_or_image_uses_a_script_or_data_url_except_data_images(site: Path):
    for name, html in html_pages(site).items():
        for tag, attrs in elements(html).tags:
            for key in ("href", "src", "action", "formaction"):
                url = "".join(attrs.get(key, "").split()).lower()  # browsers drop tabs and newlines
                raster = tag == "img" and url.startswith(("data:image/png", "data:image/gif", "data:image/jpeg"))
                assert raster or not url.startswith(BAD_SCHEMES), (name, tag, attrs)


def test_raw_html_is_shown_as_text(site: Path):
    chapter = (site / "chapters/hostile/index.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert('raw')&lt;/script&gt;" in chapter
    assert "&lt;iframe src=&quot;https://evil.example/&quot;&gt;" in chapter
    assert "onerror=&quot;alert('img')&quot;" in chapter
    assert "&lt;div onclick=&quot;alert('block')&quot;&gt;block html&lt;/div&gt;" in chapter
    mission = (site / "missions/probe-1/index.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert('desc')&lt;/script&gt;" in mission


def test_dangerous_links_are_not_links_but_safe_ones_are(site: Path):
    tags = elements((site / "chapters/hostile/index.html").read_text(encoding="utf-8")).tags
    hrefs = [attrs["href"] for tag, attrs in tags if tag == "a" and "href" in attrs]
    assert "https://example.org/" in hrefs
    # The tab is percent-encoded, so a browser reads no scheme at all: a harmless relative link.
    # The ebook's name is the title as a slug: letters, digits and hyphens, whatever the title holds.
    books = [h for h in hrefs if h.endswith(".epub")]
    assert books and all(re.fullmatch(r"/[a-z0-9-]+\.en\.epub", h) for h in books), books
    assert {h for h in hrefs if "alert" in h and h not in books} == {
        "#heading-scriptalerthscript-q",
        "java%09script:alert('tab')",
    }
    images = [attrs["src"] for tag, attrs in tags if tag == "img"]
    assert "data:image/png;base64,iVBORw0KGgo=" in images
    assert not [src for src in images if src.startswith(("javascript:", "data:image/svg"))]


def test_titles_and_attributes_keep_quotes_and_brackets_inside(site: Path):
    tags = elements((site / "chapters/hostile/index.html").read_text(encoding="utf-8")).tags
    link = next(attrs for tag, attrs in tags if tag == "a" and attrs.get("title"))
    assert link["title"] == 'a "quoted" title <b>'
    image = next(attrs for tag, attrs in tags if tag == "img" and attrs.get("title"))
    assert (image["alt"], image["title"]) == ('alt with "quotes" <b>', 'img " title')
    described = [attrs["content"] for tag, attrs in tags if tag == "meta" and attrs.get("name") == "description"]
    assert described == ["A summary with \"quotes\" and <script>alert('summary')</script>"]


def test_yaml_strings_with_closing_script_tags_stay_text_on_the_mission_page(site: Path):
    html = (site / "missions/probe-1/index.html").read_text(encoding="utf-8")
    assert '</script><script>alert("name")' not in html
    assert "&lt;/script&gt;&lt;script&gt;alert(&#34;name&#34;)&lt;/script&gt;" in html
    tags = elements(html).tags
    title = next(attrs["content"] for tag, attrs in tags if tag == "meta" and attrs.get("property") == "og:title")
    assert title == 'Probe "One" </script><script>alert("name")</script>'


def test_source_titles_with_quotes_and_brackets_are_escaped(site: Path):
    html = (site / "sources/index.html").read_text(encoding="utf-8")
    assert "Title with &#34;quotes&#34; and &lt;tags&gt; &lt;/script&gt;" in html
    assert "&lt;b onmouseover=&#34;alert(1)&#34;&gt;P&lt;/b&gt;" in html
    assert 'href="https://example.org/a?x=1&amp;y=2"' in html


def test_attributes_from_the_attrs_plugin_are_limited_to_id_and_class(site: Path):
    tags = elements((site / "chapters/hostile/index.html").read_text(encoding="utf-8")).tags
    link = next(attrs for tag, attrs in tags if tag == "a" and attrs.get("id") == "link-id")
    assert link == {"href": "https://example.org/", "id": "link-id", "class": "ok"}
    assert ("p", {"class": "para"}) in tags


def test_the_feed_and_sitemap_stay_well_formed_xml(site: Path):
    for name in ("feed.xml", "sitemap.xml"):
        ET.parse(site / name)  # a stray < or & from the content would make this raise


def test_a_base_url_that_could_leave_an_attribute_is_refused(site: Path, tmp_path: Path):
    root = site.parent
    result = run_cli(["build", "--out", str(tmp_path / "out"), "--no-search", "--base-url", 'https://e.org/a"b/'], root)
    assert result.returncode == 1
    assert "--base-url:1:1: error: URL 'https://e.org/a\"b/' contains '\"'; percent-encode it" in result.stderr


BILLION_LAUGHS = "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + "".join(
    f"{b}: &{b} [{', '.join([f'*{a}'] * 9)}]\n" for a, b in zip("abcdefgh", "bcdefghi", strict=True)
)


def test_an_alias_bomb_is_an_error_not_a_memory_explosion():
    doc, errors = parse_yaml("m.yaml", BILLION_LAUGHS)
    assert doc is None
    assert [e.format() for e in errors] == [
        "m.yaml:2:8: error: YAML aliases (*a) are not allowed in content files; write the value out"
    ]


def test_an_alias_bomb_in_a_mission_fails_the_build(tmp_path: Path):
    root = tmp_path / "site"
    (root / "content/missions").mkdir(parents=True)
    (root / "content/site.yaml").write_text(SITE.replace("<", "").replace(">", ""), encoding="utf-8")
    (root / "content/missions/probe-1.yaml").write_text(BILLION_LAUGHS, encoding="utf-8")
    result = run_cli(["build", "--out", "out", "--no-search"], cwd=root)
    assert result.returncode == 1
    assert "content/missions/probe-1.yaml:2:8: error: YAML aliases (*a)" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_python_object_tag_is_an_error_at_its_line_and_never_runs(tmp_path: Path):
    marker = tmp_path / "ran"
    text = f"name: Probe\nsummary: Lost.\nlaunch: !!python/object/apply:os.system ['touch {marker}']\n"
    doc, errors = parse_yaml("m.yaml", text)
    assert doc is None
    assert [e.format() for e in errors] == [
        "m.yaml:3:9: error: YAML tag '!!python/object/apply:os.system' is not allowed (content is data, never code)"
    ]
    root = tmp_path / "site"
    shutil.copytree(Path(__file__).parent / "fixtures/invalid/python-tag", root)
    (root / "content/missions/probe-1.yaml").write_text(text, encoding="utf-8")
    result = run_cli(["build", "--out", "out", "--no-search"], cwd=root)
    assert result.returncode == 1
    assert "content/missions/probe-1.yaml:3:9: error: YAML tag '!!python/object/apply:os.system'" in result.stderr
    assert not marker.exists()


@pytest.mark.parametrize(
    "tag",
    ["!!python/object:os.system", "!!python/name:os.system", "!!python/module:os", "!!python/tuple", "!!binary"],
)
def test_every_non_data_tag_is_refused(tag: str):
    doc, errors = parse_yaml("m.yaml", f"a: 1\nb: {tag} [x]\n")
    assert doc is None
    assert errors[0].format().startswith(f"m.yaml:2:4: error: YAML tag '{tag}' is not allowed")
