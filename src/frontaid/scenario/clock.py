"""A simulated wall clock, so the demo's op log spreads over its six weeks."""

from __future__ import annotations

import functools
from datetime import UTC, date, datetime, time


class SimClock:
    """Milliseconds since the Unix epoch that only move forward, set by the simulation.

    Passed to `Replica.create(wall=...)`: every op recorded while the town is
    built is stamped with the simulated moment it happens, not the moment the
    demo was built. Times are UTC (Kyiv is UTC+2 in the winter of the report).
    """

    def __init__(self, start: datetime) -> None:
        self.ms = _ms(start)

    def now_ms(self) -> int:
        return self.ms

    def now(self) -> datetime:
        return datetime.fromtimestamp(self.ms / 1000, tz=UTC)

    def set(self, moment: datetime) -> None:
        """Move to `moment`; never backwards (a later event already recorded stays later)."""
        self.ms = max(self.ms, _ms(moment))

    def set_day(self, day: date, minute: int) -> None:
        """Move to `minute` past midnight of `day`."""
        self.ms = max(self.ms, _day_ms(day) + minute * 60_000)

    def minute_text(self) -> str:
        """The current moment as an action wants it (`YYYY-MM-DDTHH:MM`, UTC)."""
        return _minute_text(self.ms // 60_000)


@functools.lru_cache(maxsize=256)
def _day_ms(day: date) -> int:
    return _ms(datetime.combine(day, time(), tzinfo=UTC))


@functools.lru_cache(maxsize=4096)
def _minute_text(minute: int) -> str:
    return datetime.fromtimestamp(minute * 60, tz=UTC).strftime("%Y-%m-%dT%H:%M")


def _ms(moment: datetime) -> int:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return int(moment.timestamp() * 1000)
