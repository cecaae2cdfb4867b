"""A deployment's own items and cycles as ops (issue 12): rounds never renumbered by a change, the
built-in cycles unchanged for a replica with no item records, items that sync, refusals in words."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from frontaid.actions import distribution, items
from frontaid.cli import app
from frontaid.domain import cycles
from frontaid.errors import AlreadyHandedOut, UnknownChoice
from frontaid.queries.items import catalogue
from frontaid.store.replica import Replica

A = "tester"
EPOCH = date(2025, 1, 6)


@given(changes=st.lists(st.tuples(st.integers(0, 400), st.integers(1, 60)), max_size=6),
       first=st.integers(1, 60))
def test_a_changed_cycle_never_renumbers_a_round_already_given(changes: list[tuple[int, int]],
                                                                first: int) -> None:
    schedule: list[cycles.Segment] = [(EPOCH, first)]
    today = EPOCH
    for offset, days in sorted(changes):
        today = max(today, EPOCH + timedelta(days=offset))
        before = {d: cycles.round_in(schedule, EPOCH + timedelta(days=d)) for d in range(0, 500, 7)}
        changed = cycles.with_cycle(schedule, days, today)
        start = changed[-1][0]
        assert start >= today or changed == schedule
        last_old = cycles.round_in(schedule, start - timedelta(days=1))
        for d, rnd in before.items():
            day = EPOCH + timedelta(days=d)
            if day < start:
                assert cycles.round_in(changed, day) == rnd  # the past keeps its round numbers
            elif changed != schedule:
                assert cycles.round_in(changed, day) > last_old  # new rounds never reuse an old number
        schedule = changed
    previous = None
    for d in range(0, 600):
        day = EPOCH + timedelta(days=d)
        rnd = cycles.round_in(schedule, day)
        assert cycles.round_start_in(schedule, rnd) <= day < cycles.round_start_in(schedule, rnd + 1)
        assert previous is None or rnd in (previous, previous + 1)
        previous = rnd


def test_with_no_item_records_the_rounds_are_the_built_in_ones(town: Any) -> None:
    rep = town.rep
    for item in cycles.CYCLES:
        for d in (0, 13, 14, 45, 200):
            day = rep.epoch + timedelta(days=d)
            got = distribution.entitlement(rep, town.anna, item, day)
            assert got.round == cycles.round_of(item, day, rep.epoch)
            assert got.next_due == cycles.next_due(item, day, rep.epoch)
    assert set(catalogue(rep)) == set(cycles.CYCLES) | {"medicine-kit", "bread", "animal-feed", "burial-kit"}


def test_a_new_item_is_rationed_by_its_cycle_and_a_change_waits_for_the_round_to_end(town: Any) -> None:
    rep = town.rep
    start = rep.epoch + timedelta(days=28)
    items.add_item(rep, A, "baby-kit", "Набір для немовляти", "Baby kit", "набір", cycle=10, today=start)
    first = distribution.hand_out(rep, A, household=town.anna, item="Набір для немовляти", home=True,
                                  on=(start + timedelta(days=2)).isoformat())
    with pytest.raises(AlreadyHandedOut):
        distribution.hand_out(rep, A, household=town.anna, item="baby-kit", home=True,
                              on=(start + timedelta(days=5)).isoformat())
    given_round = rep.conn.execute("SELECT round FROM handouts WHERE eid = ?", (first,)).fetchone()[0]
    # The cycle becomes 30 days in the middle of the round: the round still ends on day 10.
    items.set_cycle(rep, A, "baby-kit", 30, today=start + timedelta(days=6))
    with pytest.raises(AlreadyHandedOut):
        distribution.hand_out(rep, A, household=town.anna, item="baby-kit", home=True,
                              on=(start + timedelta(days=9)).isoformat())
    assert rep.conn.execute("SELECT round FROM handouts WHERE eid = ?", (first,)).fetchone()[0] == given_round
    nxt = distribution.entitlement(rep, town.anna, "baby-kit", start + timedelta(days=10))
    assert nxt.due and nxt.round == given_round + 1
    assert nxt.next_due == start + timedelta(days=40)  # the new 30-day cycle, from the boundary on
    distribution.hand_out(rep, A, household=town.anna, item="baby-kit", home=True,
                          on=(start + timedelta(days=10)).isoformat())
    with pytest.raises(AlreadyHandedOut):
        distribution.hand_out(rep, A, household=town.anna, item="baby-kit", home=True,
                              on=(start + timedelta(days=35)).isoformat())


def test_items_sync_and_a_retired_or_unknown_item_is_refused(make_replica: Callable[..., Replica]) -> None:
    hub, other = make_replica("hub"), make_replica("other")
    items.add_item(hub, A, "baby-kit", "Набір для немовляти", "Baby kit", cycle=30)
    items.set_cycle(hub, A, "water", 3)
    items.retire_item(hub, A, "candles")
    other.ingest(hub.ops_after({}))
    assert catalogue(other) == catalogue(hub)
    assert "candles" not in catalogue(other) and catalogue(other)["water"].schedule[-1][1] == 3
    with pytest.raises(UnknownChoice) as err:
        items.set_cycle(other, A, "candles", 7)
    assert "frontaid item add" in err.value.text("uk")


def test_the_command_line_names_a_new_item_in_ukrainian(tmp_path: Path) -> None:
    db = str(tmp_path / "t.db")
    run = CliRunner().invoke
    base = ["--db", db, "--lang", "uk", "--actor", "tester"]
    for args in (["init", "--town", "Бахмут", "--no-encrypt"],
                 ["zone", "add", "east", "--name", "Схід", "--name-en", "East"],
                 ["item", "add", "baby-kit", "--name", "Набір для немовляти", "--name-en", "Baby kit",
                  "--cycle", "30"]):
        assert run(app, [*base, *args]).exit_code == 0
    hh = json.loads(run(app, [*base, "--json", "household", "add", "--zone", "east", "--address", "Миру 1"]
                        ).stdout)["code"]
    res = run(app, [*base, "distribute", "--household", hh, "--item", "набір для немовляти", "--home"])
    assert res.exit_code == 0 and "Набір для немовляти" in res.stdout and "baby-kit" not in res.stdout
    again = run(app, [*base, "distribute", "--household", hh, "--item", "baby-kit", "--home"])
    assert again.exit_code == 2 and "Набір для немовляти" in again.stderr
    listed = json.loads(run(app, [*base, "--json", "item", "list"]).stdout)
    assert {r["item"]: r["cycle_days"] for r in listed}["baby-kit"] == 30
