"""Build in-memory content for stage tests from a dict of file texts."""

from __future__ import annotations

from documentary.graph import build_graph
from documentary.load import RawContent, parse_markdown_file, parse_yaml
from documentary.markdown import make_parser
from documentary.models import validate
from documentary.parsing import compile_bodies

SITE = "title: T\ndescription: D\nbase_url: https://example.org/sub/\nauthor: A\nlicence: L\nupdated: 2024-01-01\n"


def mission_yaml(name: str, date: str = "1971-05-28", program: str = "soviet", extra: str = "") -> str:
    return (
        f"name: {name}\nprogram: {program}\ntype: [orbiter]\n"
        f"launch: {{date: {date}, vehicle: Proton, site: Baikonur}}\n"
        f"outcome: success\nsummary: S.\nsources: [src]\n{extra}"
    )


def chapter_md(title: str, body: str) -> str:
    return f"---\ntitle: {title}\nsummary: S.\n---\n{body}"


def content(
    missions: dict[str, str],
    chapters: dict[str, str] | None = None,
    pages: dict[str, str] | None = None,
    sources: str = "src: {title: T, publisher: P, url: 'https://example.org/s'}\n",
):
    """Parse and validate; returns (Content, problems as strings)."""
    site, _ = parse_yaml("content/site.yaml", SITE)
    source_doc, _ = parse_yaml("content/sources.yaml", sources)
    mission_docs = tuple(
        (slug, parse_yaml(f"content/missions/{slug}.yaml", text)[0]) for slug, text in missions.items()
    )
    chapter_docs = tuple(
        parse_markdown_file(f"content/chapters/{name}.md", name.split("-", 1)[1], text, int(name.split("-")[0]))[0]
        for name, text in (chapters or {}).items()
    )
    page_docs = tuple(
        parse_markdown_file(f"content/pages/{name}.md", name, text)[0] for name, text in (pages or {}).items()
    )
    raw = RawContent(site, chapter_docs, mission_docs, source_doc, page_docs, ())
    result, problems = validate(raw)
    assert problems == [], problems
    return result


def linked(content, static_files: tuple[str, ...] = (), translations=(), **kwargs):
    """The graph of `content` (and its translations), its bodies compiled first as the pipeline does;
    returns (Site, problems)."""
    bodies = compile_bodies(make_parser(), content, translations)
    return build_graph(content, bodies, static_files, translations=translations, **kwargs)
