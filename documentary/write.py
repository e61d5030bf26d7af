"""Write a finished site: into a fresh folder beside the output, then swap it into place.

The old output is removed only after the new one is complete, so a failure at any point
leaves the previous site exactly as it was.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import threading
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from .errors import UsageError
from .parallel import cores

MARKER = ".documentary-output"
MARKER_TEXT = b"This folder is written by build.py. Its contents are replaced on every build.\n"


def check_output_dir(out: Path, protected: list[Path], sources: tuple[Path, ...] = ()) -> None:
    """Refuse an output folder that would destroy sources or someone else's files.

    `protected` folders may hold the output (the project holds _site) but not be it or lie inside it;
    `sources` (content, templates, static) may not hold it either: the next build would read it back.
    """
    target = out.resolve()
    for folder in protected:
        folder = folder.resolve()
        if target == folder or target in folder.parents:
            raise UsageError(f"refusing to use {out} as output: it would replace {folder}")
    for folder in sources:
        if folder.resolve() in target.parents:
            raise UsageError(f"refusing to use {out} as output: it is inside {folder}")
    if target.exists() and not target.is_dir():
        raise UsageError(f"refusing to use {out} as output: it is a file")
    if target.is_dir() and any(target.iterdir()) and not (target / MARKER).is_file():
        raise UsageError(f"refusing to replace {out}: it is not empty and was not written by build.py (no {MARKER})")


def write_site(
    pages: dict[str, bytes],
    static_dir: Path,
    static_files: tuple[str, ...],
    out: Path,
    finish: Callable[[Path], None] | None = None,
    published: Mapping[str, str] | None = None,
    files: Mapping[str, Path] | None = None,
    reused: tuple[str, ...] = (),
) -> Callable[[], None]:
    """Write everything into a new sibling folder, run `finish` on it, then swap it in.

    Returns a wait for the removal of the previous output, which the swap renamed aside: a thread removes
    it while the caller writes its records (a thousand folders take a quarter of a second in the kernel).
    `published` maps a static file's name to the name it is written under (fingerprinted CSS and JS).
    `files` are finished binary outputs that already exist on disk (encoded images in the cache), by
    output name: linked or copied, never read into memory.
    `reused` pages are hard-linked (or copied) from the current output into the new folder, never changed
    in place: the old output stays whole until the swap, and its files' bytes are what the new one needs."""
    out = out.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    new = Path(tempfile.mkdtemp(prefix=f".{out.name}.new-", dir=out.parent))
    try:
        fill(new, pages, static_dir, static_files, published)
        place(new, files or {})
        link(out, new, reused)
        if finish:
            finish(new)
        old = _swap(new, out)
    except BaseException:
        shutil.rmtree(new, ignore_errors=True)
        raise
    return _remove(old) if old is not None else lambda: None


def _remove(folder: Path) -> Callable[[], None]:
    """Start removing `folder`; returns the wait. `rm` runs on the other core: a thread in this process
    waited for the GIL while the records were encoded (C code that holds it), and took 0.45 s at 1,100 pages."""
    rm = shutil.which("rm") if os.name == "posix" else None
    if rm:
        try:
            process = subprocess.Popen(
                [rm, "-rf", "--", str(folder)], stdin=subprocess.DEVNULL, stderr=subprocess.DEVNULL
            )
        except OSError:
            pass
        else:

            def wait() -> None:
                process.wait()
                shutil.rmtree(folder, ignore_errors=True)  # whatever rm could not remove

            return wait
    removal = threading.Thread(target=shutil.rmtree, args=(folder,), kwargs={"ignore_errors": True}, name="old output")
    removal.start()
    return removal.join


def fill(
    folder: Path,
    pages: dict[str, bytes],
    static_dir: Path,
    static_files: tuple[str, ...],
    published: Mapping[str, str] | None = None,
) -> None:
    def copy(name: str) -> None:
        target = folder / (published or {}).get(name, name)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(static_dir / name, target)

    def write(name: str) -> None:
        target = folder / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(pages[name])

    _each(static_files, copy)
    _each(sorted(pages), write)
    (folder / MARKER).write_bytes(MARKER_TEXT)


def place(folder: Path, files: Mapping[str, Path]) -> None:
    """A hard link where the file system allows it (the cache's files are never changed in place, only
    replaced), else a copy."""
    _each(sorted(files), lambda name: _link_or_copy(files[name], folder / name))


def link(old: Path, new: Path, names: tuple[str, ...]) -> None:
    _each(names, lambda name: _link_or_copy(old / name, new / name))


def _link_or_copy(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(source, target)
    except OSError:  # another file system, or links not allowed: a copy is as good, only slower
        shutil.copyfile(source, target)


# Creating a file or a folder is time in the kernel, where Python lets go of the GIL, and a thousand pages
# make two thousand of them (about 0.2 ms each on this project's CI machines): two threads on two cores
# wrote 1,100 pages in 260 ms instead of 400; four did no better.
THREADS = min(cores(), 2)
MIN_THREADED = 64  # fewer files than this are written before a thread starts


def _each(items: Sequence[str], do: Callable[[str], None]) -> None:
    """`do` for every item, on THREADS threads when there are enough; the first exception is raised."""
    count = THREADS if len(items) >= MIN_THREADED else 1
    if count == 1:
        _all(do, items)
        return
    with ThreadPoolExecutor(count, thread_name_prefix="write") as pool:
        for future in [pool.submit(_all, do, items[i::count]) for i in range(count)]:
            future.result()


def _all(do: Callable[[str], None], items: Sequence[str]) -> None:
    for item in items:
        do(item)


def _swap(new: Path, out: Path) -> Path | None:
    """Put `new` in the place of `out`; the previous output, moved aside, to be removed (None: there was none)."""
    os.chmod(new, 0o755)  # mkdtemp makes it private; a published site must be readable
    if not out.exists():
        os.rename(new, out)
        return None
    old = Path(tempfile.mkdtemp(prefix=f".{out.name}.old-", dir=out.parent))
    os.rmdir(old)
    os.rename(out, old)
    try:
        os.rename(new, out)
    except BaseException:  # even Ctrl-C here: put the previous site back before giving up
        os.rename(old, out)
        raise
    return old


def sync(pages: dict[str, bytes], out: Path) -> list[str]:
    """Write only the files whose bytes changed (for the dev server); returns what was written."""
    written = []
    for name, data in sorted(pages.items()):
        target = out / name
        if target.is_file() and target.read_bytes() == data:
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(f".{target.name}.tmp")
        tmp.write_bytes(data)
        os.replace(tmp, target)
        written.append(name)
    return written
