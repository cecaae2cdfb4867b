"""The stock ledger: receive, move, physical counts; bad input changes nothing."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from frontaid.actions import distribution, stock
from frontaid.errors import BadDate, BadInput, UnknownChoice
from frontaid.queries.aid import stock_by_item, stock_levels


def levels(town: Any) -> dict[tuple[str, str], int]:
    return {(r["item"], r["location"]): r["qty"] for r in stock_levels(town.rep, date(2025, 1, 8))}


def test_the_town_fixture_stock(town: Any) -> None:
    assert levels(town) == {("food-kit", "wh-1"): 60, ("food-kit", "point-1"): 40}


def test_receive_move_and_count(town: Any) -> None:
    rep = town.rep
    stock.receive(rep, "wh", item="water", location="Warehouse", qty=500, on="2025-01-07", note="convoy 12")
    stock.move(rep, "wh", item="water", source="wh-1", target="point-1", qty=120, on="2025-01-07")
    assert levels(town)[("water", "wh-1")] == 380 and levels(town)[("water", "point-1")] == 120
    diff = stock.count(rep, "wh", item="water", location="wh-1", qty=370, on="2025-01-08")
    assert diff == -10 and levels(town)[("water", "wh-1")] == 370
    ops_before = rep.op_count()
    assert stock.count(rep, "wh", item="water", location="wh-1", qty=370) == 0
    assert rep.op_count() == ops_before  # nothing to record
    reasons = [r[0] for r in rep.conn.execute(
        "SELECT reason FROM ledger WHERE eid = 'water@wh-1' ORDER BY op")]
    assert sorted(reasons) == ["count", "move-out", "receive"]


def test_days_of_cover_from_recent_hand_outs(town: Any) -> None:
    rep = town.rep
    for hh in (town.anna, town.ihor, town.olena):
        distribution.hand_out(rep, "desk", household=hh, item="food-kit", qty=7, at="point-1",
                              on="2025-01-07")
    [food] = [r for r in stock_by_item(rep, date(2025, 1, 8)) if r["item"] == "food-kit"]
    assert food["qty"] == 100 - 21
    assert food["per_day"] == 1.5  # 21 kits over a 14-day window
    assert food["days_of_cover"] == round(79 / 1.5, 1)


BAD = [
    ("negative receive", BadInput, lambda r: stock.receive(r, "x", item="water", location="wh-1", qty=-5)),
    ("zero receive", BadInput, lambda r: stock.receive(r, "x", item="water", location="wh-1", qty=0)),
    ("not a number", BadInput, lambda r: stock.receive(r, "x", item="water", location="wh-1", qty="lots")),
    ("unknown item", UnknownChoice, lambda r: stock.receive(r, "x", item="gold", location="wh-1", qty=1)),
    ("unknown location", UnknownChoice,
     lambda r: stock.receive(r, "x", item="water", location="depot 9", qty=1)),
    ("bad date", BadDate,
     lambda r: stock.receive(r, "x", item="water", location="wh-1", qty=1, on="31.12.2025")),
    ("move to itself", BadInput,
     lambda r: stock.move(r, "x", item="water", source="wh-1", target="Warehouse", qty=1)),
    ("negative move", BadInput,
     lambda r: stock.move(r, "x", item="water", source="wh-1", target="point-1", qty=-1)),
    ("negative count", BadInput, lambda r: stock.count(r, "x", item="water", location="wh-1", qty=-1)),
]


@pytest.mark.parametrize(("why", "error", "call"), BAD, ids=[b[0] for b in BAD])
def test_bad_stock_input_raises_and_changes_nothing(town: Any, refused: Any, why: str,
                                                    error: type[Exception], call: Any) -> None:
    with refused(town.rep, error):
        call(town.rep)
