"""reads.py: what a page reads is noted as keys with digests, and a later build answers the same keys."""

from __future__ import annotations

from dataclasses import dataclass

from documentary.reads import MISSING, Digests, Log, Replay, ResolverLog, SiteView, stable


@dataclass(frozen=True)
class Node:
    url: str
    title: str


@dataclass(frozen=True)
class Tiny:
    chapters: tuple[Node, ...]
    config: str
    here: frozenset[str] = frozenset()

    def node(self, url: str) -> Node:
        return {n.url: n for n in self.chapters}[url]


SITE = Tiny((Node("a/", "A"), Node("b/", "B")), "conf")


def reads_of(use) -> dict:
    log = Log(Digests())
    use(SiteView(SITE, "en", log))
    return log.reads


def test_length_and_position_read_only_the_order_and_iterating_reads_the_whole():
    assert set(reads_of(lambda site: len(site.chapters))) == {("site", "en", "order", "chapters")}
    assert set(reads_of(lambda site: site.chapters.index(SITE.chapters[1]))) == {("site", "en", "order", "chapters")}
    assert set(reads_of(lambda site: [n.title for n in site.chapters])) == {("site", "en", "attr", "chapters")}
    assert set(reads_of(lambda site: site.node("b/").title)) == {("site", "en", "call", "node", ("b/",))}
    assert set(reads_of(lambda site: site.config)) == {("site", "en", "attr", "config")}


def test_the_view_is_read_only():
    view = SiteView(SITE, "en", Log(Digests()))
    try:
        view.config = "other"
    except AttributeError:
        return
    raise AssertionError("the view accepted a write")


def test_a_resolver_answer_is_noted_with_its_arguments_except_pure_methods():
    class Resolver:
        def wikilink(self, kind, target, detail):
            return f"<a>{target}</a>"

        def cite(self, keys):
            return "[1]"

    log = Log(Digests())
    resolver = ResolverLog(Resolver(), "ru", log)
    assert resolver.wikilink("mission", "mars-3", None) == "<a>mars-3</a>"
    assert resolver.cite(["k"]) == "[1]"
    assert list(log.reads) == [("resolve", "ru", "wikilink", ("mission", "mars-3", None))]


def test_stable_text_sorts_sets_and_equal_values_give_equal_digests():
    assert stable(frozenset({"b", "a"})) == stable(frozenset({"a", "b"})) == "{'a','b'}"
    one, other = Tiny((), "x", frozenset({"p", "q"})), Tiny((), "x", frozenset({"q", "p"}))
    assert Digests().of("k", one) == Digests().of("k", other)
    assert Digests().of("k", one) != Digests().of("k", Tiny((), "y", frozenset({"p", "q"})))


def test_replay_finds_what_changed_and_what_is_gone():
    log = Log(Digests())
    view = SiteView(SITE, "en", log)
    view.node("a/")
    len(view.chapters)
    renamed = Tiny((Node("a/", "A2"), Node("b/", "B")), "conf")

    def answer(site):
        def ask(key):
            if key[2] == "order":
                return tuple(n.url for n in site.chapters)
            return site.node(*key[4])

        return ask

    assert not Replay(answer(SITE), Digests()).changed(log.reads)
    assert Replay(answer(renamed), Digests()).changed(log.reads)
    gone = Tiny((Node("b/", "B"),), "conf")
    replay = Replay(answer(gone), Digests())
    assert replay.evaluate(("site", "en", "call", "node", ("a/",))) == MISSING
