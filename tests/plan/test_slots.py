"""Arrival slots at the point: never more than the limit waiting, for any household mix that fits the day."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from frontaid.actions import plan as planning
from frontaid.actions import registry
from frontaid.cli import app
from frontaid.plan.slots import (
    Group,
    Household,
    by_zone_alphabetical,
    everyone_at_opening,
    spread,
    waiting_peak,
)
from frontaid.queries.slots import point_slots
from frontaid.store.replica import Replica

OPEN = (8 * 60, 12 * 60)  # 16 slots of 15 minutes
RATE = 3.0  # people served a minute: 45 a slot


def present_at_each_slot(slots: list, opening: tuple[int, int], rate: float, minutes: int) -> list[float]:
    n = (opening[1] - opening[0]) // minutes
    arrivals = [0.0] * n
    for s in slots:
        arrivals[(s.start - opening[0]) // minutes] += s.people
    out, backlog = [], 0.0
    for a in arrivals:
        out.append(backlog + a)
        backlog = max(0.0, backlog + a - rate * minutes)
    return out


@settings(max_examples=150, deadline=None)
@given(
    zones=st.lists(st.lists(st.integers(1, 8), min_size=1, max_size=60), min_size=1, max_size=6),
    limit=st.integers(8, 120),
)
def test_no_slot_exceeds_the_limit(zones: list[list[int]], limit: int) -> None:
    groups = [
        Group(f"z{i}", [Household(f"Z{i}-{j:03d}", float(size)) for j, size in enumerate(sizes)])
        for i, sizes in enumerate(zones)
    ]
    total = sum(sum(sizes) for sizes in zones)
    result = spread(groups, OPEN, limit, 15, RATE)
    present = present_at_each_slot(result.slots, OPEN, RATE, 15)
    assert max(present, default=0) <= limit + 1e-9
    assert result.peak <= limit + 1e-9
    # Every household is placed once, or listed as not placed: none silently lost.
    placed = [h.code for s in result.slots for h in s.households]
    assert len(placed) == len(set(placed))
    assert sorted(placed + [h.code for h in result.unplaced]) == sorted(
        h.code for g in groups for h in g.households
    )
    # A day that fits (each slot can take the limit, less one largest household) leaves no one out.
    per_slot = min(limit, RATE * 15) - 8
    if total <= per_slot * 16:
        assert not result.unplaced
    # A slot holds one zone, and its card codes run in order.
    for s in result.slots:
        assert {h.code.split("-")[0] for h in s.households} == {s.zone.upper()}
        assert [h.code for h in s.households] == sorted(h.code for h in s.households)


def test_slots_beat_both_baselines_on_a_crowded_day() -> None:
    groups = [
        Group(z, [Household(f"{z}-{i:04d}", 2.5) for i in range(n)])
        for z, n in (("centre", 120), ("east", 100), ("west", 60))
    ]
    result = spread(groups, OPEN, 60, 15, RATE)
    assert not result.unplaced
    assert result.peak <= 60
    assert everyone_at_opening(groups) == 700
    assert by_zone_alphabetical(groups, OPEN, RATE) == 325  # east arrives while 75 of centre still wait
    assert waiting_peak([10, 10], 1.0, 15) == 10


def test_slots_are_stored_and_read_back_for_the_bulletin(make_replica: object, tmp_path: Path) -> None:
    rep: Replica = make_replica()  # type: ignore[operator]
    registry.add_zone(rep, "t", "east", "Схід", "East")
    registry.add_zone(rep, "t", "west", "Захід", "West")
    registry.add_site(
        rep,
        "t",
        "food-point",
        "food-point",
        "Пункт",
        "Point",
        "west",
        schedule={"days": ["daily"], "open": "10:00", "close": "14:00"},
    )
    for i in range(120):
        registry.add_household(
            rep, "t", zone="east" if i % 3 else "west", address=f"Street {i}", size=1 + i % 4
        )
    day = (date.today() + timedelta(days=1)).isoformat()
    rows = planning.plan_slots(rep, "t", point="food-point", day=day, max_waiting=40)
    stored = point_slots(rep, "food-point", day)
    assert stored == rows and rows
    assert set(stored[0]) >= {"zone", "start", "end", "codes_from", "codes_to"}
    assert stored[0]["start"] == "10:00" and all("10:00" <= r["start"] < r["end"] <= "14:00" for r in stored)
    assert all(r["people"] <= 40 for r in stored)
    # Planning again replaces the day's slots (one record per point and day).
    planning.plan_slots(rep, "t", point="food-point", day=day, max_waiting=100)
    assert len(point_slots(rep, "food-point", day)) < len(rows)
    assert rep.conn.execute("SELECT COUNT(*) FROM point_slots").fetchone()[0] == 1
    path = rep.path
    rep.close()
    res = CliRunner().invoke(
        app,
        [
            "--db",
            str(path),
            "--lang",
            "uk",
            "plan",
            "slots",
            "--point",
            "food-point",
            "--day",
            day,
            "--max-waiting",
            "2",
        ],
    )
    assert res.exit_code == 2 and "одночасно" in res.stderr
