"""Least data on the command line: sensitive fields by role, and every read of them audited."""

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
NOTE = "каже, що підтримує ЗСУ"


def run(db: Path, *args: str, role: str | None = None, lang: str = "en") -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "FRONTAID_DB": str(db), "FRONTAID_LANG": lang, "FRONTAID_ACTOR": "olena"}
    env.pop("FRONTAID_DEBUG", None)
    env.pop("FRONTAID_ROLE", None)
    pre = ["--role", role] if role else []
    return subprocess.run([str(FRONTAID), *pre, *args], capture_output=True, text=True, env=env, timeout=120)


def ok(db: Path, *args: str, role: str | None = None) -> Any:
    res = run(db, "--json", *args, role=role)
    assert res.returncode == 0, (args, res.stdout, res.stderr)
    return json.loads(res.stdout)


def audit_ops(db: Path) -> list[str]:
    with Replica.open(db) as rep:
        return [eid for (eid,) in rep.conn.execute("SELECT eid FROM ops WHERE entity = 'audit'")]


@pytest.fixture(scope="module")
def town(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    db = tmp_path_factory.mktemp("least") / "hub.db"
    assert run(db, "init", "--no-encrypt", "--town", "Бахмут").returncode == 0
    assert run(db, "zone", "add", "east", "--name", "Схід", "--name-en", "East").returncode == 0
    code = ok(db, "household", "add", "--zone", "east", "--address", "Миру 1", "--note", NOTE)["code"]
    return db, code


def test_the_desk_sees_hidden_and_no_read_is_recorded(town: tuple[Path, str]) -> None:
    db, code = town
    before = len(audit_ops(db))
    shown = ok(db, "household", "show", code, role="desk")
    assert shown["note"] == "hidden" and NOTE not in json.dumps(shown, ensure_ascii=False)
    assert len(audit_ops(db)) == before  # nothing sensitive was shown: nothing to audit
    uk = run(db, "household", "show", code, role="desk", lang="uk")
    assert uk.returncode == 0 and "приховано" in uk.stdout and NOTE not in uk.stdout


def test_a_coordinator_reads_the_note_and_the_read_is_audited(town: tuple[Path, str]) -> None:
    db, code = town
    before = len(audit_ops(db))
    shown = ok(db, "household", "show", code, role="coordinator")
    assert shown["note"] == NOTE
    assert len(audit_ops(db)) == before + 1
    reads = ok(db, "audit", "--record", code)
    assert reads and reads[0]["records"] == [code] and reads[0]["classes"] == ["notes"]
    assert reads[0]["user"] == "olena" and reads[0]["via"].startswith("cli ")
    # The audit op names the record and the class of field, never the value.
    with Replica.open(db) as rep:
        blobs = b"".join(bytes(d) for (d,) in rep.conn.execute("SELECT data FROM ops WHERE entity = 'audit'"))
    assert NOTE.encode() not in blobs and code.encode() in blobs


def test_the_analyst_gets_no_record_at_all(town: tuple[Path, str]) -> None:
    db, code = town
    res = run(db, "household", "show", code, role="analyst")
    assert res.returncode == 2 and NOTE not in res.stdout + res.stderr
    assert len(res.stderr.strip().splitlines()) == 1


def test_an_unknown_role_is_refused_in_one_line(town: tuple[Path, str]) -> None:
    db, _code = town
    res = run(db, "audit", role="root")
    assert res.returncode == 2 and len(res.stderr.strip().splitlines()) == 1
