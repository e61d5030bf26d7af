"""memo.py: values remembered by the identity of their inputs, forgotten when a build no longer asks."""

from documentary.memo import IdentityMemo


def counting():
    calls = []

    def make(value):
        return lambda: calls.append(value) or [value]

    return calls, make


def test_the_same_objects_give_the_same_value_without_computing_it_again():
    memo, calls, make = IdentityMemo(), *counting()
    body = ["a body"]
    first = memo.get("kind", (body,), make(1))
    memo.turn()
    assert memo.get("kind", (body,), make(2)) is first
    assert calls == [1]


def test_an_equal_but_different_object_is_computed_again():
    memo, calls, make = IdentityMemo(), *counting()
    memo.get("kind", (["a body"],), make(1))
    assert memo.get("kind", (["a body"],), make(2)) == [2]
    assert calls == [1, 2]


def test_values_are_compared_by_equality_and_kinds_are_kept_apart():
    memo, calls, make = IdentityMemo(), *counting()
    body = ["a body"]
    memo.get("kind", (body,), make(1), ("chapters/a.md", 3))
    memo.get("kind", (body,), make(2), ("chapters/a.md", 3))
    memo.get("kind", (body,), make(3), ("chapters/b.md", 3))
    memo.get("other", (body,), make(4), ("chapters/a.md", 3))
    assert calls == [1, 3, 4]


def test_what_a_build_did_not_ask_for_is_forgotten():
    memo, calls, make = IdentityMemo(), *counting()
    body = ["a body"]
    memo.get("kind", (body,), make(1))
    memo.turn()  # the next build asks for nothing
    memo.turn()
    memo.get("kind", (body,), make(2))
    assert calls == [1, 2]


def test_a_token_changes_when_any_object_of_its_context_does():
    memo = IdentityMemo()
    sources, missions = {"src": 1}, ["mars-2"]
    token = memo.token("context", (sources, missions), frozenset({"index.html"}))
    assert memo.token("context", (sources, missions), frozenset({"index.html"})) is token
    assert memo.token("context", (sources, ["mars-2"]), frozenset({"index.html"})) is not token
    assert memo.token("context", (sources, missions), frozenset({"404.html"})) is not token
