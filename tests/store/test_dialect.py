"""The replica's whole schema, and the statements that differ, on both backends (issue 16)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import psycopg
import pytest

from frontaid.store import dialect, dialect_pg, dialect_sqlite, schema


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[ModuleType, Any]]:
    """(dialect module, open connection) for a fresh database of each backend."""
    if request.param == "sqlite":
        target = str(tmp_path / "town.db")
        conn: Any = sqlite3.connect(target, isolation_level=None)
        conn.execute("PRAGMA synchronous = OFF")  # a throwaway file: each DDL need not wait for the disk
    else:
        target = request.getfixturevalue("pg_url")
        conn = psycopg.connect(target, autocommit=True)
    try:
        yield dialect.for_target(target), conn
    finally:
        conn.close()


def _create_all(d: ModuleType, conn: Any) -> None:
    for migration in schema.LOG_MIGRATIONS:
        for stmt in migration.split(";"):
            if stmt.strip():
                conn.execute(d.ddl(stmt))
    for stmt in schema.projection_ddl() + list(schema.LOCAL_TABLES.values()):
        conn.execute(d.ddl(stmt))


def test_the_target_picks_the_dialect() -> None:
    assert dialect.for_target("postgresql://hub@/region?host=/run/pg") is dialect_pg
    assert dialect.for_target("postgres://hub@db/region") is dialect_pg
    assert dialect.for_target("town.db") is dialect_sqlite
    assert dialect.for_target("/srv/postgresql/town.db") is dialect_sqlite


def test_the_whole_schema_creates_and_every_projection_table_exists(backend: tuple[ModuleType, Any]) -> None:
    d, conn = backend
    _create_all(d, conn)
    for table in schema.projection_tables() + ["ops", "tops", "head_marks", "held", "meta", "heads"]:
        assert conn.execute(f'SELECT count(*) FROM "{table}"').fetchone() == (0,)


def test_replace_and_ignore_keep_one_row_per_key(backend: tuple[ModuleType, Any]) -> None:
    d, conn = backend
    _create_all(d, conn)
    cols = ["origin", "seq", "hash"]
    conn.execute(d.replace_into("tops", cols, ["origin"]), ("dev1", 3, b"\x01" * 32))
    conn.execute(d.replace_into("tops", cols, ["origin"]), ("dev1", 7, b"\x02" * 32))
    conn.execute(d.insert_ignore("tops", cols), ("dev1", 9, b"\x03" * 32))
    rows = conn.execute("SELECT origin, seq, hash FROM tops").fetchall()
    assert [tuple(r) for r in rows] == [("dev1", 7, b"\x02" * 32)]
    # A hybrid clock is wider than 32 bits: both backends keep it exactly.
    big = (1 << 62) + 5
    conn.execute(d.replace_into("tops", cols, ["origin"]), ("dev2", big, b"\x00"))
    assert conn.execute(f"SELECT seq FROM tops WHERE origin = {d.PARAM}", ("dev2",)).fetchone() == (big,)


def test_pg_rewrites_only_what_postgresql_spells_otherwise() -> None:
    out = dialect_pg.ddl("CREATE TABLE t (a INTEGER NOT NULL, b BLOB, c TEXT, PRIMARY KEY (a)) WITHOUT ROWID")
    assert out == "CREATE TABLE t (a BIGINT NOT NULL, b BYTEA, c TEXT, PRIMARY KEY (a))"
    assert dialect_sqlite.ddl("CREATE TABLE t (a BLOB) WITHOUT ROWID").endswith("WITHOUT ROWID")


DATA = b"\x81\xa1n\x01"
OP_COLS = ["origin", "seq", "hlc", "actor", "entity", "eid", "verb", "data", "hash"]


def _op_rows(n: int) -> Iterator[tuple[object, ...]]:
    for i in range(1, n + 1):
        yield ("dev1", i, (1 << 40) + i, "desk", "households", f"h{i}", "create", DATA, b"\x00" * 32)


def test_bulk_insert_writes_every_row_on_both(backend: tuple[ModuleType, Any]) -> None:
    d, conn = backend
    _create_all(d, conn)
    conn.execute("BEGIN")  # one transaction, as the apply runs it
    d.bulk_insert(conn, "ops", OP_COLS, _op_rows(2000))
    conn.execute("COMMIT")
    top = (2000, 2000, (1 << 40) + 2000)
    assert conn.execute("SELECT count(*), max(seq), max(hlc) FROM ops").fetchone() == top
    assert conn.execute(f"SELECT data FROM ops WHERE seq = {d.PARAM}", (7,)).fetchone() == (DATA,)


CRASHING_COPY = """
import sys, psycopg
from frontaid.store import dialect_pg
def rows():
    i = 0
    while True:
        i += 1
        if i == 5000:
            print("copying", flush=True)
        yield ("dev1", i, i, "desk", "households", f"h{i}", "create", b"x", b"h")
with psycopg.connect(sys.argv[1]) as conn:
    dialect_pg.bulk_insert(conn, "ops", COLS, rows())
""".replace("COLS", repr(OP_COLS))


def test_a_copy_killed_midway_leaves_nothing(pg_url: str) -> None:
    """SIGKILL a process in the middle of a COPY apply: the hub holds none of its rows."""
    import signal
    import subprocess
    import sys

    with psycopg.connect(pg_url, autocommit=True) as conn:
        _create_all(dialect_pg, conn)
    proc = subprocess.Popen([sys.executable, "-c", CRASHING_COPY, pg_url], stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == "copying"
    proc.send_signal(signal.SIGKILL)
    assert proc.wait(timeout=10) == -signal.SIGKILL
    with psycopg.connect(pg_url, autocommit=True) as conn:
        assert conn.execute("SELECT count(*) FROM ops").fetchone() == (0,)
        # The table still takes writes: no lock or half-written page was left behind.
        conn.execute(dialect_pg.insert_ignore("ops", OP_COLS), next(_op_rows(1)))
        assert conn.execute("SELECT count(*) FROM ops").fetchone() == (1,)


ALREADY_GIVEN = "SELECT count(*) FROM handouts WHERE household = %s AND round = 1"


def test_the_household_lock_lets_one_desk_hand_out_a_round_once(pg_url: str) -> None:
    """Eight desks on eight connections hand out round 1 to the same five households at once:
    under the household lock the check and the write run alone, so each household gets it once."""
    import threading

    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute("CREATE TABLE handouts (n bigserial PRIMARY KEY, household TEXT, round INT)")
    households = [f"h{i}" for i in range(5)]
    start = threading.Barrier(8)
    errors: list[BaseException] = []

    def desk() -> None:
        try:
            with psycopg.connect(pg_url) as conn:
                start.wait()
                for hid in households:
                    with conn.transaction():
                        dialect_pg.lock_household(conn, hid)
                        given = conn.execute(ALREADY_GIVEN, (hid,)).fetchone()
                        if given == (0,):
                            conn.execute("INSERT INTO handouts (household, round) VALUES (%s, 1)", (hid,))
        except BaseException as exc:  # noqa: BLE001 - reported by the assert below
            errors.append(exc)

    desks = [threading.Thread(target=desk) for _ in range(8)]
    for t in desks:
        t.start()
    for t in desks:
        t.join(timeout=30)
    assert errors == []
    with psycopg.connect(pg_url) as conn:
        rows = conn.execute("SELECT household, count(*) FROM handouts GROUP BY 1 ORDER BY 1").fetchall()
    assert rows == [(hid, 1) for hid in households]
