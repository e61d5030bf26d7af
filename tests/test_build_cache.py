"""Whole builds: from a damaged cache, from a warm cache and on two cores, the output equals a clean build."""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path

import pytest

from documentary import bodies
from documentary.cache import PACK, cache_dir
from documentary.pipeline import Options, build
from tests.conftest import FIXTURE_SITE, ROOT

sys.path.insert(0, str(ROOT / "benchmarks"))
import corpus  # noqa: E402


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture
def synthetic(tmp_path: Path) -> Path:
    corpus.write_ours(corpus.make_corpus(30), tmp_path / "content")
    return tmp_path / "content"


def options(content: Path, **changes) -> Options:
    return replace(Options(content, ROOT / "templates", ROOT / "static", search=False, workers=1), **changes)


def clean_build(content: Path, out: Path, **changes) -> dict[str, bytes]:
    build(options(content, cache=out.parent / "no-cache", **changes), out, [])
    return tree(out)


def test_a_corrupt_cache_entry_is_ignored_and_the_site_is_the_same(synthetic, tmp_path, monkeypatch):
    expected = clean_build(synthetic, tmp_path / "clean")
    out = tmp_path / "site"
    build(options(synthetic), out, [])
    pack = cache_dir(out) / PACK
    data = bytearray(pack.read_bytes())
    for offset in range(len(data) // 3, len(data), len(data) // 7):  # several entries, HTML and JSON alike
        data[offset] ^= 0x5A
    pack.write_bytes(bytes(data))
    parses = []
    compile_doc = bodies.compile_doc
    monkeypatch.setattr(bodies, "compile_doc", lambda md, job: parses.append(job.text) or compile_doc(md, job))
    build(options(synthetic), out, [])
    assert 0 < len(parses) < 33  # the damaged entries were parsed again, the intact ones were not
    assert tree(out) == expected
    build(options(synthetic), out, [])  # and the cache written by that build is whole again
    assert tree(out) == expected


def test_a_cache_of_garbage_or_a_file_in_its_place_is_ignored(synthetic, tmp_path):
    expected = clean_build(synthetic, tmp_path / "clean")
    out = tmp_path / "site"
    cache_dir(out).mkdir()
    (cache_dir(out) / PACK).write_bytes(b"\x00" * 1000)
    build(options(synthetic), out, [])
    assert tree(out) == expected
    other = tmp_path / "other"
    cache_dir(other).write_text("not a folder")
    build(options(synthetic), other, [])
    assert tree(other) == expected


def test_a_warm_build_after_an_edit_equals_a_clean_build_of_the_edited_site(synthetic, tmp_path):
    out = tmp_path / "site"
    build(options(synthetic), out, [])
    chapter = next((synthetic / "chapters").glob("0002-*.md"))
    chapter.write_text(chapter.read_text().replace("## ", "## Renamed ", 1))
    build(options(synthetic), out, [])
    assert tree(out) == clean_build(synthetic, tmp_path / "clean")


@pytest.mark.parametrize("site", ["fixture", "synthetic"])
def test_two_workers_build_the_same_site_as_one(site, synthetic, tmp_path):
    content = FIXTURE_SITE / "content" if site == "fixture" else synthetic
    one = clean_build(content, tmp_path / "one", workers=1)
    two = clean_build(content, tmp_path / "two", workers=2)
    assert one == two
