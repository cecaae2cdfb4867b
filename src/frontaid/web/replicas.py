"""The web app's connections to the hub's replica: a small pool, many readers, one writer at a time.

SQLite in WAL mode lets any number of connections read while one writes, each
reader on its own snapshot. So a request borrows one of a few `Replica` objects
opened on the same file and reads without waiting for the others; the pool is
bounded (`size`) because two cores gain nothing from more queries at once and
each connection keeps its own page cache.

Writes stay one at a time: every pooled replica's write transaction takes the
pool's writer lock before `BEGIN IMMEDIATE`, so writers queue here, in order,
rather than in SQLite's busy handler (which sleeps and retries, and would make a
hand-out wait tens of milliseconds for nothing). A `Replica` reads the running
counters, head and clock from the file at the start of each transaction, so any
pooled replica can write and the chain stays whole.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from frontaid.store.replica import Replica

# Enough that a quick request (a hand-out, a household) seldom queues behind slow ones holding every
# connection; each connection keeps its own page cache (see `_open`).
DEFAULT_SIZE = 8
# Page cache of each connection, in KiB (a replica alone keeps 64 MB): the operating system
# caches the file once for all of them.
EXTRA_CACHE_KIB = 16384


class _PooledReplica(Replica):
    """A replica whose write transactions hold the pool's writer lock."""

    writer_lock: threading.RLock

    def _begin(self) -> None:
        self.writer_lock.acquire()
        try:
            super()._begin()
        except BaseException:
            self.writer_lock.release()
            raise

    def _end(self, ok: bool) -> None:
        try:
            super()._end(ok)
        finally:
            self.writer_lock.release()


class ReplicaPool:
    """Up to `size` open replicas of the file at `path`, lent one per request."""

    def __init__(self, path: Path, size: int = DEFAULT_SIZE) -> None:
        self.path = Path(path)
        self.size = size
        # Re-entrant: `writer()` holds it around an action whose own transaction takes it again.
        self.writer_lock = threading.RLock()
        self._idle: queue.LifoQueue[_PooledReplica] = queue.LifoQueue()
        self._opened: list[_PooledReplica] = []
        self._guard = threading.Lock()
        # The first is opened now, so a bad file fails at start, not on a request.
        first = self._open()
        self._lent: list[_PooledReplica] = [first]
        self._idle.put(first)

    def _open(self) -> _PooledReplica:
        rep = _PooledReplica.open(self.path)
        assert isinstance(rep, _PooledReplica)
        rep.writer_lock = self.writer_lock
        rep.conn.execute(f"PRAGMA cache_size = -{EXTRA_CACHE_KIB}")
        self._opened.append(rep)
        return rep

    @contextmanager
    def borrow(self) -> Iterator[Replica]:
        """One replica for the length of the `with` block (waits if all `size` are lent)."""
        try:
            rep: _PooledReplica | None = self._idle.get_nowait()
        except queue.Empty:
            with self._guard:
                fresh = len(self._lent) < self.size
                rep = self._open() if fresh else None
                if rep is not None:
                    self._lent.append(rep)
            if rep is None:
                rep = self._idle.get()
        assert rep is not None
        try:
            yield rep
        finally:
            self._idle.put(rep)

    @contextmanager
    def writer(self) -> Iterator[Replica]:
        """A replica with the writer lock held throughout: for a check made before an action's write."""
        with self.borrow() as rep, self.writer_lock:
            yield rep

    def close(self) -> None:
        for rep in self._opened:
            rep.close()


__all__ = ["DEFAULT_SIZE", "ReplicaPool"]
