"""The body cache: entries come back only intact; anything damaged or unreadable is a miss, never an error."""

from __future__ import annotations

import json

import pytest

from documentary.bodies import ParseJob, compile_doc
from documentary.cache import PACK, SIGNATURE, BodyCache, _key, compile_all, fingerprint
from documentary.markdown import make_parser

TEXTS = [f"Body {n} with [[mars-{n}]] and [@src-{n}].\n\n## Part {n}\n" for n in range(5)]


def filled(folder, md=None):
    md = md or make_parser()
    cache = BodyCache.open(folder)
    docs = compile_all(md, [ParseJob(t) for t in TEXTS], cache, workers=1)
    cache.save()
    return docs


def reopened_hits(folder) -> int:
    cache = BodyCache.open(folder)
    compile_all(make_parser(), [ParseJob(t) for t in TEXTS], cache, workers=1)
    return cache.hits


def test_saved_entries_are_found_again_and_equal(tmp_path):
    docs = filled(tmp_path)
    cache = BodyCache.open(tmp_path)
    again = compile_all(make_parser(), [ParseJob(t) for t in TEXTS], cache, workers=1)
    assert cache.hits == len(TEXTS) and again == docs


def test_a_corrupt_entry_is_a_miss_and_the_others_still_hit(tmp_path):
    filled(tmp_path)
    data = bytearray((tmp_path / PACK).read_bytes())
    data[-3] ^= 0xFF  # inside the last entry's HTML
    (tmp_path / PACK).write_bytes(bytes(data))
    assert reopened_hits(tmp_path) == len(TEXTS) - 1


@pytest.mark.parametrize(
    "damage",
    [
        lambda data: data[: len(data) // 2],  # truncated
        lambda data: b"",
        lambda data: b"\x00garbage" * 100,
        lambda data: data.replace(SIGNATURE, b"documentary body cache 0\n"),  # an older format
        lambda data: SIGNATURE + b"{not json\n" + data,
        lambda data: SIGNATURE + b'{"k": [-5, 3, "x"], "j": ["a", 1, 2], "i": 7}\n',
    ],
)
def test_a_damaged_pack_never_fails_the_build(tmp_path, damage):
    docs = filled(tmp_path)
    (tmp_path / PACK).write_bytes(damage((tmp_path / PACK).read_bytes()))
    cache = BodyCache.open(tmp_path)
    assert compile_all(make_parser(), [ParseJob(t) for t in TEXTS], cache, workers=1) == docs


def test_an_intact_entry_of_the_wrong_shape_is_a_miss(tmp_path):
    md = make_parser()
    key = _key(fingerprint(md), ParseJob(TEXTS[0]))
    blob = json.dumps({"refs": "nonsense"}).encode() + b"\n<p>x</p>"
    cache = BodyCache(tmp_path, {key: blob})
    assert cache.get(key) is None
    doc = compile_all(md, [ParseJob(TEXTS[0])], cache, workers=1)[0]
    assert doc == compile_doc(md, ParseJob(TEXTS[0]))


def test_entries_are_keyed_by_parser_options_and_position():
    plain, html = fingerprint(make_parser(False)), fingerprint(make_parser(True))
    assert plain != html
    assert _key(plain, ParseJob("x", 1)) != _key(plain, ParseJob("x", 2))
    assert _key(plain, ParseJob("x", 1, "a\nx")) != _key(plain, ParseJob("x", 1, "b\nx"))


def test_stale_entries_are_dropped_when_saved(tmp_path):
    filled(tmp_path)
    cache = BodyCache.open(tmp_path)
    compile_all(make_parser(), [ParseJob(TEXTS[0])], cache, workers=1)
    cache.save()
    assert len(BodyCache.open(tmp_path).found) == 1


def test_an_unwritable_cache_folder_is_ignored(tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder would go")
    cache = BodyCache.open(blocker)
    compile_all(make_parser(), [ParseJob(t) for t in TEXTS], cache, workers=1)
    cache.save()  # must not raise
    assert blocker.read_text().startswith("a file")


def test_one_cache_object_serves_the_next_build_from_memory(tmp_path):
    cache = BodyCache()  # no folder: what a long-running server keeps
    md = make_parser()
    compile_all(md, [ParseJob(t) for t in TEXTS], cache, workers=1)
    cache.save()
    compile_all(md, [ParseJob(t) for t in TEXTS[:2]] + [ParseJob("new text")], cache, workers=1)
    assert cache.hits == 2


def test_one_cache_kept_across_builds_hands_back_the_same_objects_for_unchanged_bodies(tmp_path):
    md = make_parser()
    cache = BodyCache.open(tmp_path)
    first = compile_all(md, [ParseJob(t) for t in TEXTS], cache, workers=1)
    cache.save()
    edited = [*TEXTS[:-1], TEXTS[-1] + "\nEdited.\n"]
    second = compile_all(md, [ParseJob(t) for t in edited], cache, workers=1)
    cache.save()
    # the dev server compares the old graph with the new: identical objects make that comparison cheap
    assert all(a is b for a, b in zip(first[:-1], second[:-1], strict=True))
    assert second[-1] is not first[-1] and second[-1] != first[-1]
    assert len(cache.docs) == len(TEXTS)  # the edited body's old entry is dropped, not kept forever


def test_a_pack_rewritten_with_the_digests_it_already_knew_is_still_found_whole(tmp_path):
    filled(tmp_path)
    cache = BodyCache.open(tmp_path)  # knows the five digests from reading the pack
    jobs = [ParseJob(t) for t in TEXTS] + [ParseJob("A sixth body.\n")]
    compile_all(make_parser(), jobs, cache, workers=1)
    cache.save()  # rewrites the pack: five digests reused, one computed
    index = json.loads((tmp_path / PACK).read_bytes()[len(SIGNATURE) :].split(b"\n", 1)[0])
    again = BodyCache.open(tmp_path)
    assert len(index) == 6 and len(again.found) == 6  # every entry still matches its digest
    compile_all(make_parser(), jobs, again, workers=1)
    assert again.hits == 6
