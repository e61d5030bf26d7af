"""The dev server's graph memo: where a rebuild made a node equal to one the last build made, the last
build's very object is used instead.

Unchanged files give back the same parsed and validated objects (load.ParseMemo, models.CheckMemo) and the
same compiled bodies (cache.BodyCache), so a node built from them compares equal cheaply (field by field,
most fields the same objects). Handing out the old object lets everything downstream that remembers
objects by identity (the digests of what pages read, reads.Digests) recognise it without looking inside:
a save then costs what it changed, not what the site holds.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from .graph import Site


class NodeMemo:
    """The nodes of the latest build, by edition, kind and address. Passed explicitly, like the other memos."""

    def __init__(self) -> None:
        self.previous: dict[tuple, Any] = {}

    def site(self, site: Site) -> Site:
        """`site` with every node equal to the last build's replaced by that node; remembers this build's."""
        kept: dict[tuple, Any] = {}
        result = self._edition(site, kept)
        self.previous = kept
        return result

    def _edition(self, site: Site, kept: dict[tuple, Any]) -> Site:
        def same(kind: str, nodes: tuple, address) -> tuple:
            return tuple(self._node((site.language, kind, address(node)), node, kept) for node in nodes)

        return replace(
            site,
            chapters=same("chapter", site.chapters, lambda n: n.url),
            pages=same("page", site.pages, lambda n: n.url),
            missions=same("mission", site.missions, lambda n: n.url),
            windows=same("window", site.windows, lambda w: w.index),
            translations=tuple(self._edition(edition, kept) for edition in site.translations),
        )

    def _node(self, key: tuple, node: Any, kept: dict[tuple, Any]) -> Any:
        old = self.previous.get(key)
        if old is not None and (old is node or old == node):
            node = old
        kept[key] = node
        return node
