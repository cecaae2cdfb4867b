"""Scoped field replicas in the convergence state machine: they hold their zones and nothing else.

`ScopedMachine` is `test_convergence_sync.SyncMachine` (every rule of it: edits, bundles
in any order, HTTP) with one or two scoped devices beside the unscoped ones. They are
enrolled for the zone `east` (or `east` and `north`), make their own edits (households
in any zone, hand-outs, moves across the scope's edge), and sync with the hub by every
path a scoped device has: its own changes up by bundle, a feed down by bundle (at once,
or kept and applied later, out of order, twice), or both over real HTTP. The hub and
the others move households across the edge too.

Invariants, checked on the scoped device's raw `ops` table:
- after it applies a feed, every op it holds from another device is reference data or
  about a record the hub had in its scope when it cut the feed it last applied;
- after a full sync (push, then pull), every op it holds is, by the hub's state now.
At the end, after everyone has synced, its restricted state hash equals the hub's for
its zones, and folding its log again gives the same hash.
"""

from __future__ import annotations

import contextlib
import importlib.util
import os
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import event, settings
from hypothesis import strategies as st
from hypothesis.stateful import initialize, precondition, rule, run_state_machine_as_test

from frontaid.actions import distribution, registry
from frontaid.errors import FrontaidError
from frontaid.store.replica import Replica
from frontaid.sync import devices
from frontaid.sync.bundle import export_bundle, import_bundle
from frontaid.sync.http import SyncClient
from frontaid.sync.scope import REFERENCE, in_scope, restricted_hash
from frontaid.web.app import create_app


def _machine_module() -> Any:
    name = "sync_convergence_machine"
    if name not in sys.modules:
        source = Path(__file__).with_name("test_convergence_sync.py")
        spec = importlib.util.spec_from_file_location(name, source)
        assert spec and spec.loader
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


conv = _machine_module()
sk = conv.sk
A = "user"
ZONES = ["east", "west", "north"]
idx = st.integers(0, 63)


def foreign_ops(rep: Replica) -> list[tuple[str, str]]:
    return rep.conn.execute("SELECT entity, eid FROM ops WHERE origin != ?", (rep.origin,)).fetchall()


def all_ops(rep: Replica) -> list[tuple[str, str]]:
    return rep.conn.execute("SELECT entity, eid FROM ops").fetchall()


def outside(ops: list[tuple[str, str]], keep: set[tuple[str, str]]) -> list[tuple[str, str]]:
    return [(e, i) for e, i in ops if e not in REFERENCE and (e, i) not in keep]


