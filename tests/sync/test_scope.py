"""Scoped field replicas: enrolment with zones, the signed feed, and what a scoped device refuses.

Real processes where it matters: `frontaid serve` on loopback and the CLI on both
sides; the feed's inner layout is opened only to forge it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest

from frontaid.actions import distribution, registry
from frontaid.errors import IntegrityError
from frontaid.store.replica import Replica
from frontaid.sync import devices, envelope
from frontaid.sync.bundle import deployment_key, export_bundle, import_bundle
from frontaid.sync.http import CT, PREFIX, signed_headers
from frontaid.sync.scope import REFERENCE, in_scope, restricted_hash

A = "tester"


def scoped(sk: Any, dep: Any, name: str = "team-east", zones: list[str] | None = None) -> Replica:
    """A device enrolled for `zones` (default: east), introduced to the hub and given its first feed."""
    code = devices.enroll(dep.hub, A, name, "field", zones=zones or ["east"])
    rep = devices.join(dep.root / f"{name}.db", code)
    import_bundle(dep.hub, dep.export(rep, {}))
    feed = dep.bundle_path("feed")
    export_bundle(dep.hub, feed, None, for_origin=rep.origin)
    import_bundle(rep, feed)
    return rep


def subjects(rep: Replica) -> set[tuple[str, str]]:
    return {(e, i) for e, i in rep.conn.execute("SELECT entity, eid FROM ops") if e not in REFERENCE}


def town(dep: Any) -> dict[str, str]:
    hub = dep.hub
    east, west = (hub.conn.execute("SELECT eid FROM households WHERE zone = ?", (z,)).fetchone()[0]
                  for z in ("east", "west"))
    pe = registry.add_person(hub, A, household=east, name="Ганна Коваль", born=1941)
    pw = registry.add_person(hub, A, household=west, name="Ігор Шкіра", born=1950)
    registry.person_died(hub, A, pw, on="2025-01-07", place="Myru 12", cause="shelling")
    distribution.hand_out(hub, A, household=west, item="food-kit", qty=1, at="point-1", on="2025-01-07")
    return {"east": east, "west": west, "pe": pe, "pw": pw}


def test_scoped_device_holds_its_zones_and_the_reference_data(sk: Any, deployment: Any) -> None:
    t = town(deployment)
    rep = scoped(sk, deployment)
    held = subjects(rep)
    assert ("household", t["east"]) in held and ("person", t["pe"]) in held
    assert not {r for r in held if t["west"] in r or t["pw"] in r}
    assert not rep.conn.execute("SELECT 1 FROM handouts").fetchone()  # only the west one exists
    # The reference data came whole: both zones, both sites, the stock.
    assert {z for (z,) in rep.conn.execute("SELECT eid FROM zones")} == {"east", "west"}
    assert rep.conn.execute("SELECT COUNT(*) FROM sites").fetchone()[0] == 2
    raw = rep.path.read_bytes() + Path(f"{rep.path}-wal").read_bytes()
    assert "Шкіра".encode() not in raw and b"Myru 12" not in raw
    assert restricted_hash(rep) == restricted_hash(deployment.hub, ["east"])
    assert restricted_hash(rep) != restricted_hash(deployment.hub, ["east", "west"])
    rep.close()


def test_moving_out_of_scope_removes_the_household_at_the_next_sync(sk: Any, deployment: Any) -> None:
    t = town(deployment)
    hub = deployment.hub
    rep = scoped(sk, deployment)
    distribution.hand_out(rep, A, household=t["east"], item="food-kit", qty=1, at="point-1", on="2025-01-08")
    registry.move_household(hub, A, t["east"], zone="west")
    import_bundle(hub, deployment.export(rep, json.loads(rep.meta(f"peer:{hub.origin}"))))
    feed = deployment.bundle_path("feed")
    export_bundle(hub, feed, None, for_origin=rep.origin)
    import_bundle(rep, feed)
    assert subjects(rep) == set(), "the household, its person and its hand-out all left"
    assert not rep.conn.execute("SELECT 1 FROM people").fetchone()
    assert not rep.conn.execute("SELECT 1 FROM name_keys").fetchone()
    assert rep.digest() == rep.state_digest()
    assert restricted_hash(rep) == restricted_hash(hub, ["east"])
    # The device's own hand-out reached the hub before it left the device.
    assert hub.conn.execute("SELECT COUNT(*) FROM handouts WHERE household = ?",
                            (t["east"],)).fetchone()[0] == 1
    # Back into the zone: it comes back whole, the device's own hand-out too.
    registry.move_household(hub, A, t["east"], zone="east")
    feed = deployment.bundle_path("feed")
    export_bundle(hub, feed, None, for_origin=rep.origin)
    import_bundle(rep, feed)
    assert ("handout", rep.conn.execute("SELECT eid FROM handouts").fetchone()[0]) in subjects(rep)
    assert restricted_hash(rep) == restricted_hash(hub, ["east"])
    rep.close()


def reseal(path: Path, key: bytes, change: Any) -> None:
    payload = envelope.open_(path.read_bytes(), key)
    change(payload)
    path.write_bytes(envelope.seal(payload, key))


@pytest.mark.parametrize("forgery", ["signature", "op", "keep", "other-device", "not-anchor"])
def test_a_forged_feed_is_refused_and_changes_nothing(sk: Any, deployment: Any, forgery: str) -> None:
    t = town(deployment)
    rep = scoped(sk, deployment)
    other = scoped(sk, deployment, "team-2")
    registry.add_person(deployment.hub, A, household=t["east"], name="Олена", born=1960)
    feed = deployment.bundle_path("feed")
    export_bundle(deployment.hub, feed, None, for_origin=(other if forgery == "other-device" else rep).origin)

    def change(p: dict[str, Any]) -> None:
        if forgery == "signature":
            p["sig"] = bytes(64)
        elif forgery == "op":
            p["ops"][-1][5] = t["west"]  # the same op, said to be about another household
        elif forgery == "keep":
            p["keep"].append(["household", t["west"]])
        elif forgery == "not-anchor":
            p["from"] = rep.origin
    reseal(feed, deployment_key(rep), change)
    before = sk.snap(rep)
    with pytest.raises(IntegrityError) as exc:
        import_bundle(rep, feed)
    assert ("another device" if forgery == "other-device" else "signature") in exc.value.text("en")
    assert sk.snap(rep) == before
    rep.close()
    other.close()


def test_a_scoped_device_takes_no_bundle_but_its_feed(sk: Any, deployment: Any, tmp_path: Path) -> None:
    """By the CLI: `--all` from the hub, carried to the scoped device, exits 2 with one line."""
    town(deployment)
    rep = scoped(sk, deployment)
    before = sk.snap(rep)
    rep.close()
    deployment.hub.close()
    out = tmp_path / "all.fab"
    sk.cli(deployment.root / "hub.db", "sync", "export", "--all", "-o", str(out))
    line = sk.assert_cli_refused(sk.cli(deployment.root / "team-east.db", "sync", "import", str(out),
                                        check=False))
    assert "sync export --for" in line
    with Replica.open(deployment.root / "team-east.db") as again:
        assert sk.snap(again) == before
    deployment.hub = Replica.open(deployment.root / "hub.db")


def test_enrolment_with_unknown_zones_is_refused(sk: Any, tmp_path: Path) -> None:
    db = tmp_path / "hub.db"
    sk.cli(db, "init", "--no-encrypt", "--town", "Testtown", "--device", "hub")
    sk.cli(db, "zone", "add", "east", "--name", "Схід", "--name-en", "East")
    line = sk.assert_cli_refused(sk.cli(db, "device", "enroll", "t1", "--zones", "east,nowhere", check=False))
    assert "nowhere" in line
    out = sk.cli_json(db, "device", "enroll", "t1", "--zones", "east", "--no-qr")
    assert out["code"]
    assert sk.cli_json(db, "device", "list")[0]["zones"] in (None, [])  # the hub itself holds all
    listed = {d["name"]: d for d in sk.cli_json(db, "device", "list")}
    assert listed["t1"]["zones"] == ["east"]


def test_over_http_a_scoped_device_gets_its_feed_whatever_it_asks(sk: Any, tmp_path: Path) -> None:
    """Real `frontaid serve`; the device syncs with the CLI, then asks for a plain batch by hand."""
    hub = tmp_path / "hub.db"
    sk.cli(hub, "init", "--no-encrypt", "--town", "Testtown", "--device", "hub")
    for z in ("east", "west"):
        sk.cli(hub, "zone", "add", z, "--name", z, "--name-en", z)
    east = sk.cli_json(hub, "household", "add", "--zone", "east", "--address", "Chasiv Yar Rd 4")["code"]
    sk.cli_json(hub, "household", "add", "--zone", "west", "--address", "Myru 12")
    code = sk.cli_json(hub, "device", "enroll", "team-east", "--zones", "east", "--no-qr")["code"]
    dev = tmp_path / "team-east.db"
    sk.cli(dev, "init", "--no-encrypt", "--join", code)
    proc, url = sk.start_serve(hub, tmp_path / "hub.log")
    try:
        out = sk.cli_json(dev, "sync", url)
        assert out["refused"] == []
        with Replica.open(dev) as rep:
            assert {e for (e,) in rep.conn.execute("SELECT eid FROM households")} == {east}
            body = envelope.seal({"vector": {}, "limit": 5000}, deployment_key(rep))
            path = f"{PREFIX}/pull"
            resp = httpx.post(url + path, content=body, headers={**signed_headers(rep, "POST", path, body),
                                                                 "Content-Type": CT})
            assert resp.status_code == 200
            answer = envelope.open_(resp.content, deployment_key(rep))
            assert answer["kind"] == "scope-feed" and answer["runs"] == []
            assert b"Myru 12" not in json.dumps(answer, default=repr).encode()
        status = sk.cli_json(dev, "status")["replica"]
        assert status["zones"] == ["east"]
    finally:
        sk.stop(proc)
    with Replica.open(hub) as h:
        assert restricted_hash(h, ["east"])[:16] == status["scoped_state"]
        assert in_scope(h, ["east"]) == {("household", east)}
