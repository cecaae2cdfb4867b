"""SQLite's SQL, the reference dialect: the schema is written in it, so its DDL passes through.

Every statement that differs between the backends is built here and in dialect_pg.py, behind
the same names (issue 16); callers pick a module with `store.dialect.for_target`, never with
`if backend == …`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, Final

NAME: Final = "sqlite"
PARAM: Final = "?"


def ddl(stmt: str) -> str:
    """A CREATE statement as this backend runs it (the schema is written in SQLite's SQL)."""
    return stmt


def replace_into(table: str, cols: Sequence[str], key: Sequence[str]) -> str:
    """Insert a row, replacing the one with the same key (`key` is unused: SQLite knows its own)."""
    del key
    marks = ", ".join(PARAM for _ in cols)
    return f'INSERT OR REPLACE INTO "{table}" ({", ".join(cols)}) VALUES ({marks})'


def insert_ignore(table: str, cols: Sequence[str]) -> str:
    """Insert a row unless one with the same key is already there."""
    marks = ", ".join(PARAM for _ in cols)
    return f'INSERT OR IGNORE INTO "{table}" ({", ".join(cols)}) VALUES ({marks})'


def bulk_insert(conn: Any, table: str, cols: Sequence[str], rows: Iterable[Sequence[object]]) -> None:
    """Write many rows in the caller's transaction: one prepared INSERT, executed per row."""
    marks = ", ".join(PARAM for _ in cols)
    conn.executemany(f'INSERT INTO "{table}" ({", ".join(cols)}) VALUES ({marks})', rows)


def lock_household(conn: Any, household: str) -> None:
    """Nothing to do: a write transaction (`BEGIN IMMEDIATE`) already holds the file's one writer lock."""
    del conn, household
