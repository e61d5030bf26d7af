"""Static CSS and JavaScript published under names that carry a hash of their bytes (css/site.3f2a9c1b.css).

A changed file gets a new name, so hosts may let browsers cache these for a year (see templates/headers.txt).
Templates name a file by its source name through `asset('css/site.css')`; everything else is copied as is.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from pathlib import Path, PurePosixPath
from types import MappingProxyType

FINGERPRINTED = (".css", ".js")
HASH_LENGTH = 8


def fingerprinted(name: str, data: bytes) -> str:
    """`css/site.css` and its bytes -> `css/site.<first 8 hex digits of SHA-256>.css`."""
    path = PurePosixPath(name)
    digest = hashlib.sha256(data).hexdigest()[:HASH_LENGTH]
    return str(path.with_name(f"{path.stem}.{digest}{path.suffix}"))


def published_names(static_dir: Path, names: Iterable[str], fingerprint: bool = True) -> Mapping[str, str]:
    """Source name -> published name, for every static file (reads the CSS and JavaScript files).

    Without `fingerprint` every file keeps its name: the dev server's choice, so that a stylesheet edit
    changes no page and livereload can swap the stylesheet in place."""
    out = {}
    for name in names:
        hashed = fingerprint and name.endswith(FINGERPRINTED)
        out[name] = fingerprinted(name, (static_dir / name).read_bytes()) if hashed else name
    return MappingProxyType(out)


def immutable(published: Mapping[str, str]) -> tuple[str, ...]:
    """The published names that change whenever their bytes do: safe to cache forever."""
    return tuple(sorted(target for source, target in published.items() if source != target))
