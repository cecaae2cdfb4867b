"""HTTPS: the hub's own CA, a real `frontaid serve --tls` on loopback, a device that pins it."""

from __future__ import annotations

import os
import ssl
import subprocess
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from frontaid.i18n import set_language
from frontaid.store.replica import Replica
from frontaid.sync import devices, tls
from frontaid.sync.http import SyncClient


def serve_tls(sk: Any, db: Path, log: Path, *extra: str) -> tuple[subprocess.Popen[bytes], str]:
    port = sk.free_port()
    env = {**os.environ, "FRONTAID_LANG": "en"}
    with open(log, "wb") as fh:
        proc = subprocess.Popen([str(sk.FRONTAID), "--db", str(db), "serve", "--tls", "--host", "127.0.0.1",
                                 "--port", str(port), "--workers", "1", *extra],
                                stdout=fh, stderr=subprocess.STDOUT, env=env)
    url = f"https://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            if httpx.get(url + "/health", verify=False, timeout=2).status_code == 200:
                return proc, url
        except httpx.HTTPError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            sk.stop(proc)
            raise AssertionError(log.read_text())
        time.sleep(0.2)


def test_the_ca_and_server_keys_live_in_the_replica_only(deployment: Any) -> None:
    hub = deployment.hub
    chain, key = tls.ensure_server_cert(hub, tls.local_names(["hub.lan"]))
    assert "BEGIN PRIVATE KEY" in str(hub.meta("tls_ca_key")) and "BEGIN PRIVATE KEY" in key
    # The server certificate names the machine and what --san added; the CA signs it.
    ctx = ssl.create_default_context(cadata=str(hub.meta("tls_ca_cert")))
    assert ctx.cert_store_stats()["x509_ca"] == 1
    names = tls.local_names(["hub.lan"])
    assert "hub.lan" in names and "127.0.0.1" in names and "localhost" in names
    # The same names again: the same certificate (phones are not asked again).
    assert tls.ensure_server_cert(hub, names)[0] == chain
    # Building the server context leaves no file behind anywhere in the replica's directory.
    before = set(os.listdir(deployment.root))
    tls.server_context(chain, key)
    assert set(os.listdir(deployment.root)) == before


@pytest.fixture
def english() -> Any:
    set_language("en")
    yield
    set_language("uk")


def test_serve_tls_pins_and_refuses_another_certificate(sk: Any, deployment: Any, english: Any) -> None:
    hub = deployment.hub
    code = devices.enroll(hub, sk.ACTOR, "team-east", "field")  # makes the CA, pins it in the code
    dev = devices.join(deployment.root / "team-east.db", code)
    deployment.devices.append(dev)
    assert dev.meta("hub_ca_fingerprint") == tls.ca_fingerprint(hub)
    proc, url = serve_tls(sk, hub.path, deployment.root / "serve.log")
    try:
        banner = (deployment.root / "serve.log").read_text()
        assert "/ca.crt" in banner and tls.spaced(tls.ca_fingerprint(hub)) in banner
        # The CA certificate is served, its key never.
        ca = httpx.get(url + "/ca.crt", verify=False)
        assert ca.status_code == 200 and tls.fingerprint(ca.text) == tls.ca_fingerprint(hub)
        assert "PRIVATE" not in ca.text
        # The system's store does not trust the hub: a plain client refuses it.
        with pytest.raises(httpx.ConnectError):
            httpx.get(url + "/health")
        client = SyncClient(dev, url)
        try:
            result = client.sync()
        finally:
            client.close()
        assert result["pulled"] > 0
        sk.assert_converged([hub, dev])
        page = httpx.get(url + "/login", verify=False)
        assert "max-age" in page.headers["strict-transport-security"]
        assert "secure" in page.headers["set-cookie"].lower()
    finally:
        sk.stop(proc)
    # Another hub (its own CA) at the same address: the device refuses it, before sending anything.
    other = Replica.create(deployment.root / "other.db", "Testtown", epoch=sk.EPOCH)
    tls.ensure_server_cert(other, tls.local_names())
    other.close()
    proc, url2 = serve_tls(sk, deployment.root / "other.db", deployment.root / "other.log")
    try:
        dev.set_meta("hub_ca_cert", None)  # as a device that has not fetched it yet
        with pytest.raises(Exception, match="not the one this device was enrolled with"):
            SyncClient(dev, url2)
        # With the right CA cached but the wrong server: the TLS handshake fails.
        with dev.transaction():
            dev.set_meta("hub_ca_cert", hub.meta("tls_ca_cert"))
        client = SyncClient(dev, url2)
        try:
            with pytest.raises(Exception, match="not the one this device was enrolled with"):
                client.sync()
        finally:
            client.close()
    finally:
        sk.stop(proc)


def test_sync_over_https_without_a_pin_is_refused(sk: Any, deployment: Any, tmp_path: Path) -> None:
    dev = Replica.create(tmp_path / "loose.db", "Testtown", epoch=sk.EPOCH)
    try:
        res = sk.cli(dev.path, "sync", "https://127.0.0.1:9", check=False)
        line = sk.assert_cli_refused(res)
        assert "pinned certificate" in line
        res = sk.cli(dev.path, "sync", "https://127.0.0.1:9", "--pin", "zz", check=False)
        assert "fingerprint" in sk.assert_cli_refused(res)
    finally:
        dev.close()
