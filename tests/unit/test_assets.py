"""assets.py: fingerprinted names for CSS and JavaScript, and only for them."""

from __future__ import annotations

import hashlib

from documentary.assets import fingerprinted, immutable, published_names


def test_the_name_carries_the_first_8_hex_digits_of_the_sha256_of_the_bytes():
    digest = hashlib.sha256(b"body{}").hexdigest()[:8]
    assert fingerprinted("css/site.css", b"body{}") == f"css/site.{digest}.css"
    assert fingerprinted("js/a.min.js", b"x") != fingerprinted("js/a.min.js", b"y")


def test_only_css_and_js_are_renamed(tmp_path):
    (tmp_path / "css").mkdir()
    (tmp_path / "css" / "site.css").write_bytes(b"a{}")
    (tmp_path / "favicon.svg").write_bytes(b"<svg/>")
    names = published_names(tmp_path, ["css/site.css", "favicon.svg"])
    assert names["favicon.svg"] == "favicon.svg" and names["css/site.css"].startswith("css/site.")
    assert immutable(names) == (names["css/site.css"],)
