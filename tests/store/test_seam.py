"""The store's one public seam: rows, bulk loads, local tables; nothing outside store/ reaches in."""

from __future__ import annotations

import ast
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from frontaid.actions import registry
from frontaid.store import replica as replica_module
from frontaid.store import schema
from frontaid.store.replica import Replica

SRC = Path(__file__).resolve().parents[2] / "src" / "frontaid"


def _private_store_imports(root: Path) -> list[str]:
    found = []
    for path in sorted(root.rglob("*.py")):
        if (SRC / "store") in path.parents:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("frontaid.store"):
                found += [f"{path.relative_to(root.parent)}: {node.module}.{a.name}"
                          for a in node.names if a.name.startswith("_")]
            elif isinstance(node, ast.Import):
                found += [f"{path.relative_to(root.parent)}: {a.name}" for a in node.names
                          if a.name.startswith("frontaid.store.")
                          and a.name.rsplit(".", 1)[1].startswith("_")]
    return found


def test_nothing_outside_store_imports_a_private_name_from_it(tmp_path: Path) -> None:
    assert _private_store_imports(SRC) == []
    # The check sees such an import when there is one.
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "bad.py").write_text("from frontaid.store.projector import _insert_sql\n")
    assert _private_store_imports(tmp_path / "pkg") == ["pkg/bad.py: frontaid.store.projector._insert_sql"]


def test_rows_are_dicts_by_column(town: Any) -> None:
    rows = town.rep.rows("SELECT eid, zone FROM households WHERE zone = ? ORDER BY eid", ("east",))
    assert rows == [{"eid": town.anna, "zone": "east"}]
    assert town.rep.rows("SELECT eid FROM households WHERE zone = 'nowhere'") == []


def test_the_dedup_queue_is_created_on_open_and_kept_through_a_refold(rep: Replica) -> None:
    cols = [r[1] for r in rep.conn.execute("PRAGMA table_info(dedup_queue)")]
    assert cols == ["a", "b", "score", "band", "fields", "found_at"]
    rep.conn.execute("INSERT INTO dedup_queue VALUES ('A', 'B', 13.0, 'review', '{}', 'now')")
    before = rep.projection_hash()
    rep.rebuild()
    assert rep.conn.execute("SELECT COUNT(*) FROM dedup_queue").fetchone()[0] == 1
    assert rep.projection_hash() == before  # local data: outside the state hash
    assert "dedup_queue" not in schema.projection_tables()


def _indexes(rep: Replica) -> set[str]:
    return {n for (n,) in rep.conn.execute("SELECT name FROM sqlite_master WHERE type = 'index' "
                                           "AND sql IS NOT NULL")}


def test_bulk_load_defers_indexes_and_ends_durable(make_replica: Callable[..., Replica]) -> None:
    rep = make_replica()
    registry.add_zone(rep, "t", "east", "Схід", "East")
    all_indexes = _indexes(rep)
    assert set(replica_module.BULK_DEFERRED) <= all_indexes
    with rep.bulk_load():
        assert rep.conn.execute("PRAGMA journal_mode").fetchone()[0] == "off"
        assert not _indexes(rep) & set(replica_module.BULK_DEFERRED)
        hh = registry.add_household(rep, "t", zone="east", address="Myru 1")
        pid = registry.add_person(rep, "t", household=hh, name="Ігор Коваленко", born=1941)
        assert rep.conn.execute("SELECT COUNT(*) FROM name_keys").fetchone()[0] == 0  # deferred
    assert _indexes(rep) == all_indexes
    assert rep.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert rep.conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    assert {e for (e,) in rep.conn.execute("SELECT eid FROM name_keys")} == {pid}
    before = rep.projection_hash()
    rep.rebuild()
    assert rep.projection_hash() == before


def test_a_failed_bulk_load_does_not_pretend_to_be_durable(make_replica: Callable[..., Replica]) -> None:
    rep = make_replica()
    with pytest.raises(RuntimeError), rep.bulk_load():
        raise RuntimeError("the build failed")
    # The caller throws the file away; the indexes were not rebuilt behind its back.
    assert not _indexes(rep) & set(replica_module.BULK_DEFERRED)
    assert rep.conn.execute("SELECT count(*) FROM ops").fetchone() is not None  # still open, still readable
