"""The template worker: it fills Jinja's bytecode cache on the other core, and the build meets it halfway."""

from __future__ import annotations

import os
import time

import pytest

from documentary import precompile
from documentary.parallel import cores
from documentary.render import compile_templates, make_environment

pytestmark = pytest.mark.skipif(not hasattr(os, "fork") or cores() < 2, reason="the worker needs fork and two cores")


def templates(tmp_path, count: int = 6, broken: str = ""):
    folder = tmp_path / "templates"
    folder.mkdir()
    for number in range(count):
        (folder / f"t{number}.html").write_text("{% for i in range(3) %}<p>{{ i }} " + str(number) + "</p>{% endfor %}")
    if broken:
        (folder / "broken.html").write_text(broken)
    (folder / "i18n").mkdir()
    (folder / "i18n" / "en.yaml").write_text("nav.home: Home\n")  # the interface words: never compiled
    cache = tmp_path / "compiled"
    cache.mkdir()
    return folder, cache


def finished(worker) -> None:
    """Let the worker compile everything (a test looks at what it wrote)."""
    os.waitpid(worker.pid, 0)
    worker.pid = None


def test_the_worker_compiles_every_template_into_the_cache(tmp_path):
    folder, cache = templates(tmp_path)
    worker = precompile.start(folder, cache)
    assert worker.pid is not None
    finished(worker)
    assert len(list(cache.glob("*.cache"))) == 6


def test_the_build_loads_what_the_worker_wrote_and_still_reports_a_broken_template(tmp_path):
    folder, cache = templates(tmp_path, broken="{% if %}")
    finished(precompile.start(folder, cache))
    env = make_environment(folder, cache)
    errors = compile_templates(env, folder)
    assert [e.message for e in errors] == ["Expected an expression, got 'end of statement block'"]
    assert env.get_template("t3.html").render() == "<p>0 3</p><p>1 3</p><p>2 3</p>"


def test_no_worker_when_the_templates_are_compiled_already(tmp_path):
    folder, cache = templates(tmp_path)
    finished(precompile.start(folder, cache))
    assert precompile.start(folder, cache).pid is None  # the cache folder holds them (i18n/ is no template)
    assert precompile.start(folder, None).pid is None  # no cache folder to write to


def test_a_failed_build_stops_the_worker_and_leaves_no_partial_file(tmp_path):
    folder, cache = templates(tmp_path, count=40)
    worker = precompile.start(folder, cache)
    pid = worker.pid
    worker.stop()
    with pytest.raises(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)  # reaped: no zombie left behind
    time.sleep(0.05)
    assert list(cache.glob("*.tmp")) == []


def test_a_stuck_worker_never_holds_up_the_build(tmp_path, monkeypatch):
    """A forked child can block on a lock another thread held at the fork; the build stops it, not waits."""
    folder, cache = templates(tmp_path)
    monkeypatch.setattr(precompile, "compile_each", lambda env, names: time.sleep(60))
    worker = precompile.start(folder, cache)
    pid, began = worker.pid, time.monotonic()
    worker.stop()
    assert time.monotonic() - began < 5
    with pytest.raises(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)
