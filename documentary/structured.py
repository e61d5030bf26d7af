"""Structured data (schema.org, as JSON-LD) for each page: plain dicts, ready for json.dumps. Pure.

Types used: WebSite with a SearchAction (the home page), Article (chapters, pages and mission pages),
Event (a mission's launch) about a Vehicle (the spacecraft) at a Place (the launch site), and a
BreadcrumbList on every page. tests/test_structured_data.py checks every emitted type and property
against the schema.org vocabulary (tests/schemas/schemaorg-subset.json).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .dating import Dates
from .graph import Citation, MissionNode, TextNode
from .i18n import Strings, english
from .models import SiteConfig

CONTEXT = "https://schema.org"
SEARCH_PARAMETER = "q"  # static/js/search.js reads the query from ?q=


@dataclass(frozen=True)
class Crumb:
    """One step of a breadcrumb trail; the current page of a page without an address (404) has no URL."""

    name: str
    url: str | None  # absolute, for the JSON-LD
    path: str | None  # the same, as the page links it (the site may be served elsewhere)


def document(*nodes: dict) -> dict:
    """One JSON-LD document for a page: its nodes in one @graph."""
    return {"@context": CONTEXT, "@graph": [node for node in nodes if node]}


def website_id(base_url: str) -> str:
    return base_url + "#website"


def website(config: SiteConfig, search_url: str | None, language: str) -> dict:
    node = {
        "@type": "WebSite",
        "@id": website_id(config.base_url),
        "name": config.title,
        "description": config.description,
        "url": config.base_url,
        "inLanguage": language,
        "publisher": _organisation(config.author),
        "license": _licence(config.licence),
    }
    if search_url:
        node["potentialAction"] = {
            "@type": "SearchAction",
            "target": {"@type": "EntryPoint", "urlTemplate": f"{search_url}?{SEARCH_PARAMETER}={{query}}"},
            "query-input": "required name=query",  # schema.org's Actions syntax: `query` is filled in
        }
    return node


def breadcrumbs(trail: Sequence[Crumb]) -> dict:
    items = []
    for position, crumb in enumerate(trail, 1):
        item = {"@type": "ListItem", "position": position, "name": crumb.name}
        if crumb.url:
            item["item"] = {"@id": crumb.url}  # ListItem.item is a Thing: the page, by its address
        items.append(item)
    return {"@type": "BreadcrumbList", "itemListElement": items}


def article(
    config: SiteConfig,
    url: str,
    headline: str,
    description: str,
    dates: Dates | None,
    citations: tuple[Citation, ...],
    language: str,
    words: int | None = None,
    about: str | None = None,
) -> dict:
    node: dict = {
        "@type": "Article",
        "@id": url + "#article",
        "headline": headline,
        "description": description,
        "url": url,
        "mainEntityOfPage": url,
        "inLanguage": language,
        "isPartOf": {"@id": website_id(config.base_url)},
        "author": _organisation(config.author),
        "publisher": _organisation(config.author),
        "license": _licence(config.licence),
    }
    if dates:
        node["datePublished"] = dates.published_iso
        node["dateModified"] = dates.updated_iso
    if words:
        node["wordCount"] = words
    if about:
        node["about"] = {"@id": about}
    if citations:
        node["citation"] = [_cited(c) for c in citations]
    return node


def text_page(config: SiteConfig, node: TextNode, url: str, language: str) -> dict:
    meta = node.doc.meta
    summary = meta.summary or config.description
    return article(config, url, node.title, summary, node.dates, node.citations, language, node.body.words)


def mission_page(
    config: SiteConfig, node: MissionNode, url: str, language: str, w: Strings | None = None
) -> list[dict]:
    """The page (an Article about the launch) and the launch (an Event about the spacecraft), named in the
    page's words `w` (English without).

    No `organizer`: a program (e.g. "europe") is not one organisation the data names.
    """
    m = node.data
    launch_id = url + "#launch"
    words = node.description.words if node.description else None
    page = article(config, url, m.name, m.summary, node.dates, node.citations, language, words, launch_id)
    craft: dict = {"@type": "Vehicle", "name": m.name, "description": m.summary}
    names = list(m.aliases) + ([m.name_ru] if m.name_ru else [])
    if names:
        craft["alternateName"] = names
    if m.cospar_id:
        craft["identifier"] = m.cospar_id
    start = m.launch.date.iso + (f"T{_seconds(m.launch.time)}Z" if m.launch.time else "")
    event = {
        "@type": "Event",
        "@id": launch_id,
        "name": (w or english())("jsonld.launch", name=m.name),
        "description": m.summary,
        "url": url,
        "startDate": start,
        "location": {"@type": "Place", "name": m.launch.site},
        "about": craft,
        "inLanguage": language,
    }
    return [page, event]


def _seconds(time: str) -> str:
    return time if time.count(":") == 2 else time + ":00"


def _organisation(name: str) -> dict:
    return {"@type": "Organization", "name": name}


def _licence(text: str) -> dict:
    return {"@type": "CreativeWork", "name": text}


def _cited(citation: Citation) -> dict:
    entry = citation.entry
    return {
        "@type": "CreativeWork",
        "name": entry.title,
        "url": entry.url,
        "publisher": _organisation(entry.publisher),
    }
