"""Check every internal link, asset and #anchor of a built site folder, offline."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit


class _Collector(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        if "id" in values:
            self.ids.add(values["id"] or "")
        for name in ("href", "src"):
            if values.get(name) and not (tag == "link" and values.get("rel") == "canonical"):
                self.links.append(values[name])
        if tag == "form" and values.get("action"):
            self.links.append(values["action"])


def scan(path: Path) -> _Collector:
    collector = _Collector()
    collector.feed(path.read_text(encoding="utf-8"))
    return collector


def target_file(root: Path, base_path: str, url_path: str) -> Path | None:
    """The file a URL path would be served from, or None if it is outside the site."""
    if not url_path.startswith(base_path):
        return None
    rel = unquote(url_path[len(base_path) :])
    path = root / rel
    return path / "index.html" if rel == "" or rel.endswith("/") else path


def broken_links(root: Path, base_url: str) -> list[str]:
    """Every internal link, asset or anchor in `root` that does not resolve, as 'page -> link: why'."""
    base_path = urlsplit(base_url).path
    pages = {p: scan(p) for p in sorted(root.rglob("*.html"))}
    problems = []
    for page, found in pages.items():
        page_url = base_path + page.relative_to(root).as_posix().removesuffix("index.html")
        for link in found.links:
            problem = _check(root, base_path, base_url, page_url, link, pages)
            if problem:
                problems.append(f"{page.relative_to(root)} -> {link}: {problem}")
    return problems


def _check(root, base_path, base_url, page_url, link, pages) -> str | None:
    if link.startswith(("mailto:", "data:")):
        return None
    parts = urlsplit(link)
    if parts.scheme in ("http", "https") and not link.startswith(base_url):
        return None  # external: checked by hand, never fetched in tests
    url = urljoin(page_url, link if not link.startswith(base_url) else link[len(base_url) - len(base_path) :])
    parts = urlsplit(url)
    target = target_file(root, base_path, parts.path)
    if target is None:
        return "escapes the site's path"
    if not target.is_file():
        return "no such file"
    if parts.fragment and target in pages and unquote(parts.fragment) not in pages[target].ids:
        return f"no element with id '{parts.fragment}'"
    return None
