"""The `frontaid` command on real SQLite files: in-process through CliRunner, and a few real processes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from frontaid.cli import app
from frontaid.domain.codes import make_code
from frontaid.store.replica import Replica

FRONTAID = Path(sys.executable).parent / "frontaid"
runner = CliRunner()


def run(db: Path, *args: str, lang: str = "en") -> Any:
    return runner.invoke(app, ["--db", str(db), "--lang", lang, "--actor", "tester", *args])


def ok(db: Path, *args: str, lang: str = "en") -> Any:
    """Run with --json and return the parsed document; fail loudly if the command failed."""
    res = run(db, "--json", *args, lang=lang) if args[:1] != ("--json",) else run(db, *args, lang=lang)
    assert res.exit_code == 0, (args, res.stdout, res.stderr)
    return json.loads(res.stdout)


def state(db: Path) -> tuple[str, int]:
    with Replica.open(db) as rep:
        return rep.digest(), rep.op_count()


def assert_refused(res: Any, before: tuple[str, int], db: Path) -> str:
    """Exit 2, exactly one line on stderr, no traceback, nothing recorded. Returns the line."""
    assert res.exit_code == 2, (res.stdout, res.stderr)
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1, res.stderr
    assert "Traceback" not in res.stderr + res.stdout
    assert state(db) == before
    return lines[0]


@pytest.fixture
def town(tmp_path: Path) -> dict[str, Any]:
    """A replica with a zone, a warehouse, a food point, a burial place and one household of one person."""
    db = tmp_path / "town.db"
    init = ok(db, "init", "--no-encrypt", "--town", "Бахмут", "--device", "hub")
    ok(db, "zone", "add", "east", "--name", "Східний берег", "--name-en", "East bank", "--population", "900")
    ok(db, "zone", "add", "west", "--name", "Західний берег", "--name-en", "West bank")
    ok(db, "site", "add", "wh", "--kind", "warehouse", "--name", "Склад", "--name-en", "Warehouse",
       "--zone", "east")
    ok(db, "site", "add", "pt", "--kind", "food-point", "--name", "Школа №5", "--name-en", "School 5",
       "--zone", "east")
    ok(db, "site", "add", "graves", "--kind", "burial", "--name", "Двір", "--name-en", "Yard",
       "--zone", "east")
    ok(db, "team", "add", "east-1", "--name", "Схід-1", "--members", "Олег, Світлана")
    hh = ok(db, "household", "add", "--zone", "east", "--address", "Сибірцева 12", "--shelter", "basement",
            "--animals", "2", "--utilities", "power,gas")["code"]
    person = ok(db, "person", "add", "--household", hh, "--name", "Ігор Коваленко", "--born", "1941",
                "--sex", "m", "--vulnerability", "very-old,immobile")["code"]
    return {"db": db, "hh": hh, "person": person, "prefix": init["prefix"], "origin": init["origin"]}


# -- init and the registry --------------------------------------------------------------


def test_init_prints_origin_and_prefix(tmp_path: Path) -> None:
    db = tmp_path / "new.db"
    res = run(db, "init", "--no-encrypt", "--town", "Бахмут")
    assert res.exit_code == 0, res.stderr
    with Replica.open(db) as rep:
        assert rep.origin in res.stdout and rep.prefix in res.stdout
        assert rep.town == "Бахмут"


def test_init_refuses_an_existing_replica(town: dict[str, Any]) -> None:
    db = town["db"]
    before = state(db)
    line = assert_refused(run(db, "init", "--town", "Other"), before, db)
    assert "already a frontaid database" in line


def test_household_add_prints_the_code_prominently(town: dict[str, Any]) -> None:
    res = run(town["db"], "household", "add", "--zone", "west", "--address", "Миру 3")
    assert res.exit_code == 0
    code = make_code(town["prefix"], 3)  # after the first household and its person
    assert code in res.stdout
    assert "code on the card" in res.stdout


def test_show_list_search(town: dict[str, Any]) -> None:
    db, hh = town["db"], town["hh"]
    shown = ok(db, "household", "show", hh)
    assert shown["eid"] == hh and shown["members"][0]["name"] == "Ігор Коваленко"
    assert shown["history"][0]["what"] == "create household"
    human = run(db, "household", "show", hh.lower())  # codes typed in lower case still work
    assert human.exit_code == 0 and "Ігор Коваленко" in human.stdout and "History" in human.stdout
    assert "cannot walk far" in human.stdout  # vocab labels, not slugs
    assert [r["eid"] for r in ok(db, "household", "list", "--zone", "east")] == [hh]
    assert ok(db, "household", "list", "--vulnerability", "immobile")[0]["eid"] == hh
    assert ok(db, "household", "list", "--zone", "west") == []
    found = ok(db, "search", "коваленко")
    assert found[0]["eid"] == town["person"]
    assert ok(db, "person", "show", town["person"])["born"] == 1941
    assert [z["eid"] for z in ok(db, "zone", "list")] == ["east", "west"]
    assert {s["eid"] for s in ok(db, "site", "list")} == {"wh", "pt", "graves"}


def test_set_and_move(town: dict[str, Any]) -> None:
    db, hh = town["db"], town["hh"]
    ok(db, "household", "set", hh, "utilities", "none")
    ok(db, "household", "move", hh, "--zone", "west", "--address", "Миру 3")
    ok(db, "person", "set", town["person"], "born", "1940")
    shown = ok(db, "household", "show", hh)
    assert (shown["zone"], shown["address"], shown["utilities"]) == ("west", "Миру 3", "none")
    assert shown["members"][0]["born"] == 1940
    ok(db, "site", "add", "bridge", "--kind", "crossing", "--name", "Міст", "--name-en", "Bridge",
       "--zone", "east", "--state", "open")
    ok(db, "site", "state", "bridge", "destroyed")
    assert {s["eid"]: s["state"] for s in ok(db, "site", "list")}["bridge"] == "destroyed"


# -- hand-outs --------------------------------------------------------------------------


def test_second_hand_out_is_refused_with_the_next_due_date(town: dict[str, Any]) -> None:
    db, hh = town["db"], town["hh"]
    ok(db, "stock", "receive", "--item", "food-kit", "--at", "pt", "--qty", "50")
    ok(db, "distribute", "--household", hh, "--item", "food-kit", "--qty", "1", "--at", "pt")
    next_due = {e["item"]: e for e in ok(db, "entitlements", hh)}["food-kit"]
    assert not next_due["due"]
    before = state(db)
    line = assert_refused(run(db, "distribute", "--household", hh, "--item", "food-kit", "--at", "pt"),
                          before, db)
    assert next_due["next_due"] in line and hh in line
    # With a reason it is recorded, and the reason is kept.
    ok(db, "distribute", "--household", hh, "--item", "food-kit", "--at", "pt", "--override", "kit was lost")
    handouts = ok(db, "household", "show", hh)["handouts"]
    assert sorted(h["override"] or "" for h in handouts) == ["", "kit was lost"]
    assert state(db)[1] == before[1] + 1


def test_home_delivery_and_entitlements_on_a_day(town: dict[str, Any]) -> None:
    db, hh = town["db"], town["hh"]
    ok(db, "distribute", "--household", hh, "--item", "water", "--home", "--team", "east-1",
       "--on", "2026-01-05")
    rows = {e["item"]: e for e in ok(db, "entitlements", hh, "--on", "2026-01-05")}
    assert rows["water"]["due"] is False and rows["food-kit"]["due"] is True


# -- requests ---------------------------------------------------------------------------


def test_request_workflow(town: dict[str, Any]) -> None:
    db, hh = town["db"], town["hh"]
    code = ok(db, "request", "open", "--household", hh, "--need", "medicine", "--urgency", "high",
              "--reported-by", "neighbour", "--note", "insulin")["code"]
    ok(db, "request", "open", "--zone", "east", "--need", "body-recovery", "--urgency", "critical",
       "--reported-by", "team east-1")
    ok(db, "request", "assign", code, "--team", "east-1")
    ok(db, "request", "start", code)
    ok(db, "request", "done", code, "--note", "delivered")
    before = state(db)
    line = assert_refused(run(db, "request", "start", code), before, db)
    assert "'done'" in line
    ok(db, "request", "reopen", code)
    ok(db, "request", "cancel", code)
    rows = {r["eid"]: r for r in ok(db, "request", "list")}
    assert rows[code]["status"] == "cancelled"
    open_rows = ok(db, "request", "list", "--open")
    assert [r["need"] for r in open_rows] == ["body-recovery"]
    assert ok(db, "request", "list", "--need", "medicine", "--zone", "east")[0]["eid"] == code
    assert ok(db, "status")["bodies_awaiting_recovery"] == 1


# -- stock ------------------------------------------------------------------------------


def test_stock_receive_move_count_list_shows_days_of_cover(town: dict[str, Any]) -> None:
    db, hh = town["db"], town["hh"]
    ok(db, "stock", "receive", "--item", "food-kit", "--at", "wh", "--qty", "100")
    ok(db, "stock", "move", "--item", "food-kit", "--from", "wh", "--to", "pt", "--qty", "40")
    ok(db, "distribute", "--household", hh, "--item", "food-kit", "--at", "pt")
    counted = ok(db, "stock", "count", "--item", "food-kit", "--at", "pt", "--qty", "35")
    assert counted["difference"] == -4
    levels = {r["location"]: r for r in ok(db, "stock", "list")}
    assert levels["pt"]["qty"] == 35 and levels["wh"]["qty"] == 60
    assert levels["pt"]["days_of_cover"] is not None
    by_item = ok(db, "stock", "list", "--by-item")
    assert by_item[0]["item"] == "food-kit" and by_item[0]["qty"] == 95 and by_item[0]["days_of_cover"]
    human = run(db, "stock", "list", "--by-item")
    assert "Days of cover" in human.stdout and "food kit" in human.stdout
    uk = run(db, "stock", "list", lang="uk")
    assert "Вистачить на днів" in uk.stdout and "продуктовий набір" in uk.stdout


# -- incidents, evacuation, referrals, welfare, deaths ----------------------------------


def test_incident(town: dict[str, Any]) -> None:
    db = town["db"]
    now = date.today().isoformat()
    ok(db, "incident", "add", "--kind", "shelling", "--zone", "east", "--at", f"{now} 10:30",
       "--killed", "1", "--wounded", "3", "--site", "pt")
    rows = ok(db, "incident", "list", "--days", "2")
    assert rows[0]["kind"] == "shelling" and rows[0]["wounded"] == 3
    assert ok(db, "status")["harm_7d"] == {"incidents": 1, "killed": 1, "wounded": 3}


def test_evacuation_refused_with_reason(town: dict[str, Any]) -> None:
    db, hh = town["db"], town["hh"]
    before = state(db)
    line = assert_refused(run(db, "evac", "offer", "--household", hh, "--answer", "refused"), before, db)
    assert "--reason" in line
    offer = ok(db, "evac", "offer", "--household", hh, "--answer", "refused", "--reason", "animals")["code"]
    summary = ok(db, "evac", "list")
    assert summary == {"answers": {"refused": 1}, "refusal_reasons": {"animals": 1}}
    assert "has animals" in run(db, "evac", "list").stdout
    assert ok(db, "household", "list", "--refused-evacuation")[0]["eid"] == hh
    ok(db, "evac", "answer", offer, "--answer", "accepted")
    assert ok(db, "evac", "list")["answers"] == {"accepted": 1}


def test_referral(town: dict[str, Any]) -> None:
    db, hh = town["db"], town["hh"]
    code = ok(db, "referral", "open", "--household", hh, "--kind", "pension", "--to", "Pension Fund",
              "--person", town["person"])["code"]
    assert ok(db, "referral", "list", "--open")[0]["eid"] == code
    ok(db, "referral", "close", code, "--outcome", "resolved")
    assert ok(db, "referral", "list", "--open") == []
    before = state(db)
    assert "already closed" in assert_refused(run(db, "referral", "close", code, "--outcome", "resolved"),
                                              before, db)


def test_welfare(town: dict[str, Any]) -> None:
    db = town["db"]
    code = ok(db, "welfare", "request", "--sought", "Ганна Петренко", "--asked-by", "Олена",
              "--contact", "+380 00 000 0000", "--zone", "east", "--address", "Сибірцева 14")["code"]
    assert ok(db, "welfare", "list", "--open")[0]["eid"] == code
    ok(db, "welfare", "answer", code, "--answer", "alive-well")
    assert ok(db, "welfare", "list", "--open") == []
    assert ok(db, "welfare", "list")[0]["answer"] == "alive-well"


def test_deaths(town: dict[str, Any]) -> None:
    db, person = town["db"], town["person"]
    ok(db, "person", "died", person, "--date", "2026-11-02", "--place", "home", "--burial-place", "graves",
       "--cause", "shelling")
    rows = ok(db, "deaths")
    assert rows[0]["eid"] == person and rows[0]["burial_place"] == "graves"
    assert rows[0]["died_on"] == "2026-11-02"
    assert "graves" in run(db, "deaths").stdout


# -- the log, retract, rebuild, status --------------------------------------------------


def test_log_and_retract(town: dict[str, Any]) -> None:
    db, hh = town["db"], town["hh"]
    ok(db, "distribute", "--household", hh, "--item", "food-kit", "--at", "pt")
    entries = ok(db, "log", "--limit", "3")
    assert len(entries) == 3 and entries[0]["entity"] == "handout" and entries[0]["actor"] == "tester"
    assert ok(db, "log", "--entity", "household", "--id", hh)[0]["eid"] == hh
    ok(db, "retract", entries[0]["id"], "--reason", "wrong household")
    food = {e["item"]: e for e in ok(db, "entitlements", hh)}["food-kit"]
    assert food["due"] is True
    before = state(db)
    assert_refused(run(db, "retract", entries[0]["id"]), before, db)
    assert_refused(run(db, "retract", "not-an-op"), before, db)
    human = run(db, "log")
    assert "retract" in human.stdout and "tester" in human.stdout


def test_rebuild_check(town: dict[str, Any]) -> None:
    db = town["db"]
    res = run(db, "rebuild", "--check")
    assert res.exit_code == 0, res.stderr
    doc = ok(db, "rebuild", "--check")
    assert doc["same"] and doc["before"] == doc["after"] and doc["before"] in res.stdout


def test_status_json_has_the_keys(town: dict[str, Any]) -> None:
    doc = ok(town["db"], "status")
    assert set(doc) >= {"town", "date", "people", "reached_7d", "open_requests", "bodies_awaiting_recovery",
                        "stock", "harm_24h", "harm_7d", "evacuation", "replica"}
    assert doc["people"] == {"estimate": 900, "registered": 1, "households": 1}
    assert set(doc["replica"]) == {"origin", "prefix", "ops", "vector", "state"}
    human_uk = run(town["db"], "status", lang="uk")
    assert "Людей залишилось" in human_uk.stdout and town["prefix"] in human_uk.stdout
    assert "People remaining" in run(town["db"], "status").stdout


def test_demo_builds_a_small_town(tmp_path: Path) -> None:
    pytest.importorskip("frontaid.scenario", reason="the demo town is written alongside")
    db = tmp_path / "demo.db"
    doc = ok(db, "demo", "--households", "60", "--seed", "3", "--no-serve")
    assert doc["people"]["households"] > 0 and doc["replica"]["ops"] > 0
    again = ok(db, "demo", "--households", "60", "--seed", "3", "--force", "--no-serve")
    assert again["people"] == doc["people"]  # the same seed gives the same town, over the old file


def test_demo_serves_the_town_with_demo_logins(tmp_path: Path) -> None:
    """`make demo` ends in a served town: a real process, the printed login works."""
    import socket
    import subprocess
    import time

    import httpx

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    db = tmp_path / "demo.db"
    proc = subprocess.Popen(
        [str(Path(sys.executable).parent / "frontaid"), "--db", str(db), "--json", "demo",
         "--households", "60", "--port", str(port)], stdout=subprocess.PIPE, text=True)
    try:
        lines: list[str] = []
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            line = proc.stdout.readline() if proc.stdout else ""
            lines.append(line)
            if line.startswith("}"):
                break
        doc = json.loads("".join(lines))
        password = doc["web"]["logins"]["desk"]
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/health").status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        good = httpx.post(f"http://127.0.0.1:{port}/api/login", json={"name": "desk", "password": password})
        bad = httpx.post(f"http://127.0.0.1:{port}/api/login", json={"name": "desk", "password": "x" * 12})
        assert good.status_code == 200 and bad.status_code == 401
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def test_demo_refuses_to_overwrite(town: dict[str, Any]) -> None:
    db = town["db"]
    before = state(db)
    line = assert_refused(run(db, "demo", "--households", "5", "--no-serve"), before, db)
    assert "already a frontaid database" in line


# -- bad input: one line, exit 2, nothing changed ---------------------------------------


def _bad_code(town: dict[str, Any]) -> str:
    good = town["hh"]
    return good[:-1] + str((int(good[-1]) + 1) % 10)


BAD = {
    "unknown zone": lambda t: ["household", "add", "--zone", "north", "--address", "x"],
    "bad code checksum": lambda t: ["distribute", "--household", _bad_code(t), "--item", "food-kit",
                                    "--at", "pt"],
    "bad date": lambda t: ["incident", "add", "--kind", "shelling", "--zone", "east", "--at", "yesterday"],
    "unknown need": lambda t: ["request", "open", "--zone", "east", "--need", "magic", "--reported-by", "x"],
    "unknown household": lambda t: ["household", "show", make_code(t["prefix"], 99)],
    "bad year": lambda t: ["person", "add", "--household", t["hh"], "--name", "X", "--born", "1800"],
    "same place": lambda t: ["stock", "move", "--item", "food-kit", "--from", "wh", "--to", "wh",
                             "--qty", "1"],
    "zone id in use": lambda t: ["zone", "add", "east", "--name", "Інша", "--name-en", "Other"],
    "site id in use": lambda t: ["site", "add", "pt", "--kind", "warehouse", "--name", "x", "--name-en", "x",
                                 "--zone", "east"],
    "unknown option": lambda t: ["household", "add", "--colour", "red"],
    "missing argument": lambda t: ["household", "show"],
    "missing option": lambda t: ["init"],
    "not a number": lambda t: ["stock", "receive", "--item", "food-kit", "--at", "wh", "--qty", "many"],
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_input_is_one_line_and_changes_nothing(town: dict[str, Any], case: str) -> None:
    db = town["db"]
    before = state(db)
    line = assert_refused(run(db, *BAD[case](town)), before, db)
    assert "Ігор" not in line and "Коваленко" not in line  # never a person's name in an error


def test_missing_db(tmp_path: Path) -> None:
    res = run(tmp_path / "nowhere.db", "status")
    assert res.exit_code == 2 and "frontaid init" in res.stderr
    assert len(res.stderr.strip().splitlines()) == 1 and "Traceback" not in res.stderr
    assert not (tmp_path / "nowhere.db").exists()


def test_a_file_that_is_not_a_database(tmp_path: Path) -> None:
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"this is not sqlite at all" * 100)
    res = run(junk, "status")
    assert res.exit_code == 2, res.stderr
    assert len(res.stderr.strip().splitlines()) == 1 and "Traceback" not in res.stderr
    assert junk.read_bytes() == b"this is not sqlite at all" * 100


def test_language_changes_the_message(town: dict[str, Any]) -> None:
    db = town["db"]
    args = ["household", "add", "--zone", "north", "--address", "x"]
    en, uk = run(db, *args, lang="en"), run(db, *args, lang="uk")
    assert en.exit_code == uk.exit_code == 2
    assert en.stderr != uk.stderr
    assert "is not a valid zone" in en.stderr
    assert "зона" in uk.stderr and "недопустиме" in uk.stderr  # the noun is translated too


def test_bad_language_is_a_usage_error(town: dict[str, Any]) -> None:
    res = runner.invoke(app, ["--db", str(town["db"]), "--lang", "fr", "status"])
    assert res.exit_code == 2 and len(res.stderr.strip().splitlines()) == 1


# -- the installed entry point, as a real process ---------------------------------------


def _proc(db: Path, *args: str, lang: str = "en") -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "FRONTAID_DB": str(db), "FRONTAID_LANG": lang, "FRONTAID_ACTOR": "desk-1"}
    env.pop("FRONTAID_DEBUG", None)
    return subprocess.run([str(FRONTAID), *args], capture_output=True, text=True, env=env, timeout=60)


def test_entry_point_runs_and_exit_codes(tmp_path: Path) -> None:
    db = tmp_path / "proc.db"
    assert _proc(db, "--help").returncode == 0
    assert _proc(db, "status").returncode == 2  # no database yet
    assert _proc(db, "init", "--no-encrypt", "--town", "Бахмут").returncode == 0
    assert _proc(db, "zone", "add", "east", "--name", "Схід", "--name-en", "East").returncode == 0
    added = _proc(db, "--json", "household", "add", "--zone", "east", "--address", "Сибірцева 12")
    assert added.returncode == 0, added.stderr
    code = json.loads(added.stdout)["code"]
    with Replica.open(db) as rep:
        before = rep.digest()
        assert rep.ops(limit=1)[0].actor == "desk-1"
    bad = _proc(db, "household", "add", "--zone", "north", "--address", "x", lang="uk")
    assert bad.returncode == 2 and len(bad.stderr.strip().splitlines()) == 1
    assert "Traceback" not in bad.stderr and "зона" in bad.stderr
    usage = _proc(db, "household", "add", "--colour", "red")
    assert usage.returncode == 2 and len(usage.stderr.strip().splitlines()) == 1
    with Replica.open(db) as rep:
        assert rep.digest() == before
    shown = _proc(db, "household", "show", code)
    assert shown.returncode == 0 and code in shown.stdout


def test_rebuild_check_in_a_process(tmp_path: Path) -> None:
    db = tmp_path / "proc.db"
    _proc(db, "init", "--no-encrypt", "--town", "Бахмут")
    res = _proc(db, "rebuild", "--check")
    assert res.returncode == 0, res.stderr
    assert "Identical" in res.stdout
