"""Replicas that sync by any path, in any order, end the same: the issue's first proof.

A hypothesis state machine drives one deployment: a hub made with `Replica.create`
and 2-5 devices joined with one-time codes. Rules make random edits through the
actions on random replicas (households, critical fields, hand-outs of the same
entitlement round on devices that have not synced, stock moves and counts that
drive stock below zero, requests moved on two devices, merges, unmerges, retracts,
flag resolutions), and move ops around by every path sync offers:

- bundle files: exported since some vector (everything, the receiver's current
  vector, or an older one), kept in a pool, and imported into random replicas in
  random order: duplicated, dropped, reordered, replayed, and carried to replicas
  they were not made for (refused whole when the receiver does not know a device
  in it yet: then nothing may change);
- HTTP: a device syncs with the hub through `SyncClient` against a real uvicorn
  server on 127.0.0.1 serving `create_app(hub.db)`.

At the end everyone syncs with the hub twice by bundle, and then every replica must
hold the same ops (`digest()`), fold them to the same projections
(`projection_hash()`, equal to a rebuild), and show the same flags.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import os
import random
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, event, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    precondition,
    rule,
    run_state_machine_as_test,
)

from frontaid.actions import corrections, distribution, registry, requests, stock
from frontaid.actions import flags as flag_actions
from frontaid.errors import FrontaidError, IntegrityError
from frontaid.queries.flags import list_flags
from frontaid.store.replica import Replica
from frontaid.sync.bundle import export_bundle, import_bundle
from frontaid.sync.http import SyncClient
from frontaid.web.app import create_app


def _helpers() -> Any:
    """tests/sync/conftest.py as a module of its own name (a state machine takes no fixtures)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("sync_conftest", Path(__file__).with_name("conftest.py"))
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("sync_conftest", module)
    spec.loader.exec_module(module)
    return sys.modules["sync_conftest"]


sk = _helpers()

A = "user"
_SERVER: list[Any] = []


def server() -> Any:
    """One uvicorn thread for the whole module; each example points it at its own hub."""
    if not _SERVER:
        _SERVER.append(sk.ThreadServer())
    return _SERVER[0]


def live(rep: Replica, table: str) -> list[str]:
    return [e for (e,) in rep.conn.execute(
        f"SELECT eid FROM {table} WHERE created = 1 AND merged_into IS NULL ORDER BY eid")]


idx = st.integers(0, 63)


def as_user(fn: Callable[..., None]) -> Callable[..., None]:
    """An edit the action layer refuses (an unknown zone after a retract, a second hand-out
    this device knows of, a move the workflow forbids) is a no-op, as it is for a user."""
    @functools.wraps(fn)
    def edit(*args: Any, **kw: Any) -> None:
        with contextlib.suppress(FrontaidError):
            fn(*args, **kw)
    return edit


