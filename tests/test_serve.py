"""The dev server: incremental rebuilds write what a clean build writes, the server reloads browsers,
shows build errors in every page, survives bad content and never serves a file outside its folder."""

from __future__ import annotations

import asyncio
import dataclasses
import html
import http.client
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from documentary.cache import BodyCache
from documentary.devhttp import Response, inject, locate
from documentary.errors import BuildFailed, error
from documentary.incremental import Snapshot, apply, read_templates, rebuild, start
from documentary.pipeline import Memo, Options, build
from tests.conftest import ROOT

WAIT = 30  # seconds: the bound on every wait for the server


# --- incremental rebuilds, in process ----------------------------------------------------------------


@pytest.fixture
def project(site_copy: Path) -> Path:
    """The fixture site with its own copies of the templates and static files, so tests can edit them."""
    shutil.copytree(ROOT / "templates", site_copy / "templates")
    shutil.copytree(ROOT / "static", site_copy / "static")
    return site_copy


def options_for(root: Path) -> Options:
    # the dev server builds no ebook (and its pages show no link to one): compare with a build without them
    return Options(root / "content", root / "templates", root / "static", search=False, ebook=False)


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def clean_build(root: Path, out: Path) -> dict[str, bytes]:
    shutil.rmtree(out, ignore_errors=True)
    build(options_for(root), out, [])
    return tree(out)


class Live:
    """Rebuild and apply as the server does (devbuild.Builder), keeping the last good snapshot and, across
    failed builds too, the memos and the body cache: what a rebuild does not redo must still come out right."""

    def __init__(self, root: Path, out: Path):
        self.root, self.out = root, out
        self.previous: Snapshot | None = None
        self.cache, self.memo = BodyCache(), Memo()
        self.last = self.step(set())

    def step(self, touched: set[Path]):
        update = rebuild(options_for(self.root), self.previous, touched, cache=self.cache, memo=self.memo)
        apply(update, self.out, self.root / "static")
        self.previous, self.last = update.snapshot, update
        self.cache.save()
        return update


def edit(path: Path, old: str, new: str) -> set[Path]:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return {path}


def move(path: Path, target: Path) -> set[Path]:
    path.rename(target)
    return {path, target}


def write(path: Path, text: str) -> set[Path]:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return {path}


NEW_MISSION = """name: Epsilon 5
program: usa
type: [orbiter]
launch: {date: 1996-11-07, vehicle: Delta II, site: Cape Canaveral}
outcome: success
summary: A late arrival.
sources: [src-gamma]
"""


def edits(root: Path):
    """A sequence of author edits, each returning the paths it touched."""
    c, t, s = root / "content", root / "templates", root / "static"
    yield "chapter body", lambda: edit(c / "chapters/01-beginnings.md", "The first attempt", "The very first attempt")
    yield "chapter title", lambda: edit(c / "chapters/02-the-pair.md", "title: ", "title: Renamed ")
    yield "mission summary", lambda: edit(c / "missions/delta-4.yaml", "Stranded in Earth orbit.", "Stuck in orbit.")
    yield "mission reorder", lambda: edit(c / "missions/gamma-3.yaml", "date: 1960-10-10", "date: 1998-07-03")
    yield "mission name", lambda: edit(c / "missions/alpha-1.yaml", "name: Alpha 1", "name: Alpha One")
    yield "mission fact", lambda: edit(c / "missions/alpha-1.yaml", "lat: -45.0", "lat: -44.5")
    yield "mission counted", lambda: edit(c / "missions/gamma-3.yaml", "program: soviet", "program: usa")
    yield "new mission", lambda: write(c / "missions/epsilon-5.yaml", NEW_MISSION)
    yield (
        "new reference",
        lambda: edit(c / "chapters/03-afterwards.md", "[[delta-4]] was", "[[epsilon-5]] and [[delta-4]] was"),
    )
    yield "picture replaced", lambda: _new_picture(c / "chapters/images/dunes.jpg")
    yield "picture credit", lambda: edit(c / "chapters/images/dunes.jpg.yaml", "licence: CC0 1.0", "licence: CC BY")
    yield "picture caption", lambda: edit(c / "chapters/01-beginnings.md", '"Dunes at dusk:', '"Dunes at night:')
    yield "chapter renamed", lambda: move(c / "chapters/03-afterwards.md", c / "chapters/04-later.md")
    yield "source title", lambda: edit(c / "sources.yaml", "title: Gamma", "title: Gamma, revised")
    yield "site subtitle", lambda: edit(c / "site.yaml", "subtitle: A tiny", "subtitle: A very small")
    yield "page title", lambda: edit(c / "pages/about.md", "title: About the fixture", "title: About this fixture")
    yield "partial template", lambda: edit(t / "partials/citations.html", "<", "<!-- edited -->\n<")
    yield "base template", lambda: edit(t / "base.html", "<main", "<!-- base edited -->\n<main")
    yield "static edit", lambda: edit(s / "css/site.css", "", "/* edited */\n")
    yield "static added", lambda: write(s / "img/extra.txt", "an extra static file\n")
    yield "static removed", lambda: ((s / "img/extra.txt").unlink(), {s / "img/extra.txt"})[1]
    yield "mission removed", lambda: _remove_delta(c)


