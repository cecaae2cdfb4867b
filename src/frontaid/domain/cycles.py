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
