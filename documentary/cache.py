"""A persistent cache of compiled Markdown bodies, in a folder beside the output (`_site` -> `_site.cache/`).

An entry's key hashes the body, where it starts, the parser's options and the generator itself (every
source file of this package and the versions of markdown-it-py, mdit-py-plugins and markdown-it-pyrs), so an entry is
only ever found by the input that made it. Each entry also carries a digest of its bytes. A missing,
stale, corrupt or unreadable entry is a miss, never an error: that body is parsed again. Templates are
not part of the key because a compiled body does not depend on them; pages are always re-rendered.

File layout: one pack (documentary/pack.py) whose entries are each a line of JSON (references, headings,
words, holes) followed by the body's HTML.
"""

from __future__ import annotations

import hashlib
import json
import sys
from collections.abc import Sequence
from contextlib import suppress
from functools import partial
from pathlib import Path

import markdown_it
import markdown_it_pyrs
import mdit_py_plugins
from markdown_it import MarkdownIt

from . import bodies, pack
from .markdown import Doc
from .memo import IdentityMemo

# cards.py imports `store` from here: a card's name hashes cards.py's source, so moving that one import
# would rename every published card (and need a new golden tree)
from .pack import store  # noqa: F401
from .parallel import map_slices, workers_for

SIGNATURE = b"documentary body cache 1\n"
PACK = "bodies.pack"
PACKAGE = Path(__file__).resolve().parent


def cache_dir(out: Path) -> Path:
    """`_site` -> `_site.cache`, beside it."""
    out = out.resolve()
    return out.with_name(out.name + ".cache")


def fingerprint(md: MarkdownIt) -> str:
    """Changes whenever the generator's code, its Markdown libraries or the parser options change."""
    digest = hashlib.sha256(repr(sys.version_info[:2]).encode())
    versions = f"markdown-it-py {markdown_it.__version__}; mdit-py-plugins {mdit_py_plugins.__version__}"
    digest.update(f"{versions}; markdown-it-pyrs {markdown_it_pyrs.__version__}".encode())
    digest.update(json.dumps(dict(md.options), sort_keys=True, default=_name).encode())
    for path in sorted(PACKAGE.glob("*.py")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def _name(value: object) -> str:
    """A stable stand-in for an option that is not plain data (a function's repr holds its address)."""
    return getattr(value, "__qualname__", type(value).__qualname__)


class BodyCache:
    """Entries read from one pack file (or kept from the last build in this process), and those used now."""

    def __init__(
        self,
        folder: Path | None = None,
        found: dict[str, bytes | memoryview] | None = None,
        sums: dict[str, str] | None = None,
    ):
        self.folder = folder  # None: kept in memory only
        self.found = found or {}  # key -> verified entry bytes, from the last build
        self.sums = sums or {}  # key -> its entry's SHA-256, once known: a rewrite hashes only new entries
        self.used: dict[str, bytes | memoryview] = {}
        self.hits = 0
        # Decoded entries, kept while this object lives (the dev server keeps one across rebuilds): an
        # unchanged body is then the very same Doc object, so comparing the old graph with the new is cheap.
        self.docs: dict[str, Doc] = {}
        self.keys = IdentityMemo()  # each body's key, by its text: an unchanged file is the same string

    @classmethod
    def open(cls, folder: Path) -> BodyCache:
        return cls(folder, *pack.read(folder / PACK, SIGNATURE))

    def get(self, key: str) -> Doc | None:
        blob = self.found.get(key)
        if blob is None:
            return None
        doc = self.docs.get(key)
        if doc is None:
            try:
                doc = bodies.from_bytes(bytes(blob))
            except (ValueError, TypeError, KeyError, AttributeError):  # well-formed bytes, wrong shape: a miss
                return None
        self.used[key] = blob
        self.docs[key] = doc
        self.hits += 1
        return doc

    def put(self, key: str, doc: Doc, blob: bytes | None = None) -> None:
        if isinstance(doc, bodies.CompiledDoc):
            self.used[key] = blob or bodies.to_bytes(doc)
            self.docs[key] = doc
            self.sums.pop(key, None)  # new bytes: hashed when written

    def key(self, generator: str, job: bodies.ParseJob) -> str:
        return self.keys.get(
            "key", (job.text, job.file_text), partial(_key, generator, job), (generator, job.first_line)
        )

    def digests(self) -> dict[int, tuple[Doc, str]]:
        """Each body this build used, by id, with its key: a body is a function of its key, so the key can
        stand for it wherever the body's value is compared (reads.Digests), without reading the body."""
        return {id(doc): (doc, "body:" + key) for key, doc in self.docs.items()}

    def save(self) -> None:
        """Write the entries this build used, if they differ from what was read; never raise.

        The used entries become the found ones, so the same object serves the next build in this process.
        """
        changed = self.used.keys() != self.found.keys()
        self.found, self.used, self.hits = self.used, {}, 0
        self.keys.turn()
        self.docs = {key: doc for key, doc in self.docs.items() if key in self.found}  # only what is still used
        if self.folder is not None and changed:
            with suppress(OSError):  # a cache that can't be written only makes the next build slower
                self.sums = pack.write(self.folder / PACK, SIGNATURE, self.found, self.sums)


def _key(generator: str, job: bodies.ParseJob) -> str:
    digest = hashlib.sha256(f"{generator}\0{job.first_line}\0".encode())
    digest.update((job.file_text or "").encode() + b"\0" + job.text.encode())
    return digest.hexdigest()


def compile_all(md: MarkdownIt, jobs: Sequence[bodies.ParseJob], cache: BodyCache | None, workers: int = 0) -> list:
    """Every job's compiled Doc: from the cache when it has the entry, else parsed, on every core if worth it."""
    generator = fingerprint(md) if cache is not None else ""
    keys = [cache.key(generator, job) for job in jobs] if cache is not None else [""] * len(jobs)
    docs = [cache.get(key) if cache is not None else None for key in keys]
    missing = [i for i, doc in enumerate(docs) if doc is None]
    task = partial(_compile_slice, md)
    todo, count = [jobs[i] for i in missing], workers_for(len(missing), workers)
    slices = map_slices(task, todo, count, _pack, _unpack, lead=LEAD)
    for i, (doc, blob) in zip(missing, [pair for part in slices for pair in part], strict=True):
        docs[i] = doc
        if cache is not None:
            cache.put(keys[i], doc, blob)
    return docs


LEAD = 0.8  # this process's share against a worker's: it also decodes what the workers send (measured)
Compiled = tuple[Doc | None, bytes | None]  # a Doc, or the cache's bytes for it, or both


def _compile_slice(md: MarkdownIt, jobs: Sequence[bodies.ParseJob]) -> list[Compiled]:
    return [(doc, None) for doc in bodies.parse_each(md, list(jobs))]


def _pack(compiled: list[Compiled]) -> list[Compiled]:
    """A worker sends compiled bodies as the cache's bytes: far cheaper to send and read than pickled objects."""
    return [(None, bodies.to_bytes(doc)) if isinstance(doc, bodies.CompiledDoc) else (doc, None) for doc, _ in compiled]


def _unpack(packed: list[Compiled]) -> list[Compiled]:
    return [(bodies.from_bytes(blob), blob) if doc is None else (doc, None) for doc, blob in packed]
