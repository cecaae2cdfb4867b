"""The throwaway PostgreSQL cluster the PostgreSQL store tests will run on (issue 16, first step).

One initdb per session, one database per test copied from a template, a socket in a temp dir,
run as `nobody` when the suite runs as root (CI does): these tests prove that machinery works.
"""

from __future__ import annotations

import os
from typing import Any

import psycopg

NOBODY = 65534  # conftest.NOBODY: test modules cannot import the root conftest by name (tests/*/conftest.py)


def test_each_test_gets_its_own_empty_database(pg_url: str) -> None:
    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute("CREATE TABLE op (seq bigint PRIMARY KEY, body bytea NOT NULL)")
        conn.execute("INSERT INTO op VALUES (1, '\\x00'::bytea) ON CONFLICT (seq) DO NOTHING")
        row = conn.execute("SELECT count(*), current_database() FROM op").fetchone()
    assert row is not None
    assert row[0] == 1
    assert row[1].startswith("t_")


def test_a_second_test_does_not_see_the_first_ones_tables(pg_url: str) -> None:
    with psycopg.connect(pg_url) as conn:
        found = conn.execute("SELECT to_regclass('op')").fetchone()
    assert found == (None,)


def test_the_server_runs_as_nobody_under_root_and_on_a_socket_only(pg_cluster: Any) -> None:
    with psycopg.connect(pg_cluster.url("postgres")) as conn:
        listen = conn.execute("SHOW listen_addresses").fetchone()
        version = conn.execute("SHOW server_version_num").fetchone()
    assert listen == ("",)
    assert version is not None and int(version[0]) >= 150000
    owner = (pg_cluster.sockdir / "data").stat().st_uid
    assert owner == (NOBODY if os.geteuid() == 0 else os.geteuid())
