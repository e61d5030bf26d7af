"""Read the content folder: decode files, split front matter, parse the YAML (yaml_marks) of each file.

Parsing functions take text, not paths; only `load_content` touches the disk. What it hands over is in raw.py.
"""

from __future__ import annotations

import hashlib
import os
import re
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import Any

from .errors import ContentError, error
from .raw import SLUG, MarkdownDoc, RawContent, RawTranslation, YamlDoc
from .yaml_marks import parse_yaml

CHAPTER_FILE = re.compile(r"^(\d+)-([a-z0-9]+(?:-[a-z0-9]+)*)\.md$")


def revision(raw: bytes) -> str:
    """What a translation's `translated_from` records: the first 12 hex digits of the SHA-256 of the original."""
    return hashlib.sha256(raw).hexdigest()[:12]


def decode(path: str, raw: bytes) -> tuple[str | None, list[ContentError]]:
    """UTF-8 without a byte-order mark; a bad byte is reported with its line and offset."""
    if raw.startswith(b"\xef\xbb\xbf"):
        msg = "file starts with a byte-order mark (BOM); save it as UTF-8 without BOM"
        return None, [error(path, 1, 1, msg)]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        col = len(raw[raw.rfind(b"\n", 0, exc.start) + 1 : exc.start].decode("utf-8")) + 1  # in characters
        byte = raw[exc.start]
        msg = f"file is not valid UTF-8: byte 0x{byte:02x} at offset {exc.start}"
        return None, [error(path, line, col, msg)]
    return text.replace("\r\n", "\n").replace("\r", "\n"), []


def split_front_matter(path: str, text: str) -> tuple[str, str, int] | ContentError:
    """Return (front matter, body, first body line) from `---` fenced front matter."""
    lines = text.split("\n")
    if not lines or lines[0].rstrip() != "---":
        return error(path, 1, 1, "file must start with front matter: a line '---', YAML, then '---'")
    for index in range(1, len(lines)):
        if lines[index].rstrip() in ("---", "..."):
            return "\n".join(lines[1:index]), "\n".join(lines[index + 1 :]), index + 2
    return error(path, 1, 1, "front matter opened on line 1 is never closed with '---'")


def parse_markdown_file(
    path: str, slug: str, text: str, number: int = 0
) -> tuple[MarkdownDoc | None, list[ContentError]]:
    split = split_front_matter(path, text)
    if isinstance(split, ContentError):
        return None, [split]
    meta_text, body, body_line = split
    if not meta_text.strip():
        return None, [error(path, 1, 1, "front matter is empty; it needs at least a title")]
    meta, errors = parse_yaml(path, meta_text, line_offset=1)
    if meta is None:
        return None, errors
    return MarkdownDoc(path, slug, meta, body, body_line, number), errors


class ParseMemo:
    """Parsed files by their text, kept by the dev server from one load to the next (passed explicitly):
    an unchanged file is not parsed again, and gives the very same objects, which later stages compare and
    digest cheaply. Only what the latest load used is kept.

    It also keeps each file's text by its stat, so a file whose size and modification time are those of the
    last load is not read again (unless the watcher names it: a save within one tick of the file system's
    clock keeps the stat); its text is then the very same string, whose hash Python has already computed."""

    def __init__(self) -> None:
        self.found: dict[tuple, Any] = {}
        self.used: dict[tuple, Any] = {}
        self.files: dict[
            str, tuple[Stat, str, str | None, list[ContentError]]
        ] = {}  # shown -> stat, digest, text, problems
        self.read: dict[str, tuple[Stat, str, str | None, list[ContentError]]] = {}

    def parse(self, parser, *args):
        key = (parser.__name__, *args)
        hit = self.used.get(key) or self.found.get(key)
        if hit is None:
            hit = parser(*args)
        self.used[key] = hit
        return hit

    def turn(self) -> None:
        self.found, self.used = self.used, {}
        self.files, self.read = self.read, {}


Stat = tuple[int, int, int]  # size, modification time (ns), inode: a file replaced by a rename is another file
Known = tuple[Stat, str, str | None, list[ContentError]]  # a file read: its stat, digest, text and problems