def _new_picture(path: Path) -> set[Path]:
    from PIL import Image

    Image.new("RGB", (700, 420), (40, 60, 90)).save(path, "JPEG")
    return {path}


def _remove_delta(content: Path) -> set[Path]:
    (content / "missions/delta-4.yaml").unlink()
    return {content / "missions/delta-4.yaml"} | edit(
        content / "chapters/04-later.md",
        "[[delta-4]] was [[delta-4:outcome]], launched by [[delta-4:program]].",
        "It was over.",
    )


def more_edits(root: Path):
    """Translations, the interface's words, a new chapter, and a broken file (a failed build) then fixed."""
    c, t = root / "content", root / "templates"
    yield "translation", lambda: edit(c / "ru/chapters/02-the-pair.md", "Прибытие", "Прилёт")
    yield "ui strings", lambda: edit(t / "i18n/en.yaml", "nav.search: Search", "nav.search: Find")
    yield (
        "chapter added",
        lambda: write(c / "chapters/09-coda.md", "---\ntitle: Coda\nsummary: The end.\n---\nIt ended.\n"),
    )
    yield "chapter removed", lambda: ((c / "chapters/09-coda.md").unlink(), {c / "chapters/09-coda.md"})[1]


def test_incremental_output_equals_a_clean_build_after_every_edit(project: Path, tmp_path: Path):
    live = Live(project, tmp_path / "live")
    assert tree(live.out) == clean_build(project, tmp_path / "clean")
    for name, change in [*edits(project), *more_edits(project)]:
        live.step(change())
        assert tree(live.out) == clean_build(project, tmp_path / "clean"), f"after the edit: {name}"
    chapter = project / "content/chapters/01-beginnings.md"
    with pytest.raises(BuildFailed):  # a broken file: the served folder keeps the last good build
        live.step(edit(chapter, "The very first attempt", "The very first [[no-such-mission]] attempt"))
    live.step(edit(chapter, "[[no-such-mission]] ", ""))
    assert tree(live.out) == clean_build(project, tmp_path / "clean"), "after a broken file was fixed"
    mission = project / "content/missions/alpha-1.yaml"
    kept = mission.read_text(encoding="utf-8")
    with pytest.raises(BuildFailed) as failed:  # a fact an unchanged chapter quotes is gone
        live.step(edit(mission, "id: landing", "id: touchdown"))
    assert "chapters/02-the-pair.md:13:" in "\n".join(problem.format() for problem in failed.value.errors)
    mission.write_text(kept, encoding="utf-8")
    mission.unlink()  # the chapters that name it did not change: their references must be checked again
    with pytest.raises(BuildFailed) as failed:
        live.step({mission})
    assert any("unknown mission 'alpha-1'" in problem.message for problem in failed.value.errors)
    live.step(write(mission, kept))
    assert tree(live.out) == clean_build(project, tmp_path / "clean"), "after a mission came back"


