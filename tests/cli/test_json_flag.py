"""`--json` after the command as well as before it, and failures as JSON when it is given."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from frontaid.cli.context import json_first

FRONTAID = Path(sys.executable).parent / "frontaid"


def run(db: Path, *args: str, lang: str = "uk") -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "FRONTAID_DB": str(db), "FRONTAID_LANG": lang, "FRONTAID_ACTOR": "olena"}
    env.pop("FRONTAID_DEBUG", None)
    return subprocess.run([str(FRONTAID), *args], capture_output=True, text=True, env=env, timeout=120)


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("json") / "hub.db"
    assert run(path, "init", "--no-encrypt", "--town", "Бахмут").returncode == 0
    assert run(path, "zone", "add", "east", "--name", "Схід", "--name-en", "East").returncode == 0
    return path


def test_json_moves_to_the_front_except_after_a_double_dash() -> None:
    assert json_first(["status", "--json"]) == ["--json", "status"]
    assert json_first(["--db", "x.db", "household", "show", "K", "--json"]) == [
        "--json", "--db", "x.db", "household", "show", "K"]
    assert json_first(["search", "--", "--json"]) == ["search", "--", "--json"]
    assert json_first(["status"]) == ["status"]


def test_after_the_command_it_prints_the_same_document(db: Path) -> None:
    before, after = run(db, "--json", "status"), run(db, "status", "--json")
    assert before.returncode == after.returncode == 0
    a, b = json.loads(before.stdout), json.loads(after.stdout)
    assert a["town"] == b["town"] == "Бахмут" and a["replica"]["ops"] == b["replica"]["ops"]
    added = run(db, "household", "add", "--zone", "east", "--address", "Миру 1", "--json")
    assert added.returncode == 0 and json.loads(added.stdout)["code"]


@pytest.mark.parametrize("args, kind", [
    (("household", "show", "NOPE-000-0"), "NotFound"),
    (("household", "add", "--zone", "nowhere", "--address", "x"), "UnknownChoice"),
    (("status", "--bogus"), "UsageError"),
])
def test_failures_are_json_with_the_exit_code(db: Path, args: tuple[str, ...], kind: str) -> None:
    res = run(db, *args, "--json")
    assert res.returncode == 2 and res.stdout == ""
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1, lines
    err = json.loads(lines[0])["error"]
    assert err["kind"] == kind and err["exit"] == 2 and err["message"]
    plain = run(db, *args)  # without --json: the same message as a line of text
    assert plain.returncode == 2 and not plain.stderr.startswith("{")
