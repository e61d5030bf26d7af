"""Whole builds: from a damaged cache, from a warm cache and on two cores, the output equals a clean build."""

from __future__ import annotations

import json
import shutil
import sys
import zipfile
import zlib
from dataclasses import replace
from pathlib import Path

import pytest

from documentary import bodies, pack
from documentary import record as rec
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
    parse = bodies.compile_doc  # both parsers, the Rust one and markdown-it-py, are behind it
    monkeypatch.setattr(bodies, "compile_doc", lambda md, job: parses.append(job.text) or parse(md, job))
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


# --- warm builds: the page record beside the output ---------------------------------------------------


def edit_chapter(content: Path) -> Path:
    chapter = sorted((content / "chapters").glob("*.md"))[3]
    chapter.write_text(chapter.read_text(encoding="utf-8") + "\nA new closing paragraph.\n", encoding="utf-8")
    return chapter


def test_a_warm_build_renders_only_the_pages_an_edit_changes_and_equals_a_clean_build(synthetic, tmp_path):
    out = tmp_path / "site"
    first = build(options(synthetic), out, [])
    assert first.reused == ()  # no record yet
    again = build(options(synthetic), out, [])
    assert again.pages == {} and len(again.reused) == len(first.pages)  # nothing changed: all linked
    chapter = edit_chapter(synthetic)
    warm = build(options(synthetic), out, [])
    slug = chapter.stem.split("-", 1)[1]
    assert f"chapters/{slug}/index.html" in warm.pages
    assert 0 < len(warm.pages) < len(first.pages) / 3  # the chapter, its neighbours, the lists that show it
    assert tree(out) == clean_build(synthetic, tmp_path / "clean")


def test_a_template_edit_renders_the_pages_that_load_it(synthetic, tmp_path):
    templates = tmp_path / "templates"
    shutil.copytree(ROOT / "templates", templates)
    out = tmp_path / "site"
    build(options(synthetic, templates=templates), out, [])
    page = templates / "mission.html"
    page.write_text(page.read_text(encoding="utf-8").replace("{% block content %}", "{% block content %}<!-- -->"))
    warm = build(options(synthetic, templates=templates), out, [])
    missions = {n for n in first_pages(out) if n.startswith("missions/") and n.endswith("/index.html")} - {
        "missions/index.html"
    }
    assert set(warm.pages) == missions  # every mission page, and nothing else
    assert tree(out) == clean_build(synthetic, tmp_path / "clean", templates=templates)


def first_pages(out: Path) -> set[str]:
    return set(tree(out))


def record_file(out: Path) -> Path:
    return cache_dir(out) / "pages.json"


def built_twice(synthetic: Path, out: Path, record: Path) -> tuple[bytes, dict]:
    """A cold build, a chapter edit and a warm build into `out`: `record` before the edit, and its data after."""
    build(options(synthetic), out, [])
    before = record.read_bytes()
    edit_chapter(synthetic)
    build(options(synthetic), out, [])
    return before, json.loads(record.read_bytes())


RECORD_DAMAGE = ("garbage", "truncated", "wrong shape", "foreign", "stale")


