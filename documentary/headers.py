"""The Content-Security-Policy, in one place: the pages' <meta> tag and the hosts' `_headers` file share it.

A <meta> policy cannot carry `frame-ancestors` (browsers ignore it there), so only the header adds it.
"""

from __future__ import annotations

POLICY = (
    ("default-src", "'self'"),
    ("script-src", "'self' 'wasm-unsafe-eval'"),  # Pagefind's search runs as WebAssembly
    ("style-src", "'self'"),
    ("img-src", "'self' data:"),
    ("font-src", "'self'"),
    ("connect-src", "'self'"),
    ("object-src", "'none'"),
    ("base-uri", "'self'"),
    ("form-action", "'self'"),
)
HEADER_ONLY = (("frame-ancestors", "'none'"),)


def content_security_policy(header: bool = False) -> str:
    directives = POLICY + (HEADER_ONLY if header else ())
    return "; ".join(f"{name} {value}" for name, value in directives)
