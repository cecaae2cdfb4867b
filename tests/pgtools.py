"""Throwaway PostgreSQL clusters for tests: Debian's server binaries, a temp dir, a non-root user.

The session fixture in conftest.py keeps one cluster on a unix socket for the store tests; the
standby tests need two clusters that talk to each other over loopback TCP (streaming replication
is a TCP connection from the standby to the primary), so they start their own with these helpers.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import psycopg

PG_BIN = Path(os.environ.get("FRONTAID_PG_BIN", "/usr/lib/postgresql/15/bin"))
NOBODY = 65534  # the server refuses to run as root: under root (CI) the cluster runs as nobody
USER = "frontaid"


def as_cluster_user(cmd: list[str]) -> list[str]:
    if os.geteuid() != 0:
        return cmd
    return ["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups", *cmd]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _run(cmd: list[str], cwd: Path) -> None:
    done = subprocess.run(as_cluster_user(cmd), cwd=cwd, capture_output=True, text=True, timeout=120)
    if done.returncode:
        raise RuntimeError(f"{Path(cmd[0]).name} failed ({done.returncode}): {done.stderr.strip()[-600:]}")


@dataclass
class Cluster:
    """One running cluster: data dir, loopback port, socket dir; `url(db)` connects over TCP."""

    top: Path
    port: int

    @property
    def data(self) -> Path:
        return self.top / "data"

    def url(self, dbname: str = "postgres") -> str:
        return f"postgresql://{USER}@127.0.0.1:{self.port}/{dbname}"

    def start(self) -> None:
        opts = (f"-p {self.port} -k {self.top} -c listen_addresses=127.0.0.1 -c fsync=off "
                "-c full_page_writes=on -c wal_level=replica -c max_wal_senders=4 -c hot_standby=on")
        _run([str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-l", str(self.top / "log"), "-o", opts,
              "-w", "-t", "60", "start"], self.top)

    def stop(self, mode: str = "fast") -> None:
        subprocess.run(as_cluster_user([str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-m", mode, "stop"]),
                       cwd=self.top, capture_output=True, timeout=60)

    def promote(self) -> None:
        _run([str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-w", "-t", "60", "promote"], self.top)

    def in_recovery(self) -> bool:
        with psycopg.connect(self.url(), autocommit=True) as conn:
            row = conn.execute("SELECT pg_is_in_recovery()").fetchone()
        return bool(row and row[0])

    def remove(self) -> None:
        self.stop("immediate")
        shutil.rmtree(self.top, ignore_errors=True)


def _new_top(prefix: str) -> Path:
    top = Path(tempfile.mkdtemp(prefix=prefix))
    if os.geteuid() == 0:
        os.chown(top, NOBODY, NOBODY)
    return top


def primary() -> Cluster:
    """initdb + start a cluster that accepts replication connections from loopback (trust)."""
    top = _new_top("frontaid-pg-primary-")
    _run([str(PG_BIN / "initdb"), "-D", str(top / "data"), "-A", "trust", "-U", USER, "-E", "UTF8",
          "--no-locale", "--no-sync"], top)
    cluster = Cluster(top, free_port())
    cluster.start()
    return cluster


def standby_of(source: Cluster) -> Cluster:
    """A streaming-replication standby: pg_basebackup -R from `source`, started on its own port."""
    top = _new_top("frontaid-pg-standby-")
    _run([str(PG_BIN / "pg_basebackup"), "-h", "127.0.0.1", "-p", str(source.port), "-U", USER,
          "-D", str(top / "data"), "-R", "-X", "stream", "--no-sync", "-c", "fast"], top)
    cluster = Cluster(top, free_port())
    cluster.start()
    return cluster


def wait_replayed(source: Cluster, standby: Cluster, timeout: float = 30.0) -> None:
    """Block until the standby has replayed everything the source had written when called."""
    with psycopg.connect(source.url(), autocommit=True) as conn:
        row = conn.execute("SELECT pg_current_wal_lsn()::text").fetchone()
    assert row is not None
    target = row[0]
    deadline = time.monotonic() + timeout
    with psycopg.connect(standby.url(), autocommit=True) as conn:
        while True:
            got = conn.execute("SELECT pg_wal_lsn_diff(pg_last_wal_replay_lsn(), %s::pg_lsn) >= 0",
                               (target,)).fetchone()
            if got and got[0]:
                return
            if time.monotonic() > deadline:
                raise TimeoutError(f"standby did not replay up to {target} in {timeout:.0f} s")
            time.sleep(0.05)
