"""What merge must not decide silently shows as the same flag on every replica, and resolves everywhere."""

from __future__ import annotations

from typing import Any

import pytest

from frontaid.actions import corrections, distribution, registry, stock
from frontaid.oplog.hlc import DAY_MS, physical
from frontaid.queries.flags import list_flags
from frontaid.store.replica import Replica
from frontaid.sync.bundle import import_bundle

DAY = "2025-01-08"


def households(rep: Replica) -> list[str]:
    return [e for (e,) in rep.conn.execute("SELECT eid FROM households WHERE created = 1 ORDER BY eid")]


def flags_of(rep: Replica, kind: str, *, include_resolved: bool = False) -> list[dict[str, Any]]:
    return [f for f in list_flags(rep, include_resolved=include_resolved) if f["kind"] == kind]


def on_every_replica(dep: Any, kind: str) -> dict[str, Any]:
    """After a full sync: the same flag of `kind` everywhere; returns it."""
    dep.sync_all()
    dep.assert_converged()
    seen = [flags_of(r, kind) for r in dep.everyone]
    assert seen[0], f"no {kind} flag"
    assert all(s == seen[0] for s in seen)
    return seen[0][0]


@pytest.fixture
def two(deployment: Any) -> tuple[Any, Replica, Replica]:
    """A hub and two devices holding the same town, then going offline."""
    a, b = deployment.join("team-east"), deployment.join("team-west")
    deployment.sync_all()
    return deployment, a, b


def test_double_handout_on_two_offline_devices(two: Any, sk: Any) -> None:
    dep, a, b = two
    hh = households(a)[0]
    code_a = distribution.hand_out(a, "desk-a", household=hh, item="food-kit", at="point-1", on=DAY)
    code_b = distribution.hand_out(b, "desk-b", household=hh, item="food-kit", at="point-1", on=DAY)
    flag = on_every_replica(dep, "double-handout")
    assert flag["subject"] == hh and sorted(flag["detail"]["handouts"]) == sorted([code_a, code_b])
    assert flag["id"].startswith(f"double:{hh}:food-kit:")
    # Both hand-outs are kept: nothing was silently dropped.
    for rep in dep.everyone:
        assert rep.conn.execute("SELECT COUNT(*) FROM handouts WHERE household = ?", (hh,)).fetchone()[0] == 2

    # A person decides, on the hub, with the CLI: keep one; the decision syncs everywhere.
    res = sk.cli(dep.hub.path, "flags", "resolve", flag["id"], "--keep", code_a, "--note", "one kit")
    assert "resolved" in res.stdout
    dep.sync_all()
    dep.assert_converged()
    for rep in dep.everyone:
        assert flags_of(rep, "double-handout") == []
        [done] = flags_of(rep, "double-handout", include_resolved=True)
        assert done["status"] == "resolved" and done["decision"] == code_a
        live = {e for (e,) in rep.conn.execute("SELECT eid FROM handouts WHERE household = ? AND created = 1",
                                               (hh,))}
        assert live == {code_a}, "the other hand-out is voided"


def test_stock_below_zero_from_two_devices(two: Any, sk: Any) -> None:
    dep, a, b = two
    hh1 = households(a)[0]
    qty = dep.hub.conn.execute("SELECT qty FROM stock WHERE eid = 'food-kit@point-1'").fetchone()[0]
    assert qty == 5
    distribution.hand_out(a, "desk-a", household=hh1, item="food-kit", qty=3, at="point-1", on=DAY)
    stock.move(b, "desk-b", item="food-kit", source="point-1", target="wh-1", qty=4, on=DAY)
    flag = on_every_replica(dep, "stock-negative")
    assert flag["id"] == "stock-negative:food-kit@point-1" and flag["detail"]["qty"] == -2
    # Someone looked: `--keep ok` on a device closes the flag everywhere.
    sk.cli(a.path, "flags", "resolve", flag["id"], "--keep", "ok")
    dep.sync_all()
    dep.assert_converged()
    for rep in dep.everyone:
        assert flags_of(rep, "stock-negative") == []
        assert flags_of(rep, "stock-negative", include_resolved=True)[0]["status"] == "resolved"
    # A count sets the level right; the flag stays closed (its resolution record remains).
    stock.count(b, "desk-b", item="food-kit", location="point-1", qty=0, on=DAY)
    dep.sync_all()
    dep.assert_converged()
    assert flags_of(dep.hub, "stock-negative") == []
    assert dep.hub.conn.execute("SELECT qty FROM stock WHERE eid = 'food-kit@point-1'").fetchone()[0] == 0


def test_concurrent_critical_changes_conflict(two: Any, sk: Any) -> None:
    dep, a, b = two
    hh = households(a)[0]
    registry.set_household(a, "desk-a", hh, "size", 4)
    registry.set_household(b, "desk-b", hh, "size", 6)
    flag = on_every_replica(dep, "conflict")
    assert flag["subject"] == f"household:{hh}" and flag["detail"]["field"] == "size"
    values = {v["value"] for v in flag["detail"]["ops"].values()}
    assert values == {4, 6}
    # Keep the value the hub's LWW did not choose: it is written again, and wins everywhere.
    lww = dep.hub.conn.execute("SELECT size FROM households WHERE eid = ?", (hh,)).fetchone()[0]
    keep = next(oid for oid, v in flag["detail"]["ops"].items() if v["value"] != lww)
    sk.cli(b.path, "flags", "resolve", flag["id"], "--keep", keep)
    dep.sync_all()
    dep.assert_converged()
    for rep in dep.everyone:
        assert flags_of(rep, "conflict") == []
        assert rep.conn.execute("SELECT size FROM households WHERE eid = ?", (hh,)).fetchone()[0] != lww


