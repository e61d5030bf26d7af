"""Every image the content uses: found, checked and credited after the graph; encoded once per content hash.

`gather` follows each reference (a Markdown image in a chapter, page or mission description, or a
mission's `image:` block) to its file: a relative path from the folder of the file that names it, a
path starting with `/` from the content folder. It reads and inspects the file (the header only) and
its credit, and returns a read-only Gallery for the renderer, with a problem at the exact position of
every reference that cannot be published. `produce` (build only) encodes, on every core, the pictures
whose files are not yet in the cache folder beside the output, and names the files the write stage copies.

A picture's credit is its mission's `image:` block, or a file beside it named after it plus `.yaml`
(`images/dust.jpg` -> `images/dust.jpg.yaml`: credit, licence, source).
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Mapping, Sequence
from contextlib import suppress
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path
from types import MappingProxyType
from urllib.parse import unquote

from . import images
from .errors import ContentError, Source, error, warning
from .graph import Link, Site
from .load import decode, display_path
from .models import ImageCredit, validate_credit
from .pack import store
from .parallel import cores, map_slices
from .yaml_marks import parse_yaml

INDEX = "index.json"


@dataclass(frozen=True)
class Ref:
    """One place that shows an image: the file and position that name it, what it says, and the page."""

    where: Source
    src: str  # as written (a Markdown src is percent-encoded by markdown-it)
    page: Link
    alt: str
    caption: str
    credit: ImageCredit | None = None  # a mission's image block carries its own
    encoded: bool = True  # Markdown percent-encodes a src; a YAML `file:` is a plain path


@dataclass(frozen=True)
class Photo:
    """One image file as published, with its credit and every page that shows it."""

    file: str  # as problems name it
    path: Path
    picture: images.Picture
    credit: ImageCredit | None
    uses: tuple[Ref, ...]

    @property
    def alt(self) -> str:
        return self.uses[0].alt

    @property
    def caption(self) -> str:
        return next((u.caption for u in self.uses if u.caption), "")

    @property
    def pages(self) -> tuple[Link, ...]:
        return tuple(dict.fromkeys(u.page for u in self.uses))


@dataclass(frozen=True)
class Gallery:
    photos: tuple[Photo, ...] = ()  # sorted by file
    by_ref: Mapping[str, Mapping[str, Photo]] = field(default_factory=lambda: MappingProxyType({}))
    # language -> the pictures that language's pages show, each with that language's alt, caption and pages
    editions: Mapping[str, tuple[Photo, ...]] = field(default_factory=lambda: MappingProxyType({}))

    def edition(self, language: str) -> Gallery:
        """What one language's credits page lists: only the pictures its own pages show, described in its
        words and listed with its titles (a gallery of one language is its own edition)."""
        return replace(self, photos=self.editions[language]) if language in self.editions else self

    def for_file(self, path: str) -> Mapping[str, Photo]:
        """The pictures a content file names, by the src it writes."""
        return self.by_ref.get(path, MappingProxyType({}))

    @property
    def variants(self) -> tuple[images.Variant, ...]:
        return tuple(v for photo in self.photos for v in photo.picture.variants)


class ImageCache:
    """The encoded files, named by content hash, in a folder beside the output (None: memory only), and
    what each source file's header said, by path, size and modification time, so a rebuild reads no pixels."""

    def __init__(self, folder: Path | None = None, known: dict[str, list] | None = None):
        self.folder = folder
        self.known = known or {}
        self.used: dict[str, list] = {}

    @classmethod
    def open(cls, folder: Path) -> ImageCache:
        try:
            known = json.loads((folder / INDEX).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            known = {}
        return cls(folder, known if isinstance(known, dict) else {})

    def header(self, path: Path, stat: os.stat_result) -> tuple[str, images.Info] | None:
        entry = self.known.get(str(path))
        if not (isinstance(entry, list) and len(entry) == 6 and entry[:2] == [stat.st_size, stat.st_mtime_ns]):
            return None
        self.used[str(path)] = entry
        return entry[2], images.Info(*entry[3:])

    def remember(self, path: Path, stat: os.stat_result, key: str, info: images.Info) -> None:
        self.used[str(path)] = [stat.st_size, stat.st_mtime_ns, key, info.format, info.width, info.height]

    def path(self, variant: images.Variant) -> Path:
        assert self.folder is not None
        return self.folder / variant.name.removeprefix("img/")

    def has(self, picture: images.Picture) -> bool:
        return self.folder is not None and all(self.path(v).is_file() for v in picture.variants)

    def save(self) -> None:
        """Keep the headers this build used; never raise (a cache that can't be written costs time only)."""
        self.known, self.used = {**self.known, **self.used}, {}
        if self.folder is None:
            return
        with suppress(OSError):
            self.folder.mkdir(parents=True, exist_ok=True)
            store(self.folder / INDEX, json.dumps(self.known, sort_keys=True).encode())


def references(site: Site, original: Site | None = None) -> list[tuple[str, Ref]]:
    """Every image reference in the site, with the content file that makes it.

    `original`: the default edition, when `site` is a translation. A translated mission's `image:` block is
    its original's file and credit in the translation's words: it is named, and found, where the original's is."""
    found: list[tuple[str, Ref]] = []
    for node in site.chapters + site.pages:
        path, page = node.doc.file.path, Link(node.title, node.url)
        found += [(path, _prose_ref(path, image, page)) for image in node.body.images]
    for mission in site.missions:
        path, page = mission.doc.doc.path, Link(mission.data.name, mission.url)
        block = mission.data.image
        if block:
            named = (original or site).mission(mission.slug).doc.doc
            where = named.where(("image", "file"))
            found.append((named.path, Ref(where, block.file, page, block.alt, block.caption, block, encoded=False)))
        for image in mission.description.images if mission.description else ():
            found.append((path, _prose_ref(path, image, page)))
    return found


def _prose_ref(path: str, image, page: Link) -> Ref:
    return Ref(Source(path, image.line, image.col), image.src, page, image.alt, image.caption)


REMOTE = "is on another site and will not load: the site loads nothing from other hosts; save it beside the page"


def is_inline_data(src: str) -> bool:
    """A `data:` picture is part of the page itself (markdown-it lets through only raster ones)."""
    return src.startswith("data:image/")


def resolve(content: Path, named_in: str, src: str, encoded: bool = True) -> Path | str:
    """The file a reference names, or why it names none. Pure: only path arithmetic."""
    if "://" in src or src.startswith(("//", "data:", "mailto:")):
        return REMOTE
    written = src.split("#", 1)[0].split("?", 1)[0]
    written = unquote(written) if encoded else written
    if not written or written.endswith("/"):
        return "names no file"
    target = content / written.lstrip("/") if written.startswith("/") else Path(named_in).parent / written
    root, full = Path(os.path.abspath(content)), Path(os.path.abspath(target))
    if root not in full.parents:
        return f"is outside the content folder {display_path(content)}"
    return full


def gather(
    site: Site, content: Path, cache: ImageCache, original: Site | None = None
) -> tuple[Gallery, list[ContentError]]:
    """Read, inspect and credit every image the site shows; a problem for each reference that fails.
    `original`: the default edition, when `site` is a translation (see `references`)."""
    errors: list[ContentError] = []
    found = [(n, ref) for n, ref in references(site, original) if not (ref.encoded and is_inline_data(ref.src))]
    refs = [(named_in, ref, resolve(content, named_in, ref.src, ref.encoded)) for named_in, ref in found]
    files: dict[Path, list[Ref]] = {}
    for _, ref, target in refs:
        if target == REMOTE and ref.encoded:  # shown as written; the Content-Security-Policy will block it
            errors.append(warning(ref.where.path, ref.where.line, ref.where.col, f"image '{ref.src}' {target}"))
        elif isinstance(target, str):
            errors.append(_at(ref, f"image '{ref.src}' {target}"))
        else:
            files.setdefault(target, []).append(ref)
    photos: dict[Path, Photo] = {}
    for target, uses in sorted(files.items()):
        photo = _photo(target, uses, cache, errors)
        if photo:
            photos[target] = photo
    by_ref: dict[str, dict[str, Photo]] = {}
    for named_in, ref, target in refs:
        if isinstance(target, Path) and target in photos:
            by_ref.setdefault(named_in, {})[ref.src] = photos[target]
    frozen = MappingProxyType({path: MappingProxyType(table) for path, table in by_ref.items()})
    return Gallery(tuple(photos[t] for t in sorted(photos)), frozen), errors


def _photo(target: Path, uses: list[Ref], cache: ImageCache, errors: list[ContentError]) -> Photo | None:
    shown = display_path(target)
    try:
        stat = target.stat()
        if stat.st_size > images.MAX_BYTES:
            raise images.ImageProblem(images.too_big(stat.st_size))  # before reading 20 MB for nothing
        remembered = cache.header(target, stat)
        if remembered is None:
            data = target.read_bytes()
            remembered = images.digest(data), images.inspect(data)
            cache.remember(target, stat, *remembered)
    except FileNotFoundError:
        return _fail(uses, errors, f"not found: there is no file {shown}")
    except IsADirectoryError:
        return _fail(uses, errors, f"is a folder, not an image file: {shown}")
    except OSError as exc:
        return _fail(uses, errors, f"cannot be read: {exc.strerror or exc}")
    except images.ImageProblem as exc:
        return _fail(uses, errors, str(exc))
    key, info = remembered
    block = next((u.credit for u in uses if u.credit), None)
    credit = block or _credit_file(target, uses, errors)
    return Photo(shown, target, images.plan(key, info), credit, tuple(uses))


def _fail(uses: Iterable[Ref], errors: list[ContentError], problem: str) -> None:
    errors.extend(_at(u, f"image '{u.src}' {problem}") for u in uses)
    return None


def _at(ref: Ref, message: str) -> ContentError:
    return error(ref.where.path, ref.where.line, ref.where.col, message)


def _credit_file(target: Path, uses: list[Ref], errors: list[ContentError]) -> ImageCredit | None:
    sidecar = target.with_name(target.name + ".yaml")
    shown = display_path(sidecar)
    try:
        raw = sidecar.read_bytes()
    except FileNotFoundError:
        message = f"image '{uses[0].src}' has no credit: add {shown} with its credit and licence"
        where = uses[0].where
        errors.append(warning(where.path, where.line, where.col, message))
        return None
    except OSError as exc:
        errors.append(error(shown, 1, 1, f"cannot read the file: {exc.strerror or exc}"))
        return None
    text, problems = decode(shown, raw)
    errors.extend(problems)
    doc, problems = parse_yaml(shown, text) if text is not None else (None, [])
    errors.extend(problems)
    if doc is None:
        return None
    credit, problems = validate_credit(doc)
    errors.extend(problems)
    return credit


def produce(gallery: Gallery, cache: ImageCache, workers: int = 0) -> tuple[dict[str, Path], list[ContentError]]:
    """Encode what the cache lacks (on every core), then name every published file by its cached copy."""
    todo = [photo for photo in gallery.photos if not cache.has(photo.picture)]
    count = min(workers or cores(), len(todo)) or 1
    task = partial(_encode_slice, cache.folder)
    jobs = [(str(p.path), p.picture) for p in todo]
    failed = {path: problem for part in map_slices(task, jobs, count) for path, problem in part.items()}
    errors: list[ContentError] = []
    for photo in todo:
        if str(photo.path) in failed:
            _fail(photo.uses, errors, failed[str(photo.path)])
    published = [p for p in gallery.photos if str(p.path) not in failed]
    return {v.name: cache.path(v) for p in published for v in p.picture.variants}, errors


def encode_in_memory(gallery: Gallery, skip=frozenset()) -> tuple[dict[str, bytes], list[ContentError]]:
    """The published files of each picture not in `skip`, as bytes, for a caller without a cache folder."""
    found: dict[str, bytes] = {}
    errors: list[ContentError] = []
    for photo in gallery.photos:
        if photo.picture in skip:
            continue
        try:
            found |= images.encode(photo.path.read_bytes(), photo.picture)
        except images.ImageProblem as exc:
            _fail(photo.uses, errors, str(exc))
        except OSError as exc:
            _fail(photo.uses, errors, f"cannot be read: {exc.strerror or exc}")
    return found, errors


def _encode_slice(folder: Path | None, jobs: Sequence[tuple[str, images.Picture]]) -> dict[str, str]:
    """Encode and store each picture; returns the problem of each file that could not be decoded."""
    problems = {}
    for file, picture in jobs:
        try:
            encoded = images.encode(Path(file).read_bytes(), picture)
        except images.ImageProblem as exc:
            problems[file] = str(exc)
            continue
        except OSError as exc:
            problems[file] = f"cannot be read: {exc.strerror or exc}"
            continue
        assert folder is not None
        try:
            folder.mkdir(parents=True, exist_ok=True)
            for name, data in encoded.items():
                store(folder / name.removeprefix("img/"), data)
        except OSError as exc:
            problems[file] = f"cannot be stored in the cache {display_path(folder)}: {exc.strerror or exc}"
    return problems
