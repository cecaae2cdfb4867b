"""Crash safety: `frontaid sync import` killed by SIGKILL at random moments loses and half-applies nothing.

A device makes thousands of ops; the hub imports the bundle in a real process that
is killed after a random delay, over and over. After every kill the hub opens, holds
all of the batch or none of it, its running digest agrees with the log, and its
projections equal a rebuild from the log. A last run completes: nothing was lost.
Two sizes: one the op-by-op path takes, one large enough for the bulk path.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest

from frontaid.store.replica import Change, Replica
from frontaid.sync.apply import BULK_MIN
from frontaid.sync.bundle import export_bundle

KILLS = 14  # per size; two sizes: 28 kills in all


def make_ops(rep: Replica, n: int) -> None:
    """`n` new households, recorded in chunks (the way a long day in the field adds up)."""
    left = n
    while left:
        k = min(left, 2000)
        codes = rep.next_codes(k)
        rep.record([Change("household", c, "create", {"zone": "east", "address": f"Street {i}",
                                                      "status": "active", "size": 1 + i % 5})
                    for i, c in enumerate(codes)], "tester")
        left -= k


def start_import(sk: Any, db: Path, bundle: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "FRONTAID_LANG": "en"}
    return subprocess.Popen([str(sk.FRONTAID), "--db", str(db), "sync", "import", str(bundle)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)


def check_whole(db: Path, before: tuple[int, str], after: tuple[int, str]) -> str:
    """Open after a crash: all or nothing, digests agree, projections equal a rebuild."""
    rep = Replica.open(db)
    try:
        state = (rep.op_count(), rep.digest())
        assert state in (before, after), f"half a batch: {state[0]} ops, {before[0]} before, {after[0]} after"
        assert rep.state_digest() == rep.digest()
        incremental = rep.projection_hash()
        rep.rebuild()
        assert rep.projection_hash() == incremental
        return "after" if state == after else "before"
    finally:
        rep.close()


@pytest.mark.parametrize("n_ops", [4000, BULK_MIN + 500], ids=["op-by-op", "bulk"])
def test_sigkill_during_import_loses_nothing(n_ops: int, sk: Any, tmp_path: Path) -> None:
    dep = sk.Deployment(tmp_path)
    try:
        dev = dep.join("team-east")
        make_ops(dev, n_ops)
        bundle = tmp_path / "BIG.fab"
        assert export_bundle(dev, bundle, dep.hub.vector())["ops"] == n_ops
        source_digest = dev.digest()
    finally:
        dep.close()  # its root is tmp_path: the files stay
    pristine = tmp_path / "hub.db"
    with Replica.open(pristine) as hub:
        before = (hub.op_count(), hub.digest())

    # The whole run once, on a copy, to know how long an import takes and what "after" is.
    work = tmp_path / "work.db"
    shutil.copy(pristine, work)
    t0 = time.monotonic()
    done = start_import(sk, work, bundle)
    assert done.wait(timeout=300) == 0, done.stderr.read() if done.stderr else ""
    full = time.monotonic() - t0
    with Replica.open(work) as rep:
        after = (rep.op_count(), rep.digest())
    assert after[0] == before[0] + n_ops and after[1] == source_digest
    work.unlink()

    # Most of a run is the interpreter starting; aim most kills at the rest, where it writes.
    t0 = time.monotonic()
    sk.cli(pristine, "sync", "vector")
    startup = min(time.monotonic() - t0, full)
    rnd = random.Random(n_ops)
    outcomes = []
    mid_write = 0
    hi = full * 1.05
    shutil.copy(pristine, work)
    for _ in range(KILLS):
        proc = start_import(sk, work, bundle)
        lo = min(startup * 0.8, hi * 0.5)
        time.sleep(rnd.uniform(0, hi) if rnd.random() < 0.25 else rnd.uniform(lo, hi))
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        wal = Path(f"{work}-wal")
        mid_write += wal.exists() and wal.stat().st_size > 0
        outcome = check_whole(work, before, after)
        outcomes.append(outcome)
        if outcome == "after":  # start again from before the batch, so later kills still matter
            hi *= 0.7  # and aim earlier: the machine is faster now than when `full` was timed
            for suffix in ("", "-wal", "-shm"):
                Path(f"{work}{suffix}").unlink(missing_ok=True)
            shutil.copy(pristine, work)
    assert "before" in outcomes  # some kills landed before the commit
    print(f"{n_ops} ops, {KILLS} kills: {outcomes.count('after')} after the commit, "
          f"{mid_write} with a transaction open")

    # A last run over whatever the kills left completes, and no op is lost.
    final = start_import(sk, work, bundle)
    assert final.wait(timeout=300) == 0
    assert check_whole(work, before, after) == "after"
    with Replica.open(work) as rep:
        assert rep.digest() == source_digest
