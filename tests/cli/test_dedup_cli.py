"""`frontaid dedup` and the duplicate warning of `person add`, as real processes on a real file."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from frontaid.store.replica import Replica

FRONTAID = Path(sys.executable).parent / "frontaid"


def _run(db: Path, *args: str, lang: str = "en") -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "FRONTAID_DB": str(db), "FRONTAID_LANG": lang, "FRONTAID_ACTOR": "coord"}
    env.pop("FRONTAID_DEBUG", None)
    return subprocess.run([str(FRONTAID), *args], capture_output=True, text=True, env=env, timeout=120)


def _ok(db: Path, *args: str) -> Any:
    res = _run(db, "--json", *args)
    assert res.returncode == 0, (args, res.stdout, res.stderr)
    return json.loads(res.stdout)


def _digest(db: Path) -> tuple[str, int]:
    with Replica.open(db) as rep:
        return rep.digest(), rep.op_count()


def _refused(res: subprocess.CompletedProcess[str], db: Path, before: tuple[str, int]) -> str:
    assert res.returncode == 2, (res.stdout, res.stderr)
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in res.stderr
    assert _digest(db) == before
    return lines[0]


@pytest.fixture
def town(tmp_path: Path) -> dict[str, Any]:
    db = tmp_path / "town.db"
    _ok(db, "init", "--no-encrypt", "--town", "Бахмут", "--device", "hub")
    _ok(db, "zone", "add", "east", "--name", "Схід", "--name-en", "East")
    h1 = _ok(db, "household", "add", "--zone", "east", "--address", "Сибірцева 12")["code"]
    h2 = _ok(db, "household", "add", "--zone", "east", "--address", "Миру 3")["code"]
    ihor = _ok(db, "person", "add", "--household", h1, "--name", "Ігор Коваленко", "--born", "1941",
               "--sex", "m")["code"]
    return {"db": db, "h1": h1, "h2": h2, "ihor": ihor}


def test_registration_warns_before_a_duplicate_is_created(town: dict[str, Any]) -> None:
    db = town["db"]
    before = _digest(db)
    res = _run(db, "person", "add", "--household", town["h2"], "--name", "Igor Kowalenko", "--born", "1941",
               "--sex", "m")
    line = _refused(res, db, before)
    assert town["ihor"] in line and "--anyway" in line
    assert "Коваленко" not in line  # names stay out of error lines
    assert town["ihor"] in res.stdout  # the candidates are listed
    # With --json the candidates are in the document.
    res = _run(db, "--json", "person", "add", "--household", town["h2"], "--name", "Kovalenko Ihor",
               "--born", "1941")
    _refused(res, db, before)
    doc = json.loads(res.stdout)
    assert doc["registered"] is False and [c["eid"] for c in doc["similar"]] == [town["ihor"]]
    # In Ukrainian too.
    res = _run(db, "person", "add", "--household", town["h2"], "--name", "Игорь Коваленко", "--born",
               "1941", lang="uk")
    assert "можливо, вже зареєстрована" in _refused(res, db, before)
    # --anyway registers, and still says who was similar.
    made = _ok(db, "person", "add", "--household", town["h2"], "--name", "Igor Kowalenko", "--born",
               "1941", "--sex", "m", "--anyway")
    assert made["code"] and [c["eid"] for c in made["similar"]] == [town["ihor"]]
    # Nobody similar: no question asked.
    other = _ok(db, "person", "add", "--household", town["h2"], "--name", "Олександра Коваленко",
                "--born", "1941", "--sex", "f")
    assert other["similar"] == []
    # A bad household is still the error, not the warning.
    res = _run(db, "person", "add", "--household", "nowhere", "--name", "Ігор Коваленко", "--born", "1941")
    assert "nowhere" in _refused(res, db, _digest(db))


def test_review_queue_round_trip_and_decisions_survive_a_rebuild(town: dict[str, Any]) -> None:
    db = town["db"]
    twin = _ok(db, "person", "add", "--household", town["h2"], "--name", "Kovalenko Igor", "--born", "1941",
               "--sex", "m", "--anyway")["code"]
    son = _ok(db, "person", "add", "--household", town["h1"], "--name", "Ігор Коваленко", "--born", "1978",
              "--sex", "m", "--anyway")["code"]
    namesake = _ok(db, "person", "add", "--household", town["h2"], "--name", "Ihor Kovalenko", "--born",
                   "1941", "--anyway")["code"]
    run = _ok(db, "dedup", "run")
    assert run["people"] == 4 and run["merged"] == 0
    queue = _ok(db, "dedup", "review")
    pairs = {frozenset((p["a"]["eid"], p["b"]["eid"])): p for p in queue}
    assert frozenset((town["ihor"], twin)) in pairs
    assert not any(son in pair for pair in pairs)  # the son is not proposed
    first = pairs[frozenset((town["ihor"], twin))]
    assert first["fields"]["name"] == "agree" and first["fields"]["household"] == "disagree"
    human = _run(db, "dedup", "review")
    assert human.returncode == 0 and "agrees" in human.stdout and "differs" in human.stdout

    # Decisions: one merge, one "not the same person".
    _ok(db, "dedup", "merge", twin, town["ihor"])
    _ok(db, "dedup", "distinct", town["ihor"], namesake)
    left = {frozenset((p["a"]["eid"], p["b"]["eid"])) for p in _ok(db, "dedup", "review")}
    assert frozenset((town["ihor"], twin)) not in left and frozenset((town["ihor"], namesake)) not in left
    rebuilt = _run(db, "rebuild", "--check")
    assert rebuilt.returncode == 0 and "Identical" in rebuilt.stdout, rebuilt.stdout + rebuilt.stderr
    # A new run after the rebuild remembers both decisions.
    _ok(db, "dedup", "run")
    again = {frozenset((p["a"]["eid"], p["b"]["eid"])) for p in _ok(db, "dedup", "review")}
    assert frozenset((town["ihor"], namesake)) not in again
    assert not any(twin in pair for pair in again)  # merged away: not a live record
    with Replica.open(db) as rep:
        merged = rep.conn.execute("SELECT merged_into FROM people WHERE eid = ?", (twin,)).fetchone()[0]
        assert merged == town["ihor"]
        verbs = [op.verb for op in rep.ops(limit=5)]
        assert "merge" in verbs and "add" in verbs

    # Unmerge brings the pair back to the queue on the next run.
    _ok(db, "dedup", "unmerge", twin)
    _ok(db, "dedup", "run")
    back = {frozenset((p["a"]["eid"], p["b"]["eid"])) for p in _ok(db, "dedup", "review")}
    assert frozenset((town["ihor"], twin)) in back


def test_merge_links_only_when_asked(town: dict[str, Any]) -> None:
    db = town["db"]
    dup = _ok(db, "person", "add", "--household", town["h1"], "--name", "Коваленко Ігор", "--born", "1941",
              "--sex", "m", "--anyway")["code"]
    first = _ok(db, "dedup", "run")
    assert first["link"] == 1 and first["merged"] == 0
    with Replica.open(db) as rep:
        assert rep.conn.execute("SELECT merged_into FROM people WHERE eid = ?", (dup,)).fetchone()[0] is None
    merged = _ok(db, "dedup", "run", "--merge-links")
    assert merged["merges"] == [{"duplicate": max(dup, town["ihor"]), "into": min(dup, town["ihor"])}]


def test_bad_input_is_one_line_and_changes_nothing(town: dict[str, Any]) -> None:
    db = town["db"]
    before = _digest(db)
    assert "band" in _refused(_run(db, "dedup", "review", "--band", "maybe"), db, before)
    assert "XYZ-000" in _refused(_run(db, "dedup", "distinct", town["ihor"], "XYZ-000"), db, before)
    _refused(_run(db, "dedup", "merge", town["ihor"], town["ihor"]), db, before)
    _refused(_run(db, "dedup", "unmerge", town["ihor"]), db, before)  # not merged
    _refused(_run(db, "dedup", "merge", "KMT-042-X", town["ihor"]), db, before)  # a bad check letter
