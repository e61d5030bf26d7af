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


def _damage(pack_file: Path, old: bytes, new: bytes) -> None:
    """Change an entry's bytes in place, keeping the file's length (the index still points at it)."""
    signature, index, blobs = pack_file.read_bytes().split(b"\n", 2)
    assert blobs.count(old) == 1 and len(old) == len(new)
    pack_file.write_bytes(b"\n".join((signature, index, blobs.replace(old, new))))


def test_a_kept_member_is_read_back_only_with_its_digest(tmp_path: Path):
    folder, sha = tmp_path / "cache", record.sha256(b"member")
    record.keep(folder, {sha: b"member"}, {sha}, record.stored(folder))
    assert record.kept(record.stored(folder), sha) == (b"member", b"member")
    assert record.kept(record.stored(folder), record.sha256(b"never kept")) is None
    assert record.kept(record.stored(folder), ["not", "a", "digest"]) is None  # a foreign record's value
    _damage(folder / record.KEPT, b"member", b"MEMBER")
    assert record.kept(record.stored(folder), sha) is None  # a damaged entry is no member
    assert record.stored(folder) == {}


def test_a_kept_entry_whose_bytes_are_not_the_recorded_ones_is_no_member(tmp_path: Path):
    """The pack's own digest matches, but the entry is not the member the record names."""
    folder, sha = tmp_path / "cache", record.sha256(b"member")
    record.keep(folder, {sha: b"something else"}, {sha}, record.stored(folder))
    assert record.kept(record.stored(folder), sha) is None


def test_keeping_drops_what_the_new_record_does_not_name_and_mends_a_damaged_entry(tmp_path: Path):
    folder = tmp_path / "cache"
    old, new, gone = record.sha256(b"old"), record.sha256(b"new"), record.sha256(b"gone")
    record.keep(folder, {old: b"old", new: b"new", gone: b"gone"}, {old, new, gone}, record.stored(folder))
    _damage(folder / record.KEPT, b"new", b"NEW")
    record.keep(folder, {new: b"new"}, {old, new}, record.stored(folder))  # `old` kept, `new` rendered again
    assert sorted(record.stored(folder)) == sorted([old, new])
    assert record.kept(record.stored(folder), new) == (b"new", b"new")
    assert record.kept(record.stored(folder), old) == (b"old", b"old")
    assert [p.name for p in folder.iterdir()] == [record.KEPT]  # one file, however many members


def test_a_foreign_or_truncated_pack_keeps_nothing(tmp_path: Path):
    folder, sha = tmp_path / "cache", record.sha256(b"member")
    record.keep(folder, {sha: b"member"}, {sha}, record.stored(folder))
    data = (folder / record.KEPT).read_bytes()
    (folder / record.KEPT).write_bytes(data[:-3])
    assert record.stored(folder) == {}
    (folder / record.KEPT).write_bytes(b"documentary body cache 1\n" + data.split(b"\n", 1)[1])
    assert record.stored(folder) == {}


def test_a_store_that_cannot_be_written_is_no_error(tmp_path: Path):
    folder = tmp_path / "cache"
    folder.write_text("a file where the folder would be")
    record.keep(folder, {record.sha256(b"m"): b"m"}, {record.sha256(b"m")}, record.stored(folder))
    assert record.kept(record.stored(folder), record.sha256(b"m")) is None


def test_a_kept_entry_that_does_not_decode_is_no_member(tmp_path: Path):
    folder, sha = tmp_path / "cache", record.sha256(b"member")
    record.keep(folder, {sha: zlib.compress(b"member")}, {sha}, record.stored(folder))
    assert record.kept(record.stored(folder), sha, zlib.decompress) == (b"member", zlib.compress(b"member"))
    record.keep(folder, {sha: b"not a zlib stream"}, {sha}, record.stored(folder))
    assert record.kept(record.stored(folder), sha, zlib.decompress) is None
