"""`frontaid town ...`, `status --town`, `household list --town`, `device enroll --town` (issue 16)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from frontaid.cli import app
from frontaid.store.replica import Replica

runner = CliRunner()


def run(db: Path, *args: str, lang: str = "uk") -> Any:
    return runner.invoke(app, ["--db", str(db), "--lang", lang, "--actor", "tester", *args])


def ok(db: Path, *args: str) -> Any:
    res = run(db, "--json", *args)
    assert res.exit_code == 0, (args, res.stdout, res.stderr)
    return json.loads(res.stdout)


def test_a_region_of_two_towns_from_the_command_line(tmp_path: Path) -> None:
    db = tmp_path / "region.db"
    assert run(db, "init", "--town", "Донеччина", "--no-encrypt").exit_code == 0
    for slug, name in (("east", "Схід"), ("west", "Захід"), ("centre", "Центр")):
        ok(db, "zone", "add", slug, "--name", name, "--name-en", slug.title())
    ok(db, "town", "add", "bakhmut", "--name", "Бахмут", "--name-en", "Bakhmut", "--pcode", "UA1402001",
       "--zones", "Схід,Захід")
    ok(db, "town", "add", "siversk", "--name", "Сіверськ", "--name-en", "Siversk")
    assert ok(db, "town", "zones", "Сіверськ", "Центр") == {"zones": ["centre"]}
    for zone, n in (("east", 2), ("west", 1), ("centre", 3)):
        for i in range(n):
            ok(db, "household", "add", "--zone", zone, "--address", f"вул. Миру, {i}")
    listed = {t["eid"]: t["households"] for t in ok(db, "town", "list")}
    assert listed == {"bakhmut": 3, "siversk": 3}
    assert ok(db, "status", "--town", "bakhmut")["people"]["households"] == 3
    assert ok(db, "status")["people"]["households"] == 6
    assert {h["zone"] for h in ok(db, "household", "list", "--town", "Сіверськ")} == {"centre"}
    ok(db, "device", "enroll", "team-b", "--town", "bakhmut", "--no-qr")
    with Replica.open(db) as rep:
        zones = rep.conn.execute("SELECT zones FROM enrollments WHERE name = 'team-b'").fetchone()
    assert zones is not None and sorted(str(zones[0]).split(",")) == ["east", "west"]


def test_an_unknown_town_is_one_ukrainian_line_and_exit_2(tmp_path: Path) -> None:
    db = tmp_path / "town.db"
    assert run(db, "init", "--town", "Бахмут", "--no-encrypt").exit_code == 0
    res = run(db, "status", "--town", "bakhmut")
    assert res.exit_code == 2
    assert res.stderr.strip().splitlines() == [res.stderr.strip()]
    assert "frontaid town add" in res.stderr and "Жодного міста" in res.stderr
    res = run(db, "town", "add", "x", "--name", "Х", "--name-en", "X", "--pcode", "1402")
    assert res.exit_code == 2 and "не P-код" in res.stderr