def test_a_rebuild_stopped_by_a_newer_save_leaves_its_other_pages_to_the_next_one(project: Path, tmp_path: Path):
    live = Live(project, tmp_path / "live")
    touched = edit(project / "content/site.yaml", "subtitle: A tiny", "subtitle: A very small")  # on every page
    half = start(options_for(project), live.previous, touched, cache=live.cache, memo=live.memo)
    update = half.finish(lambda: len(half.renderer.reads) >= 6)  # "a newer save is waiting" after a few pages
    apply(update, live.out, project / "static")
    live.previous = update.snapshot
    clean = clean_build(project, tmp_path / "clean")
    stale = [name for name, data in tree(live.out).items() if clean.get(name) != data]
    assert 0 < len(update.pages) <= 6 and stale, "the stopped build rendered only some pages"
    assert live.step(set()).pages.keys() >= set(stale)  # the next build, with nothing newly saved
    assert tree(live.out) == clean


def test_a_mission_edit_renders_its_page_its_neighbours_and_the_pages_that_print_what_changed(
    project: Path, tmp_path: Path
):
    live = Live(project, tmp_path / "live")
    mission = project / "content/missions/delta-4.yaml"
    summary = set(live.step(edit(mission, "Stranded in Earth orbit.", "Left in orbit.")).pages)
    assert {"missions/delta-4/index.html", "missions/beta-2/index.html"} <= summary  # its page, the one before
    chapters = {f"chapters/{slug}/index.html" for slug in ("beginnings", "the-pair", "afterwards")}
    assert not summary & (chapters | {"missions/gamma-3/index.html", "missions/alpha-1/index.html"})
    name = set(live.step(edit(mission, "name: Delta 4", "name: Delta Four")).pages)
    assert "chapters/afterwards/index.html" in name  # [[delta-4]] prints the name
    assert "chapters/beginnings/index.html" not in name
    program = set(live.step(edit(mission, "program: russia", "program: usa")).pages)
    assert "chapters/beginnings/index.html" in program  # [[count:program=soviet,russia]] is one fewer


def test_a_chapter_edit_renders_its_page_its_lists_and_not_the_other_chapters(project: Path, tmp_path: Path):
    live = Live(project, tmp_path / "live")
    chapter = project / "content/chapters/01-beginnings.md"
    rendered = set(live.step(edit(chapter, "The first attempt", "The earliest attempt")).pages)
    assert {"chapters/beginnings/index.html", "chapters/index.html", "feed.xml", "index.html"} <= rendered
    assert not rendered & {"chapters/the-pair/index.html", "chapters/afterwards/index.html"}
    assert not rendered & {"missions/gamma-3/index.html", "about/index.html"}  # it names gamma-3, as before
    renamed = set(live.step(edit(chapter, "title: Beginnings", "title: Origins")).pages)
    assert {"chapters/the-pair/index.html", "missions/gamma-3/index.html"} <= renamed  # next link, backlink


def test_a_static_edit_renders_nothing_and_copies_one_file(project: Path, tmp_path: Path):
    live = Live(project, tmp_path / "live")
    update = live.step(edit(project / "static/img/favicon.svg", "", "<!-- new -->\n"))
    assert update.pages == {}
    assert update.static == ("img/favicon.svg",)
    assert (live.out / "img/favicon.svg").read_bytes().startswith(b"<!-- new -->")


def test_a_stylesheet_edit_renames_it_and_renders_every_page_that_names_it(project: Path, tmp_path: Path):
    live = Live(project, tmp_path / "live")
    [old] = [p.name for p in (live.out / "css").glob("site.*.css")]
    update = live.step(edit(project / "static/css/site.css", "", "/* new */\n"))
    [new] = [p.name for p in (live.out / "css").glob("site.*.css")]  # the old name is removed
    assert new != old and (live.out / "css" / new).read_bytes().startswith(b"/* new */")
    html = [name for name in update.pages if name.endswith(".html")]
    assert len(html) == len(list(live.out.rglob("*.html")))
    assert all(f"/css/{new}".encode() in update.pages[name] for name in html)


def test_a_template_edit_renders_the_pages_that_use_it(project: Path, tmp_path: Path):
    live = Live(project, tmp_path / "live")
    update = live.step(edit(project / "templates/mission.html", "{% block content %}", "{% block content %}<!-- -->"))
    missions = {f"missions/{slug}/index.html" for slug in ("alpha-1", "beta-2", "gamma-3", "delta-4")}
    assert set(update.pages) == missions | {"ru/" + name for name in missions}  # the fixture's Russian edition too


CHAPTERS = {f"chapters/{slug}/index.html" for slug in ("beginnings", "the-pair", "afterwards")}


