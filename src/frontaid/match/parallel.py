"""The parallel runner: a phase of a big run mapped over forked workers that inherit its inputs
(never pickled); one process when the run is small, threads are running, or fork is missing."""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import threading
from collections.abc import Callable, Iterator
from typing import Any, Final

# A phase's inputs, for the forked workers (inherited, never pickled).
_JOB: tuple[Any, ...] | None = None
PARALLEL_FROM: Final = 400_000  # candidate pairs; fewer are scored faster than a fork
PARALLEL_KEYS_FROM: Final = 50_000  # records; fewer are blocked faster in one process


def workers(work: int, threshold: int | None = None) -> int:
    """Processes for a phase: every core on a big run (`work` of at least `threshold`,
    by default `PARALLEL_FROM` candidate pairs), unless threads forbid a fork."""
    if work < (PARALLEL_FROM if threshold is None else threshold) or threading.active_count() > 1 or \
            "fork" not in multiprocessing.get_all_start_methods():
        return 1
    return max(1, min(4, os.cpu_count() or 1))


@contextlib.contextmanager
def pool(workers: int, job: tuple[Any, ...]) -> Iterator[Callable[[Any, list[Any]], list[Any]]]:
    """A `map` over `workers` forked processes (one: here, in order) that inherit `job` as
    `_JOB`, the phase's inputs (never pickled)."""
    global _JOB
    _JOB = job
    try:
        if workers <= 1:
            yield lambda fn, args: [fn(a) for a in args]
            return
        pool = multiprocessing.get_context("fork").Pool(workers)
        try:
            yield pool.map
            pool.close()
        except BaseException:
            pool.terminate()
            raise
        finally:
            # Joined: the pool's own threads gone, so the next phase may fork again.
            pool.join()
    finally:
        _JOB = None


def forked(workers: int, job: tuple[Any, ...], fn: Any, args: list[Any]) -> list[Any]:
    """`fn` over `args` in `workers` forked processes (one process: here), inheriting `job`."""
    with pool(workers, job) as mapper:
        return mapper(fn, args)


def slices(total: int, workers: int) -> list[tuple[int, int]]:
    step = max(1, -(-total // (workers * 4))) if workers > 1 else max(1, total)
    return [(lo, lo + step) for lo in range(0, total, step)]




def job() -> tuple[Any, ...]:
    """The running phase's inputs, in a worker (or here, when one process does the phase)."""
    assert _JOB is not None
    return _JOB
