"""Hand-outs: one entitlement per household per round, never twice silently; stock follows."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from frontaid.actions import distribution, registry
from frontaid.errors import AlreadyHandedOut, BadDate, BadInput, NotFound, UnknownChoice
from frontaid.queries import registry as q
from frontaid.queries.aid import stock_levels


def day(town: Any, n: int) -> str:
    return (town.rep.epoch + timedelta(days=n)).isoformat()


def qty(town: Any, sid: str) -> int:
    return int(town.rep.conn.execute("SELECT qty FROM stock WHERE eid = ?", (sid,)).fetchone()[0])


def test_hand_out_at_the_point_draws_from_its_stock(town: Any) -> None:
    code = distribution.hand_out(town.rep, "desk", household=town.anna, item="food-kit", at="Point 1",
                                 on=day(town, 2) + " 10:30")
    assert qty(town, "food-kit@point-1") == 39
    [h] = q.household(town.rep, town.anna)["handouts"]
    assert (h["eid"], h["item"], h["qty"], h["at"], h["round"], h["on"]) == (
        code, "food-kit", 1, "point-1", 0, day(town, 2) + "T10:30")
    levels = {(r["item"], r["location"]): r for r in stock_levels(town.rep, town.rep.epoch + timedelta(2))}
    assert levels[("food-kit", "point-1")]["qty"] == 39
    assert levels[("food-kit", "point-1")]["per_day"] > 0


def test_second_hand_out_in_a_round_is_refused_with_the_next_due_date(town: Any, refused: Any) -> None:
    rep = town.rep
    distribution.hand_out(rep, "desk", household=town.anna, item="food-kit", at="point-1", on=day(town, 1))
    with refused(rep, AlreadyHandedOut) as info:
        distribution.hand_out(rep, "desk", household=town.anna, item="food-kit", at="point-1",
                              on=day(town, 13))
    next_due = day(town, 14)
    assert next_due in str(info.value)
    assert day(town, 1) in str(info.value)
    assert next_due in info.value.text("uk")
    ent = distribution.entitlement(rep, town.anna, "food-kit", rep.epoch + timedelta(days=5))
    assert (ent.due, ent.round, ent.last, ent.next_due.isoformat()) == (
        False, 0, day(town, 1) + "T00:00", next_due)


def test_override_records_the_second_hand_out_with_its_reason(town: Any) -> None:
    rep = town.rep
    distribution.hand_out(rep, "desk", household=town.anna, item="food-kit", at="point-1", on=day(town, 1))
    distribution.hand_out(rep, "desk", household=town.anna, item="food-kit", at="point-1", on=day(town, 3),
                          override="family of six arrived")
    rows = q.household(rep, town.anna)["handouts"]
    assert [(r["round"], r["override"]) for r in rows] == [(0, "family of six arrived"), (0, None)]
    assert qty(town, "food-kit@point-1") == 38


def test_the_next_round_is_due_again(town: Any) -> None:
    rep = town.rep
    distribution.hand_out(rep, "desk", household=town.anna, item="food-kit", at="point-1", on=day(town, 13))
    assert distribution.entitlement(rep, town.anna, "food-kit", rep.epoch + timedelta(days=14)).due
    distribution.hand_out(rep, "desk", household=town.anna, item="food-kit", at="point-1", on=day(town, 14))
    assert [r["round"] for r in q.household(rep, town.anna)["handouts"]] == [1, 0]


def test_other_households_and_unrationed_items_are_not_limited(town: Any) -> None:
    rep = town.rep
    distribution.hand_out(rep, "desk", household=town.anna, item="food-kit", at="point-1", on=day(town, 1))
    distribution.hand_out(rep, "desk", household=town.ihor, item="food-kit", at="point-1", on=day(town, 1))
    for _ in range(3):
        distribution.hand_out(rep, "desk", household=town.anna, item="bread", at="point-1", on=day(town, 1))
    assert len(q.household(rep, town.anna)["handouts"]) == 4
    ents = {e.item: e for e in distribution.entitlements(rep, town.anna, rep.epoch + timedelta(days=1))}
    assert not ents["food-kit"].due and ents["water"].due


def test_home_delivery_draws_from_the_warehouse(town: Any) -> None:
    distribution.hand_out(town.rep, "team", household=town.anna, item="food-kit", home=True, on=day(town, 2),
                          team="team-1")
    assert qty(town, "food-kit@wh-1") == 59
    [h] = q.household(town.rep, town.anna)["handouts"]
    assert (h["home"], h["at"]) == (1, "wh-1")


def test_a_hand_out_to_a_merged_card_counts_for_the_surviving_household(town: Any, refused: Any) -> None:
    rep = town.rep
    registry.merge(rep, "t", "household", town.olena, town.ihor)
    distribution.hand_out(rep, "desk", household=town.ihor, item="food-kit", at="point-1", on=day(town, 1))
    with refused(rep, AlreadyHandedOut):
        distribution.hand_out(rep, "desk", household=town.olena, item="food-kit", at="point-1",
                              on=day(town, 2))


BAD: list[tuple[str, type[Exception], dict[str, Any]]] = [
    ("unknown item", UnknownChoice, {"item": "caviar"}),
    ("zero quantity", BadInput, {"qty": 0}),
    ("negative quantity", BadInput, {"qty": -2}),
    ("bad date", BadDate, {"on": "tomorrow"}),
    ("unknown site", UnknownChoice, {"at": "the moon"}),
    ("no place and not home", BadInput, {"at": None}),
    ("unknown household", NotFound, {"household": "ABC-777-1"}),
]


@pytest.mark.parametrize(("why", "error", "change"), BAD, ids=[b[0] for b in BAD])
def test_bad_hand_outs_raise_and_change_nothing(town: Any, refused: Any, why: str, error: type[Exception],
                                                change: dict[str, Any]) -> None:
    from frontaid.domain.codes import make_code

    args: dict[str, Any] = {"household": town.anna, "item": "food-kit", "at": "point-1",
                            "on": day(town, 1), **change}
    if args["household"] == "ABC-777-1":
        args["household"] = make_code("ABC", 777)  # a valid code nobody holds
    with refused(town.rep, error):
        distribution.hand_out(town.rep, "desk", **args)