def test_a_value_a_template_starts_to_read_is_followed(project: Path, tmp_path: Path):
    """No list of inputs is kept by hand: a template that starts reading a mission's summary is re-rendered
    when that summary changes, and equals a clean build."""
    live = Live(project, tmp_path / "live")
    summary = "{{ site.mission('alpha-1').data.summary }}"
    live.step(edit(project / "templates/chapter.html", "{% block content %}", "{% block content %}" + summary))
    mission = project / "content/missions/alpha-1.yaml"
    rendered = set(live.step(edit(mission, "The orbiter worked;", "The orbiter did its work;")).pages)
    assert rendered >= CHAPTERS
    assert "The orbiter did its work;" in (live.out / "chapters/the-pair/index.html").read_text()
    assert tree(live.out) == clean_build(project, tmp_path / "clean")
    untouched = set(live.step(edit(project / "content/missions/delta-4.yaml", "Stranded", "Left")).pages)
    assert not untouched & CHAPTERS  # delta-4's summary is read by no chapter


def test_a_value_a_context_builder_starts_to_give_is_followed(project: Path, tmp_path: Path, monkeypatch):
    """The same for a new context value: the page depends on what the builder read to make it."""
    from documentary.render import Renderer

    original = Renderer.chapter_context

    def with_latest(self, edition, page, view, log):
        return {**original(self, edition, page, view, log), "latest": view.missions[-1].data.name}

    monkeypatch.setattr(Renderer, "chapter_context", with_latest)
    edit(project / "templates/chapter.html", "{% block content %}", "{% block content %}<p>{{ latest }}</p>")
    live = Live(project, tmp_path / "live")
    last = project / "content/missions/delta-4.yaml"  # the latest launch of the fixture
    rendered = set(live.step(edit(last, "name: Delta 4", "name: Delta Four")).pages)
    assert rendered >= CHAPTERS
    assert "<p>Delta Four</p>" in (live.out / "chapters/beginnings/index.html").read_text()
    assert tree(live.out) == clean_build(project, tmp_path / "clean")


def test_a_failed_rebuild_keeps_the_changes_it_saw_for_the_next_one(project: Path, tmp_path: Path):
    live = Live(project, tmp_path / "live")
    edit(project / "content/chapters/01-beginnings.md", "The first attempt", "The earliest attempt")
    broken = edit(project / "templates/chapter.html", "{% block content %}", "{% block content %}{{ nope(")
    with pytest.raises(Exception, match="problem"):
        live.step(broken)
    live.step(edit(project / "templates/chapter.html", "{{ nope(", ""))  # only a template in this batch
    assert "The earliest attempt" in (live.out / "chapters/beginnings/index.html").read_text()


def test_read_templates_lists_every_template(tmp_path: Path):
    (tmp_path / "partials").mkdir()
    (tmp_path / "base.html").write_text("x")
    (tmp_path / "partials/p.html").write_text("y")
    assert read_templates(tmp_path) == {"base.html": "x", "partials/p.html": "y"}


# --- serving files ---------------------------------------------------------------------------------


@pytest.fixture
def served(tmp_path: Path) -> Path:
    out = tmp_path / "out"
    (out / "missions/mars-3").mkdir(parents=True)
    (out / "index.html").write_text("<html><head></head><body class='x'>home</body></html>")
    (out / "missions/mars-3/index.html").write_text("mars 3")
    (out / ".documentary-output").write_text("marker")
    (tmp_path / "secret").mkdir()
    (tmp_path / "secret/secret.txt").write_text("TOP SECRET")
    (out / "leak").symlink_to(tmp_path / "secret", target_is_directory=True)
    (out / "leak.txt").symlink_to(tmp_path / "secret/secret.txt")
    return out


@pytest.mark.parametrize(
    "path",
    [
        "/../secret/secret.txt",
        "/missions/../../secret/secret.txt",
        "/%2e%2e/secret/secret.txt",
        "/%2E%2E%2Fsecret%2Fsecret.txt",
        "/missions/%2e%2e/%2e%2e/secret/secret.txt",
        "/..%5csecret%5csecret.txt",
        "/.documentary-output",
        "/leak/secret.txt",
        "/leak.txt",
        "/leak/",
    ],
)
def test_no_path_outside_the_output_is_located(served: Path, path: str):
    found = locate(served.resolve(), "/", path)
    assert isinstance(found, Response) and found.status in (403, 404)


