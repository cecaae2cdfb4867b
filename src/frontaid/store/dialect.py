"""Which SQL dialect a `--db` value (or FRONTAID_DB) means: a path is SQLite, a URL PostgreSQL."""

from __future__ import annotations

from types import ModuleType

from frontaid.store import dialect_pg, dialect_sqlite

PG_SCHEMES = ("postgresql://", "postgres://")


def is_postgres(target: str) -> bool:
    return target.startswith(PG_SCHEMES)


def for_target(target: str) -> ModuleType:
    """dialect_pg for a `postgresql://` URL, dialect_sqlite for anything else (a file path)."""
    return dialect_pg if is_postgres(target) else dialect_sqlite
