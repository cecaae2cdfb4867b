"""A hand-out where no stock was ever recorded (issue 12): accepted, the desk and CLI say so, a flag
stands until someone counts, and cover reads "no stock recorded", never "−1" and "−14 days"."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from frontaid.actions import distribution, stock
from frontaid.cli import app
from frontaid.queries import aid
from frontaid.queries.flags import list_flags

A = "tester"


def test_a_hand_out_with_no_stock_recorded_is_kept_flagged_and_shown_as_unrecorded(town: Any) -> None:
    rep = town.rep
    code = distribution.hand_out(rep, A, household=town.ihor, item="water", qty=2, at="point-1",
                                 on="2025-01-07")
    assert aid.unrecorded_stock_of(rep, code) == "water@point-1"
    [row] = [r for r in aid.stock_levels(rep) if r["item"] == "water"]
    assert (row["qty"], row["recorded"], row["days_of_cover"]) == (None, False, None)
    [total] = [t for t in aid.stock_by_item(rep) if t["item"] == "water"]
    assert total["qty"] is None and total["days_of_cover"] is None
    kinds = {f["kind"]: f for f in list_flags(rep)}
    assert "stock-negative" not in kinds
    assert kinds["stock-unrecorded"]["subject"] == "water@point-1"
    assert kinds["stock-unrecorded"]["detail"] == {"handed_out": 2}
    # Food kits at the same point were received: a hand-out there is not flagged.
    fed = distribution.hand_out(rep, A, household=town.ihor, item="food-kit", at="point-1", on="2025-01-07")
    assert aid.unrecorded_stock_of(rep, fed) is None
    # Someone counts what is there: the stock is on record, the flag is gone, cover is a number again.
    stock.count(rep, A, item="water", location="point-1", qty=30, on="2025-01-08")
    assert aid.unrecorded_stock_of(rep, code) is None
    assert "stock-unrecorded" not in {f["kind"] for f in list_flags(rep)}
    [row] = [r for r in aid.stock_levels(rep) if r["item"] == "water"]
    assert row["recorded"] and row["qty"] == 30


def test_the_command_line_warns_and_shows_no_stock_recorded(tmp_path: Path) -> None:
    db = str(tmp_path / "t.db")
    run = CliRunner().invoke
    base = ["--db", db, "--lang", "uk", "--actor", "tester"]
    for args in (["init", "--town", "Бахмут", "--no-encrypt"],
                 ["zone", "add", "east", "--name", "Схід", "--name-en", "East"],
                 ["site", "add", "pt", "--kind", "food-point", "--name", "Пункт", "--name-en", "Point",
                  "--zone", "east"]):
        assert run(app, [*base, *args]).exit_code == 0
    hh = json.loads(run(app, [*base, "--json", "household", "add", "--zone", "east", "--address", "Миру 1"]
                        ).stdout)["code"]
    res = run(app, [*base, "distribute", "--household", hh, "--item", "вода", "--at", "pt"])
    assert res.exit_code == 0
    assert "залишок цього товару не обліковано" in " ".join(res.stdout.split())
    listed = " ".join(run(app, [*base, "stock", "list"]).stdout.split())
    assert "залишок не обліковано" in listed and "-1" not in listed and "−" not in listed
