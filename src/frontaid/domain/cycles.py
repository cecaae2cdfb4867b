"""Entitlement cycles: one item per household per N days, counted in rounds.

A round is a fixed window of N days from the deployment's epoch, the same on
every device, so two offline desks agree which round a hand-out belongs to and a
second redemption under the key (household, entitlement, round) is visible.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Final

# item → days in one round. Items not listed are not rationed.
CYCLES: Final[dict[str, int]] = {
    "food-kit": 14,
    "hygiene-kit": 30,
    "water": 7,
    "blanket": 90,
    "stove-fuel": 14,
    "candles": 14,
}


def entitlement_of(item: str) -> str | None:
    """The entitlement an item is rationed under, or None when it is not rationed."""
    return item if item in CYCLES else None


def round_of(item: str, day: date, epoch: date) -> int:
    """The round number `day` falls in for `item`."""
    return (day - epoch).days // CYCLES[item]


def round_start(item: str, rnd: int, epoch: date) -> date:
    return epoch + timedelta(days=rnd * CYCLES[item])


def next_due(item: str, day: date, epoch: date) -> date:
    """The first day of the round after the one `day` falls in."""
    return round_start(item, round_of(item, day, epoch) + 1, epoch)


# -- a deployment's own items and cycles (issue 12) -----------------------------------------
#
# An item recorded as ops carries its schedule: [(first day, days per round), ...], oldest first.
# The first segment starts at the deployment's epoch (or the day the item was first rationed);
# a changed cycle starts a new segment at the next round boundary of the old one, and its round
# numbers continue the old ones. So a round number, once written into a hand-out, keeps naming
# the same days on every device, and no two segments share a round number: the key
# (household, entitlement, round) that stops a double hand-out never collides across a change.

Segment = tuple[date, int]


def default_schedule(item: str, epoch: date) -> list[Segment] | None:
    """The built-in cycle of `item` (CYCLES), as a one-segment schedule; None when not rationed."""
    return [(epoch, CYCLES[item])] if item in CYCLES else None


def _bases(schedule: list[Segment]) -> list[int]:
    """The first round number of each segment."""
    bases, base = [], 0
    for i, (start, days) in enumerate(schedule):
        bases.append(base)
        if i + 1 < len(schedule):
            base += (schedule[i + 1][0] - start).days // days
    return bases


def round_in(schedule: list[Segment], day: date) -> int:
    """The round `day` falls in under `schedule`."""
    bases = _bases(schedule)
    i = max((k for k, (start, _d) in enumerate(schedule) if start <= day), default=0)
    start, days = schedule[i]
    return bases[i] + (day - start).days // days


def round_start_in(schedule: list[Segment], rnd: int) -> date:
    bases = _bases(schedule)
    i = max((k for k, b in enumerate(bases) if b <= rnd), default=0)
    start, days = schedule[i]
    return start + timedelta(days=(rnd - bases[i]) * days)


def next_due_in(schedule: list[Segment], day: date) -> date:
    """The first day of the round after the one `day` falls in."""
    return round_start_in(schedule, round_in(schedule, day) + 1)


def with_cycle(schedule: list[Segment] | None, days: int, today: date) -> list[Segment]:
    """`schedule` with a new cycle of `days` from the next round boundary on or after `today`
    (from `today` itself for an item not rationed until now)."""
    if not schedule:
        return [(today, days)]
    if schedule[-1][1] == days:
        return schedule
    start = next_due_in(schedule, today - timedelta(days=1))  # today, if a round starts today
    kept = [s for s in schedule if s[0] < start]
    return [*kept, (start, days)]
