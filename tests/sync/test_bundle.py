"""Bundles on a USB stick: round trips, idempotence, `--for`/`--since-vector`, gaps held and released."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from frontaid.actions import registry
from frontaid.queries.flags import list_flags
from frontaid.sync import envelope
from frontaid.sync.apply import HOLD_MS, apply_payload
from frontaid.sync.bundle import deployment_key, export_bundle, import_bundle


def test_round_trip_is_exact_and_idempotent(deployment: Any, sk: Any) -> None:
    hub = deployment.hub
    dev = deployment.join("team-east")
    for i in range(5):
        registry.add_household(dev, "tester", zone="east", address=f"Street {i}")
    path = deployment.bundle_path()
    stats = export_bundle(dev, path, hub.vector())
    assert stats["ops"] == 5 and stats["bytes"] == path.stat().st_size
    assert path.read_bytes().startswith(envelope.MAGIC)
    assert not list(path.parent.glob(".*.part")), "a temporary file was left behind"
    report = import_bundle(hub, path)
    assert (report.applied, report.already, report.held, report.refused) == (5, 0, 0, [])
    sk.assert_converged([hub, dev])
    before = sk.snap(hub)
    again = import_bundle(hub, path)
    assert again.applied == 0 and again.already == 5
    assert sk.snap(hub) == before
    # A whole-history bundle, into a replica that holds all of it already, changes nothing either.
    assert import_bundle(hub, deployment.export(dev, {})).applied == 0
    assert sk.snap(hub) == before


def test_an_empty_bundle_is_harmless(deployment: Any, sk: Any) -> None:
    dev = deployment.join("team-east")
    path = deployment.bundle_path()
    assert export_bundle(dev, path, deployment.hub.vector())["ops"] == 0
    before = sk.snap(deployment.hub)
    assert import_bundle(deployment.hub, path).applied == 0
    assert sk.snap(deployment.hub) == before


def test_a_relay_carries_a_third_devices_ops(deployment: Any, sk: Any) -> None:
    """East's ops reach West through the hub's stick, still vouched for by East's signature."""
    hub = deployment.hub
    east, west = deployment.join("team-east"), deployment.join("team-west")
    registry.add_household(east, "tester", zone="east", address="Relayed 1")
    deployment.ship(east, hub)
    report = deployment.ship(hub, west)
    assert report.applied >= 1
    assert west.vector()[east.origin] == east.vector()[east.origin]
    deployment.sync_all()
    deployment.assert_converged()


def test_cli_export_for_a_peer_carries_only_what_it_lacks(deployment: Any, sk: Any) -> None:
    hub = deployment.hub
    dev = deployment.join("team-east")
    registry.add_household(dev, "tester", zone="east", address="From the field")
    sk.cli(hub.path, "sync", "import", str(deployment.export(dev, hub.vector())))
    registry.add_household(hub, "tester", zone="west", address="From the hub")
    out = deployment.root / "for-east.fab"
    stats = sk.cli_json(hub.path, "sync", "export", "--for", "team-east", "-o", str(out))
    assert stats["ops"] == 1  # only the hub's new household: the hub knows what east holds
    report = sk.cli_json(dev.path, "sync", "import", str(out))
    assert report["applied"] == 1 and report["refused"] == []
    sk.assert_converged([hub, dev])
    res = sk.cli(hub.path, "sync", "export", "-o", str(out), check=False)
    sk.assert_cli_refused(res)  # say what to export


