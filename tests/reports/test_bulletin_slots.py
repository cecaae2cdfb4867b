"""The bulletin prints the slots planned for the day (`frontaid plan slots`), the opening hours otherwise."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from pdf_reading import text
from typer.testing import CliRunner

from frontaid.actions import plan as planning
from frontaid.actions import registry
from frontaid.cli import app
from frontaid.queries.slots import bulletin_slots
from frontaid.store.replica import Replica


def _town(rep: Replica) -> None:
    registry.add_zone(rep, "t", "east", "Схід", "East")
    registry.add_zone(rep, "t", "west", "Захід", "West")
    registry.add_site(rep, "t", "food-point", "food-point", "Пункт", "Point", "west",
                      schedule={"days": ["daily"], "open": "10:00", "close": "14:00"})
    for i in range(120):
        registry.add_household(rep, "t", zone="east" if i % 3 else "west", address=f"Street {i}",
                               size=1 + i % 4)


def _bulletin(db: Path, day: str, out: Path) -> bytes:
    res = CliRunner().invoke(app, ["--db", str(db), "--lang", "uk", "report", "bulletin", "--date", day,
                                   "-o", str(out)])
    assert res.exit_code == 0, res.output
    return out.read_bytes()


def test_the_bulletin_prints_the_day_s_planned_slots(make_replica: object, tmp_path: Path) -> None:
    rep: Replica = make_replica()  # type: ignore[operator]
    _town(rep)
    day = (date.today() + timedelta(days=1)).isoformat()
    other_day = (date.today() + timedelta(days=2)).isoformat()
    assert bulletin_slots(rep, day) is None
    rows = planning.plan_slots(rep, "t", point="food-point", day=day, max_waiting=40)
    assert bulletin_slots(rep, day) == rows and bulletin_slots(rep, other_day) is None
    db = rep.path
    rep.close()
    planned = " ".join(text(_bulletin(db, day, tmp_path / "a.pdf"), tmp_path).split())
    unplanned = " ".join(text(_bulletin(db, other_day, tmp_path / "b.pdf"), tmp_path).split())
    # A slot after the first one starts at a time the opening hours alone never print.
    later = [r["start"] for r in rows if r["start"] != "10:00"]
    assert later and later[0] in planned and later[0] not in unplanned
    assert "Схід" in planned
