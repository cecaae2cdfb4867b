"""Devices through the CLI: enrol on the hub, join with the one-time code, list, revoke."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from frontaid.errors import IntegrityError, Refused
from frontaid.store.replica import Change, Replica
from frontaid.sync import devices
from frontaid.sync.bundle import import_bundle


@pytest.fixture
def hub_db(tmp_path: Path, sk: Any) -> Path:
    db = tmp_path / "hub.db"
    sk.cli(db, "init", "--no-encrypt", "--town", "Testtown", "--device", "hub")
    sk.cli(db, "zone", "add", "east", "--name", "Схід", "--name-en", "East")
    return db


def join_by_cli(sk: Any, hub_db: Path, db: Path, name: str, role: str = "field") -> str:
    code = sk.cli_json(hub_db, "device", "enroll", name, "--role", role, "--no-qr")["code"]
    sk.cli(db, "init", "--no-encrypt", "--join", code)
    return str(code)


def bundle_over(sk: Any, src: Path, dst: Path, tmp: Path, tag: str) -> Any:
    out = tmp / f"{tag}.fab"
    sk.cli(src, "sync", "export", "--all", "-o", str(out))
    return sk.cli_json(dst, "sync", "import", str(out))


def test_enrol_join_list_revoke_with_the_cli(hub_db: Path, tmp_path: Path, sk: Any) -> None:
    dev = tmp_path / "east.db"
    join_by_cli(sk, hub_db, dev, "team-east")
    pending = {r["name"]: r for r in sk.cli_json(hub_db, "device", "list")}
    assert pending["team-east"]["pending_until"] and pending["team-east"]["origin"] is None

    # The device introduces itself with its first bundle; then it receives the hub's data.
    assert bundle_over(sk, dev, hub_db, tmp_path, "to-hub")["applied"] == 1
    bundle_over(sk, hub_db, dev, tmp_path, "to-dev")
    sk.cli(dev, "household", "add", "--zone", "east", "--address", "Field 1")
    assert bundle_over(sk, dev, hub_db, tmp_path, "to-hub2")["applied"] == 1

    listed = {r["name"]: r for r in sk.cli_json(hub_db, "device", "list")}
    east = listed["team-east"]
    assert east["role"] == "field" and east["ops"] == 2 and east["revoked_after"] is None
    assert listed["hub"]["this"] and listed["hub"]["role"] == "hub"
    assert {r["name"] for r in sk.cli_json(dev, "device", "list")} == {"hub", "team-east"}

    revoked = sk.cli_json(hub_db, "device", "revoke", "team-east")
    assert revoked["revoked_after"] == 2
    assert sk.cli_json(hub_db, "device", "list")[1]["revoked_after"] == 2
    sk.assert_cli_refused(sk.cli(hub_db, "device", "revoke", "team-east", check=False))  # already
    sk.assert_cli_refused(sk.cli(hub_db, "device", "revoke", "no-such", check=False))

    # The revocation rotated the deployment key: the revoked device opens nothing the hub
    # makes from now on, and the hub refuses what it seals with the key it still has.
    out = tmp_path / "to-dev2.fab"
    sk.cli(hub_db, "sync", "export", "--all", "-o", str(out))
    line = sk.assert_cli_refused(sk.cli(dev, "sync", "import", str(out), check=False))
    assert "another deployment's key" in line
    sk.cli(dev, "household", "add", "--zone", "east", "--address", "After revocation")
    out = tmp_path / "to-hub3.fab"
    sk.cli(dev, "sync", "export", "--all", "-o", str(out))
    line = sk.assert_cli_refused(sk.cli(hub_db, "sync", "import", str(out), check=False))
    assert "revoked device" in line


def test_only_the_hub_enrols_and_revokes(hub_db: Path, tmp_path: Path, sk: Any) -> None:
    dev = tmp_path / "desk.db"
    join_by_cli(sk, hub_db, dev, "desk-1", "desk")
    line = sk.assert_cli_refused(sk.cli(dev, "device", "enroll", "team-x", "--no-qr", check=False))
    assert "hub" in line
    sk.assert_cli_refused(sk.cli(dev, "device", "revoke", "hub", check=False))
    sk.assert_cli_refused(sk.cli(hub_db, "device", "enroll", "team-x", "--role", "boss", check=False))
    sk.assert_cli_refused(sk.cli(hub_db, "device", "enroll", "hub", check=False))  # name taken


def test_a_device_forging_an_enrolment_is_refused(deployment: Any, sk: Any) -> None:
    """Bypassing the action: a field device writes an enrolment op itself; its bundle is refused whole."""
    hub = deployment.hub
    dev = deployment.join("team-east")
    dev.record([Change("enrollment", "ab" * 32, "create",
                       {"name": "accomplice", "role": "hub", "key": "ab" * 32, "prefix": "KMT"})], "mallory")
    before = sk.snap(hub)
    with pytest.raises(IntegrityError) as info:
        import_bundle(hub, deployment.export(dev, hub.vector()))
    assert "not a hub" in info.value.text("en")
    assert sk.snap(hub) == before
    # The same for a revocation it writes itself.
    other = deployment.join("team-west")
    other.record([Change("device", hub.origin, "set", {"f": "revoked_after", "v": 0})], "mallory")
    with pytest.raises(IntegrityError):
        import_bundle(hub, deployment.export(other, hub.vector()))
    with pytest.raises(Refused):
        devices.enroll(dev, "mallory", "team-z")


def test_a_one_time_code_cannot_be_used_twice(hub_db: Path, tmp_path: Path, sk: Any) -> None:
    code = sk.cli_json(hub_db, "device", "enroll", "team-east", "--no-qr")["code"]
    first, second = tmp_path / "first.db", tmp_path / "second.db"
    sk.cli(first, "init", "--no-encrypt", "--join", code)
    sk.cli(second, "init", "--no-encrypt", "--join", code)  # a copied code: joining itself happens offline
    assert bundle_over(sk, first, hub_db, tmp_path, "first")["applied"] == 1
    with Replica.open(hub_db) as hub:
        before = (hub.digest(), hub.op_count())
    out = tmp_path / "second.fab"
    sk.cli(second, "sync", "export", "--all", "-o", str(out))
    line = sk.assert_cli_refused(sk.cli(hub_db, "sync", "import", str(out), check=False))
    assert "does not know" in line
    with Replica.open(hub_db) as hub:
        assert (hub.digest(), hub.op_count()) == before
        names = [r["name"] for r in devices.list_devices(hub)]
    assert names.count("team-east") == 1


def test_a_bad_code_is_one_line(tmp_path: Path, sk: Any) -> None:
    line = sk.assert_cli_refused(sk.cli(tmp_path / "x.db", "init", "--no-encrypt", "--join", "ABCDE-FGHIJ",
                                        check=False))
    assert "code" in line
    assert not (tmp_path / "x.db").exists() or (tmp_path / "x.db").stat().st_size == 0


def test_a_device_enrolled_by_a_second_hub_receives_the_deployment(deployment: Any, sk: Any) -> None:
    relay = deployment.join("relay", "hub")
    code = devices.enroll(relay, "tester", "team-r")
    dev = devices.join(deployment.root / "team-r.db", code)
    deployment.devices.append(dev)
    assert deployment.ship(dev, relay).applied == 1  # the relay accepts its registration
    deployment.ship(relay, dev)  # the root hub's ops come with the relay's, vouched by the root anchor
    deployment.sync_all()
    deployment.assert_converged()
