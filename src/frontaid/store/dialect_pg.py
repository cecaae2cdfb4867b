"""PostgreSQL's SQL (psycopg 3) for the regional hub: the same names as dialect_sqlite.py.

The schema is written once, in SQLite's SQL; `ddl` rewrites what PostgreSQL spells otherwise:
no `WITHOUT ROWID` (every table is a heap with its primary key's B-tree), `BLOB` is `bytea`,
`INTEGER` is 64-bit `bigint` (SQLite's integers are 64-bit: hybrid clocks do not fit in 32),
and `meta`'s untyped value column gets a type (bytea: settings are stored as bytes here).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any, Final

NAME: Final = "postgresql"
PARAM: Final = "%s"

_REWRITES: Final[tuple[tuple[re.Pattern[str], str], ...]] = (
    (re.compile(r"\)\s*WITHOUT ROWID", re.IGNORECASE), ")"),
    (re.compile(r"\bBLOB\b"), "BYTEA"),
    (re.compile(r"\bINTEGER\b"), "BIGINT"),
    (re.compile(r"\(key TEXT PRIMARY KEY, value\)"), "(key TEXT PRIMARY KEY, value BYTEA)"),
)


_QUOTED_COLUMN: Final = re.compile(r"'(\w+)'")


def ddl(stmt: str) -> str:
    """A CREATE statement written in SQLite's SQL, as PostgreSQL runs it."""
    if stmt.lstrip().upper().startswith("CREATE INDEX"):
        # schema.entity_ddl names index columns as 'name' (SQLite reads a string there as a column).
        stmt = _QUOTED_COLUMN.sub(r'"\1"', stmt)
    for pattern, repl in _REWRITES:
        stmt = pattern.sub(repl, stmt)
    return stmt


def replace_into(table: str, cols: Sequence[str], key: Sequence[str]) -> str:
    """Insert a row, replacing the one with the same key: `ON CONFLICT … DO UPDATE`."""
    marks = ", ".join(PARAM for _ in cols)
    rest = [c for c in cols if c not in key]
    action = ("DO UPDATE SET " + ", ".join(f"{c} = EXCLUDED.{c}" for c in rest)) if rest else "DO NOTHING"
    return (f'INSERT INTO "{table}" ({", ".join(cols)}) VALUES ({marks}) '
            f'ON CONFLICT ({", ".join(key)}) {action}')


def insert_ignore(table: str, cols: Sequence[str]) -> str:
    """Insert a row unless one with the same key is already there."""
    marks = ", ".join(PARAM for _ in cols)
    return f'INSERT INTO "{table}" ({", ".join(cols)}) VALUES ({marks}) ON CONFLICT DO NOTHING'


def bulk_insert(conn: Any, table: str, cols: Sequence[str], rows: Iterable[Sequence[object]]) -> None:
    """Write many rows in the caller's transaction through COPY: all of them commit, or none."""
    with conn.cursor() as cur, cur.copy(f'COPY "{table}" ({", ".join(cols)}) FROM STDIN') as copy:
        for row in rows:
            copy.write_row(row)


def lock_household(conn: Any, household: str) -> None:
    """Hold a lock on one household until the transaction ends: the entitlement check and the
    hand-out that follows run alone for it, whichever worker serves the desk (an advisory lock,
    so a household with no row yet is locked too)."""
    conn.execute("SELECT pg_advisory_xact_lock(hashtextextended(%s, 16))", (household,))
