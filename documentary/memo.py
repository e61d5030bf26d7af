"""Values remembered by the identity of what they were computed from, for the dev server's rebuilds.

The dev server's memos (load.ParseMemo, models.CheckMemo, the body cache) hand back the very same objects
for files that did not change. A pure function of such objects need not run again while they come back: an
IdentityMemo remembers its result under their ids, and checks that the objects are still the same ones
(an id can be reused once its object is gone; the memo keeps the objects alive, so it cannot be here).
Only what the latest build asked for is kept (`turn`).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from operator import is_
from typing import Any, TypeVar

T = TypeVar("T")


class IdentityMemo:
    """Passed explicitly, like the other memos; a fresh one remembers nothing, so one code path serves
    the full build (which makes a new one) and the rebuilds (which keep one)."""

    def __init__(self) -> None:
        self.found: dict[tuple, tuple[tuple, Any]] = {}
        self.used: dict[tuple, tuple[tuple, Any]] = {}

    def get(self, kind: str, objects: tuple, make: Callable[[], T], values: Hashable = ()) -> T:
        """`make()`, or what it gave when last asked with these very `objects` and equal `values`."""
        key = (kind, values, *map(id, objects))
        hit = self.used.get(key)
        if hit is not None:  # asked already in this build, which keeps the objects alive: the ids are theirs
            return hit[1]
        hit = self.found.get(key)
        if hit is None or not all(map(is_, hit[0], objects)):  # (the same key: as many objects)
            hit = (objects, make())
        self.used[key] = hit
        return hit[1]

    def token(self, kind: str, objects: tuple, values: Hashable = ()) -> object:
        """An object that stays the same while `objects` and `values` do: a cheap key for a whole context."""
        return self.get(kind, objects, object, values)

    def turn(self) -> None:
        """End of a build: forget what it did not ask for."""
        self.found, self.used = self.used, {}
