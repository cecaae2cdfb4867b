"""Sync over HTTP with real processes: two `frontaid serve` on loopback, CLI clients, edits going on.

The hub and a second hub-role replica (a relay at another building, joined with
`--role hub`) each serve their own database. Field devices, enrolled by either,
sync with either while other devices and the relay keep editing and syncing in
parallel processes, so requests hit a server while its database is also being
written by a CLI process. At the end every replica holds the same ops, folds them
to the same projections and shows the same flags.
"""

from __future__ import annotations

import random
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest

from frontaid.store.replica import Replica
from frontaid.sync import envelope
from frontaid.sync.bundle import deployment_key
from frontaid.sync.http import CT, PREFIX

DAY = "2025-01-08"


def setup_hub(sk: Any, db: Path) -> None:
    sk.cli(db, "init", "--no-encrypt", "--town", "Testtown", "--device", "hub")
    sk.cli(db, "zone", "add", "east", "--name", "Схід", "--name-en", "East")
    sk.cli(db, "site", "add", "pt", "--kind", "food-point", "--name", "Пункт", "--name-en", "Point",
           "--zone", "east")


def enroll(sk: Any, by: Path, name: str, role: str = "field") -> str:
    return str(sk.cli_json(by, "device", "enroll", name, "--role", role, "--no-qr")["code"])


def sync(sk: Any, db: Path, url: str) -> dict[str, Any]:
    res = sk.cli(db, "--json", "sync", url)
    out: dict[str, Any] = __import__("json").loads(res.stdout)
    assert out["refused"] == [], out
    return out


def state(db: Path) -> tuple[str, str, int, str]:
    from frontaid.queries.flags import list_flags

    with Replica.open(db) as rep:
        flags = __import__("json").dumps(list_flags(rep, include_resolved=True), sort_keys=True, default=str)
        assert rep.state_digest() == rep.digest()
        return rep.digest(), rep.projection_hash(), rep.op_count(), flags


@pytest.fixture
def servers(tmp_path: Path, sk: Any) -> Any:
    """hub.db and relay.db (joined as a hub), each served by its own `frontaid serve` process."""
    hub, relay = tmp_path / "hub.db", tmp_path / "relay.db"
    setup_hub(sk, hub)
    sk.cli(relay, "init", "--no-encrypt", "--join", enroll(sk, hub, "relay", "hub"))
    procs = []
    try:
        p1, url1 = sk.start_serve(hub, tmp_path / "hub.log")
        procs.append(p1)
        sync(sk, relay, url1)  # the relay introduces itself and takes the hub's data
        p2, url2 = sk.start_serve(relay, tmp_path / "relay.log")
        procs.append(p2)
        yield {"hub": (hub, url1), "relay": (relay, url2), "procs": procs}
    finally:
        for p in procs:
            sk.stop(p)


def test_devices_sync_with_two_servers_while_editing(servers: Any, tmp_path: Path, sk: Any) -> None:
    hub, hub_url = servers["hub"]
    relay, relay_url = servers["relay"]
    urls = [hub_url, relay_url]
    devs = [tmp_path / f"team-{i}.db" for i in range(3)]
    # Enrolled by the hub; the third makes first contact with the relay (a device the relay
    # enrols is covered in test_devices.py).
    for i, db in enumerate(devs):
        sk.cli(db, "init", "--no-encrypt", "--join", enroll(sk, hub, f"team-{i}"))
        if i == 2:
            sync(sk, relay, hub_url)  # the relay learns of the enrolment first
        sync(sk, db, relay_url if i == 2 else hub_url)
    sync(sk, relay, hub_url)  # the relay passes on what it received and learns the rest
    sync(sk, hub, relay_url)  # the hub itself can sync as a client of the relay

    household = sk.cli_json(hub, "household", "add", "--zone", "east", "--address", "Shared 1")["code"]
    for db in devs:
        sync(sk, db, hub_url)
    rnd = random.Random(7)

    def device_round(i: int, r: int) -> None:
        db = devs[i]
        sk.cli(db, "household", "add", "--zone", "east", "--address", f"Team {i} round {r}")
        sync(sk, db, urls[(i + r) % 2])

    def relay_round(r: int) -> None:
        sk.cli(relay, "household", "add", "--zone", "east", "--address", f"Relay round {r}")
        sync(sk, relay, hub_url)

    with ThreadPoolExecutor(max_workers=4) as pool:
        for r in range(3):
            jobs = [pool.submit(device_round, i, r) for i in range(len(devs))] + [pool.submit(relay_round, r)]
            # A double hand-out of food on two devices in the same round, both offline.
            if r == 1:
                for db in devs[:2]:
                    sk.cli(db, "distribute", "--household", household, "--item", "food-kit", "--at", "pt",
                           "--on", DAY)
            for j in jobs:
                j.result()

    # Everyone syncs, twice; the relay with the hub in between.
    for _ in range(2):
        for db in devs:
            sync(sk, db, rnd.choice(urls))
        sync(sk, relay, hub_url)
    for db in devs:
        sync(sk, db, hub_url)

    states = {db.name: state(db) for db in [hub, relay, *devs]}
    assert len({s[0] for s in states.values()}) == 1, "replicas hold different ops"
    assert len({s[1] for s in states.values()}) == 1, "same ops, different projections"
    assert len({s[3] for s in states.values()}) == 1, "same ops, different flags"
    assert "double-handout" in states["hub.db"][3]
    # And the CLI's status screen says the same.
    digests = {sk.cli_json(db, "status")["replica"]["state"] for db in [hub, relay, *devs]}
    assert len(digests) == 1


