"""Revocation that really revokes: the deployment key rotates, and the revoked device is left out.

Real replicas, bundles through the CLI where an aid worker would use it, HTTP against
a real uvicorn server on loopback.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest

from frontaid.actions import registry
from frontaid.errors import IntegrityError
from frontaid.store.replica import Replica
from frontaid.sync import envelope, keys
from frontaid.sync.bundle import deployment_key, export_bundle, import_bundle
from frontaid.sync.devices import revoke
from frontaid.sync.http import CT, PREFIX, SyncClient, signed_headers
from frontaid.web.app import create_app

A = "tester"


@pytest.fixture
def rotated(deployment: Any) -> Any:
    """A hub, a device that will be revoked, and one that is offline when it happens."""
    lost = deployment.join("lost")
    offline = deployment.join("offline")
    old = deployment_key(deployment.hub)
    revoke(deployment.hub, A, "lost")
    registry.add_household(deployment.hub, A, zone="east", address="After the revocation", size=3)
    return deployment, lost, offline, old


def test_revocation_makes_a_new_key(rotated: Any) -> None:
    dep, lost, offline, old = rotated
    assert deployment_key(dep.hub) != old
    assert deployment_key(lost) == deployment_key(offline) == old
    # The deployment keeps its public id, so batches still name it.
    assert keys.deployment_name(dep.hub) == keys.deployment_name(offline)


def test_the_revoked_key_opens_nothing_made_after(rotated: Any, sk: Any) -> None:
    dep, lost, offline, old = rotated
    blobs = [dep.export(dep.hub, {})]  # everything
    p = dep.bundle_path()
    export_bundle(dep.hub, p, {}, for_origin=offline.origin)
    blobs.append(p)
    for path in blobs:
        blob = path.read_bytes()
        assert envelope.peek(blob)[0] == envelope.key_id(deployment_key(dep.hub))
        with pytest.raises(IntegrityError):
            envelope.open_(blob, old)
        before = sk.snap(lost)
        with pytest.raises(IntegrityError):
            import_bundle(lost, path)  # no wrap for it in the header either
        assert sk.snap(lost) == before and deployment_key(lost) == old
        assert b"After the revocation" not in blob
    # An HTTP answer to a device that is not revoked: sealed with the new key too.
    srv = sk.ThreadServer()
    try:
        srv.serve(create_app(dep.hub.path))
        body = keys.seal(offline, {"origin": offline.origin})
        path_ = f"{PREFIX}/vector"
        resp = httpx.post(srv.url + path_, content=body, headers={
            **signed_headers(offline, "POST", path_, body), "Content-Type": CT})
        assert resp.status_code == 200
        with pytest.raises(IntegrityError):
            envelope.open_(resp.content, old)
        # The revoked device itself: 403, whatever key it seals with.
        body = keys.seal(lost, {"origin": lost.origin})
        resp = httpx.post(srv.url + path_, content=body, headers={
            **signed_headers(lost, "POST", path_, body), "Content-Type": CT})
        assert resp.status_code in (200, 403)
        if resp.status_code == 200:
            with pytest.raises(IntegrityError):
                envelope.open_(resp.content, old)
    finally:
        srv.serve(None)
        srv.stop()


def test_an_offline_device_picks_up_the_key_over_http(rotated: Any, sk: Any) -> None:
    dep, _lost, offline, old = rotated
    registry.add_household(offline, A, zone="west", address="Offline 1", size=1)
    srv = sk.ThreadServer()
    try:
        srv.serve(create_app(dep.hub.path))
        client = SyncClient(offline, srv.url)
        try:
            out = client.sync()
        finally:
            client.close()
    finally:
        srv.serve(None)
        srv.stop()
    assert out["refused"] == [] and out["pulled"] >= 1 and out["pushed"] == 1
    assert deployment_key(offline) == deployment_key(dep.hub) != old
    addresses = {a for (a,) in offline.conn.execute("SELECT address FROM households")}
    assert "After the revocation" in addresses
    # From now on it seals with the new key, and hands it on in what it seals.
    p = dep.export(offline, {})
    assert envelope.peek(p.read_bytes())[0] == envelope.key_id(deployment_key(dep.hub))


def test_an_offline_device_picks_up_the_key_from_a_bundle(rotated: Any) -> None:
    dep, _lost, offline, _old = rotated
    p = dep.bundle_path()
    export_bundle(dep.hub, p, offline.vector())
    report = import_bundle(offline, p)
    assert report.applied >= 1 and deployment_key(offline) == deployment_key(dep.hub)


def test_a_wrap_not_signed_by_the_anchor_is_not_taken(rotated: Any, sk: Any) -> None:
    dep, _lost, offline, old = rotated
    p = dep.bundle_path()
    export_bundle(dep.hub, p, offline.vector())
    kid, head = envelope.peek(p.read_bytes())
    h = __import__("msgpack").unpackb(head, raw=False)
    sealed, sig = h["wraps"][offline.origin]
    h["wraps"][offline.origin] = [sealed, bytes(64)]
    forged = __import__("msgpack").packb(h, use_bin_type=True)
    payload = envelope.open_(p.read_bytes(), deployment_key(dep.hub))
    p.write_bytes(envelope.seal(payload, deployment_key(dep.hub), header=forged))
    before = sk.snap(offline)
    with pytest.raises(IntegrityError):
        import_bundle(offline, p)
    assert sk.snap(offline) == before and deployment_key(offline) == old


def test_an_old_key_bundle_is_accepted_within_the_grace_period_then_refused(rotated: Any, sk: Any) -> None:
    dep, _lost, offline, old = rotated
    registry.add_household(offline, A, zone="west", address="Written offline", size=2)
    first = dep.export(offline, dep.hub.vector())
    assert envelope.peek(first.read_bytes())[0] == envelope.key_id(old)
    hub_path = dep.hub.path
    report = sk.cli_json(hub_path, "sync", "import", str(first))
    assert report["applied"] == 1
    registry.add_household(offline, A, zone="west", address="Written later", size=2)
    late = dep.export(offline, dep.hub.vector())
    # Fifteen days after the rotation (the grace is 14): one line, exit 2, nothing applied.
    with dep.hub.transaction():
        ring = json.loads(dep.hub.meta("retired_keys"))
        ring[-1]["retired_ms"] -= 15 * 24 * 3600 * 1000
        dep.hub.set_meta("retired_keys", json.dumps(ring))
    before = sk.snap(dep.hub)
    line = sk.assert_cli_refused(sk.cli(hub_path, "sync", "import", str(late), check=False))
    assert "retired" in line
    with Replica.open(hub_path) as again:
        assert sk.snap(again) == before
    assert isinstance(Path(first), Path)
