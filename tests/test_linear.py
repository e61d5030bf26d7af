"""The build stays linear in the number of pages, and does no work twice. Counts work, never time.

Wall time is for the benchmarks (benchmarks/run.py). Here sites are built in one process and the work
is counted: files read, Markdown parses, page renders, and the lines run in our own code (the generator
and the compiled templates). A page that scans every other page, as `site.chapters.index(node)` in a
template or a dict of all missions built per lookup once did, makes the lines per added page grow with
the site; linear code keeps them flat (the ratio is 0.99 today, 1.23 with either of those two back).
"""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path

from documentary import bodies, load
from documentary.pipeline import Options, build
from documentary.render import Renderer
from tests.conftest import ROOT

sys.path.insert(0, str(ROOT / "benchmarks"))
import corpus  # noqa: E402

OURS = (str(ROOT / "documentary"), "<string>")  # <string>: dataclass-made methods such as __eq__


def write_corpus(folder: Path, chapters: int) -> tuple[Path, corpus.Corpus]:
    data = corpus.make_corpus(chapters)
    corpus.write_ours(data, folder / "content")
    return folder / "content", data


def options(content: Path) -> Options:
    return Options(content, ROOT / "templates", ROOT / "static", search=False, workers=1)


def our_lines(content: Path, out: Path, templates: Path = ROOT / "templates") -> int:
    """Lines run in the generator and the compiled templates during one cold build, in this process.

    Lines, not calls: a comprehension or a `tuple.index` over every page runs lines for each item.
    """
    ours = (*OURS, str(templates))
    count = 0

    def line(frame, event, arg):
        nonlocal count
        count += event == "line"
        return line

    def call(frame, event, arg):
        return line if frame.f_code.co_filename.startswith(ours) else None

    sys.settrace(call)
    try:
        build(replace(options(content), templates=templates), out, [])
    finally:
        sys.settrace(None)
    return count


def write_small_site(folder: Path, chapters: int) -> Path:
    """Short pages, so that per-page work is small and any scan over all pages stands out; one mission
    per two chapters, each mentioned in prose and in another mission's account, each with a source."""
    content = folder / "content"
    corpus.write_ours(corpus.Corpus((), ()), content)  # site.yaml
    missions = chapters // 2
    for n in range(missions):
        previous = f"It followed [[m-{n - 1}]]." if n else "The first."
        (content / "missions").mkdir(exist_ok=True)
        launch = f"launch: {{date: {1960 + n % 60}-01-01, vehicle: V, site: S}}\n"
        (content / "missions" / f"m-{n}.yaml").write_text(
            f"name: M {n}\nprogram: soviet\ntype: [orbiter]\n{launch}"
            f"outcome: success\nsummary: S.\ndescription: {previous} [@s-{n}]\nsources: [s-{n}]\n"
        )
    (content / "sources.yaml").write_text(
        "".join(f"s-{n}: {{title: T, publisher: P, url: 'https://e.org/{n}'}}\n" for n in range(missions))
    )
    (content / "chapters").mkdir(exist_ok=True)
    for n in range(chapters):
        mentions = " ".join(f"[[m-{(n + k * 7) % missions}]]" for k in range(4))
        body = f"{mentions} and [[m-{n // 2}:launch.date]]. [@s-{n // 2}]\n\n## Part\n\nText.\n"
        (content / "chapters" / f"{n:04d}-c-{n}.md").write_text(f"---\ntitle: C {n}\nsummary: S.\n---\n{body}")
    return content


def test_work_per_page_does_not_grow_with_the_site(tmp_path):
    work = {}
    for size in (30, 60, 300):
        content = write_small_site(tmp_path / f"c{size}", size)
        work[size] = our_lines(content, tmp_path / f"out{size}")
    small = (work[60] - work[30]) / 30
    large = (work[300] - work[60]) / 240
    assert large <= 1.15 * small, f"lines per added page: {small:.0f} between 30 and 60, {large:.0f} up to 300"


def test_every_file_is_read_once_and_every_body_parsed_and_page_rendered_once(tmp_path, monkeypatch):
    content, data = write_corpus(tmp_path, 40)
    reads, parses, renders = [], [], []
    read_bytes, read_named, parse, page = Path.read_bytes, load.read_bytes, bodies.compile_doc, Renderer.page

    def counted(read):
        def counted_read(path) -> bytes:  # the loader reads by name (a string), the rest by Path
            if content in Path(path).parents:
                reads.append(Path(path))
            return read(path)

        return counted_read

    monkeypatch.setattr(Path, "read_bytes", counted(read_bytes))
    monkeypatch.setattr(load, "read_bytes", counted(read_named))
    monkeypatch.setattr(bodies, "compile_doc", lambda md, job: parses.append(job.text) or parse(md, job))
    monkeypatch.setattr(
        Renderer, "page", lambda self, output, *a, **k: renders.append(output) or page(self, output, *a, **k)
    )
    result = build(options(content), tmp_path / "out", [])
    files = sorted(p for p in content.rglob("*") if p.is_file())
    assert sorted(reads) == files
    assert len(parses) == len(data.chapters) + len(data.missions)  # every mission has a description
    assert len(set(parses)) == len(parses)
    pages = [r for r in renders if ".epub/" not in r]  # a book's files are named <book>.epub/<file>
    assert sorted(pages) == sorted(result.pages) == sorted(set(pages))
    book_files = [r for r in renders if ".epub/" in r]
    assert book_files and len(set(book_files)) == len(book_files)


def test_a_warm_build_parses_only_what_changed(tmp_path, monkeypatch):
    content, _ = write_corpus(tmp_path, 40)
    build(options(content), tmp_path / "out", [])
    chapter = next((content / "chapters").glob("0001-*.md"))
    chapter.write_text(chapter.read_text() + "\nOne more sentence.\n")
    parses = []
    parse = bodies.compile_doc  # both parsers, the Rust one and markdown-it-py, are behind it
    monkeypatch.setattr(bodies, "compile_doc", lambda md, job: parses.append(job.text) or parse(md, job))
    build(options(content), tmp_path / "out", [])
    assert len(parses) == 1 and parses[0].endswith("One more sentence.\n")