class SyncMachine(RuleBasedStateMachine):
    dep: Any

    def __init__(self) -> None:
        super().__init__()
        self.pool: list[Path] = []
        self.app_set = False
        self.voided: set[str] = set()
        self.refusals = 0

    @initialize(n=st.integers(2, 5), seed=st.integers(0, 2**32))
    def setup(self, n: int, seed: int) -> None:
        self.dep = sk.Deployment()
        for i in range(n):
            self.dep.join(f"dev{i}")
        self.rnd = random.Random(seed)

    def rep(self, i: int) -> Replica:
        reps = self.dep.everyone
        return reps[i % len(reps)]

    # -- edits ----------------------------------------------------------------------------

    @rule(r=idx, x=idx)
    @as_user
    def add_household(self, r: int, x: int) -> None:
        registry.add_household(self.rep(r), A, zone=["east", "west"][x % 2], address=f"Street {x}",
                               size=1 + x % 4)

    @rule(r=idx, x=idx, y=idx)
    @as_user
    def set_critical(self, r: int, x: int, y: int) -> None:
        rep = self.rep(r)
        hhs = live(rep, "households")
        if hhs:
            field, value = [("size", 1 + y % 6), ("status", ["active", "left"][y % 2])][x % 2]
            registry.set_household(rep, A, hhs[x % len(hhs)], field, value)

    @rule(r=idx, x=idx, y=idx)
    @as_user
    def hand_out(self, r: int, x: int, y: int) -> None:
        """No override: a device refuses its own second hand-out, but not one it has not seen."""
        rep = self.rep(r)
        hhs = live(rep, "households")
        if hhs:
            distribution.hand_out(rep, A, household=hhs[x % len(hhs)], item="food-kit",
                                  qty=1 + y % 3, at="point-1", on=f"2025-01-{6 + y % 3:02d}")

    @rule(r=idx, y=idx)
    @as_user
    def stock_move(self, r: int, y: int) -> None:
        stock.move(self.rep(r), A, item="food-kit", source="wh-1", target="point-1", qty=1 + y % 7,
                   on="2025-01-07")

    @rule(r=idx, y=idx)
    @as_user
    def stock_count(self, r: int, y: int) -> None:
        stock.count(self.rep(r), A, item="food-kit", location=["wh-1", "point-1"][y % 2], qty=y % 5,
                    on="2025-01-07")

    @rule(r=idx, x=idx)
    @as_user
    def open_request(self, r: int, x: int) -> None:
        rep = self.rep(r)
        hhs = live(rep, "households")
        if hhs:
            requests.open_request(rep, A, need=["food", "water"][x % 2], household=hhs[x % len(hhs)],
                                  at="2025-01-07 10:00")

    @rule(r=idx, x=idx, y=idx)
    @as_user
    def move_request(self, r: int, x: int, y: int) -> None:
        rep = self.rep(r)
        reqs = [e for (e,) in rep.conn.execute("SELECT eid FROM requests WHERE created = 1 ORDER BY eid")]
        if reqs:
            code = reqs[x % len(reqs)]
            move = [lambda: requests.assign(rep, A, code, "team-1"), lambda: requests.start(rep, A, code),
                    lambda: requests.done(rep, A, code, at="2025-01-07 12:00"),
                    lambda: requests.cancel(rep, A, code), lambda: requests.reopen(rep, A, code)][y % 5]
            move()

    @rule(r=idx, x=idx, y=idx)
    @as_user
    def merge(self, r: int, x: int, y: int) -> None:
        rep = self.rep(r)
        hhs = live(rep, "households")
        if len(hhs) > 1:
            a, b = hhs[x % len(hhs)], hhs[(x + 1 + y % (len(hhs) - 1)) % len(hhs)]
            registry.merge(rep, A, "household", a, b)

    @rule(r=idx, x=idx)
    @as_user
    def unmerge(self, r: int, x: int) -> None:
        rep = self.rep(r)
        merged = [e for (e,) in rep.conn.execute(
            "SELECT eid FROM households WHERE merged_into IS NOT NULL ORDER BY eid")]
        if merged:
            registry.unmerge(rep, A, "household", merged[x % len(merged)])

    @rule(r=idx, x=idx)
    @as_user
    def retract(self, r: int, x: int) -> None:
        rep = self.rep(r)
        ops = [o for o in rep.ops("verb != 'retract' AND entity NOT IN ('device', 'enrollment', 'flag')",
                                  order="origin, seq") if o.id not in self.voided]
        if ops:
            target = ops[x % len(ops)].id
            corrections.retract(rep, A, target)
            self.voided.add(target)

    @rule(r=idx, x=idx)
    @as_user
    def resolve_flag(self, r: int, x: int) -> None:
        rep = self.rep(r)
        open_flags = list_flags(rep)
        if open_flags:
            flag = open_flags[x % len(open_flags)]
            keep = {"double-handout": "both", "conflict": sorted(flag["detail"].get("ops", {"ok": 0}))[0]
                    }.get(flag["kind"], "ok")
            flag_actions.resolve(rep, A, flag["id"], keep=keep, note="checked")

    # -- moving ops -----------------------------------------------------------------------

    @rule(src=idx, dst=idx, how=st.integers(0, 2))
    def export(self, src: int, dst: int, how: int) -> None:
        """A bundle into the pool: everything, what `dst` lacks now, or beyond half of that."""
        a, b = self.rep(src), self.rep(dst)
        since = [{}, b.vector(), {k: v // 2 for k, v in b.vector().items()}][how]
        path = self.dep.bundle_path()
        export_bundle(a, path, since)
        self.pool.append(path)

    @precondition(lambda self: bool(self.pool))
    @rule(pick=idx, dst=idx)
    def import_from_pool(self, pick: int, dst: int) -> None:
        """Any bundle of the pool, old or new, again or for the first time, into any replica."""
        rep = self.rep(dst)
        path = self.pool[pick % len(self.pool)]
        before = sk.snap(rep)
        try:
            import_bundle(rep, path)
        except IntegrityError as exc:
            # The only acceptable refusal of an honest bundle: it names a device this replica
            # has not heard of yet (its enrolment is in ops the receiver lacks).
            assert "does not know" in exc.reason, exc.text("en")
            assert sk.snap(rep) == before
            self.refusals += 1

    @rule(src=idx, dst=idx)
    def ship(self, src: int, dst: int) -> None:
        a, b = self.rep(src), self.rep(dst)
        path = self.dep.export(a, b.vector())
        self.pool.append(path)
        try:
            import_bundle(b, path)
        except IntegrityError as exc:
            assert "does not know" in exc.reason, exc.text("en")

    @rule(d=idx, limit=st.sampled_from([100, 5000]))
    def http_sync(self, d: int, limit: int) -> None:
        """A device syncs with the hub over real HTTP (uvicorn on loopback)."""
        srv = server()
        if not self.app_set:
            srv.serve(create_app(self.dep.hub.path))
            self.app_set = True
        device = self.dep.devices[d % len(self.dep.devices)]
        client = SyncClient(device, srv.url, limit=limit)
        try:
            client.sync()
        finally:
            client.close()

    # -- the end --------------------------------------------------------------------------

    def teardown(self) -> None:
        if not hasattr(self, "dep"):
            return
        try:
            # Leftover bundles land too, in random order, before the final full sync.
            rest = list(self.pool)
            self.rnd.shuffle(rest)
            for path in rest[:3]:
                try:
                    import_bundle(self.rep(self.rnd.randrange(64)), path)
                except IntegrityError as exc:
                    assert "does not know" in exc.reason
            self.dep.sync_all(rounds=2)
            everyone = self.dep.everyone
            sk.assert_converged(everyone)
            for kind in sorted({f["kind"] for f in list_flags(everyone[0], include_resolved=True)}):
                event(f"flag {kind}")
            event(f"http {self.app_set}, refused bundles {min(self.refusals, 3)}")
            one = everyone[self.rnd.randrange(len(everyone))]
            before = one.projection_hash()
            one.rebuild()
            assert one.projection_hash() == before, "rebuild differs from the incremental fold"
            assert one.conn.execute("SELECT COUNT(*) FROM held").fetchone()[0] == 0
        finally:
            if self.app_set:
                server().serve(None)
            self.dep.close()
            gc.collect()  # the served app's replica connection goes with the app


COMMON: dict[str, Any] = dict(deadline=None, suppress_health_check=list(HealthCheck))

# 120 examples keep CI near a minute; the soak below runs 2,000 of 60 steps.
SyncMachine.TestCase.settings = settings(max_examples=120, stateful_step_count=25, **COMMON)
TestSyncConverges = SyncMachine.TestCase


@pytest.mark.soak
@pytest.mark.skipif(not os.environ.get("FRONTAID_SOAK"), reason="soak: set FRONTAID_SOAK=1")
def test_sync_converges_soak() -> None:
    run_state_machine_as_test(SyncMachine, settings=settings(max_examples=2000, stateful_step_count=60,
                                                             **COMMON))
