"""Times typed and read on Kyiv's clock, stored as UTC: --at, --start-at, the curfew, run sheets."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from frontaid.cli import app
from frontaid.domain.localtime import to_town, to_utc, town_hhmm
from frontaid.store.replica import Replica

runner = CliRunner()


def run(db: Path, *args: str, lang: str = "en") -> Any:
    return runner.invoke(app, ["--db", str(db), "--lang", lang, "--actor", "tester", *args])


def test_kyiv_is_two_hours_ahead_in_winter_and_three_in_summer() -> None:
    assert to_utc(date(2022, 12, 5), time(8, 0)) == datetime(2022, 12, 5, 6, 0)
    assert to_utc(date(2022, 7, 5), time(8, 0)) == datetime(2022, 7, 5, 5, 0)
    # The night the clocks went back (30 October 2022): 00:30 UTC was 03:30 summer time,
    # 01:30 UTC was 03:30 again, winter time.
    assert to_town(datetime(2022, 10, 30, 0, 30)).strftime("%H:%M") == "03:30"
    assert to_town(datetime(2022, 10, 30, 1, 30)).strftime("%H:%M") == "03:30"
    assert town_hhmm("2022-12-05T06:15") == "08:15" and town_hhmm("10:00") == "10:00"
    assert to_town(datetime(2022, 12, 5, 6, 0, tzinfo=UTC)).hour == 8


def test_a_run_sheet_is_stored_in_utc_and_printed_on_kyivs_clock(town: dict[str, Any]) -> None:
    db = town["db"]
    res = run(db, "--json", "plan", "day", "--teams", "1", "--hours", "4", "--start-at", "09:00")
    assert res.exit_code == 0, res.stdout
    plan = json.loads(res.stdout)
    with Replica.open(db) as rep:
        day, eta = rep.conn.execute(
            "SELECT p.day, v.eta FROM visits v JOIN plans p ON p.eid = v.plan WHERE v.plan = ? "
            "ORDER BY v.seq LIMIT 1",
            (plan["eid"],),
        ).fetchone()
    stored = datetime.fromisoformat(eta)
    leave = to_utc(date.fromisoformat(day), time(9, 0))
    # Stored as a UTC moment after the teams leave (07:00 UTC in winter, 06:00 in summer) ...
    assert eta.startswith(day) and leave < stored < datetime.combine(leave.date(), time(13, 0))
    # ... and the run sheet prints the wall clock of the town.
    sheet = run(db, "plan", "show", "--plan", plan["eid"])
    assert sheet.exit_code == 0 and town_hhmm(eta) in sheet.stdout
    assert town_hhmm(eta) >= "09:00"


def test_the_curfew_is_the_towns_evening_not_utcs(town: dict[str, Any]) -> None:
    # 17:00 + 2 h ends at 19:00 in Kyiv (17:00 UTC in winter): past the 18:00 curfew all the same.
    res = run(town["db"], "plan", "day", "--teams", "1", "--hours", "2", "--start-at", "17:00")
    assert res.exit_code == 2 and "18:00" in res.stdout + res.stderr
    ok = run(town["db"], "plan", "day", "--teams", "1", "--hours", "2", "--start-at", "15:30")
    assert ok.exit_code == 0


def test_danger_at_a_kyiv_hour_names_the_incident_by_kyivs_clock(town: dict[str, Any]) -> None:
    # The fixture's shelling is stored at the UTC moment of 10:00 in Kyiv.
    res = run(town["db"], "--json", "plan", "danger", "--at", "10:00")
    assert res.exit_code == 0, res.stdout
    rows = json.loads(res.stdout)
    assert rows and any("10:00" in r for row in rows for r in row["reasons"]), rows
