"""The one opener: plain and encrypted files through sqlcipher3, with the sqlite3 interface the code uses."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest

from frontaid.store import database


def _fill(conn: sqlite3.Connection) -> None:
    conn.execute("CREATE TABLE people (eid TEXT PRIMARY KEY, name TEXT)")
    conn.executemany("INSERT INTO people VALUES (?, ?)", [(f"p{i}", f"Ганна {i}") for i in range(50)])
    conn.commit()


def test_an_encrypted_file_has_no_plain_bytes_and_opens_only_with_its_key(tmp_path: Path) -> None:
    key, other = os.urandom(32), os.urandom(32)
    db = tmp_path / "x.db"
    conn = database.connect(db, key)
    _fill(conn)
    conn.close()
    raw = db.read_bytes()
    assert not database.is_plaintext(db) and "Ганна".encode() not in raw
    for wrong in (other, None):
        with pytest.raises(database.DatabaseError):
            database.connect(db, wrong)
    conn = database.connect(db, key)
    conn.row_factory = database.Row
    row = conn.execute("SELECT eid, name FROM people WHERE eid = 'p7'").fetchone()
    assert row["name"] == "Ганна 7" and tuple(row) == ("p7", "Ганна 7")
    assert not hasattr(conn, "iterdump")  # the one sqlite3 method the driver lacks: frontaid does not use it
    copy = tmp_path / "copy.db"
    target = database.connect(copy, other)
    conn.backup(target)  # backup between two encrypted files, each with its own key
    assert target.execute("SELECT count(*) FROM people").fetchone()[0] == 50
    target.close()
    conn.close()
    assert "Ганна".encode() not in copy.read_bytes()


def test_a_plain_file_opens_without_a_key_and_refuses_one(tmp_path: Path) -> None:
    db = tmp_path / "plain.db"
    with sqlite3.connect(db) as conn:  # a file another tool wrote
        _fill(conn)
    conn.close()
    assert database.is_plaintext(db)
    c = database.connect(db)
    assert c.execute("SELECT count(*) FROM people").fetchone()[0] == 50
    with pytest.raises(database.IntegrityError):
        c.execute("INSERT INTO people VALUES ('p1', 'x')")
    c.close()
    with pytest.raises(database.DatabaseError):
        database.connect(db, os.urandom(32))


def test_remembered_keys_open_by_path_and_forget_all_drops_them(tmp_path: Path) -> None:
    key = os.urandom(32)
    db = tmp_path / "x.db"
    conn = database.connect(db, key)
    _fill(conn)
    conn.close()
    database.remember(tmp_path / "." / "x.db", key)
    try:
        database.connect(db).close()
        assert database.side_key(key, "web.db") not in (None, key)
        database.forget_all()
        with pytest.raises(database.DatabaseError):
            database.connect(db)
    finally:
        database.forget_all()


def test_export_encrypted_copies_schema_rows_and_user_version(tmp_path: Path) -> None:
    db = tmp_path / "plain.db"
    conn = database.connect(db)
    _fill(conn)
    conn.execute("PRAGMA user_version = 7")
    key = os.urandom(32)
    database.export_encrypted(conn, tmp_path / "enc.db", key)
    conn.close()
    enc = database.connect(tmp_path / "enc.db", key)
    assert enc.execute("PRAGMA user_version").fetchone()[0] == 7
    assert enc.execute("SELECT count(*) FROM people").fetchone()[0] == 50
    enc.close()
