"""Build the Pagefind search index for a finished output folder."""

from __future__ import annotations

import asyncio
from pathlib import Path


class SearchUnavailable(Exception):
    pass


def index_site(folder: Path, language: str | None) -> int:
    """Index every page under `folder` into `folder/pagefind`; returns the page count.

    With `language` None, Pagefind makes one index per page language (`<html lang>`), and each page's
    search loads the index of its own language.
    """
    try:
        from pagefind.index import IndexConfig, PagefindIndex
    except ImportError as exc:  # pragma: no cover - pagefind[bin] is a dependency
        raise SearchUnavailable("pagefind is not installed: pip install 'pagefind[bin]'") from exc

    async def run() -> int:
        config = IndexConfig(output_path=str(folder / "pagefind"))
        if language:
            config["force_language"] = language
        async with PagefindIndex(config=config) as index:
            result = await index.add_directory(str(folder))
            return int(result.get("page_count", 0))

    try:
        return asyncio.run(run())
    except Exception as exc:
        raise SearchUnavailable(f"search indexing failed: {exc}") from exc
