"""record.py: the page record beside the output round-trips, and anything else reads as no record at all."""

from __future__ import annotations

import json
import zlib
from pathlib import Path

import pytest

from documentary import record

READS = {("site", "en", "attr", "config"): "d1", ("resolve", "en", "wikilink", ("mission", "a", None)): "d2"}


def write_one(tmp_path: Path) -> tuple[Path, Path, Path]:
    folder, out, templates = tmp_path / "cache", tmp_path / "out", tmp_path / "templates"
    entry = record.Entry(record.sha256(b"page"), READS)
    record.write(folder, record.Record("gen", str(out.resolve()), str(templates.resolve()), {"index.html": entry}))
    return folder, out, templates


def test_a_record_round_trips_with_its_keys_as_tuples(tmp_path: Path):
    folder, out, templates = write_one(tmp_path)
    pages = record.read(folder, "gen", out, templates)
    assert pages == {"index.html": record.Entry(record.sha256(b"page"), READS)}


@pytest.mark.parametrize("change", ["generator", "out", "templates"])
def test_a_record_made_for_something_else_is_no_record(change: str, tmp_path: Path):
    folder, out, templates = write_one(tmp_path)
    args = {"generator": "gen", "out": out, "templates": templates}
    args[change] = "other" if change == "generator" else tmp_path / "elsewhere"
    assert record.read(folder, args["generator"], args["out"], args["templates"]) == {}


@pytest.mark.parametrize(
    "damage",
    [b"", b"{", b"[]", b'{"signature": "documentary page record 1"}', b"\xff\xfe"],
)
def test_a_damaged_record_is_no_record(damage: bytes, tmp_path: Path):
    folder, out, templates = write_one(tmp_path)
    (folder / record.FILE).write_bytes(damage)
    assert record.read(folder, "gen", out, templates) == {}


def test_a_key_index_out_of_range_is_no_record(tmp_path: Path):
    folder, out, templates = write_one(tmp_path)
    data = json.loads((folder / record.FILE).read_text())
    data["pages"]["index.html"][1][0][0] = 99
    (folder / record.FILE).write_text(json.dumps(data))
    assert record.read(folder, "gen", out, templates) == {}


def test_only_an_unchanged_plain_file_inside_the_output_counts(tmp_path: Path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "a.html").write_bytes(b"page")
    (tmp_path / "outside.html").write_bytes(b"page")
    (out / "link.html").symlink_to(tmp_path / "outside.html")
    assert record.unchanged_file(out, "a.html", record.sha256(b"page"))
    assert not record.unchanged_file(out, "a.html", record.sha256(b"other"))
    assert not record.unchanged_file(out, "link.html", record.sha256(b"page"))
    assert not record.unchanged_file(out, "missing.html", record.sha256(b"page"))


def test_a_kept_member_is_read_back_only_with_its_digest(tmp_path: Path):
    folder, sha = tmp_path / "cache", record.sha256(b"member")
    record.keep(folder, {sha: b"member"}, {sha})
    assert record.kept(folder, sha) == (b"member", b"member")
    (folder / record.KEPT / sha).write_bytes(b"damaged")
    assert record.kept(folder, sha) is None  # a damaged file is no member
    assert record.kept(folder, record.sha256(b"never kept")) is None
    (tmp_path / "secret").write_bytes(b"x")
    assert record.kept(folder, "../../secret") is None  # a record names only files of the store


def test_keeping_drops_what_the_new_record_does_not_name_and_mends_a_damaged_file(tmp_path: Path):
    folder = tmp_path / "cache"
    old, new = record.sha256(b"old"), record.sha256(b"new")
    record.keep(folder, {old: b"old", new: b"new"}, {old, new})
    (folder / record.KEPT / new).write_bytes(b"damaged")
    record.keep(folder, {new: b"new"}, {new})
    assert sorted(p.name for p in (folder / record.KEPT).iterdir()) == [new]
    assert record.kept(folder, new) == (b"new", b"new")


def test_a_store_that_cannot_be_written_is_no_error(tmp_path: Path):
    folder = tmp_path / "cache"
    folder.write_text("a file where the folder would be")
    record.keep(folder, {record.sha256(b"m"): b"m"}, set())
    assert record.kept(folder, record.sha256(b"m")) is None


def test_a_kept_file_that_does_not_decode_is_no_member(tmp_path: Path):
    folder, sha = tmp_path / "cache", record.sha256(b"member")
    record.keep(folder, {sha: zlib.compress(b"member")}, {sha})
    assert record.kept(folder, sha, zlib.decompress) == (b"member", zlib.compress(b"member"))
    (folder / record.KEPT / sha).write_bytes(b"not a zlib stream")
    assert record.kept(folder, sha, zlib.decompress) is None