class _Reader:
    """Reads one file at a time, collecting problems and revisions; parses through the memo, if any.
    `fresh` holds the names of files to read again whatever their stat says: names, not paths, so that a
    symlinked folder cannot hide one (a same-named file elsewhere is read again too, which costs nothing)."""

    def __init__(self, base: Path, errors: list[ContentError], memo: ParseMemo | None, fresh: frozenset[str]):
        self.base, self.errors, self.memo, self.fresh = base, errors, memo, fresh
        self.digests: dict[str, str] = {}

    def __call__(self, folder: str, name: str) -> tuple[str, str | None]:
        """Read `name` in `folder` (strings: pathlib's per-path work cost a third of a rebuild's loading)."""
        shown = _in_folder(_display_folder(folder, os.fspath(self.base)), name)
        path = os.path.join(folder, name)
        try:
            stat = os.stat(path) if self.memo is not None else None  # taken before the read: a later save differs
            known = self.memo.files.get(shown) if stat is not None and name not in self.fresh else None
            if stat is not None and known is not None and known[0] == (stat.st_size, stat.st_mtime_ns, stat.st_ino):
                _, digest, text, problems = known
            else:
                raw = read_bytes(path)
                digest = revision(raw)
                text, problems = decode(shown, raw)
        except OSError as exc:  # deleted or renamed since the folder was listed, or unreadable
            self.errors.append(error(shown, 1, 1, f"cannot read the file: {exc.strerror or exc}"))
            return shown, None
        if stat is not None:
            self.memo.read[shown] = ((stat.st_size, stat.st_mtime_ns, stat.st_ino), digest, text, problems)
        self.digests[shown] = digest
        self.errors.extend(problems)
        return shown, text

    def parse(self, parser, *args):
        return self.memo.parse(parser, *args) if self.memo is not None else parser(*args)


def read_bytes(path: str) -> bytes:
    with open(path, "rb") as file:
        return file.read()


def load_content(content_dir: Path, memo: ParseMemo | None = None, fresh: frozenset[Path] = frozenset()) -> RawContent:
    """Read every content file once. Problems are collected, never raised. With a memo, files whose stat is
    unchanged since its last load are not read again, except those in `fresh` (the watcher's paths)."""
    base = Path.cwd()
    errors: list[ContentError] = []
    read = _Reader(base, errors, memo, frozenset(path.name for path in fresh))
    digests = read.digests

    site = _load_yaml(content_dir / "site.yaml", read, errors, required=True)
    sources = _load_yaml(content_dir / "sources.yaml", read, errors, required=False)
    chapters = _load_chapters(content_dir / "chapters", read, errors)
    broken: list[str] = []
    missions = _load_missions(content_dir / "missions", read, errors, broken)
    pages = _load_pages(content_dir / "pages", read, errors)
    republishers = _load_yaml(content_dir / "republishers.yaml", read, errors, required=False)
    translations = tuple(
        _load_translation(content_dir / language, language, base, read, errors)
        for language in declared_languages(site)[1:]
    )
    if memo is not None:
        memo.turn()
    return RawContent(
        site,
        chapters,
        missions,
        sources,
        pages,
        tuple(errors),
        tuple(broken),
        translations,
        MappingProxyType(digests),
        republishers,
    )


def declared_languages(site: YamlDoc | None) -> tuple[str, ...]:
    """site.yaml's `languages`, as far as it reads as a list of codes (the models check it properly)."""
    data = site.data if site else None
    listed = data.get("languages") if isinstance(data, dict) else None
    if not isinstance(listed, list):
        return ()
    return tuple(dict.fromkeys(code for code in listed if isinstance(code, str) and SLUG.match(code)))


def _load_translation(folder: Path, language: str, base: Path, read, errors: list[ContentError]) -> RawTranslation:
    broken: list[str] = []  # a translation that cannot be parsed has its own error; it is then "missing"
    return RawTranslation(
        language=language,
        folder=_display(folder, base),
        site=_load_yaml(folder / "site.yaml", read, errors, required=False),
        chapters=_load_chapters(folder / "chapters", read, errors),
        missions=_load_missions(folder / "missions", read, errors, broken),
        sources=_load_yaml(folder / "sources.yaml", read, errors, required=False),
        pages=_load_pages(folder / "pages", read, errors),
    )


