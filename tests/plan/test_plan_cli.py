"""Planning through `frontaid` on a real replica: a plan stored as ops, run sheets, ticks, bad input."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from frontaid.actions import distribution
from frontaid.cli import app
from frontaid.queries import plan as pq
from frontaid.store.replica import Replica

runner = CliRunner()
A = "tester"


def run(db: Path, *args: str, lang: str = "en") -> Any:
    return runner.invoke(app, ["--db", str(db), "--lang", lang, "--actor", A, *args])


def ok(db: Path, *args: str, lang: str = "en") -> Any:
    res = run(db, "--json", *args, lang=lang)
    assert res.exit_code == 0, (args, res.stdout, res.stderr)
    return json.loads(res.stdout)


def state(db: Path) -> tuple[str, int]:
    with Replica.open(db) as rep:
        return rep.digest(), rep.op_count()


def refused(db: Path, *args: str, lang: str = "en") -> str:
    before = state(db)
    res = run(db, *args, lang=lang)
    assert res.exit_code == 2, (res.stdout, res.stderr)
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in res.stderr + res.stdout, res.stderr
    assert state(db) == before
    return lines[0]


def test_priorities_give_reasons_in_both_languages(town: dict[str, Any]) -> None:
    en = ok(town["db"], "plan", "priorities")
    assert en[0]["household"] == town["old"]
    assert "very old (80+)" in en[0]["why"] and "home delivery (high)" in en[0]["why"]
    assert "no food kit yet, registered 30 days ago" in en[0]["why"]
    uk = ok(town["db"], "plan", "priorities", lang="uk")
    assert "30 днів" in uk[0]["why"] and "доставка додому" in uk[0]["why"]
    wounded = next(r for r in en if r["household"] == town["wounded"])
    assert "welfare check asked by a relative" in wounded["why"]


def test_a_plan_is_stored_as_ops_and_ticked_off(town: dict[str, Any]) -> None:
    db = town["db"]
    before = state(db)[1]
    plan = ok(db, "plan", "day", "--teams", "1", "--hours", "4", "--start", "warehouse")
    assert state(db)[1] > before
    visited = [v["household"] for v in plan["visits"]]
    assert visited and visited[0] in (town["old"], town["wounded"], town["child"], town["plain"])
    left = {x["household"]: x["reason"] for x in plan["left_out"]}
    assert town["old"] in visited
    assert left[town["nowhere"]] == "no-position"
    # The wounded household's street was shelled yesterday at 10:00: at 08:00 the plan keeps away,
    # and says why; in the afternoon the same visit is made.
    assert left[town["wounded"]] == "too-dangerous"
    later = ok(db, "plan", "day", "--teams", "1", "--hours", "2", "--start-at", "15:00")
    assert town["wounded"] in [v["household"] for v in later["visits"]]
    uk = run(db, "plan", "day", "--teams", "1", "--hours", "4", lang="uk")
    assert "надто небезпечно близько 08:00" in uk.stdout
    # Everyone who scored is either visited or listed with a reason.
    scored = {r["household"] for r in ok(db, "plan", "priorities", "--limit", "100")}
    assert scored == set(visited) | set(left)
    sheet = run(db, "plan", "show", "--plan", plan["eid"], "--team", plan["teams"][0]["name"])
    assert sheet.exit_code == 0 and town["old"] in sheet.stdout and "food kit" in sheet.stdout
    uk = run(db, "plan", "show", "--plan", plan["eid"], lang="uk")
    assert "продуктовий набір" in uk.stdout and "Команда" in uk.stdout
    first = plan["visits"][0]["eid"]
    ok(db, "plan", "done", first)
    # A hand-out at the household ticks its visit off as well.
    other = next(v for v in plan["visits"] if v["eid"] != first)
    with Replica.open(db) as rep:
        distribution.hand_out(rep, A, household=other["household"], item="food-kit", home=True)
        shown = pq.plan(rep, plan["eid"])
    assert shown is not None
    done = {v["eid"] for v in shown["visits"] if v["done"]}
    assert done == {first, other["eid"]}


def test_a_destroyed_bridge_and_the_words_for_it(town: dict[str, Any]) -> None:
    db = town["db"]
    assert ok(db, "site", "set", "bridge-mid", "state", "зруйновано")["state"] == "destroyed"
    plan = ok(db, "plan", "day", "--teams", "1", "--hours", "4")
    left = {x["household"]: x["reason"] for x in plan["left_out"]}
    assert left[town["old"]] == "no-way" and left[town["wounded"]] == "no-way"
    uk = run(db, "plan", "day", "--teams", "1", "--hours", "4", lang="uk")
    assert "жоден шлях" in uk.stdout.lower() or "зруйнован" in uk.stdout
    assert ok(db, "site", "set", "bridge-mid", "state", "лише пішки")["state"] == "damaged"
    assert ok(db, "site", "set", "bridge-mid", "state", "open")["state"] == "open"


def test_bad_input_gets_one_clear_line(town: dict[str, Any]) -> None:
    db = town["db"]
    assert "teams must be between 1 and 50" in refused(db, "plan", "day", "--teams", "0", "--hours", "4")
    line = refused(db, "plan", "day", "--teams", "2", "--hours", "9", "--start-at", "12:00")
    assert "curfew" in line and "21:00" in line
    assert "комендантську" in refused(
        db, "plan", "day", "--teams", "2", "--hours", "9", "--start-at", "12:00", lang="uk"
    )
    assert "nowhere-site" in refused(
        db, "plan", "day", "--teams", "1", "--hours", "2", "--start", "nowhere-site"
    )
    assert "cannot be 3 vans" in refused(
        db, "plan", "day", "--teams", "2", "--hours", "2", "--vehicle", "van:3"
    )
    refused(db, "site", "set", "bridge-mid", "state", "wobbly")
    refused(db, "plan", "done", "NO-SUCH-VISIT")
    refused(db, "map", "import", str(db.parent / "missing.osm"))


def test_danger_names_the_shelled_street(town: dict[str, Any]) -> None:
    rows = ok(town["db"], "plan", "danger", "--at", "10:00")
    assert rows and rows[0]["street"] == "East St"
    assert "shelling" in rows[0]["reasons"][0]
    res = run(town["db"], "plan", "danger", "--at", "10:00", lang="uk")
    assert "обстріл" in res.stdout
