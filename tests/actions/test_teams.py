"""Teams as ops (issue 12): added, listed, retired; an unknown or retired team is refused, not recorded."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from frontaid.actions import distribution, registry, requests
from frontaid.cli import app
from frontaid.errors import BadInput, NoneYet, Refused, UnknownChoice
from frontaid.queries import aid as aidq
from frontaid.store.replica import Replica

A = "tester"


def _teams(rep: Replica) -> list[str]:
    return [t["eid"] for t in aidq.list_teams(rep)]


def test_a_team_is_assigned_by_id_or_name_and_once_retired_no_more(town: Any) -> None:
    rep = town.rep
    registry.add_team(rep, A, "east-1", "Схід-1", "Олег, Світлана")
    code = requests.open_request(rep, A, need="water", household=town.ihor)
    requests.assign(rep, A, code, "Схід-1")
    assert rep.conn.execute("SELECT team FROM requests WHERE eid = ?", (code,)).fetchone() == ("east-1",)
    registry.retire_team(rep, A, "east-1", on="2025-01-08")
    assert "east-1" not in _teams(rep)
    other = requests.open_request(rep, A, need="food", zone="east")
    before = rep.op_count()
    with pytest.raises(UnknownChoice):
        requests.assign(rep, A, other, "east-1")
    with pytest.raises(UnknownChoice):
        distribution.hand_out(rep, A, household=town.ihor, item="water", home=True, team="nobody",
                              on="2025-01-08")
    assert rep.op_count() == before
    # What it did stays on record.
    assert rep.conn.execute("SELECT team FROM requests WHERE eid = ?", (code,)).fetchone() == ("east-1",)


def test_bad_teams_are_refused(make_replica: Callable[..., Replica]) -> None:
    rep = make_replica()
    with pytest.raises(NoneYet) as none:
        requests.assign(rep, A, "ABC-001-1", "east-1")
    assert "frontaid team add" in none.value.text("uk")
    registry.add_team(rep, A, "east-1", "Схід-1")
    for bad in (lambda: registry.add_team(rep, A, "east-1", "Ще одна"),  # id in use
                lambda: registry.add_team(rep, A, "Схід 2", "Схід-2"),  # not an id
                lambda: registry.add_team(rep, A, "east-2", ""),  # no name
                lambda: registry.retire_team(rep, A, "west-9")):
        with pytest.raises((Refused, BadInput)):
            bad()
    assert _teams(rep) == ["east-1"]


def test_teams_reach_every_replica(make_replica: Callable[..., Replica]) -> None:
    hub, other = make_replica("hub"), make_replica("other")
    registry.add_team(hub, A, "east-1", "Схід-1")
    registry.add_team(hub, A, "west-1", "Захід-1")
    registry.retire_team(hub, A, "west-1")
    other.ingest(hub.ops_after({}))
    assert _teams(other) == _teams(hub) == ["east-1"]


def test_the_command_line_adds_lists_and_retires_teams(tmp_path: Path) -> None:
    db = str(tmp_path / "t.db")
    run = CliRunner().invoke
    base = ["--db", db, "--lang", "uk", "--actor", "tester"]
    assert run(app, [*base, "init", "--town", "Бахмут", "--no-encrypt"]).exit_code == 0
    assert run(app, [*base, "zone", "add", "east", "--name", "Схід", "--name-en", "East"]).exit_code == 0
    opened = run(app, [*base, "--json", "request", "open", "--zone", "Схід", "--need", "вода",
                         "--reported-by", "сусідка"])
    code = json.loads(opened.stdout)["code"]
    res = run(app, [*base, "request", "assign", code, "--team", "east-1"])
    assert res.exit_code == 2 and "frontaid team add" in res.stderr and "Жодної команди" in res.stderr
    assert run(app, [*base, "team", "add", "east-1", "--name", "Схід-1"]).exit_code == 0
    assert json.loads(run(app, [*base, "--json", "team", "list"]).stdout)[0]["name"] == "Схід-1"
    assert run(app, [*base, "team", "retire", "Схід-1"]).exit_code == 0
    assert json.loads(run(app, [*base, "--json", "team", "list"]).stdout) == []
