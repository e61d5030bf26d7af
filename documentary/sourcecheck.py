"""Is each citation one a historian would accept? Warnings on republished copies and encyclopedia-only chapters.

Two checks, both warnings (errors under --strict), each at the place to fix:
- a source whose URL's host is on the content folder's list of known republishers (republishers.yaml):
  mirrors, IPFS gateways, proxies and content farms that copy other publishers' pages;
- a chapter whose every citation is to an encyclopedia or a blog, so that none of its claims rests on an
  agency, a book or a journal.
Pure: it reads the validated content and the parsed chapters, never the disk.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

from .errors import ContentError, Source
from .markdown import Doc
from .models import SourceEntry
from .raw import Located, YamlDoc

SECONDARY_ONLY = frozenset(("encyclopedia", "blog"))  # a chapter citing only these rests on no primary source
HOST_PATTERN = re.compile(r"^(\*\.)?[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)+$")


@dataclass(frozen=True)
class Republisher:
    """`example.org` matches that host and its subdomains; `*.example.org` only the subdomains."""

    pattern: str

    def matches(self, host: str) -> bool:
        if self.pattern.startswith("*."):
            return host.endswith(self.pattern[1:])
        return host == self.pattern or host.endswith("." + self.pattern)


def parse_republishers(doc: YamlDoc | None) -> tuple[tuple[Republisher, ...], list[ContentError]]:
    """The list in republishers.yaml: host names, one per item; a bad item is an error at its line."""
    if doc is None:
        return (), []
    if not isinstance(doc.data, list):
        return (), [ContentError(doc.where(), "republishers.yaml must be a list of host names, e.g. - example.org")]
    found, problems = [], []
    for index, item in enumerate(doc.data):
        value = item.strip().lower() if isinstance(item, str) else None
        if value is None or not HOST_PATTERN.match(value):
            msg = f"'{item}' is not a host name like example.org or *.example.org"
            problems.append(ContentError(doc.where((index,)), msg))
            continue
        found.append(Republisher(value))
    return tuple(found), problems


def republisher_of(url: str, republishers: Iterable[Republisher]) -> Republisher | None:
    host = (urlsplit(url).hostname or "").lower()
    return next((r for r in republishers if r.matches(host)), None)


def check_sources(
    sources: Mapping[str, SourceEntry], sources_doc: Located | None, republishers: tuple[Republisher, ...]
) -> list[ContentError]:
    """A warning at the URL of every source that links to a known republisher."""
    problems = []
    for key, entry in sources.items() if sources_doc else ():
        found = republisher_of(entry.url, republishers)
        if found:
            host = urlsplit(entry.url).hostname
            msg = (
                f"source '{key}' links to {host}, which republishes others' pages (republishers.yaml: "
                f"{found.pattern}); cite the original publisher at its own address"
            )
            problems.append(ContentError(sources_doc.where((key, "url")), msg, "warning"))
    return problems


def check_chapter(path: str, body: Doc, sources: Mapping[str, SourceEntry]) -> ContentError | None:
    """A warning at the first citation of a chapter that cites only encyclopedias and blogs."""
    cites = [r for r in body.refs if r.kind == "cite" and r.target in sources]
    kinds = {sources[r.target].kind for r in cites}
    if not cites or not kinds <= SECONDARY_ONLY:
        return None
    names = ", ".join(sorted(kinds))
    msg = f"every citation in this chapter is to a source of kind {names}; cite an agency, a book or a journal too"
    return ContentError(Source(path, cites[0].line, cites[0].col), msg, "warning")


def check_site(
    sources: Mapping[str, SourceEntry], sources_doc: Located | None, republishers_doc: YamlDoc | None
) -> list[ContentError]:
    """The sources at republishers, and any problem in republishers.yaml itself."""
    republishers, problems = parse_republishers(republishers_doc)
    return problems + check_sources(sources, sources_doc, republishers)
