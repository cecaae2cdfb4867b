"""The replica file: create, open, refold on open, atomic transactions, digests, ingest."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from frontaid.actions import registry
from frontaid.errors import AlreadyInitialised, NoReplica
from frontaid.oplog.op import GENESIS
from frontaid.store import database, schema
from frontaid.store.replica import Change, Replica

MakeReplica = Callable[..., Replica]
EPOCH = date(2025, 1, 6)  # as in conftest.py


def test_open_of_a_missing_file_raises_no_replica(tmp_path: Path) -> None:
    with pytest.raises(NoReplica):
        Replica.open(tmp_path / "nothing.db")
    assert not (tmp_path / "nothing.db").exists()


def test_open_of_an_empty_file_raises_no_replica(tmp_path: Path) -> None:
    p = tmp_path / "empty.db"
    p.touch()
    with pytest.raises(NoReplica):
        Replica.open(p)


def test_open_of_a_file_that_is_not_sqlite_raises_no_replica(tmp_path: Path) -> None:
    p = tmp_path / "notes.db"
    p.write_bytes(b"this is a shopping list, not a database\n" * 200)
    with pytest.raises(NoReplica):
        Replica.open(p)


def test_open_of_another_sqlite_database_raises_and_leaves_it_alone(tmp_path: Path) -> None:
    p = tmp_path / "other.db"
    conn = sqlite3.connect(p)
    conn.execute("CREATE TABLE contacts (name TEXT)")
    conn.commit()
    conn.close()
    with pytest.raises(NoReplica):
        Replica.open(p)
    conn = sqlite3.connect(p)
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    conn.close()
    assert tables == {"contacts"}


def test_create_on_an_existing_replica_raises(tmp_path: Path) -> None:
    p = tmp_path / "hub.db"
    Replica.create(p, "T").close()
    content = p.read_bytes()
    with pytest.raises(AlreadyInitialised):
        Replica.create(p, "T")
    assert p.read_bytes() == content
    with Replica.open(p) as rep:
        assert rep.op_count() == 1


def test_create_records_the_device_and_its_settings(make_replica: MakeReplica) -> None:
    rep = make_replica(prefix="KMT", device_name="desk-1")
    assert rep.prefix == "KMT" and rep.town == "Testtown" and rep.epoch == EPOCH
    assert len(rep.origin) == 16
    [op] = rep.ops_after({})
    assert (op.entity, op.eid, op.verb, op.seq, op.prev) == ("device", rep.origin, "create", 1, GENESIS)
    row = rep.conn.execute("SELECT name, prefix, public FROM devices WHERE eid = ?", (rep.origin,)).fetchone()
    assert row[0] == "desk-1" and row[1] == "KMT" and len(bytes.fromhex(row[2])) == 32
    assert rep.vector() == {rep.origin: 1}


def test_two_replicas_get_different_origins(make_replica: MakeReplica) -> None:
    assert make_replica("a").origin != make_replica("b").origin


def test_reopening_keeps_everything(tmp_path: Path, town_on: Any) -> None:
    p = tmp_path / "hub.db"
    rep = Replica.create(p, "T", epoch=EPOCH)
    town_on(rep)
    before = (rep.op_count(), rep.digest(), rep.state_digest(), rep.projection_hash(), rep.vector(),
              rep.origin, rep.prefix, rep.meta("counter"), rep.clock.last)
    last_op = rep.ops_after({})[-1]
    rep.close()
    with Replica.open(p) as again:
        after = (again.op_count(), again.digest(), again.state_digest(), again.projection_hash(),
                 again.vector(), again.origin, again.prefix, again.meta("counter"), again.clock.last)
        assert after == before
        # New ops continue the chain and the counters.
        code = registry.add_household(again, "t", zone="east", address="New St 1")
        assert int(str(code).split("-")[1]) == int(before[7]) + 1
        [op] = again.ops_after({again.origin: last_op.seq})
        assert op.seq == last_op.seq + 1 and op.prev == last_op.hash()
        assert op.hlc > last_op.hlc


def test_a_projection_fingerprint_change_refolds_on_open(tmp_path: Path, town_on: Any) -> None:
    p = tmp_path / "hub.db"
    rep = Replica.create(p, "T", epoch=EPOCH)
    town = town_on(rep)
    expected = rep.projection_hash()
    # Scribble over a projection, then pretend the fold changed since it was written.
    rep.conn.execute("UPDATE households SET address = 'wrong' WHERE eid = ?", (town.anna,))
    rep.conn.execute("DELETE FROM people")
    rep.set_meta("projections", "an-older-fold")
    assert rep.projection_hash() != expected
    rep.close()
    with Replica.open(p) as again:
        assert again.meta("projections") == schema.projection_fingerprint()
        assert again.projection_hash() == expected


def test_an_unchanged_fingerprint_does_not_refold(tmp_path: Path, town_on: Any) -> None:
    p = tmp_path / "hub.db"
    rep = Replica.create(p, "T", epoch=EPOCH)
    town = town_on(rep)
    rep.conn.execute("UPDATE households SET address = 'scribbled' WHERE eid = ?", (town.anna,))
    rep.close()
    with Replica.open(p) as again:
        # Proof that open does not refold needlessly (it would cost minutes on a big hub).
        assert again.conn.execute("SELECT address FROM households WHERE eid = ?",
                                  (town.anna,)).fetchone()[0] == "scribbled"


def test_an_exception_inside_a_transaction_changes_nothing(make_replica: MakeReplica, town_on: Any) -> None:
    rep = make_replica()
    town_on(rep)
    before = (rep.op_count(), rep.digest(), rep.state_digest(), rep.projection_hash(), rep.vector(),
              rep.meta("head"), rep.meta("seq"), rep.meta("counter"))
    with pytest.raises(RuntimeError, match="power cut"), rep.transaction():
        registry.add_zone(rep, "t", "north", "Північ", "North")
        rep.next_codes(3)
        rep.record([Change("zone", "south", "create", {"name": "Південь"})], "t")
        assert rep.op_count() == before[0] + 2  # visible inside the transaction
        raise RuntimeError("power cut")
    after = (rep.op_count(), rep.digest(), rep.state_digest(), rep.projection_hash(), rep.vector(),
             rep.meta("head"), rep.meta("seq"), rep.meta("counter"))
    assert after == before
    # And the replica still works: the next op continues the committed chain.
    registry.add_zone(rep, "t", "north", "Північ", "North")
    assert rep.op_count() == before[0] + 1
    assert rep.state_digest() == rep.digest()


def test_a_failing_change_inside_record_rolls_back_the_whole_batch(make_replica: MakeReplica) -> None:
    rep = make_replica()
    before = (rep.op_count(), rep.digest(), rep.projection_hash())
    with pytest.raises(database.OperationalError):
        rep.record([Change("zone", "north", "create", {"name": "Північ"}),
                    Change("zone", "north", "set", {"f": "no_such_column", "v": 1})], "t")
    assert (rep.op_count(), rep.digest(), rep.projection_hash()) == before


def test_nested_transactions_join_the_outer_one(make_replica: MakeReplica) -> None:
    rep = make_replica()
    with rep.transaction():
        registry.add_zone(rep, "t", "north", "Північ", "North")
        with rep.transaction():
            registry.add_zone(rep, "t", "south", "Південь", "South")
    assert rep.op_count() == 3
    ops = rep.ops_after({})
    assert [o.seq for o in ops] == [1, 2, 3]
    assert ops[2].prev == ops[1].hash()


def test_state_digest_tracks_digest_after_record_and_ingest(make_replica: MakeReplica, town_on: Any) -> None:
    a, b = make_replica("a"), make_replica("b")
    assert a.state_digest() == a.digest()
    town_on(a)
    assert a.state_digest() == a.digest()
    assert b.ingest(a.ops_after(b.vector())) == a.op_count()
    assert b.state_digest() == b.digest()
    registry.add_zone(b, "t", "north", "Північ", "North")
    assert b.state_digest() == b.digest()
    a.ingest(b.ops_after(a.vector()))
    assert a.digest() == b.digest()
    assert a.state_digest() == a.digest() == b.state_digest()


def test_ingest_is_idempotent(make_replica: MakeReplica, town_on: Any) -> None:
    a, b = make_replica("a"), make_replica("b")
    town_on(a)
    ops = a.ops_after({})
    assert b.ingest(ops) == len(ops)
    before = (b.op_count(), b.digest(), b.projection_hash(), b.vector())
    assert b.ingest(ops) == 0
    assert b.ingest(ops + ops[::-1]) == 0
    assert (b.op_count(), b.digest(), b.projection_hash(), b.vector()) == before


def test_ingest_of_own_ops_is_a_no_op(make_replica: MakeReplica, town_on: Any) -> None:
    a = make_replica()
    town_on(a)
    before = (a.op_count(), a.digest(), a.projection_hash())
    assert a.ingest(a.ops_after({})) == 0
    assert (a.op_count(), a.digest(), a.projection_hash()) == before


def test_ingest_keeps_the_foreign_hash_chain(make_replica: MakeReplica, town_on: Any) -> None:
    a, b, c = make_replica("a"), make_replica("b"), make_replica("c")
    town_on(a)
    b.ingest(a.ops_after({}))
    # Relayed through b, a's ops are the same ops: same hashes, same chain.
    relayed = [o for o in b.ops_after({}) if o.origin == a.origin]
    assert [o.hash() for o in relayed] == [o.hash() for o in a.ops_after({})]
    c.ingest(b.ops_after({}))
    assert c.vector() == {a.origin: a.op_count(), b.origin: 1, c.origin: 1}


def test_ops_after_sends_only_what_the_other_lacks(make_replica: MakeReplica) -> None:
    a = make_replica()
    registry.add_zone(a, "t", "north", "Північ", "North")
    registry.add_zone(a, "t", "south", "Південь", "South")
    assert [o.seq for o in a.ops_after({a.origin: 1})] == [2, 3]
    assert a.ops_after({a.origin: 3}) == []
    assert [o.seq for o in a.ops_after({}, limit=2)] == [1, 2]
    assert a.ops_after({a.origin: 1})[0].prev == a.ops_after({})[0].hash()


def test_vector_stops_at_a_gap(make_replica: MakeReplica) -> None:
    a, b = make_replica("a"), make_replica("b")
    for z in ("n", "s", "e"):
        registry.add_zone(a, "t", z, z, z)
    ops = a.ops_after({})  # seqs 1..4
    b.ingest([ops[0], ops[2], ops[3]])
    assert b.vector()[a.origin] == 1
    b.ingest([ops[1]])
    assert b.vector()[a.origin] == 4


def test_ops_after_never_relays_an_op_it_cannot_chain(make_replica: MakeReplica) -> None:
    a, b = make_replica("a"), make_replica("b")
    for z in ("n", "s"):
        registry.add_zone(a, "t", z, z, z)
    ops = a.ops_after({})  # seqs 1..3
    b.ingest([ops[0], ops[2]])
    stored = dict(b.conn.execute("SELECT seq, hash FROM ops WHERE origin = ?", (a.origin,)).fetchall())
    for op in b.ops_after({}):
        if op.origin == a.origin:
            assert op.hash() == stored[op.seq]