def test_paths_inside_the_output_are_located(served: Path):
    root = served.resolve()
    assert locate(root, "/", "/") == root / "index.html"
    assert locate(root, "/", "/missions/mars-3/?x=1") == root / "missions/mars-3/index.html"
    assert locate(root, "/", "/missions/mars-3") == Response(301, location="/missions/mars-3/")
    assert locate(root, "/sub/", "/sub/missions/mars-3/") == root / "missions/mars-3/index.html"
    assert locate(root, "/sub/", "/missions/mars-3/").status == 404


def test_inject_adds_the_reload_script_and_while_failing_the_overlay():
    page = b"<html><head><title>t</title></head><body class='x'><main>m</main></body></html>"
    ok = inject(page, 8123)
    assert b'<script src="/livereload.js?port=8123" defer></script>\n</head>' in ok
    assert b"documentary-build-errors" not in ok
    problem = error("content/missions/a.yaml", 3, 7, "launch.date: <bad> & worse")
    failing = inject(page, 8123, (problem,))
    assert b'<link rel="stylesheet" href="/__overlay.css">' in failing
    assert failing.index(b"<body class='x'>") < failing.index(b"documentary-build-errors") < failing.index(b"<main>")
    assert b"content/missions/a.yaml:3:7: error: launch.date: &lt;bad&gt; &amp; worse" in failing


# --- the server, in a subprocess ---------------------------------------------------------------------


class Reloads:
    """A LiveReload client, as livereload.js or an editor plugin is: hello, info, then reload messages."""

    def __init__(self, url: str):
        self.messages: list[dict] = []
        self.changed = threading.Condition()
        ready = threading.Event()
        self.failure: BaseException | None = None
        threading.Thread(target=lambda: asyncio.run(self._run(url, ready)), daemon=True).start()
        assert ready.wait(WAIT) and self.failure is None, f"no LiveReload handshake: {self.failure!r}"

    async def _run(self, url: str, ready: threading.Event) -> None:
        from tornado.websocket import websocket_connect

        host = urlsplit(url).netloc
        try:
            socket_ = await websocket_connect(f"ws://{host}/livereload")
            hello = json.dumps({"command": "hello", "protocols": ["http://livereload.com/protocols/official-7"]})
            await socket_.write_message(hello)
            assert json.loads(await socket_.read_message())["command"] == "hello"
            await socket_.write_message(json.dumps({"command": "info", "url": url, "plugins": {}}))
            await socket_.write_message(hello)  # answered only after `info` was taken: we are registered
            await socket_.read_message()
        except BaseException as exc:  # noqa: BLE001 - reported to the test thread
            self.failure = exc
            ready.set()
            return
        ready.set()
        while (message := await socket_.read_message()) is not None:
            with self.changed:
                self.messages.append(json.loads(message))
                self.changed.notify_all()

    def mark(self) -> int:
        with self.changed:
            return len(self.messages)

    def after(self, mark: int, count: int = 1) -> int:
        """Wait for `count` reloads after `mark`; returns the new mark."""
        with self.changed:
            arrived = self.changed.wait_for(lambda: len(self.messages) >= mark + count, WAIT)
            assert arrived, f"{len(self.messages) - mark} of {count} reloads were signalled"
            assert all(m["command"] == "reload" for m in self.messages[mark:])
            return len(self.messages)

    def paths(self, mark: int) -> list[str]:
        with self.changed:
            return [m["path"] for m in self.messages[mark:]]


