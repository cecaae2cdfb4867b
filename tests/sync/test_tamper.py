"""Whatever a carrier can break is refused whole, with one plain reason, and changes nothing.

The tampered payloads are made without knowing the batch's inner layout: a walker
finds the value to change (an op's text, a 64-byte signature) wherever it sits,
as a string or inside raw bytes, so these tests hold if the wire format changes.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from frontaid.actions import registry
from frontaid.errors import FrontaidError, IntegrityError
from frontaid.store.replica import Replica
from frontaid.sync import envelope
from frontaid.sync.bundle import deployment_key, import_bundle
from frontaid.sync.devices import revoke

MARK = "Forged Street 1"


def refused_whole(sk: Any, rep: Replica, path: Path) -> str:
    """import_bundle raises IntegrityError with a clear message; the replica is unchanged."""
    before = sk.snap(rep)
    with pytest.raises(IntegrityError) as info:
        import_bundle(rep, path)
    text = info.value.text("en")
    assert text.strip() and "\n" not in text.strip()
    assert info.value.text("uk").strip()
    assert sk.snap(rep) == before
    return text


def cli_refused(sk: Any, rep: Replica, path: Path) -> str:
    """The same bundle through `frontaid sync import`: exit 2, one line, nothing applied."""
    before = sk.snap(rep)
    line = sk.assert_cli_refused(sk.cli(rep.path, "sync", "import", str(path), check=False))
    assert sk.snap(rep) == before
    return line


def replace_everywhere(value: Any, old: Any, new: Any) -> tuple[Any, int]:
    """`value` with `old` replaced by `new` in every string, and in every bytes value that holds it."""
    if isinstance(value, str):
        return (value.replace(old, new), value.count(old)) if isinstance(old, str) else (value, 0)
    if isinstance(value, bytes):
        o = old.encode() if isinstance(old, str) else old
        n = new.encode() if isinstance(new, str) else new
        return value.replace(o, n), value.count(o)
    if isinstance(value, dict):
        out, hits = {}, 0
        for k, v in value.items():
            out[k], h = replace_everywhere(v, old, new)
            hits += h
        return out, hits
    if isinstance(value, list | tuple):
        items, hits = [], 0
        for v in value:
            nv, h = replace_everywhere(v, old, new)
            items.append(nv)
            hits += h
        return items, hits
    return value, 0


def flip_signatures(value: Any) -> tuple[Any, int]:
    """Every 64-byte bytes value (an Ed25519 signature) with one bit flipped."""
    if isinstance(value, bytes) and len(value) == 64:
        return bytes([value[0] ^ 1]) + value[1:], 1
    if isinstance(value, dict):
        out, hits = {}, 0
        for k, v in value.items():
            out[k], h = flip_signatures(v)
            hits += h
        return out, hits
    if isinstance(value, list | tuple):
        items, hits = [], 0
        for v in value:
            nv, h = flip_signatures(v)
            items.append(nv)
            hits += h
        return items, hits
    return value, 0


@pytest.fixture
def honest(deployment: Any) -> tuple[Any, Replica, Path]:
    """A device with new ops the hub lacks, and the honest bundle carrying them."""
    dev = deployment.join("team-east")
    registry.add_household(dev, "tester", zone="east", address=MARK, size=3)
    registry.add_household(dev, "tester", zone="west", address="Myru 20")
    path = deployment.export(dev, deployment.hub.vector())
    return deployment, dev, path


def test_the_honest_bundle_applies(honest: Any, sk: Any) -> None:
    dep, dev, path = honest
    report = import_bundle(dep.hub, path)
    assert report.applied == 2 and not report.refused
    assert dep.hub.digest() == dev.digest()


def test_a_flipped_byte_is_refused(honest: Any, sk: Any, tmp_path: Path) -> None:
    dep, _, path = honest
    blob = bytearray(path.read_bytes())
    for i, where in enumerate((len(envelope.MAGIC) + 30, len(blob) // 2, len(blob) - 1)):
        bad = bytearray(blob)
        bad[where] ^= 0x40
        p = tmp_path / f"flipped{i}.fab"
        p.write_bytes(bytes(bad))
        assert "damaged" in refused_whole(sk, dep.hub, p)
    assert "damaged" in cli_refused(sk, dep.hub, p)


def test_a_truncated_file_is_refused(honest: Any, sk: Any, tmp_path: Path) -> None:
    dep, _, path = honest
    blob = path.read_bytes()
    for n in (len(blob) - 1, len(blob) // 2, len(envelope.MAGIC) + 10, len(envelope.MAGIC) + 1, 3, 0):
        p = tmp_path / f"cut{n}.fab"
        p.write_bytes(blob[:n])
        refused_whole(sk, dep.hub, p)
    cli_refused(sk, dep.hub, p)
    cli_refused(sk, dep.hub, tmp_path / f"cut{len(blob) // 2}.fab")


def test_a_bundle_of_another_deployment_is_refused(honest: Any, sk: Any) -> None:
    dep, _, _ = honest
    other = sk.Deployment()
    try:
        stranger = other.join("team-x")
        registry.add_household(stranger, "tester", zone="east", address="Elsewhere 1")
        path = other.export(stranger, {})
        assert "another deployment" in refused_whole(sk, dep.hub, path)
        assert "another deployment" in cli_refused(sk, dep.hub, path)
    finally:
        other.close()


def test_another_deployment_sealed_with_our_key_is_refused(honest: Any, sk: Any, tmp_path: Path) -> None:
    """The payload names its deployment: a bundle re-sealed with our key still says whose it is."""
    dep, _, _ = honest
    other = sk.Deployment()
    try:
        payload = envelope.open_(other.export(other.hub, {}).read_bytes(), deployment_key(other.hub))
        p = tmp_path / "resealed.fab"
        p.write_bytes(envelope.seal(payload, deployment_key(dep.hub)))
        assert "another deployment" in refused_whole(sk, dep.hub, p)
    finally:
        other.close()


def test_changed_op_data_resealed_with_the_right_key_is_refused(honest: Any, sk: Any, tmp_path: Path) -> None:
    dep, _, path = honest
    key = deployment_key(dep.hub)
    payload = envelope.open_(path.read_bytes(), key)
    forged, hits = replace_everywhere(payload, MARK, MARK.replace("1", "9"))
    assert hits >= 1, "the op's text was not found in the payload"
    p = tmp_path / "forged-data.fab"
    p.write_bytes(envelope.seal(forged, key))
    assert "signature" in refused_whole(sk, dep.hub, p)
    assert "signature" in cli_refused(sk, dep.hub, p)


def test_a_forged_head_signature_is_refused(honest: Any, sk: Any, tmp_path: Path) -> None:
    dep, _, path = honest
    key = deployment_key(dep.hub)
    forged, hits = flip_signatures(envelope.open_(path.read_bytes(), key))
    assert hits >= 1, "no signature found in the payload"
    p = tmp_path / "forged-sig.fab"
    p.write_bytes(envelope.seal(forged, key))
    assert "signature" in refused_whole(sk, dep.hub, p)
    assert "signature" in cli_refused(sk, dep.hub, p)


def test_a_payload_that_is_not_a_batch_is_refused(honest: Any, sk: Any, tmp_path: Path) -> None:
    dep, _, _ = honest
    key = deployment_key(dep.hub)
    for i, junk in enumerate([None, [], {"v": 1}, {"v": 99}, "hello", {"runs": "x"}]):
        p = tmp_path / f"junk{i}.fab"
        p.write_bytes(envelope.seal(junk, key))
        refused_whole(sk, dep.hub, p)
    cli_refused(sk, dep.hub, p)


def test_a_replayed_old_bundle_changes_nothing(honest: Any, sk: Any) -> None:
    dep, dev, path = honest
    assert import_bundle(dep.hub, path).applied == 2
    registry.add_household(dev, "tester", zone="east", address="Later 1")
    dep.ship(dev, dep.hub)
    before = sk.snap(dep.hub)
    report = import_bundle(dep.hub, path)  # the old stick, found in a pocket
    assert report.applied == 0 and report.released == 0 and report.held == 0 and not report.refused
    assert sk.snap(dep.hub) == before
    res = sk.cli(dep.hub.path, "--json", "sync", "import", str(path))
    assert '"applied": 0' in res.stdout
    assert sk.snap(dep.hub) == before


def test_ops_of_a_device_never_enrolled_are_refused(deployment: Any, sk: Any) -> None:
    """A replica with the deployment key (a leaked code, a copied laptop) but no enrolment."""
    from nacl.signing import SigningKey

    from frontaid.domain.codes import new_prefix
    from frontaid.oplog.hlc import wall_ms

    hub = deployment.hub
    key = SigningKey.generate()
    origin = os.urandom(8).hex()
    rogue = Replica._create(
        deployment.root / "rogue.db", wall=wall_ms, signing_key=bytes(key), origin=origin,
        prefix=new_prefix(),
        deployment_key=deployment_key(hub), town=hub.town, lang="en", epoch=hub.epoch,
        device={"name": "rogue", "public": bytes(key.verify_key).hex(), "prefix": "KMT", "role": "hub"})
    try:
        # It cannot even take the hub's data: nothing vouches for the hub to it.
        refused_whole(sk, rogue, deployment.export(hub, {}))
        registry.add_zone(rogue, "tester", "north", "Північ", "North")
        registry.add_household(rogue, "tester", zone="north", address="Nobody's house")
        path = deployment.export(rogue, hub.vector())
        assert "does not know" in refused_whole(sk, hub, path)
        cli_refused(sk, hub, path)
        # Nor can it pass its ops on through an honest device.
        dev = deployment.join("desk-1", "desk")
        refused_whole(sk, dev, deployment.export(rogue, dev.vector()))
    finally:
        rogue.close()


def test_ops_of_a_revoked_device_after_revocation_are_refused(deployment: Any, sk: Any) -> None:
    hub = deployment.hub
    dev = deployment.join("lost-laptop")
    registry.add_household(dev, "tester", zone="east", address="Before 1")
    deployment.ship(dev, hub)
    kept = dev.vector()[dev.origin]
    dev_key = deployment_key(dev)
    assert revoke(hub, "tester", "lost-laptop") == kept
    registry.add_household(dev, "tester", zone="east", address="After 1")  # captured, still writing
    registry.add_household(dev, "tester", zone="east", address="After 2")
    path = deployment.export(dev, hub.vector())
    before = sk.snap(hub)
    # Sealed with the key the revocation retired, by the revoked device: refused whole.
    res = sk.cli(hub.path, "sync", "import", str(path), check=False)
    assert "revoked device" in sk.assert_cli_refused(res)
    assert sk.snap(hub) == before
    # The same ops carried by a device that has the new key: each refused, the rest applies.
    relayed = deployment.bundle_path()
    relayed.write_bytes(envelope.seal(envelope.open_(path.read_bytes(), dev_key), deployment_key(hub)))
    report = import_bundle(hub, relayed)
    assert report.applied == 0
    assert report.refused == ["2 ops from revoked device lost-laptop"]
    after = sk.snap(hub)
    assert (after.ops, after.digest) == (before.ops, before.digest)
    assert hub.vector()[dev.origin] == kept
    addresses = {a for (a,) in hub.conn.execute("SELECT address FROM households")}
    assert "Before 1" in addresses and not {"After 1", "After 2"} & addresses
    # The CLI reports the refusal in the person's words.
    res = sk.cli(hub.path, "sync", "import", str(relayed))
    assert "Refused: 2 ops from revoked device lost-laptop" in res.stdout
    assert sk.snap(hub).digest == before.digest
    # The revocation travels: another device refuses them too, once it has the hub's ops.
    other = deployment.join("team-2")
    report = import_bundle(other, relayed)
    assert report.refused and other.vector()[dev.origin] == kept


def test_error_texts_are_translated(honest: Any, sk: Any, tmp_path: Path) -> None:
    dep, _, path = honest
    p = tmp_path / "cut.fab"
    p.write_bytes(path.read_bytes()[:-5])
    with pytest.raises(FrontaidError) as info:
        import_bundle(dep.hub, p)
    en, uk = info.value.text("en"), info.value.text("uk")
    assert en and uk and en != uk
