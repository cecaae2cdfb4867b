"""The web app's pool of replicas: readers never wait for a writer; many writers keep one whole chain."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from frontaid.actions import registry
from frontaid.queries import registry as registry_queries
from frontaid.store.replica import Replica
from frontaid.sync import apply, batch, bundle, devices
from frontaid.web.replicas import ReplicaPool


def test_a_reader_does_not_wait_for_a_write_in_progress(town: Any) -> None:
    pool = ReplicaPool(town.rep.path, size=3)
    writing, read_done = threading.Event(), threading.Event()
    found: list[int] = []

    def writer() -> None:
        with pool.borrow() as rep, rep.transaction():
            registry.add_household(rep, "w", zone="east", address="Myru 30")
            writing.set()
            # The write stays open (BEGIN IMMEDIATE held) until the reader is done.
            assert read_done.wait(30), "the reader waited for the writer"

    def reader() -> None:
        assert writing.wait(30)
        with pool.borrow() as rep:
            found.append(rep.conn.execute("SELECT COUNT(*) FROM households WHERE created = 1").fetchone()[0])
        read_done.set()

    threads = [threading.Thread(target=writer), threading.Thread(target=reader)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert found == [3], "the reader saw the town as it was before the open write"
    with pool.borrow() as rep:
        assert rep.conn.execute("SELECT COUNT(*) FROM households WHERE created = 1").fetchone()[0] == 4
    pool.close()


def test_writers_on_many_connections_keep_one_whole_chain(town: Any, tmp_path: Path) -> None:
    pool = ReplicaPool(town.rep.path, size=4)
    errors: list[BaseException] = []

    def work(n: int) -> None:
        try:
            for i in range(6):
                with pool.borrow() as rep:
                    registry.add_household(rep, f"desk-{n}", zone="east", address=f"Myru {n}-{i}")
                with pool.borrow() as rep:
                    registry_queries.search(rep, "Koval", limit=5)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert not errors, errors
    pool.close()

    rep = Replica.open(town.rep.path)
    try:
        assert rep.conn.execute("SELECT COUNT(*) FROM households WHERE created = 1").fetchone()[0] == 3 + 48
        seqs = [s for (s,) in rep.conn.execute("SELECT seq FROM ops WHERE origin = ? ORDER BY seq",
                                               (rep.origin,))]
        assert seqs == list(range(1, len(seqs) + 1)), "no seq used twice, none skipped"
        assert rep.state_digest() == rep.digest()
        # A new device takes every op: its chain hashes and the head's signature check out.
        code = devices.enroll(rep, "tester", "team-check")
        fresh = devices.join(tmp_path / "check.db", code)
        apply.apply_payload(fresh, batch.make_batch(rep, {}, limit=bundle.NO_LIMIT))
        assert fresh.conn.execute("SELECT COUNT(*) FROM households WHERE created = 1").fetchone()[0] == 51
        fresh.close()
    finally:
        rep.close()


def test_two_desks_handing_out_one_kit_at_once_record_it_once(town: Any) -> None:
    from frontaid.actions import distribution
    from frontaid.errors import AlreadyHandedOut

    pool = ReplicaPool(town.rep.path, size=6)
    start = threading.Barrier(6)
    outcomes: list[str] = []

    def desk(n: int) -> None:
        start.wait(30)
        with pool.borrow() as rep:
            try:
                distribution.hand_out(rep, f"desk-{n}", household=town.anna, item="food-kit", at="point-1",
                                      on="2025-01-08")
                outcomes.append("handed out")
            except AlreadyHandedOut:
                outcomes.append("refused")

    threads = [threading.Thread(target=desk, args=(n,)) for n in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    pool.close()
    assert sorted(outcomes) == ["handed out"] + ["refused"] * 5
    n = town.rep.conn.execute("SELECT COUNT(*) FROM handouts WHERE household = ? AND created = 1",
                              (town.anna,)).fetchone()[0]
    assert n == 1