class Server:
    """`build.py serve` over a site, on a free port; every wait is bounded."""

    def __init__(self, root: Path, *extra: str, search: bool = False, listen: bool = True):
        command = [sys.executable, str(ROOT / "build.py"), "serve", "--port", "0", "-v"]
        command += ([] if search else ["--no-search"]) + ["--content", str(root / "content"), *extra]
        env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1", "PYTHONUNBUFFERED": "1"}
        self.process = subprocess.Popen(
            command, cwd=root, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
        )
        self.lines: list[str] = []
        self.changed = threading.Condition()
        threading.Thread(target=self._read, daemon=True).start()
        self.url = self.wait_for(r"^serving (http://\S+) ").group(1)
        self.folder = Path(self.wait_for(r"^\s+folder\s+(\S+)").group(1))
        self.reloads = Reloads(self.url) if listen else None

    def _read(self) -> None:
        for line in self.process.stdout:
            with self.changed:
                self.lines.append(line.rstrip("\n"))
                self.changed.notify_all()

    def wait_for(self, pattern: str, start: int = 0) -> re.Match:
        def found():
            return next((m for line in self.lines[start:] if (m := re.search(pattern, line))), None)

        with self.changed:
            if not self.changed.wait_for(lambda: found() or self.process.poll() is not None, WAIT) or not found():
                raise AssertionError(f"no line matching {pattern!r}; output so far:\n" + "\n".join(self.lines))
            return found()

    def wait_for_count(self, prefix: str, count: int) -> None:
        with self.changed:
            assert self.changed.wait_for(lambda: self.count(prefix) >= count, WAIT), f"fewer than {count} {prefix!r}"

    def count(self, prefix: str) -> int:
        with self.changed:
            return sum(1 for line in self.lines if line.startswith(prefix))

    def get(self, path: str) -> tuple[int, str]:
        try:
            with urllib.request.urlopen(self.url.rstrip("/") + path, timeout=WAIT) as answer:
                return answer.status, answer.read().decode()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read().decode()

    def raw(self, path: str) -> tuple[int, str]:
        """A request sent exactly as written: no client-side clean-up of `..`."""
        host, port = self.url.split("//")[1].rstrip("/").split(":")
        connection = http.client.HTTPConnection(host, int(port), timeout=WAIT)
        try:
            connection.request("GET", path)
            answer = connection.getresponse()
            return answer.status, answer.read().decode(errors="replace")
        finally:
            connection.close()

    def close(self) -> int:
        self.process.terminate()
        try:
            return self.process.wait(timeout=WAIT)
        except subprocess.TimeoutExpired:
            self.process.kill()
            return self.process.wait(timeout=WAIT)


def folders(project: Path) -> list[str]:
    return ["--templates", str(project / "templates"), "--static", str(project / "static")]


@pytest.fixture
def server(project: Path):
    running = Server(project, *folders(project))
    yield running
    running.close()


def test_an_edit_is_served_and_a_reload_signalled(server: Server, project: Path):
    status, page = server.get("/chapters/beginnings/")
    port = urlsplit(server.url).port
    assert status == 200 and f'<script src="/livereload.js?port={port}" defer></script>' in page
    assert "livereload" not in (server.folder / "chapters/beginnings/index.html").read_text()  # added when served
    assert server.get("/livereload.js")[0] == 200
    mark = server.reloads.mark()
    edit(project / "content/chapters/01-beginnings.md", "The first attempt", "The pioneering attempt")
    server.reloads.after(mark)
    assert "The pioneering attempt" in server.get("/chapters/beginnings/")[1]


def test_a_stylesheet_edit_is_sent_as_that_stylesheet_so_it_is_swapped_in_place(server: Server, project: Path):
    mark = server.reloads.mark()
    edit(project / "static/css/site.css", "", "/* edited */\n")
    server.reloads.after(mark)
    assert server.reloads.paths(mark) == ["/css/site.css"]


def test_serve_never_touches_the_published_output(project: Path, tmp_path: Path):
    published = project / "_site"
    build(options_for(project), published, [])
    before = tree(published)
    running = Server(project, *folders(project))
    try:
        mark = running.reloads.mark()
        edit(project / "content/chapters/01-beginnings.md", "The first attempt", "The pioneering attempt")
        running.reloads.after(mark)
        assert "127.0.0.1" in running.get("/")[1]  # the served site links to the server...
    finally:
        assert running.close() == 0
    assert tree(published) == before  # ...and the published one is byte for byte what `build` wrote
    assert not running.folder.exists()  # the private folder is gone with the server


def test_serve_has_no_out_option(cli, site_copy: Path, tmp_path: Path):
    result = cli(["serve", "--out", str(tmp_path / "out")], site_copy, timeout=60)
    assert result.returncode == 2 and "unrecognized arguments: --out" in result.stderr


