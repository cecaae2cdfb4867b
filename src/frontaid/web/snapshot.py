"""Figures computed from the whole replica, kept as snapshots (the dashboard and the flags queue).

Both read the whole replica: at 100,000 households the figures take about half a
second and the flags as long (the double hand-out check groups every hand-out).
So each is kept as a snapshot (`Snapshot`): exact while nothing changes (the
replica's state digest, updated by every op recorded or received, is its key),
about `REFRESH` seconds behind at most while writes keep coming, and refreshed in the
background so that only the very first request waits for it. Every page and
answer says when its snapshot was taken. Resolving a flag drops the flags
snapshot, so the queue shows the decision at once.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from fastapi import Request

from frontaid.store.replica import Replica
from frontaid.web.replicas import ReplicaPool

# A snapshot younger than this is served even if writes came since; older, it is refreshed.
REFRESH = 30.0
# Even with no write, figures that depend on the clock (today, the last 24 hours) are redone.
MAX_AGE = 60.0

class Snapshot:
    """A value computed from the whole replica, kept while it is fresh enough (see the module)."""

    def __init__(self, compute: Callable[[Replica], Any]) -> None:
        self.compute = compute
        self.value: Any = None
        self.digest: str | None = None
        self.taken = 0.0      # wall time of the snapshot, for the page
        self._mono = 0.0
        self._generation = 0  # bumped by `drop()`: a refresh begun before it is thrown away
        self._lock = threading.Lock()          # held while computing
        self._starting = threading.Lock()      # held only to start one background refresh
        self._refreshing = False

    def get(self, pool: ReplicaPool) -> tuple[Any, float]:
        """The value and the time it was taken."""
        with pool.borrow() as rep:
            digest = rep.state_digest()
        value, taken, age = self.value, self.taken, time.monotonic() - self._mono
        if value is not None:
            if (digest == self.digest and age < MAX_AGE) or age < REFRESH:
                return value, taken
            self._refresh_in_background(pool)
            return value, taken
        with self._lock:  # the first request: compute once, the others wait for it
            while self.value is None:  # (again if a `drop()` came while computing)
                self._take(pool)
            return self.value, self.taken

    def drop(self) -> None:
        """Forget the value: the next request computes it again (after a change made here)."""
        self._generation += 1
        self.value = None

    def _take(self, pool: ReplicaPool) -> None:
        generation = self._generation
        with pool.borrow() as rep:
            digest = rep.state_digest()
            value = self.compute(rep)
        if generation == self._generation:
            self.value, self.digest, self.taken, self._mono = value, digest, time.time(), time.monotonic()

    def _refresh_in_background(self, pool: ReplicaPool) -> None:
        with self._starting:  # not `_lock`: a request must not wait for a refresh in progress
            if self._refreshing:
                return
            self._refreshing = True

        def run() -> None:
            try:
                with self._lock:
                    self._take(pool)
            except Exception:  # noqa: BLE001 - the app is closing, or the file went away: keep the old value
                pass
            finally:
                self._refreshing = False

        threading.Thread(target=run, name="frontaid-snapshot", daemon=True).start()


_making = threading.Lock()


def snapshot(request: Request, name: str, compute: Callable[[Replica], Any]) -> Snapshot:
    state = request.app.state
    snap = getattr(state, name, None)
    if snap is None:
        with _making:
            snap = getattr(state, name, None)
            if snap is None:
                snap = Snapshot(compute)
                setattr(state, name, snap)
    return snap


def as_of(taken: float) -> str:
    return datetime.fromtimestamp(taken, UTC).isoformat(timespec="seconds")
