"""A hybrid logical clock: wall-clock milliseconds in the high bits, a counter below.

A stamp is one integer, `ms << 16 | counter`, so stamps sort as integers, survive
msgpack and SQLite unchanged, and stay readable (`stamp >> 16` is a Unix time in ms).
The clock refuses to be pulled more than `max_ahead_ms` past its own wall time by
a remote stamp: a device whose clock is days ahead must not drag every replica's
clock with it (the op is kept and flagged instead).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime

COUNTER_BITS = 16
DAY_MS = 24 * 3600 * 1000


def wall_ms() -> int:
    return time.time_ns() // 1_000_000


def physical(stamp: int) -> int:
    """The wall-clock milliseconds part of a stamp."""
    return stamp >> COUNTER_BITS


def to_datetime(stamp: int) -> datetime:
    return datetime.fromtimestamp(physical(stamp) / 1000, tz=UTC)


def from_ms(ms: int, counter: int = 0) -> int:
    return (ms << COUNTER_BITS) | counter


class Clock:
    """One replica's hybrid logical clock."""

    def __init__(
        self, last: int = 0, wall: Callable[[], int] = wall_ms, max_ahead_ms: int = DAY_MS
    ) -> None:
        self.last = last
        self.wall = wall
        self.max_ahead_ms = max_ahead_ms

    def now(self) -> int:
        """A stamp greater than every stamp this clock has issued or observed."""
        candidate = from_ms(self.wall())
        self.last = candidate if candidate > self.last else self.last + 1
        return self.last

    def too_far_ahead(self, stamp: int) -> bool:
        return physical(stamp) > self.wall() + self.max_ahead_ms

    def observe(self, stamp: int) -> bool:
        """Take a remote stamp into account; False (and no jump) when it is too far ahead."""
        if self.too_far_ahead(stamp):
            return False
        if stamp > self.last:
            self.last = stamp
        return True
