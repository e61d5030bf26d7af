"""Use every core: forked workers that inherit the loaded site, so nothing big is ever pickled.

A worker gets a slice of the work by inheritance (fork copies the parent's memory, copy on write) and
sends back only its results, through an unnamed temporary file: pickle streams into it and out of it,
so neither side ever holds the whole message in memory, and no pipe can fill up while the parent is
busy with its own slice. Small sites stay in one process, where starting workers costs more than it
saves. Where fork is missing (Windows), everything runs in one process.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import pickle
import tempfile
import traceback
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")

MIN_ITEMS = 200  # below this many bodies to parse (about 1 ms each), one process is faster than starting a second


class WorkerFailed(RuntimeError):
    """A worker raised: its traceback, so the bug is not lost in the child."""


def cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - macOS
        return os.cpu_count() or 1


def workers_for(items: int, requested: int = 0, least: int = MIN_ITEMS) -> int:
    """`requested` > 0 is obeyed; 0 means every core once there are `least` items to pay for the start-up."""
    if "fork" not in multiprocessing.get_all_start_methods():
        return 1
    if requested > 0:
        return requested
    return cores() if items >= least else 1


def split(items: Sequence[T], parts: int, lead: float = 1.0) -> list[Sequence[T]]:
    """`parts` contiguous slices (fewer if there are fewer items): the first `lead` times as long as each
    of the others, which are of nearly equal length."""
    parts = max(1, min(parts, len(items)))
    share = len(items) / (lead + parts - 1)
    bounds = [0] + [round(lead * share + i * share) for i in range(parts - 1)] + [len(items)]
    return [items[bounds[i] : bounds[i + 1]] for i in range(parts)]


def _same(value):
    return value


def map_slices(
    task: Callable[[Sequence[T]], R],
    items: Sequence[T],
    workers: int,
    encode: Callable[[R], object] = _same,
    decode: Callable[[object], R] = _same,
    lead: float = 1.0,
) -> list[R]:
    """`task` on each of `workers` slices of `items`, the first in this process; results in slice order.

    A worker's result is sent as `encode(result)` (pickled), and `decode` turns it back: a compact
    form can be much cheaper to send than the objects themselves. `lead` < 1 gives this process a
    shorter slice when it has more to do afterwards (decoding what the workers send).
    """
    slices = split(items, workers, lead)
    if len(slices) < 2:
        return [task(items)]
    context = multiprocessing.get_context("fork")
    with ExitStack() as files:
        children = []
        for part in slices[1:]:
            results = files.enter_context(tempfile.TemporaryFile())
            child = context.Process(target=_work, args=(task, encode, part, results), daemon=True)
            child.start()
            children.append((child, results, part))
        done = [task(slices[0])]
        for child, results, part in children:
            done.append(_collect(child, results, lambda part=part: task(part), decode))
    return done


def _work(task: Callable, encode: Callable, part: Sequence, results) -> None:
    try:
        message = ("ok", encode(task(part)))
    except BaseException:  # the parent re-raises it with the child's traceback
        message = ("error", traceback.format_exc())
    pickle.dump(message, results, protocol=pickle.HIGHEST_PROTOCOL)
    results.flush()


def _collect(child, results, redo: Callable[[], R], decode: Callable[[object], R]) -> R:
    child.join()
    try:
        results.seek(0)
        status, value = pickle.load(results) if child.exitcode == 0 else ("died", None)
    except (EOFError, OSError, pickle.UnpicklingError):
        status, value = "died", None
    if status == "died":  # killed, or out of memory: do its share here
        return redo()
    if status != "ok":
        raise WorkerFailed(f"a build worker failed:\n{value}")
    return decode(value)


@contextmanager
def paused_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector for one build.

    A build allocates millions of short-lived, acyclic objects (Markdown tokens); each full collection
    walks every live object, which cost about 40% of parse time. Reference counting still frees them.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