def test_refusals_over_http(servers: Any, tmp_path: Path, sk: Any) -> None:
    hub, hub_url = servers["hub"]
    dev = tmp_path / "lost.db"
    sk.cli(dev, "init", "--no-encrypt", "--join", enroll(sk, hub, "lost"))
    sync(sk, dev, hub_url)
    sk.cli(dev, "household", "add", "--zone", "east", "--address", "Before")
    sync(sk, dev, hub_url)

    # A replica of another deployment: refused, one line, nothing changed on either side.
    stranger = tmp_path / "stranger.db"
    setup_hub(sk, stranger)
    before = state(hub)
    line = sk.assert_cli_refused(sk.cli(stranger, "sync", hub_url, check=False))
    assert "refused" in line
    assert state(hub) == before

    # A revoked device gets 403: its new changes never reach the hub.
    sk.cli(hub, "device", "revoke", "lost")
    before = state(hub)
    sk.cli(dev, "household", "add", "--zone", "east", "--address", "After")
    line = sk.assert_cli_refused(sk.cli(dev, "sync", hub_url, check=False))
    assert "revoked" in line
    assert state(hub) == before

    # Nobody listening: one line, exit 2.
    line = sk.assert_cli_refused(sk.cli(dev, "sync", f"http://127.0.0.1:{sk.free_port()}", check=False))
    assert "Cannot reach" in line


def test_unsigned_and_forged_requests_get_401(servers: Any, tmp_path: Path, sk: Any) -> None:
    hub, hub_url = servers["hub"]
    dev = tmp_path / "desk.db"
    sk.cli(dev, "init", "--no-encrypt", "--join", enroll(sk, hub, "desk"))
    sync(sk, dev, hub_url)
    with Replica.open(dev) as rep:
        body = envelope.seal({"vector": {}, "limit": 10}, deployment_key(rep))
        origin = rep.origin
    url = hub_url + PREFIX + "/pull"
    assert httpx.post(url, content=body, headers={"Content-Type": CT}).status_code == 401
    forged = {"X-Frontaid-Origin": origin, "X-Frontaid-Time": "0", "X-Frontaid-Signature": "00" * 64,
              "Content-Type": CT}
    assert httpx.post(url, content=body, headers=forged).status_code == 401
    import time

    forged["X-Frontaid-Time"] = str(int(time.time() * 1000))
    assert httpx.post(url, content=body, headers=forged).status_code == 401


def test_serve_refuses_a_file_that_is_not_a_replica(tmp_path: Path, sk: Any) -> None:
    bad = tmp_path / "not.db"
    bad.write_text("hello")
    res = subprocess.run([str(sk.FRONTAID), "--db", str(bad), "serve", "--host", "127.0.0.1",
                          "--port", str(sk.free_port())], capture_output=True, text=True, timeout=60,
                         env={**__import__("os").environ, "FRONTAID_LANG": "en"})
    sk.assert_cli_refused(res)
