"""One date form per language and the town's clock everywhere (issue 12): typed on Kyiv's clock,
stored as UTC, shown on Kyiv's clock as "5 грудня 2026, 00:30"."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from frontaid.cli import app
from frontaid.domain.localtime import TOWN_TZ, shown, to_town, typed


def test_a_moment_late_in_the_utc_evening_is_the_next_day_in_kyiv_in_winter() -> None:
    assert shown("2026-12-04T22:30", "uk") == "5 грудня 2026, 00:30"
    assert shown("2026-12-04T22:30", "en") == "5 December 2026, 00:30"
    assert shown("2026-07-01T21:30", "uk") == "2 липня 2026, 00:30"  # summer: UTC+3
    assert shown("2026-12-04", "uk") == "4 грудня 2026"  # a day has no clock
    assert shown(None, "uk") == shown("", "en") == ""


def test_what_people_type_is_the_town_clock_and_stored_as_utc() -> None:
    assert typed("2026-12-05 00:30") == "2026-12-04T22:30"
    assert typed("2026-12-05T00:30") == "2026-12-04T22:30"  # the browser's datetime-local
    assert typed("2026-12-05T00:30Z") == "2026-12-05T00:30"  # an explicit offset is honoured
    assert typed("2026-12-05") == "2026-12-05"
    assert typed(None) is None and typed("  ") is None
    assert typed("вчора") == "вчора"  # left for the action's check to refuse in words


@given(st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2040, 12, 31)))
def test_typed_then_shown_gives_back_the_wall_clock_typed(local: datetime) -> None:
    local = local.replace(second=0, microsecond=0)
    if to_town(local.replace(tzinfo=TOWN_TZ).astimezone(UTC)).replace(tzinfo=None) != local:
        return  # the hour that does not exist when the clocks go forward
    stored = typed(local.strftime("%Y-%m-%d %H:%M"))
    assert stored is not None
    assert shown(stored, "en").endswith(local.strftime(", %H:%M"))
    assert to_town(datetime.fromisoformat(stored)).replace(tzinfo=None) == local


def test_the_command_line_takes_and_shows_kyiv_time(tmp_path: Path) -> None:
    db = str(tmp_path / "t.db")
    run = CliRunner().invoke
    base = ["--db", db, "--lang", "uk", "--actor", "tester"]
    assert run(app, [*base, "init", "--town", "Бахмут", "--no-encrypt"]).exit_code == 0
    assert run(app, [*base, "zone", "add", "east", "--name", "Схід", "--name-en", "East"]).exit_code == 0
    res = run(app, [*base, "incident", "add", "--kind", "обстріл", "--zone", "Схід",
                    "--at", "2026-12-05 00:30"])
    assert res.exit_code == 0, res.stderr
    listed = run(app, [*base, "--json", "incident", "list", "--days", "100000"])
    assert [i["at"] for i in json.loads(listed.stdout)] == ["2026-12-04T22:30"]
    table = run(app, [*base, "incident", "list", "--days", "100000"]).stdout
    assert "5 грудня 2026, 00:30" in " ".join(table.split())
