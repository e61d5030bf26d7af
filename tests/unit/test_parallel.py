"""Forked workers: results in order, failures reported with the worker's traceback, deaths survived."""

from __future__ import annotations

import gc
import os
import signal

import pytest

from documentary.parallel import MIN_ITEMS, WorkerFailed, cores, map_slices, paused_gc, split, workers_for


def test_split_covers_every_item_once_in_order():
    for count in (0, 1, 2, 7, 100):
        for parts in (1, 2, 3, 8):
            slices = split(list(range(count)), parts)
            assert [x for part in slices for x in part] == list(range(count))
            assert len(slices) == max(1, min(parts, count))
            assert max(map(len, slices)) - min(map(len, slices)) <= 1


def test_slices_run_in_other_processes_and_come_back_in_order():
    results = map_slices(lambda part: [(x * x, os.getpid()) for x in part], list(range(50)), 3)
    values = [value for part in results for value, _ in part]
    pids = {pid for part in results for _, pid in part}
    assert values == [x * x for x in range(50)]
    assert len(pids) == 3 and os.getpid() in pids


def test_results_cross_in_their_encoded_form():
    results = map_slices(lambda part: list(part), [1, 2, 3, 4], 2, encode=lambda r: [x * 10 for x in r], decode=sum)
    assert results == [[1, 2], 70]  # the first slice runs here, not encoded


def test_a_failing_worker_raises_with_its_traceback():
    def task(part):
        if 3 in part:
            raise ValueError("bad item 3")
        return part

    with pytest.raises(WorkerFailed, match="ValueError: bad item 3"):
        map_slices(task, [1, 2, 3, 4], 2)


def test_a_killed_worker_s_share_is_done_here():
    parent = os.getpid()

    def task(part):
        if os.getpid() != parent:
            os.kill(os.getpid(), signal.SIGKILL)
        return [x + 1 for x in part]

    assert map_slices(task, [1, 2, 3, 4], 2) == [[2, 3], [4, 5]]


def test_small_jobs_stay_in_one_process_unless_asked():
    assert workers_for(MIN_ITEMS - 1) == 1
    assert workers_for(MIN_ITEMS) == cores()  # every core once the site is big enough
    assert workers_for(3, requested=2) == 2
    assert workers_for(64, least=64) == cores() and workers_for(63, least=64) == 1  # pages cost more than bodies
    assert map_slices(lambda part: [os.getpid()] * len(part), [1, 2, 3], 1) == [[os.getpid()] * 3]


def test_garbage_collection_is_paused_and_restored():
    assert gc.isenabled()
    with paused_gc():
        assert not gc.isenabled()
    assert gc.isenabled()
    gc.disable()
    try:
        with paused_gc():
            pass
        assert not gc.isenabled()  # left as the caller had it
    finally:
        gc.enable()