def test_a_later_bundle_first_is_held_until_the_gap_fills(deployment: Any, sk: Any) -> None:
    """`export --since-vector` from a later vector, imported before the earlier bundle."""
    hub = deployment.hub
    dev = deployment.join("team-east")
    root = deployment.root
    sk.cli(hub.path, "sync", "vector", "-o", str(root / "hub.vector"))
    for i in range(3):
        registry.add_household(dev, "tester", zone="east", address=f"Early {i}")
    sk.cli(dev.path, "sync", "export", "--since-vector", str(root / "hub.vector"), "-o", str(root / "1.fab"))
    sk.cli(dev.path, "sync", "vector", "-o", str(root / "dev.vector"))
    assert json.loads((root / "dev.vector").read_text())["vector"][dev.origin] == dev.vector()[dev.origin]
    for i in range(4):
        registry.add_household(dev, "tester", zone="east", address=f"Late {i}")
    sk.cli(dev.path, "sync", "export", "--since-vector", str(root / "dev.vector"), "-o", str(root / "2.fab"))

    vector_before = hub.vector()
    ops_before = hub.op_count()
    late = sk.cli_json(hub.path, "sync", "import", str(root / "2.fab"))
    assert late["held"] == 4 and late["applied"] == 0
    assert hub.vector() == vector_before, "held ops must not move the vector"
    assert hub.op_count() == ops_before, "held ops are not in the log yet"
    addresses = {a for (a,) in hub.conn.execute("SELECT address FROM households")}
    assert not any(a.startswith("Late") for a in addresses)
    again = sk.cli_json(hub.path, "sync", "import", str(root / "2.fab"))  # held twice: still held once
    assert again["applied"] == 0

    early = sk.cli_json(hub.path, "sync", "import", str(root / "1.fab"))
    assert early["applied"] == 3 and early["released"] == 4
    assert hub.vector()[dev.origin] == dev.vector()[dev.origin]
    assert hub.conn.execute("SELECT COUNT(*) FROM held").fetchone()[0] == 0
    sk.assert_converged([hub, dev])
    assert not [f for f in list_flags(hub) if f["kind"] == "gap"]


def test_ops_held_past_the_limit_are_applied_and_flagged(deployment: Any, sk: Any) -> None:
    hub = deployment.hub
    dev = deployment.join("team-east")
    registry.add_household(dev, "tester", zone="east", address="Lost on the way")
    first = deployment.export(dev, hub.vector())  # this stick is lost for now
    since = dev.vector()
    for i in range(2):
        registry.add_household(dev, "tester", zone="east", address=f"Arrived {i}")
    key = deployment_key(hub)
    later = envelope.open_(deployment.export(dev, since).read_bytes(), key)
    t0 = hub.clock.wall()
    report = apply_payload(hub, later, now_ms=t0)
    assert report.held == 2
    top = hub.vector()[dev.origin]

    # Just before the limit: still held.
    report = apply_payload(hub, later, now_ms=t0 + HOLD_MS - 1)
    assert report.released == 0 and hub.conn.execute("SELECT COUNT(*) FROM held").fetchone()[0] == 2
    # Past it: applied anyway, and a gap flag says what is missing.
    report = apply_payload(hub, later, now_ms=t0 + HOLD_MS + 1)
    assert report.released == 2
    gaps = [f for f in list_flags(hub) if f["kind"] == "gap"]
    assert len(gaps) == 1 and gaps[0]["subject"] == dev.origin
    assert gaps[0]["id"] in report.flags
    assert gaps[0]["detail"]["missing_from"] == top + 1
    addresses = {a for (a,) in hub.conn.execute("SELECT address FROM households")}
    assert {"Arrived 0", "Arrived 1"} <= addresses and "Lost on the way" not in addresses
    assert hub.vector()[dev.origin] == top, "the vector still says what is missing"
    assert hub.projection_hash() == _rebuilt(hub)

    # The lost stick turns up: the gap fills, nothing is applied twice, everyone converges.
    report = import_bundle(hub, first)
    assert report.applied == 1
    assert hub.vector()[dev.origin] == dev.vector()[dev.origin]
    deployment.sync_all()
    deployment.assert_converged()
    assert [f["id"] for f in list_flags(dev) if f["kind"] == "gap"] == [gaps[0]["id"]]


def _rebuilt(rep: Any) -> str:
    rep.rebuild()
    return str(rep.projection_hash())


def test_import_of_a_missing_file_is_one_line(deployment: Any, sk: Any, tmp_path: Path) -> None:
    res = sk.cli(deployment.hub.path, "sync", "import", str(tmp_path / "nope.fab"), check=False)
    sk.assert_cli_refused(res)
