"""What a page reads, recorded while it renders: the one source of a page's dependencies.

A context builder and its templates see the site through a `SiteView`, which hands out the real values
and notes each read as a key: `("site", lang, "attr", "config")`, `("site", lang, "order", "chapters")`
(only the order: `length` and `.index()`), `("site", lang, "call", "node", (url,))`. A body's references
are noted with what they printed (`("resolve", lang, "wikilink", args)`), the templates a page loads as
`("template", name)`, and anything else the renderer hands a page as `("page", lang, name, args)`.
Each key is kept with a digest of its value. A later build asks the same keys of its own site (`Replay`)
and renders a page again only when a digest differs, so no list of inputs is ever kept by hand.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Callable, Iterator
from typing import Any

from pydantic import BaseModel

Key = tuple
Reads = dict[Key, str]  # key -> digest of the value the page saw
ORDER_ONLY = frozenset({"chapters", "pages", "missions", "translations"})  # sequences whose order alone a page may read
PURE = frozenset({"cite"})  # resolver methods that depend only on the page's own node (its citation numbers)
MISSING = "missing"  # the digest of a key that no longer resolves (a page or mission that is gone)


class Log:
    """One page's reads; `note` computes a value's digest once per build (values are frozen)."""

    def __init__(self, digests: Digests):
        self.reads: Reads = {}
        self.digests = digests

    def note(self, key: Key, value: Any) -> Any:
        if key not in self.reads:
            self.reads[key] = self.digests.of(key, value)
        return value

    def note_lazy(self, key: Key, value: Callable[[], Any]) -> None:
        """The same for a value that costs something to get (a template's source): got once per build."""
        if key not in self.reads:
            known = self.digests.by_key.get(key)
            self.reads[key] = known if known is not None else self.digests.of(key, value())


class Digests:
    """Digests of values by key for one build; a value's digest comes from its stable text, not its id.

    A frozen object is digested once, however many keys hold it (a chapter in `site.chapters` and behind
    `site.node(url)`), field by field so that its parts are too: the dev server passes the same `memo` to
    every build, and a body the body cache kept is then the same object, digested once per session."""

    def __init__(self, memo: dict[int, tuple[Any, str]] | None = None) -> None:
        self.by_key: dict[Key, str] = {}
        self.memo = memo if memo is not None else {}  # id -> (the object, kept alive, and its digest)
        self.used: set[int] = set()
        self._orders: dict[int, tuple[tuple, tuple]] = {}

    def of(self, key: Key, value: Any) -> str:
        found = self.by_key.get(key)
        if found is None:
            found = self.by_key[key] = _hash(self._text(value))
        return found

    def _text(self, value: Any) -> str:
        if isinstance(value, tuple | list) and not hasattr(value, "_fields"):  # a sequence of nodes
            return "(" + ",".join(self._item(item) for item in value) + ")"
        return self._item(value)

    def _item(self, item: Any) -> str:
        found = self.memo.get(id(item))
        if found is not None and found[0] is item:  # a body the cache kept, or a node an earlier build digested
            self.used.add(id(item))
            return found[1]
        if type(item) is tuple:  # its parts may be kept objects (a body)
            return "(" + ",".join(self._item(part) for part in item) + ")"
        if isinstance(item, BaseModel):  # frozen: the same model object is digested once
            return self._kept(item, repr)
        if _composite(item):
            return self._kept(item, self._fields)
        return stable(item)  # a small value (a link, a citation, dates): its text, not a digest of its own

    def _kept(self, item: Any, text) -> str:
        self.used.add(id(item))
        found = self.memo.get(id(item))
        if found is None or found[0] is not item:
            found = self.memo[id(item)] = (item, _hash(text(item)))
        return found[1]

    def _fields(self, item: Any) -> str:
        parts = (self._item(getattr(item, name)) for name in _COMPOSITES[type(item)])
        return f"{type(item).__name__}(" + ",".join(parts) + ")"

    def order(self, items: tuple) -> tuple:
        """`order_of(items)`, once per build for each sequence (a page asks its length many times)."""
        found = self._orders.get(id(items))
        if found is None or found[0] is not items:
            found = self._orders[id(items)] = (items, order_of(items))
        return found[1]

    def kept(self) -> dict[int, tuple[Any, str]]:
        """The memo with only what this build used: the next build's `memo`."""
        return {i: self.memo[i] for i in self.used if i in self.memo}


def digest(value: Any) -> str:
    return _hash(stable(value))


def _hash(text: str) -> str:
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


def stable(value: Any) -> str:
    """Text that is equal for equal values, in every process: a repr, but with sets sorted.

    The frozen content types' reprs hold only their data (no ids, no sets), so they are used as they are;
    a dataclass that holds a set (the URLs of an edition) is taken field by field."""
    if isinstance(value, frozenset | set):
        return "{" + ",".join(sorted(stable(item) for item in value)) + "}"
    if _holds_a_set(value):
        inner = ",".join(stable(getattr(value, f.name)) for f in dataclasses.fields(value))
        return f"{type(value).__name__}({inner})"
    if isinstance(value, tuple | list) and any(isinstance(item, frozenset | set) for item in value):
        return "(" + ",".join(stable(item) for item in value) + ")"
    return repr(value)


# Dataclass types whose instances are digested field by field (their field names), because a field holds a
# tuple, a model or another dataclass, which may be a kept object (a node's body, a source a hundred
# citations share); () for the small ones, whose
# text is their repr. Decided by the first instance seen: a wrong guess costs time, never a missed change,
# since either way equal values give equal text and different values different text.
_COMPOSITES: dict[type, tuple[str, ...]] = {}


def _composite(item: Any) -> bool:
    kind = type(item)
    names = _COMPOSITES.get(kind)
    if names is None:
        names = ()
        if _instance(item):
            fields = tuple(f.name for f in dataclasses.fields(item))
            values = [getattr(item, name) for name in fields]
            if any(isinstance(v, tuple | BaseModel) or _instance(v) for v in values):
                names = fields
        _COMPOSITES[kind] = names
    return bool(names)


def _instance(value: Any) -> bool:
    """A dataclass instance (not a dataclass type)."""
    return dataclasses.is_dataclass(value) and not isinstance(value, type)


def _holds_a_set(value: Any) -> bool:
    """Whether `value` is a dataclass with a set in a field; decided once per type, by its first instance."""
    kind = type(value)
    found = _SET_HOLDERS.get(kind)
    if found is None:
        found = _SET_HOLDERS[kind] = _instance(value) and any(
            isinstance(getattr(value, f.name), frozenset | set) for f in dataclasses.fields(value)
        )
    return found


_SET_HOLDERS: dict[type, bool] = {}


class SiteView:
    """The Site as a page sees it: every attribute and method is the real one, and every read is noted."""

    def __init__(self, site: Any, language: str, log: Log):
        object.__setattr__(self, "_site", site)
        object.__setattr__(self, "_language", language)
        object.__setattr__(self, "_log", log)

    def __getattr__(self, name: str) -> Any:
        site, log = self._site, self._log
        value = getattr(site, name)
        if callable(value):
            return lambda *args: log.note(("site", self._language, "call", name, args), value(*args))
        if name in ORDER_ONLY:
            return Sequence(self, name, value)
        return log.note(("site", self._language, "attr", name), value)

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("the site is read-only")


class Sequence:
    """`site.chapters`: its length and positions read only the order; anything else reads the whole."""

    def __init__(self, view: SiteView, name: str, items: tuple):
        self._view, self._name, self._items = view, name, items

    def _order(self) -> tuple:
        view = self._view
        order = view._log.digests.order(self._items)
        return view._log.note(("site", view._language, "order", self._name), order)

    def _whole(self) -> tuple:
        view = self._view
        return view._log.note(("site", view._language, "attr", self._name), self._items)

    def __len__(self) -> int:
        self._order()
        return len(self._items)

    def __bool__(self) -> bool:
        self._order()
        return bool(self._items)

    def index(self, item: Any) -> int:
        order = self._order()
        return order.index(item.url)

    def __iter__(self) -> Iterator:
        return iter(self._whole())

    def __getitem__(self, index):
        return self._whole()[index]

    def __reversed__(self) -> Iterator:
        return reversed(self._whole())

    def __contains__(self, item: Any) -> bool:
        return item in self._whole()

    def __eq__(self, other: object) -> bool:
        return self._whole() == (other._whole() if isinstance(other, Sequence) else other)

    __hash__ = None  # type: ignore[assignment]


def order_of(items: tuple) -> tuple:
    """What `length`, `if` and `.index()` see of a sequence: each item's URL (a node) or prefix (an edition)."""
    return tuple(getattr(item, "url", None) or getattr(item, "prefix", None) for item in items)


class ResolverLog:
    """A body's resolver whose answers are noted with their arguments (the page prints exactly these)."""

    def __init__(self, resolver: Any, language: str, log: Log):
        self._resolver, self._language, self._log = resolver, language, log

    def __getattr__(self, method: str) -> Callable:
        call = getattr(self._resolver, method)
        if method in PURE or method.startswith("_"):
            return call
        return lambda *args: self._log.note(("resolve", self._language, method, _frozen(args)), call(*args))


def _frozen(args: tuple) -> tuple:
    return tuple(tuple(a) if isinstance(a, list) else a for a in args)


class Replay:
    """Asks a recorded key of a new build: `evaluate(key)` is the digest that build's page would see."""

    def __init__(self, answer: Callable[[Key], Any], digests: Digests):
        self.answer = answer  # key -> value in the new build; raises LookupError when it is gone
        self.digests = digests

    def evaluate(self, key: Key) -> str:
        found = self.digests.by_key.get(key)
        if found is not None:
            return found
        try:
            value = self.answer(key)
        except LookupError:
            self.digests.by_key[key] = MISSING
            return MISSING
        return self.digests.of(key, value)

    def changed(self, reads: Reads) -> bool:
        known = self.digests.by_key  # most keys were asked by an earlier page already (a warm build: 130,000)
        for key, seen in reads.items():
            found = known.get(key)
            if (found if found is not None else self.evaluate(key)) != seen:
                return True
        return False
