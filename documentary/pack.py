"""One file that holds many blobs, each checked by its digest: the body cache and the books' kept members.

A pack is written whole or not at all (a temporary file, then a rename), so a crash never leaves half of
one under its name; and one file instead of one per entry matters where creating a file is what costs:
on this project's CI machines a new file took about 0.2 ms in the kernel, and a thousand kept members
took longer to store than to render.

Layout: a signature line, one line of JSON {key: [offset, length, sha256]}, then the blobs back to back.
`store` is that whole-or-nothing write, for every file the cache and the records keep.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Mapping
from pathlib import Path

Blob = bytes | memoryview


def read(path: Path, signature: bytes) -> tuple[dict[str, memoryview], dict[str, str]]:
    """Every entry whose bytes match its digest (views into one read of the file, not copies), and those
    digests; a missing, unreadable, foreign or malformed file gives none."""
    try:
        data = path.read_bytes()
        if not data.startswith(signature):
            return {}, {}
        end = data.index(b"\n", len(signature))
        index = json.loads(data[len(signature) : end])
        blobs = memoryview(data)[end + 1 :]
        found = {key: entry for key, spec in index.items() if (entry := _entry(blobs, spec)) is not None}
        return found, {key: index[key][2] for key in found}
    except (OSError, ValueError, TypeError, AttributeError):
        return {}, {}


def _entry(blobs: memoryview, spec: object) -> memoryview | None:
    if not (isinstance(spec, list) and len(spec) == 3):
        return None
    offset, length, digest = spec
    if not (isinstance(offset, int) and isinstance(length, int) and offset >= 0 and length >= 0):
        return None
    blob = blobs[offset : offset + length]
    return blob if len(blob) == length and hashlib.sha256(blob).hexdigest() == digest else None


def write(path: Path, signature: bytes, entries: Mapping[str, Blob], sums: Mapping[str, str]) -> dict[str, str]:
    """Replace the pack at `path` with `entries`; returns each entry's digest (those in `sums` are trusted,
    not computed again: they came from a verified read or from this process). Raises OSError."""
    path.parent.mkdir(parents=True, exist_ok=True)
    index, offset = {}, 0
    for key, blob in entries.items():
        index[key] = [offset, len(blob), sums.get(key) or hashlib.sha256(blob).hexdigest()]
        offset += len(blob)
    header = signature + json.dumps(index, separators=(",", ":")).encode() + b"\n"
    store(path, header, *entries.values())
    return {key: spec[2] for key, spec in index.items()}


def store(path: Path, *chunks: Blob) -> None:
    """Write a cache file whole or not at all (a temporary file beside it, then a rename): a crash never
    leaves half a file under its name. The folder must exist."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as out:
            out.writelines(chunks)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
