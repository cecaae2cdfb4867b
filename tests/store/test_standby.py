"""A regional hub's PostgreSQL with a streaming-replication standby, and failover (issue 16).

Two real clusters on loopback ports, the standby made by pg_basebackup -R, exactly as
docs/operations.md tells an operator to do it. The hub's own tables are written on the primary;
the standby holds them, refuses writes while it is a standby, and takes writes once promoted
after the primary is gone.
"""

from __future__ import annotations

from collections.abc import Iterator

import psycopg
import pytest
from tests.pgtools import Cluster, primary, standby_of, wait_replayed

DIGEST = "SELECT md5(string_agg(encode(body, 'hex'), '' ORDER BY seq)) FROM op"


@pytest.fixture(scope="module")
def pair() -> Iterator[tuple[Cluster, Cluster]]:
    first = primary()
    with psycopg.connect(first.url(), autocommit=True) as conn:
        conn.execute("CREATE DATABASE hub")
    with psycopg.connect(first.url("hub"), autocommit=True) as conn:
        conn.execute("CREATE TABLE op (seq bigint PRIMARY KEY, body bytea NOT NULL)")
        conn.execute("INSERT INTO op SELECT g, sha256(g::text::bytea) FROM generate_series(1, 1000) g")
    second = standby_of(first)
    try:
        yield first, second
    finally:
        second.remove()
        first.remove()


def _count(cluster: Cluster) -> int:
    with psycopg.connect(cluster.url("hub"), autocommit=True) as conn:
        row = conn.execute("SELECT count(*) FROM op").fetchone()
    assert row is not None
    return int(row[0])


def test_the_standby_follows_the_hub_and_refuses_writes(pair: tuple[Cluster, Cluster]) -> None:
    first, second = pair
    assert second.in_recovery()
    with psycopg.connect(first.url("hub"), autocommit=True) as conn:
        conn.execute("INSERT INTO op SELECT g, sha256(g::text::bytea) FROM generate_series(1001, 1500) g")
    wait_replayed(first, second)
    assert _count(second) == _count(first) == 1500
    with psycopg.connect(second.url("hub"), autocommit=True) as conn, \
            pytest.raises(psycopg.errors.ReadOnlySqlTransaction):
        conn.execute("INSERT INTO op VALUES (9999, '\\x00'::bytea)")


def test_promoted_after_the_hub_is_lost_it_holds_every_committed_op_and_takes_writes(
        pair: tuple[Cluster, Cluster]) -> None:
    first, second = pair
    with psycopg.connect(first.url("hub"), autocommit=True) as conn:
        conn.execute("INSERT INTO op SELECT g, sha256(g::text::bytea) FROM generate_series(1501, 2000) g")
        digest = conn.execute(DIGEST).fetchone()
    wait_replayed(first, second)
    first.stop("immediate")  # the hub's machine is lost: no clean shutdown
    second.promote()
    assert not second.in_recovery()
    with psycopg.connect(second.url("hub"), autocommit=True) as conn:
        again = conn.execute(DIGEST).fetchone()
        assert again == digest
        conn.execute("INSERT INTO op VALUES (2001, '\\x01'::bytea)")
    assert _count(second) == 2001