def test_sequential_changes_do_not_conflict(two: Any, sk: Any) -> None:
    dep, a, b = two
    hh = households(a)[0]
    registry.set_household(a, "desk-a", hh, "size", 4)
    dep.sync_all()
    registry.set_household(b, "desk-b", hh, "size", 6)  # b saw a's change
    dep.sync_all()
    dep.assert_converged()
    assert flags_of(dep.hub, "conflict") == []


def test_a_retract_arriving_before_its_target_folds_as_a_rebuild(deployment: Any, sk: Any) -> None:
    """The retract of one side of a conflict may reach a replica before the op it voids.

    The pair is recorded either way (as a rebuild records it) and no flag is shown for it;
    before this was fixed, the replica that met the retract first lacked the pair and its
    projection differed from everyone else's (found by the sync state machine in CI).
    """
    dep = deployment
    a, b, c = dep.join("team-east"), dep.join("team-west"), dep.join("team-north")
    dep.sync_all()
    hh = households(a)[0]
    registry.set_household(a, "desk-a", hh, "size", 4)
    [voided] = [o.id for o in a.ops("entity = 'household' AND verb = 'set'", order="seq DESC")][:1]
    dep.ship(a, dep.hub)
    corrections.retract(dep.hub, "coordinator", voided)
    registry.set_household(b, "desk-b", hh, "size", 6)  # concurrent with a's: same version seen
    # c gets the hub's retract without a's op, then b's op, then a's op, last.
    without_a = {**c.vector(), a.origin: a.vector()[a.origin]}
    import_bundle(c, dep.export(dep.hub, without_a))
    assert c.conn.execute("SELECT COUNT(*) FROM retracted WHERE op = ?", (voided,)).fetchone()[0] == 1
    assert c.conn.execute("SELECT COUNT(*) FROM ops WHERE origin = ? AND seq = ?",
                          (a.origin, int(voided.split(":")[1]))).fetchone()[0] == 0
    dep.ship(b, c)
    dep.ship(a, c)
    before = c.projection_hash()
    c.rebuild()
    assert c.projection_hash() == before, "the incremental fold differs from a rebuild"
    dep.sync_all()
    dep.assert_converged()
    assert flags_of(c, "conflict") == [], "a pair with a voided side is not a conflict to decide"
    assert c.conn.execute("SELECT size FROM households WHERE eid = ?", (hh,)).fetchone()[0] == 6


def test_change_after_merge(two: Any, sk: Any) -> None:
    dep, a, b = two
    h1, h2 = households(a)[:2]
    registry.merge(a, "desk-a", "household", h2, h1)
    registry.set_household(b, "desk-b", h2, "address", "Myru 12, flat 3")  # b has not seen the merge
    flag = on_every_replica(dep, "changed-after-merge")
    assert flag["id"] == f"after-merge:household:{h2}"
    sk.cli(dep.hub.path, "flags", "resolve", flag["id"], "--keep", "ok")
    dep.sync_all()
    dep.assert_converged()
    assert all(flags_of(r, "changed-after-merge") == [] for r in dep.everyone)


def test_a_clock_days_ahead_is_kept_flagged_and_not_followed(two: Any, sk: Any) -> None:
    dep, a, b = two
    future = dep.hub.clock.wall() + 3 * DAY_MS
    ahead = Replica.open(a.path, wall=lambda: future)  # the same device, its clock reset wrong
    a.close()
    dep.devices[dep.devices.index(a)] = ahead
    registry.add_household(ahead, "desk-a", zone="east", address="From the future")
    assert physical(ahead.clock.last) >= future

    hub = dep.hub
    report = dep.ship(ahead, hub)
    assert report.applied == 1, "the op is kept"
    assert f"clock-ahead:{ahead.origin}" in report.flags
    [flag] = flags_of(hub, "clock-ahead")
    assert flag["subject"] == ahead.origin and flag["detail"]["hours_ahead"] >= 71
    bound = hub.clock.wall() + hub.clock.max_ahead_ms
    assert physical(hub.clock.last) <= bound, "the hub's clock jumped with the device's"
    registry.add_household(hub, "tester", zone="west", address="Now")
    assert physical(hub.clock.last) <= hub.clock.wall() + hub.clock.max_ahead_ms
    reopened = Replica.open(hub.path)
    try:
        assert physical(reopened.clock.last) <= reopened.clock.wall() + reopened.clock.max_ahead_ms
    finally:
        reopened.close()

    flag = on_every_replica(dep, "clock-ahead")
    for rep in (hub, b):
        assert physical(rep.clock.last) <= rep.clock.wall() + rep.clock.max_ahead_ms
    sk.cli(b.path, "flags", "resolve", flag["id"], "--keep", "ok", "--note", "clock fixed")
    dep.sync_all()
    dep.assert_converged()
    for rep in dep.everyone:
        assert flags_of(rep, "clock-ahead") == []
        assert flags_of(rep, "clock-ahead", include_resolved=True)[0]["note"] == "clock fixed"


def test_cli_lists_the_flags(two: Any, sk: Any) -> None:
    dep, a, b = two
    hh = households(a)[0]
    distribution.hand_out(a, "desk-a", household=hh, item="food-kit", at="point-1", on=DAY)
    distribution.hand_out(b, "desk-b", household=hh, item="food-kit", at="point-1", on=DAY)
    dep.sync_all()
    rows = sk.cli_json(b.path, "flags")
    assert [r["kind"] for r in rows] == ["double-handout"]
    res = sk.cli(b.path, "flags", "resolve", "no-such-flag", "--keep", "ok", check=False)
    sk.assert_cli_refused(res)