def test_a_broken_file_shows_the_overlay_everywhere_until_fixed(server: Server, project: Path):
    mark = server.reloads.mark()
    start = len(server.lines)
    mission = project / "content/missions/alpha-1.yaml"
    edit(mission, "date: 1971-05-28", "date: 1971-13-28")
    mark = server.reloads.after(mark)
    for path in ("/", "/missions/gamma-3/", "/no/such/page/"):
        page = server.get(path)[1]
        assert "documentary-build-errors" in page and "/__overlay.css" in page
        shown = re.search(r"<pre>(.*?)</pre>", page, re.S).group(1)
        assert html.unescape(shown).startswith("content/missions/alpha-1.yaml:9:")
    first = html.unescape(shown).splitlines()[0]
    assert server.wait_for(re.escape(first), start)  # the terminal shows the same line
    assert server.get("/__overlay.css")[0] == 200
    edit(mission, "date: 1971-13-28", "date: 1971-05-28")
    server.reloads.after(mark)
    status, page = server.get("/")
    assert status == 200 and "documentary-build-errors" not in page


def test_a_server_started_on_broken_content_shows_the_errors_then_the_site(project: Path):
    mission = project / "content/missions/alpha-1.yaml"
    edit(mission, "date: 1971-05-28", "date: 1971-13-28")
    running = Server(project, *folders(project))
    try:
        status, page = running.get("/")
        assert status == 404 and "content/missions/alpha-1.yaml:9:" in page  # nothing built yet: errors only
        mark = running.reloads.mark()
        edit(mission, "date: 1971-13-28", "date: 1971-05-28")
        running.reloads.after(mark)
        status, page = running.get("/")
        assert status == 200 and "documentary-build-errors" not in page
    finally:
        running.close()


