"""Reading a built site the way crawlers and feed readers do: head metadata, JSON-LD, breadcrumbs."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path


@dataclass
class Head:
    meta: dict[str, str] = field(default_factory=dict)  # property or name -> content
    links: dict[str, list[str]] = field(default_factory=dict)  # rel -> hrefs
    jsonld: list[dict] = field(default_factory=list)
    scripts: list[str] = field(default_factory=list)  # src of every external script
    stylesheets: list[str] = field(default_factory=list)
    crumbs: list[tuple[str, str | None, bool]] = field(default_factory=list)  # text, href, aria-current
    times: list[str] = field(default_factory=list)  # datetime of the "Last updated" line


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.head = Head()
        self._json: list[str] | None = None
        self._crumbs = False
        self._crumb: list | None = None
        self._dates = False

    def handle_starttag(self, tag, attrs):
        a = {k: v or "" for k, v in attrs}
        if tag == "meta" and ("property" in a or "name" in a):
            self.head.meta[a.get("property") or a["name"]] = a.get("content", "")
        elif tag == "link":
            rel = "feed" if a.get("type") == "application/atom+xml" else a.get("rel", "")  # vs hreflang alternates
            self.head.links.setdefault(rel, []).append(a.get("href", ""))
            if a.get("rel") == "stylesheet":
                self.head.stylesheets.append(a["href"])
        elif tag == "script" and a.get("type") == "application/ld+json":
            self._json = []
        elif tag == "script" and "src" in a:
            self.head.scripts.append(a["src"])
        elif tag == "nav" and "breadcrumb" in (a.get("class") or "").split():  # its label is translated
            self._crumbs = True
        elif self._crumbs and tag in ("a", "span"):
            self._crumb = ["", a.get("href"), a.get("aria-current") == "page"]
        elif tag == "p" and "page-dates" in a.get("class", ""):
            self._dates = True
        elif self._dates and tag == "time":
            self.head.times.append(a["datetime"])

    def handle_endtag(self, tag):
        if tag == "script" and self._json is not None:
            self.head.jsonld.append(json.loads("".join(self._json)))
            self._json = None
        elif tag == "nav":
            self._crumbs = False
        elif tag in ("a", "span") and self._crumb is not None:
            self.head.crumbs.append(tuple(self._crumb))
            self._crumb = None
        elif tag == "p":
            self._dates = False

    def handle_data(self, data):
        if self._json is not None:
            self._json.append(data)
        elif self._crumb is not None:
            self._crumb[0] += data


def read_head(path: Path) -> Head:
    reader = _Reader()
    reader.feed(path.read_text(encoding="utf-8"))
    reader.close()
    return reader.head


def pages(root: Path) -> dict[str, Path]:
    return {p.relative_to(root).as_posix(): p for p in sorted(root.rglob("*.html"))}


def nodes(document: dict) -> list[dict]:
    """The top-level nodes of a JSON-LD document (its @graph, or itself)."""
    return document.get("@graph", [document])


def of_type(head: Head, kind: str) -> list[dict]:
    return [node for doc in head.jsonld for node in nodes(doc) if node.get("@type") == kind]