class ScopedMachine(conv.SyncMachine):  # type: ignore[misc,name-defined]
    def __init__(self) -> None:
        super().__init__()
        self.scoped: list[Replica] = []
        self.zones: dict[str, list[str]] = {}
        self.feeds: list[tuple[Replica, Path, int]] = []
        self.keeps: dict[tuple[str, int], set[tuple[str, str]]] = {}
        self.dropped = self.arrived = 0

    @initialize(n=st.integers(1, 3), k=st.integers(1, 2), seed=st.integers(0, 2**32))
    def setup(self, n: int, k: int, seed: int) -> None:  # type: ignore[override]
        super().setup(n, seed)
        registry.add_zone(self.dep.hub, A, "north", "Північ", "North", bank="east")
        for j in range(k):
            zones = [["east"], ["east", "north"]][j]
            code = devices.enroll(self.dep.hub, A, f"scoped{j}", "field", zones=zones)
            rep = devices.join(self.dep.root / f"scoped{j}.db", code)
            self.scoped.append(rep)
            self.zones[rep.origin] = zones
            self.up(rep)
            self.down(rep)

    def sdev(self, i: int) -> Replica:
        return self.scoped[i % len(self.scoped)]

    # -- the scoped device's paths ----------------------------------------------------------

    def up(self, rep: Replica) -> None:
        """Its own changes to the hub, by bundle, beyond what the hub last told it."""
        import json

        path = self.dep.bundle_path("up")
        export_bundle(rep, path, json.loads(rep.meta(f"peer:{self.dep.hub.origin}") or "{}"))
        import_bundle(self.dep.hub, path)

    def cut(self, rep: Replica) -> tuple[Path, int]:
        hub = self.dep.hub
        path = self.dep.bundle_path("feed")
        export_bundle(hub, path, None, for_origin=rep.origin)
        number = int(hub.meta(f"scope-feeds:{rep.origin}"))
        self.keeps[(rep.origin, number)] = in_scope(hub, self.zones[rep.origin])
        return path, number

    def check_feed_invariant(self, rep: Replica) -> None:
        applied = int(rep.meta("scope_feed", 0))
        keep = self.keeps[(rep.origin, applied)]
        bad = outside(foreign_ops(rep), keep)
        assert not bad, f"a scoped device holds ops about records outside its scope: {bad[:3]}"

    def check_full_invariant(self, rep: Replica) -> None:
        bad = outside(all_ops(rep), in_scope(self.dep.hub, self.zones[rep.origin]))
        assert not bad, f"after a full sync a scoped device still holds out-of-scope ops: {bad[:3]}"

    def down(self, rep: Replica) -> None:
        path, _ = self.cut(rep)
        before = {r for r in all_ops(rep) if r[0] == "household"}
        import_bundle(rep, path)
        self.check_feed_invariant(rep)
        after = {r for r in all_ops(rep) if r[0] == "household"}
        if before - after:
            self.dropped += 1
        if after - before:
            self.arrived += 1

    # -- rules ----------------------------------------------------------------------------

    @rule(s=idx, x=idx)
    @conv.as_user
    def scoped_add_household(self, s: int, x: int) -> None:
        registry.add_household(self.sdev(s), A, zone=ZONES[x % 3], address=f"Lane {x}", size=1 + x % 3)

    @rule(s=idx, x=idx, y=idx)
    @conv.as_user
    def scoped_edit(self, s: int, x: int, y: int) -> None:
        rep = self.sdev(s)
        hhs = conv.live(rep, "households")
        if not hhs:
            return
        hh = hhs[x % len(hhs)]
        [lambda: distribution.hand_out(rep, A, household=hh, item="food-kit", qty=1, at="point-1",
                                       on=f"2025-01-{6 + y % 3:02d}"),
         lambda: registry.set_household(rep, A, hh, "size", 1 + y % 5),
         lambda: registry.add_person(rep, A, household=hh, name=f"Іван {y}", born=1940 + y),
         lambda: registry.move_household(rep, A, hh, zone=ZONES[y % 3])][y % 4]()

    @rule(r=idx, x=idx, y=idx)
    @conv.as_user
    def move_across_edge(self, r: int, x: int, y: int) -> None:
        """The hub or an unscoped device moves a household into or out of the scope."""
        rep = self.rep(r)
        hhs = conv.live(rep, "households")
        if hhs:
            registry.move_household(rep, A, hhs[x % len(hhs)], zone=ZONES[y % 3])

    @rule(r=idx, x=idx)
    @conv.as_user
    def add_person_anywhere(self, r: int, x: int) -> None:
        rep = self.rep(r)
        hhs = conv.live(rep, "households")
        if hhs:
            registry.add_person(rep, A, household=hhs[x % len(hhs)], name=f"Ганна {x}", born=1930 + x)

    @rule(s=idx)
    def scoped_up(self, s: int) -> None:
        self.up(self.sdev(s))

    @rule(s=idx)
    def scoped_down(self, s: int) -> None:
        self.down(self.sdev(s))

    @rule(s=idx)
    def scoped_full(self, s: int) -> None:
        rep = self.sdev(s)
        self.up(rep)
        self.down(rep)
        self.check_full_invariant(rep)

    @rule(s=idx)
    def scoped_feed_to_pool(self, s: int) -> None:
        """A feed bundle cut now and carried later (or never)."""
        rep = self.sdev(s)
        path, number = self.cut(rep)
        self.feeds.append((rep, path, number))

    @precondition(lambda self: bool(self.feeds))
    @rule(pick=idx)
    def scoped_feed_from_pool(self, pick: int) -> None:
        """Any feed made earlier, again or late: an older one than applied changes nothing."""
        rep, path, number = self.feeds[pick % len(self.feeds)]
        before = sk.snap(rep)
        applied = int(rep.meta("scope_feed", 0))
        import_bundle(rep, path)
        if number <= applied:
            assert sk.snap(rep) == before, "a stale feed changed a scoped device"
        self.check_feed_invariant(rep)

    @rule(s=idx)
    def scoped_http(self, s: int) -> None:
        srv = conv.server()
        if not self.app_set:
            srv.serve(create_app(self.dep.hub.path))
            self.app_set = True
        rep = self.sdev(s)
        client = SyncClient(rep, srv.url)
        try:
            client.sync()
        finally:
            client.close()
        # The served app holds its own connection to the hub: what it cut is what we check.
        self.keeps[(rep.origin, int(rep.meta("scope_feed")))] = in_scope(self.dep.hub, self.zones[rep.origin])
        self.check_full_invariant(rep)

    @rule(r=idx)
    def scoped_bundle_refused(self, r: int) -> None:
        """A bundle of everything, carried to a scoped device by mistake: refused, nothing changes."""
        rep = self.sdev(r)
        path = self.dep.bundle_path("all")
        export_bundle(self.rep(r), path, {})
        before = sk.snap(rep)
        with contextlib.suppress(FrontaidError):
            import_bundle(rep, path)
            raise AssertionError("a scoped device took a bundle that was not cut for it")
        assert sk.snap(rep) == before

    # -- the end --------------------------------------------------------------------------

    def teardown(self) -> None:
        if not hasattr(self, "dep"):
            return
        try:
            for rep in self.scoped:
                self.up(rep)
            self.dep.sync_all(rounds=2)
            for rep in self.scoped:
                self.down(rep)
                self.check_full_invariant(rep)
                hub_hash = restricted_hash(self.dep.hub, self.zones[rep.origin])
                assert restricted_hash(rep) == hub_hash, "a scoped device differs from the hub on its zones"
                assert rep.digest() == rep.state_digest()
                rep.rebuild()
                assert restricted_hash(rep) == hub_hash, "refolding a scoped device changed it"
            event(f"households dropped by a feed: {min(self.dropped, 3)}")
            event(f"households arriving by a feed: {min(self.arrived, 3)}")
        finally:
            for rep in self.scoped:
                rep.close()
            super().teardown()


ScopedMachine.TestCase.settings = settings(max_examples=25, stateful_step_count=25, **conv.COMMON)
TestScopedConverges = ScopedMachine.TestCase


@pytest.mark.soak
@pytest.mark.skipif(not os.environ.get("FRONTAID_SOAK"), reason="soak: set FRONTAID_SOAK=1")
def test_scoped_converges_soak() -> None:
    run_state_machine_as_test(ScopedMachine, settings=settings(max_examples=1000, stateful_step_count=60,
                                                               **conv.COMMON))
