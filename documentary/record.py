"""What the last `build` recorded beside its output: each page's reads and the digest of the bytes written.

A warm build asks each recorded page's reads of the new site (documentary/reads.py); a page whose
answers all match, and whose file in the previous output still has the recorded digest, is hard-linked
(or copied) from there into the fresh folder instead of being rendered. The record is never trusted:
a missing, corrupt, truncated or foreign file (another generator, output or templates folder) gives no
record, and every page is rendered, as in a clean build.

File: `<out>.cache/pages.json`, {"signature", "generator", "out", "templates", "keys": [key, ...],
"pages": {output: [sha256 of the bytes, [[key index, digest], ...]]}}.

The books' members (each chapter's XHTML, the navigation, the package document: documentary/epub.py) are
recorded the same way in `members.json`, by `<book>/<href>`; their bytes are not in the output folder, so
they are kept in one pack, `<out>.cache/members.pack`, by sha256, and one whose entry no longer has that
digest is rendered.
"""

from __future__ import annotations

import hashlib
import json
import zlib
from collections.abc import Callable, Mapping
from contextlib import suppress
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType

from . import pack
from .pack import Blob
from .reads import Key, Reads

SIGNATURE = "documentary page record 1"
FILE = "pages.json"
MEMBERS = "members.json"  # the books' members, in the same format
KEPT = "members.pack"  # their bytes, by sha256 (documentary/pack.py)
KEPT_SIGNATURE = b"documentary kept members 1\n"


@dataclass(frozen=True)
class Entry:
    sha256: str  # of the bytes written for the page
    reads: Reads


@dataclass(frozen=True)
class Record:
    generator: str  # cache.fingerprint: the code, its libraries and the parser options
    out: str
    templates: str
    pages: dict[str, Entry]


def read(folder: Path, generator: str, out: Path, templates: Path, name: str = FILE) -> dict[str, Entry]:
    """The recorded pages, or none if the record is missing, malformed or made for something else."""
    try:
        data = json.loads((folder / name).read_bytes())
        if data.get("signature") != SIGNATURE or data.get("generator") != generator:
            return {}
        if data.get("out") != str(out.resolve()) or data.get("templates") != str(templates.resolve()):
            return {}
        keys = [_key(k) for k in data["keys"]]
        pages = {}
        for output, (sha, reads) in data["pages"].items():
            if not (isinstance(output, str) and isinstance(sha, str) and isinstance(reads, list)):
                return {}
            pages[output] = Entry(sha, {keys[index]: str(seen) for index, seen in reads})
        return pages
    except (OSError, ValueError, TypeError, KeyError, IndexError, AttributeError):
        return {}


def _key(value: object) -> Key:
    if not isinstance(value, list):
        raise TypeError("a key is a list")
    return tuple(_key(part) if isinstance(part, list) else part for part in value)


def write(folder: Path, record: Record, name: str = FILE) -> None:
    """Replace the record atomically; a record that can't be written only makes the next build slower."""
    keys: dict[Key, int] = {}
    pages = {}
    for output, entry in sorted(record.pages.items()):
        pages[output] = [entry.sha256, [[keys.setdefault(k, len(keys)), seen] for k, seen in entry.reads.items()]]
    data = {
        "signature": SIGNATURE,
        "generator": record.generator,
        "out": record.out,
        "templates": record.templates,
        "keys": list(keys),
        "pages": pages,
    }
    with suppress(OSError):
        folder.mkdir(parents=True, exist_ok=True)  # dumps: C encoder; dump streams in Python
        pack.store(folder / name, json.dumps(data, separators=(",", ":"), ensure_ascii=False).encode())


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@lru_cache(maxsize=4)  # asked once per page of the same folder
def _resolved(folder: Path) -> Path:
    return folder.resolve()


def unchanged_file(out: Path, output: str, expected: str) -> bool:
    """The previous output still holds, as a plain file inside it, exactly the bytes that were recorded."""
    path = out / output
    try:
        if path.is_symlink() or not path.is_file() or not path.resolve().is_relative_to(_resolved(out)):
            return False
        return sha256(path.read_bytes()) == expected
    except OSError:
        return False


def stored(folder: Path) -> Mapping[str, memoryview]:
    """The members an earlier build kept, by the sha256 of their bytes, as stored: one read of the pack, each
    entry checked against the pack's own digest of it (a damaged entry is left out)."""
    return MappingProxyType(pack.read(folder / KEPT, KEPT_SIGNATURE)[0])


def kept(
    store: Mapping[str, Blob], expected: str, decode: Callable[[bytes], bytes] = bytes
) -> tuple[bytes, bytes] | None:
    """A member's bytes kept by an earlier build and its entry as stored (`decode` turns one into the other:
    the books keep each member deflated, as the zip holds it), if the bytes still have the recorded digest.
    An entry that does not decode is no member."""
    blob = store.get(expected) if isinstance(expected, str) else None
    if blob is None:
        return None
    kept_bytes = bytes(blob)
    try:
        data = decode(kept_bytes)
    except (ValueError, zlib.error):
        return None
    return (data, kept_bytes) if sha256(data) == expected else None


def keep(folder: Path, fresh: Mapping[str, bytes], wanted: set[str], before: Mapping[str, Blob]) -> None:
    """Keep the members just rendered (`fresh`: each one's entry as stored, by the sha256 of its bytes) with
    those kept `before` (`stored`, as this build read them) that the new record names (`wanted`), and
    nothing else, so the pack holds one book's worth per language; failing only makes the next build
    slower. Call before writing the record that names them: a record never names bytes that were not kept."""
    entries = {sha: before[sha] for sha in wanted if sha in before}
    entries |= {sha: fresh[sha] for sha in wanted & fresh.keys()}  # rendered now: these bytes, not the old
    with suppress(OSError):
        pack.write(folder / KEPT, KEPT_SIGNATURE, dict(sorted(entries.items())), {})