def _display(path: Path, base: Path) -> str:
    rel = os.path.relpath(path, base)
    return Path(rel).as_posix() if not rel.startswith("..") else path.as_posix()


@lru_cache(maxsize=256)  # a content folder holds thousands of files: relpath for each cost 70 ms at 1,100
def _display_folder(folder: str, base: str) -> str:
    return _display(Path(folder), Path(base))


def _in_folder(folder: str, name: str) -> str:
    return name if folder == "." else f"{folder}/{name}"


def display_path(path: Path) -> str:
    """How problems name a file or folder: relative to the working directory when inside it."""
    return _display(path, Path.cwd())


def _load_yaml(path: Path, read, errors: list[ContentError], required: bool) -> YamlDoc | None:
    if not path.is_file():
        if required:
            errors.append(error(_display(path, Path.cwd()), 1, 1, "missing file: every site needs site.yaml"))
        return None
    shown, text = read(os.fspath(path.parent), path.name)
    if text is None:
        return None
    doc, problems = read.parse(parse_yaml, shown, text)
    errors.extend(problems)
    return doc


def _files(folder: Path, suffixes: tuple[str, ...]) -> tuple[str, list[str]]:
    """The folder as a string, and the names of its files with one of `suffixes`, sorted."""
    if not folder.is_dir():
        return os.fspath(folder), []
    with os.scandir(folder) as entries:  # scandir knows a file from its listing, with no stat per path
        names = sorted(e.name for e in entries if e.is_file() and e.name.endswith(suffixes) and e.name[0] != ".")
    return os.fspath(folder), names


def _load_chapters(folder: Path, read, errors: list[ContentError]) -> tuple[MarkdownDoc, ...]:
    out = []
    where, names = _files(folder, (".md",))
    for name in names:
        shown, text = read(where, name)
        match = CHAPTER_FILE.match(name)
        if not match:
            msg = f"chapter file name '{name}' must be NN-slug.md, e.g. 01-origins.md"
            errors.append(error(shown, 1, 1, msg))
            continue
        if text is not None:
            doc, problems = read.parse(parse_markdown_file, shown, match.group(2), text, int(match.group(1)))
            errors.extend(problems)
            out += [doc] if doc else []
    return tuple(out)


def _load_missions(
    folder: Path, read, errors: list[ContentError], broken: list[str]
) -> tuple[tuple[str, YamlDoc], ...]:
    out = []
    where, names = _files(folder, (".yaml", ".yml"))
    for name in names:
        shown, text = read(where, name)
        stem, suffix = os.path.splitext(name)
        if suffix != ".yaml" or not SLUG.match(stem):
            msg = f"mission file name '{name}' must be <slug>.yaml with a lowercase-hyphen slug"
            errors.append(error(shown, 1, 1, msg))
            continue
        doc, problems = read.parse(parse_yaml, shown, text) if text is not None else (None, [])
        errors.extend(problems)
        out += [(stem, doc)] if doc else []
        broken += [] if doc else [stem]
    return tuple(out)


def _load_pages(folder: Path, read, errors: list[ContentError]) -> tuple[MarkdownDoc, ...]:
    out = []
    where, names = _files(folder, (".md",))
    for name in names:
        shown, text = read(where, name)
        stem = os.path.splitext(name)[0]
        if not SLUG.match(stem):
            errors.append(error(shown, 1, 1, f"page file name '{name}' must be <slug>.md"))
            continue
        if text is not None:
            doc, problems = read.parse(parse_markdown_file, shown, stem, text)
            errors.extend(problems)
            out += [doc] if doc else []
    return tuple(out)


def list_static(static_dir: Path) -> tuple[str, ...]:
    """Relative POSIX paths of every static file, sorted."""
    if not static_dir.is_dir():
        return ()
    return tuple(sorted(p.relative_to(static_dir).as_posix() for p in static_dir.rglob("*") if p.is_file()))