def damage_record(damage: str, record: Path, data: dict, victim: str, before: bytes, elsewhere: Path) -> None:
    """One of RECORD_DAMAGE done to a record file whose parsed `data` names `victim`."""
    if damage == "garbage":
        record.write_bytes(b"\x00not json at all")
    elif damage == "truncated":
        record.write_bytes(record.read_bytes()[: len(record.read_bytes()) // 2])
    elif damage == "wrong shape":
        data["pages"][victim] = {"sha": 1}
        record.write_text(json.dumps(data))
    elif damage == "foreign":  # the record of another output folder, whose entries say "nothing changed"
        data["out"] = str(elsewhere)
        record.write_text(json.dumps(data))
    else:  # stale: the record of the build before the edit, beside the output after it
        record.write_bytes(before)


@pytest.mark.parametrize("damage", [*RECORD_DAMAGE, "edited output"])
def test_a_corrupt_stale_or_foreign_record_is_never_trusted(damage, synthetic, tmp_path):
    out = tmp_path / "site"
    record = record_file(out)
    before, data = built_twice(synthetic, out, record)
    victim = next(
        name for name in sorted(data["pages"]) if name.startswith("chapters/") and name != "chapters/index.html"
    )
    if damage in RECORD_DAMAGE:
        damage_record(damage, record, data, victim, before, tmp_path / "elsewhere")
    else:  # someone edited a published page in place: its bytes no longer match the record
        (out / victim).write_text("<p>edited by hand</p>")
    edit_chapter(synthetic)
    build(options(synthetic), out, [])
    assert tree(out) == clean_build(synthetic, tmp_path / "clean")


# --- warm builds: the books' members ------------------------------------------------------------------


def books(out: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(out.glob("*.epub"))}


def members(result) -> set[str]:
    """The members a build rendered, by their href in the (one, English) book."""
    assert {name.split("/", 1)[0] for name in result.rendered_members} <= {"synthetic-benchmark.en.epub"}
    return {name.split("/", 1)[1] for name in result.rendered_members}


def citing(content: Path, key: str) -> set[str]:
    """The book's chapter files whose text cites `key`."""
    chapters = sorted((content / "chapters").glob("*.md"))
    return {f"chapter-{i:02}.xhtml" for i, c in enumerate(chapters, 1) if f"@{key}]" in c.read_text(encoding="utf-8")}


def edit_mission_description(content: Path) -> None:
    mission = sorted((content / "missions").glob("*.yaml"))[1]
    text = mission.read_text(encoding="utf-8")
    mission.write_text(text.replace("description: |\n", "description: |\n  A new opening sentence.\n", 1))


def edit_source_title(content: Path) -> None:
    sources = content / "sources.yaml"
    text = sources.read_text(encoding="utf-8")
    sources.write_text(text.replace("title: Record of Probe 2", "title: Record of the Second Probe"), encoding="utf-8")


def test_an_unchanged_site_renders_no_member_and_packs_the_same_book(synthetic, tmp_path):
    out = tmp_path / "site"
    first = build(options(synthetic), out, [])
    assert {"cover.xhtml", "nav.xhtml", "chapter-01.xhtml", "package.opf", "images/cover.png"} <= members(first)
    before = books(out)
    again = build(options(synthetic), out, [])
    assert again.rendered_members == () and books(out) == before


@pytest.mark.parametrize("edit", ["chapter", "mission", "sources", "template"])
def test_a_warm_book_renders_only_its_stale_members_and_equals_a_cold_build(edit, synthetic, tmp_path):
    templates = tmp_path / "templates"
    shutil.copytree(ROOT / "templates", templates)
    out = tmp_path / "site"
    cold = build(options(synthetic, templates=templates), out, [])
    parts = {m for m in members(cold) if m.startswith(("chapter-", "page-"))}
    if edit == "chapter":
        edit_chapter(synthetic)  # the fourth chapter's text; its title and headings stay
        expected = {"chapter-04.xhtml", "nav.xhtml", "toc.ncx"}  # the contents read every part (their headings)
    elif edit == "mission":
        edit_mission_description(synthetic)  # shown on its web page only; the appendix reads every mission
        expected = {"missions.xhtml"}
    elif edit == "sources":
        cited = citing(synthetic, "source-0002")
        assert cited
        edit_source_title(synthetic)  # the chapters and the mission that cite it list it
        expected = cited | {"missions.xhtml", "nav.xhtml", "toc.ncx"}
    else:
        text = templates / "epub" / "text.html"
        text.write_text(text.read_text(encoding="utf-8").replace("<header", '<header data-x="1"', 1))
        expected = parts  # every chapter and page, nothing else (the cover, contents, appendix stay)
    warm = build(options(synthetic, templates=templates), out, [])
    assert members(warm) == expected
    assert books(out) == books_of_a_clean_build(synthetic, tmp_path / "clean", templates)


def books_of_a_clean_build(content: Path, out: Path, templates: Path) -> dict[str, bytes]:
    clean_build(content, out, templates=templates)
    return books(out)


def members_file(out: Path) -> Path:
    return cache_dir(out) / "members.json"


@pytest.mark.parametrize("damage", [*RECORD_DAMAGE, "kept bytes edited", "kept bytes gone"])
def test_a_corrupt_stale_or_foreign_member_record_or_kept_member_is_never_trusted(damage, synthetic, tmp_path):
    out = tmp_path / "site"
    record = members_file(out)
    before, data = built_twice(synthetic, out, record)
    victim = "synthetic-benchmark.en.epub/chapter-02.xhtml"
    sha, kept = data["pages"][victim][0], cache_dir(out) / rec.KEPT
    if damage in RECORD_DAMAGE:
        damage_record(damage, record, data, victim, before, tmp_path / "elsewhere")
    elif damage == "kept bytes edited":  # the member's entry in the pack no longer has its recorded digest
        header, index, blobs = kept.read_bytes().split(b"\n", 2)
        offset, length, _ = json.loads(index)[sha]
        damaged = bytearray(blobs)  # kept deflated: a flipped byte garbles the rest or the stream
        damaged[offset + length // 2] ^= 0xFF
        kept.write_bytes(b"\n".join((header, index, bytes(damaged))))
    else:  # the pack lost that entry, the others are whole
        stored = dict(rec.stored(cache_dir(out)))
        del stored[sha]
        pack.write(kept, rec.KEPT_SIGNATURE, stored, {})
    edit_chapter(synthetic)
    warm = build(options(synthetic), out, [])
    if damage in ("kept bytes edited", "kept bytes gone"):
        assert "chapter-02.xhtml" in members(warm)  # rendered again, not taken from the damaged entry
    assert books(out) == books_of_a_clean_build(synthetic, tmp_path / "clean", ROOT / "templates")
    if damage in ("kept bytes edited", "kept bytes gone"):
        held = zipfile.ZipFile(out / "synthetic-benchmark.en.epub").read("EPUB/chapter-02.xhtml")
        assert zlib.decompress(rec.stored(cache_dir(out))[sha], -15) == held  # and kept whole again
