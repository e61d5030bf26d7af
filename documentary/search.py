"""Build the Pagefind search index for a finished output folder, with the binary `pagefind[bin]` ships.

The command-line binary reads the written pages straight from disk; the Python API (`pagefind.index`)
drives the same binary through a service that takes each file over a pipe, which cost about half as
much again in time and twice the memory at 5,000 pages (benchmarks/README.md).
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path


class SearchUnavailable(Exception):
    pass


def pagefind_binary() -> Path:
    try:
        from pagefind_bin import get_executable
    except ImportError as exc:  # pragma: no cover - pagefind[bin] is a dependency
        raise SearchUnavailable("pagefind is not installed: pip install 'pagefind[bin]'") from exc
    try:
        return Path(get_executable())
    except (FileNotFoundError, RuntimeError) as exc:  # pragma: no cover - a wheel without its binary
        raise SearchUnavailable(f"the pagefind binary is missing: {exc}") from exc


def index_site(folder: Path, language: str | None) -> int:
    """Index every page under `folder` into `folder/pagefind`; returns the page count.

    With `language` None, Pagefind makes one index per page language (`<html lang>`), and each page's
    search loads the index of its own language.
    """
    command = [str(pagefind_binary()), "--site", str(folder), "--output-path", str(folder / "pagefind")]
    if language:
        command += ["--force-language", language]
    try:
        done = subprocess.run(command, capture_output=True, text=True, check=False)
    except OSError as exc:
        raise SearchUnavailable(f"search indexing failed: {exc.strerror or exc}") from exc
    if done.returncode != 0:
        last = (done.stderr.strip() or done.stdout.strip()).splitlines()[-1:] or [f"exit status {done.returncode}"]
        raise SearchUnavailable(f"search indexing failed: {last[0]}")
    found = re.search(r"Indexed (\d+) pages?", done.stdout)
    return int(found[1]) if found else 0
