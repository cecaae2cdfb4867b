"""The sqlite3-like surface over psycopg (issue 16): `?` marks, cursors, transactions."""

from __future__ import annotations

from typing import Any

import pytest

from frontaid.store import dialect_pg

pytestmark = pytest.mark.pg


def test_marks_are_rewritten_outside_literals_only() -> None:
    assert dialect_pg.placeholders("SELECT ? , '?', \"a?\" WHERE x = ?") == \
        "SELECT %s , '?', \"a?\" WHERE x = %s"
    assert dialect_pg.placeholders("SELECT 'it''s ?' || ?") == "SELECT 'it''s ?' || %s"
    assert dialect_pg.placeholders("SELECT 5 % 2, '50%'") == "SELECT 5 %% 2, '50%%'"
    # cached: the same string object comes back
    sql = "SELECT ? + ?"
    assert dialect_pg.placeholders(sql) is dialect_pg.placeholders(sql)


def test_connection_behaves_like_sqlite3(pg_url: str) -> None:
    conn = dialect_pg.connect(pg_url)
    try:
        conn.execute("CREATE TABLE t (k TEXT PRIMARY KEY, n BIGINT)")
        cur = conn.executemany("INSERT INTO t VALUES (?, ?)", [("a", 1), ("b", 2), ("c%", 3)])
        assert cur.rowcount == 3
        assert conn.in_transaction
        conn.commit()
        assert not conn.in_transaction
        assert conn.execute("SELECT n FROM t WHERE k = ?", ("b",)).fetchone()[0] == 2
        assert conn.execute("SELECT k FROM t WHERE k LIKE 'c%'").fetchall() == [("c%",)]
        assert [r[0] for r in conn.execute("SELECT k FROM t ORDER BY k")] == ["a", "b", "c%"]
        assert conn.execute("UPDATE t SET n = n + 1 WHERE n > ?", (1,)).rowcount == 2
        assert conn.execute("SELECT 5 % 3").fetchone()[0] == 2
        with pytest.raises(ZeroDivisionError), conn:
            conn.execute("DELETE FROM t")
            raise ZeroDivisionError
        assert conn.execute("SELECT count(*) FROM t").fetchone()[0] == 3  # rolled back
        with conn:
            conn.execute("DELETE FROM t WHERE k = ?", ("a",))
        conn.rollback()  # nothing left to undo: the block committed
        assert conn.execute("SELECT count(*) FROM t").fetchone()[0] == 2
        assert conn.execute("DELETE FROM t WHERE k = 'zz'").fetchone() is None
    finally:
        conn.close()


def test_upsert_and_ignore_through_the_dialect(pg_url: str) -> None:
    conn = dialect_pg.connect(pg_url)
    try:
        conn.execute("CREATE TABLE m (key TEXT PRIMARY KEY, value TEXT)")
        up = dialect_pg.replace_into("m", ["key", "value"], ["key"])
        conn.execute(up, ("x", "1"))
        conn.execute(up, ("x", "2"))
        conn.execute(dialect_pg.insert_ignore("m", ["key", "value"]), ("x", "3"))
        conn.commit()
        assert conn.execute("SELECT value FROM m WHERE key = ?", ("x",)).fetchall() == [("2",)]
    finally:
        conn.close()


def test_database_connect_opens_a_url_with_the_replicas_own_calls(pg_url: str) -> None:
    from frontaid.store import database

    conn: Any = database.connect(pg_url, isolation_level=None)
    try:
        conn.execute("PRAGMA journal_mode = WAL")  # SQLite's file settings: nothing to do here
        conn.execute("PRAGMA synchronous = FULL")
        conn.execute("CREATE TABLE t (k TEXT PRIMARY KEY)")
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("INSERT INTO t VALUES (?)", ("a",))
        conn.execute("ROLLBACK")
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("INSERT INTO t VALUES (?)", ("b",))
        conn.execute("COMMIT")
        assert conn.execute("SELECT k FROM t").fetchall() == [("b",)]
        with pytest.raises(ValueError):
            database.connect(pg_url, b"k" * 32)
    finally:
        conn.close()


def test_schema_version_and_sqlite_ddl(pg_url: str) -> None:
    from frontaid.store import database, schema

    conn: Any = database.connect(pg_url, isolation_level=None)
    try:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == 0
        conn.execute("BEGIN IMMEDIATE")
        for stmt in schema.LOG_MIGRATIONS[0].split(";"):
            if stmt.strip():
                conn.execute(stmt)  # SQLite's DDL as written: the wrapper rewrites it
        conn.execute(f"PRAGMA user_version = {schema.LOG_VERSION}")
        conn.execute("COMMIT")
        assert conn.execute("PRAGMA user_version").fetchone()[0] == schema.LOG_VERSION
        conn.execute("PRAGMA user_version = 1")
        assert conn.execute("PRAGMA main.user_version").fetchone()[0] == 1
        tables = {r[0] for r in conn.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'")}
        assert "meta" in tables
    finally:
        conn.close()


def test_insert_or_replace_and_ignore_as_sqlite_writes_them(pg_url: str) -> None:
    conn = dialect_pg.connect(pg_url)
    try:
        conn.execute("CREATE TABLE kv (a TEXT, b TEXT, v TEXT, w TEXT, PRIMARY KEY (a, b))")
        conn.execute("INSERT OR REPLACE INTO kv VALUES (?, ?, ?, ?)", ("x", "y", "1", "p"))
        conn.execute("INSERT OR REPLACE INTO kv VALUES (?, ?, ?, ?)", ("x", "y", "2", "q"))
        conn.execute("INSERT OR IGNORE INTO kv (a, b, v) VALUES (?, ?, ?)", ("x", "y", "3"))
        conn.execute("INSERT OR IGNORE INTO kv (a, b, v) VALUES (?, ?, ?)", ("x", "z", "4"))
        conn.commit()
        assert conn.execute("SELECT a, b, v, w FROM kv ORDER BY b").fetchall() == [
            ("x", "y", "2", "q"), ("x", "z", "4", None)]
    finally:
        conn.close()