def test_a_port_in_use_is_a_usage_error(cli, site_copy: Path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = str(taken.getsockname()[1])
        result = cli(["serve", "--port", port, "--no-search"], site_copy, timeout=60)
    assert result.returncode == 2 and f"cannot serve on 127.0.0.1:{port}" in result.stderr


def test_traversal_attempts_are_refused(server: Server, tmp_path: Path):
    (tmp_path / "secret").mkdir()
    (tmp_path / "secret/secret.txt").write_text("TOP SECRET")
    (server.folder / "leak").symlink_to(tmp_path / "secret", target_is_directory=True)
    (server.folder / "leak.txt").symlink_to(tmp_path / "secret/secret.txt")
    attempts = [
        "/../secret/secret.txt",
        "/../../../../../../etc/passwd",
        "/%2e%2e/secret/secret.txt",
        "/%2E%2E/%2E%2E/%2E%2E/%2E%2E/%2E%2E/etc/passwd",
        "/chapters/%2e%2e%2f%2e%2e%2fsecret/secret.txt",
        "/..%5c..%5csecret%5csecret.txt",
        "/leak/secret.txt",
        "/leak.txt",
        "/.documentary-output",
    ]
    for path in attempts:
        status, body = server.raw(path)
        assert status in (403, 404), path
        assert "TOP SECRET" not in body and "root:" not in body, path


def test_the_saved_page_comes_first_and_a_browser_showing_it_reloads_once(server: Server, project: Path):
    """A save renders and reloads the saved file's own page before the pages that list it; a browser on that
    page is then spared the second reload, one on the home page gets both."""
    on_page, on_home = Reloads(server.url + "chapters/beginnings/"), server.reloads
    page_mark, home_mark, rebuilds = on_page.mark(), on_home.mark(), server.count("rebuilt:")
    edit(project / "content/chapters/01-beginnings.md", "title: Beginnings", "title: Origins")  # listed on home
    on_home.after(home_mark, count=2)
    server.wait_for_count("rebuilt:", rebuilds + 1)
    assert on_page.after(page_mark) == page_mark + 1
    time.sleep(1)
    assert on_page.mark() == page_mark + 1, "the saved page was reloaded twice"
    assert "Origins" in server.get("/chapters/beginnings/")[1] and "Origins" in server.get("/")[1]


def test_a_burst_of_saves_gives_one_rebuild(server: Server, project: Path):
    files = sorted((project / "content").rglob("*.md"))
    originals = {path: path.read_text(encoding="utf-8") for path in files}
    saves = [(files[i % len(files)], f"{originals[files[i % len(files)]]}\nSaved {i}.\n") for i in range(50)]
    rebuilds = server.count("rebuilt:")
    for path, text in saves:  # like `git checkout` or an editor writing twice: as fast as it can
        path.write_text(text, encoding="utf-8")
    server.wait_for_count("rebuilt:", rebuilds + 1)
    edit(saves[-1][0], "Saved 49.", "Saved again.")  # a later, separate save: its own rebuild
    server.wait_for_count("rebuilt:", rebuilds + 2)
    time.sleep(1.5)  # a burst taken as two rebuilds would have printed a third line by now
    assert server.count("rebuilt:") == rebuilds + 2


def test_the_search_index_is_built_in_the_background(project: Path):
    running = Server(project, *folders(project), search=True)
    try:
        status, page = running.get("/")
        assert status == 200 and "documentary-build-errors" not in page
        running.wait_for(r"^\s+search\s+\d+")  # after a pause in saving, never before the first reload
        assert (running.folder / "pagefind" / "pagefind-entry.json").is_file()
        assert running.get("/pagefind/pagefind-entry.json")[0] == 200
    finally:
        running.close()


def test_served_output_equals_a_clean_build_after_edits(server: Server, project: Path, tmp_path: Path):
    for _, change in edits(project):
        mark = server.reloads.mark()
        change()
        server.reloads.after(mark)
    clean = tmp_path / "clean"
    # what serve builds: links to the server, no search index or ebook, stylesheets under their own names
    options = dataclasses.replace(options_for(project), base_url=server.url, ebook=False, fingerprint=False)
    build(options, clean, [])
    assert tree(server.folder) == tree(clean)


# --- in a real browser, under the site's Content-Security-Policy ---------------------------------


@pytest.mark.browser
def test_the_browser_reloads_by_itself_and_shows_errors_under_the_csp(project: Path, browser):
    from playwright.sync_api import expect

    server = Server(project, *folders(project), listen=False)
    problems: list[str] = []
    page = browser.new_page()
    try:
        page.on("console", lambda message: message.type == "error" and problems.append(message.text))
        page.on("pageerror", lambda exc: problems.append(str(exc)))
        with page.expect_websocket(lambda socket_: socket_.url.endswith("/livereload")):  # livereload.js connected
            page.goto(server.url + "chapters/beginnings/")
        page.wait_for_timeout(300)  # its handshake: hello, hello, info
        edit(project / "content/chapters/01-beginnings.md", "The first attempt", "The pioneering attempt")
        expect(page.locator("main")).to_contain_text("The pioneering attempt", timeout=WAIT * 1000)
        page.wait_for_timeout(300)
        mission = project / "content/missions/alpha-1.yaml"
        edit(mission, "date: 1971-05-28", "date: 1971-13-28")
        overlay = page.locator(".documentary-build-errors")
        expect(overlay).to_be_visible(timeout=WAIT * 1000)
        expect(overlay).to_contain_text("content/missions/alpha-1.yaml:9:")
        page.wait_for_timeout(300)
        edit(mission, "date: 1971-13-28", "date: 1971-05-28")
        expect(overlay).to_have_count(0, timeout=WAIT * 1000)
    finally:
        page.close()
        server.close()
    assert not [p for p in problems if "Content Security Policy" in p or "Refused" in p], problems
    assert not problems, problems


def test_editing_a_translation_renders_that_language_only_and_ui_strings_the_pages_that_show_them(
    project: Path, tmp_path: Path
):
    live = Live(project, tmp_path / "live")
    update = live.step(edit(project / "content/ru/chapters/02-the-pair.md", "Прибытие", "Прилёт"))
    assert "ru/chapters/the-pair/index.html" in update.pages
    assert not [name for name in update.pages if not name.startswith("ru/")]
    assert "Прилёт" in (live.out / "ru/chapters/the-pair/index.html").read_text()
    update = live.step(edit(project / "templates/i18n/ru.yaml", "nav.search: Поиск", "nav.search: Искать"))
    assert "ru/index.html" in update.pages and "index.html" not in update.pages  # no English page shows it
    assert ">Искать</a>" in (live.out / "ru/timeline/index.html").read_text()
    assert tree(live.out) == clean_build(project, tmp_path / "clean")
    update = live.step(edit(project / "templates/i18n/ru.yaml", "nav.search: Искать", "nav.search: Поиск"))
    assert tree(live.out) == clean_build(project, tmp_path / "clean")
