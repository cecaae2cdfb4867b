"""Entitlement rounds: fixed windows from the epoch, the same on every device."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from frontaid.domain.cycles import CYCLES, entitlement_of, next_due, round_of, round_start

EPOCH = date(2025, 1, 6)


def test_food_kit_rounds_are_fourteen_days() -> None:
    assert round_of("food-kit", EPOCH, EPOCH) == 0
    assert round_of("food-kit", EPOCH + timedelta(days=13), EPOCH) == 0
    assert round_of("food-kit", EPOCH + timedelta(days=14), EPOCH) == 1
    assert next_due("food-kit", EPOCH + timedelta(days=3), EPOCH) == EPOCH + timedelta(days=14)


def test_days_before_the_epoch_fall_in_negative_rounds() -> None:
    assert round_of("water", EPOCH - timedelta(days=1), EPOCH) == -1
    assert next_due("water", EPOCH - timedelta(days=1), EPOCH) == EPOCH


def test_only_listed_items_are_rationed() -> None:
    assert entitlement_of("food-kit") == "food-kit"
    assert entitlement_of("bread") is None


@settings(max_examples=300)
@given(st.sampled_from(sorted(CYCLES)), st.integers(-1000, 3000))
def test_a_day_lies_in_its_round_and_next_due_starts_the_next(item: str, offset: int) -> None:
    day = EPOCH + timedelta(days=offset)
    rnd = round_of(item, day, EPOCH)
    start = round_start(item, rnd, EPOCH)
    assert start <= day < start + timedelta(days=CYCLES[item])
    due = next_due(item, day, EPOCH)
    assert due > day
    assert round_of(item, due, EPOCH) == rnd + 1
    assert round_of(item, due - timedelta(days=1), EPOCH) == rnd
