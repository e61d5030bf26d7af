"""Compile the templates on the second core while the first reads and parses the content.

Compiling the project's 40 Jinja templates costs about 0.45 s of one core: a fifth of the real site's cold
build, in a stretch where nothing else uses the second core. A forked worker compiles them, first to last,
into Jinja's bytecode cache beside the output (Jinja writes each file under a temporary name and renames it,
so a reader never sees half of one). The build, once it gets to its templates, goes last to first: a template
the worker has written is loaded, not compiled, so the two meet in the middle. The worker reports nothing; a
template that does not compile is compiled again, and reported, by the build.
"""

from __future__ import annotations

import os
import signal
from collections.abc import Sequence
from contextlib import suppress
from pathlib import Path

import jinja2

from .parallel import cores
from .render import environment_ready, make_environment, template_names


class Worker:
    """The forked worker, or none."""

    def __init__(self, pid: int | None = None, compiled: Path | None = None):
        self.pid, self.compiled = pid, compiled

    def stop(self) -> None:
        """The build has compiled every template itself (loading what the worker had written), or failed
        before: what the worker has left is not needed. It is stopped rather than waited for, so a worker
        stuck on a lock some other thread held when it was forked can never hold up the build; the file it
        may have been writing is dropped (Jinja writes under a temporary name, then renames)."""
        if self.pid is None:
            return
        with suppress(OSError):
            os.kill(self.pid, signal.SIGKILL)
        with suppress(ChildProcessError, OSError):
            os.waitpid(self.pid, 0)
        self.pid = None
        with suppress(OSError):
            for partial in self.compiled.glob("*.tmp"):
                partial.unlink(missing_ok=True)


def start(templates: Path, compiled: Path | None) -> Worker:
    """Fork the worker, unless there is nothing to gain (no cache folder, one core, no fork, or templates
    this process or the cache folder already holds compiled)."""
    if compiled is None or not hasattr(os, "fork") or cores() < 2 or _ready(templates, compiled):
        return Worker()
    try:
        pid = os.fork()
    except OSError:
        return Worker()
    if pid == 0:  # the worker: compile, then leave without running the parent's exit handlers or flushing its output
        try:
            env = make_environment(templates, compiled)
            compile_each(env, template_names(env.loader))
        finally:
            os._exit(0)
    return Worker(pid, compiled)


def compile_each(env, names: Sequence[str]) -> None:
    for name in names:
        with suppress(Exception):  # the build reports it, with its position
            env.get_template(name)


def _ready(templates: Path, compiled: Path) -> bool:
    if environment_ready(templates, compiled):
        return True
    try:  # a warm cache: a file per template (a stale one is only compiled again by the build)
        return sum(1 for _ in compiled.glob("*.cache")) >= len(template_names(jinja2.FileSystemLoader(str(templates))))
    except OSError:
        return False
