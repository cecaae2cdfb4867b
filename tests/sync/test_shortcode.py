"""The short enrolment code: typed on the new device, the long code fetched from a real `frontaid serve`."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from nacl.secret import SecretBox

from frontaid.errors import BadInput, HubUnreachable, IntegrityError
from frontaid.store.replica import Replica
from frontaid.sync import shortcode
from frontaid.sync.devices import parse_code

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from serving import served  # noqa: E402

FRONTAID = Path(sys.executable).parent / "frontaid"


def cli(db: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "FRONTAID_LANG": "en", "FRONTAID_ACTOR": "tester"}
    return subprocess.run([str(FRONTAID), "--db", str(db), *args], capture_output=True, text=True, env=env,
                          timeout=120)


@pytest.fixture(scope="module")
def hub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, str]]:
    """A hub replica and its `frontaid serve` on loopback, for the module."""
    db = tmp_path_factory.mktemp("short") / "hub.db"
    assert cli(db, "init", "--no-encrypt", "--town", "Testtown").returncode == 0
    with served(db) as url:
        yield db, url


def enroll(db: Path, name: str) -> dict[str, Any]:
    res = cli(db, "--json", "device", "enroll", name, "--no-qr")
    assert res.returncode == 0, res.stderr
    out: dict[str, Any] = json.loads(res.stdout)
    return out


def test_a_device_joins_with_the_short_code_once(hub: tuple[Path, str], tmp_path: Path) -> None:
    db, url = hub
    made = enroll(db, "team-short")
    short = made["short_code"]
    assert len(short) == 9 and short[4] == "-" and shortcode.normalise(short)
    new = tmp_path / "team.db"
    res = cli(new, "init", "--no-encrypt", "--join", short.lower().replace("-", " "), "--hub", url)
    assert res.returncode == 0, res.stderr
    assert "sync" in res.stdout and url in res.stdout  # what to do next names the hub
    joined = Replica.open(new)
    try:
        row = joined.conn.execute("SELECT name FROM devices WHERE eid = ?", (joined.origin,)).fetchone()
        assert row[0] == "team-short"
        # The fetched code is the hub's own: the same CA pin the long code carries.
        assert joined.meta("hub_ca_fingerprint") == parse_code(made["code"]).hub_ca.hex()
    finally:
        joined.close()
    with pytest.raises(BadInput, match="no such short code"):  # once only
        shortcode.fetch(url, short)


def test_the_hub_keeps_neither_the_short_code_nor_the_long_one_readable(hub: tuple[Path, str]) -> None:
    db, _url = hub
    made = enroll(db, "team-stored")
    rep = Replica.open(db)
    try:
        stored = str(rep.meta(shortcode.META))
    finally:
        rep.close()
    code = shortcode.normalise(made["short_code"]) or ""
    assert code not in stored and made["code"] not in stored
    lookup, key = shortcode.derive(code)
    entry = next(r for r in json.loads(stored) if r["lookup"] == lookup.hex())
    assert shortcode.unseal(key, bytes.fromhex(entry["box"])) == made["code"]


def test_a_short_code_that_is_wrong_or_without_the_hub_is_one_line(hub: tuple[Path, str],
                                                                   tmp_path: Path) -> None:
    _db, url = hub
    res = cli(tmp_path / "x.db", "init", "--no-encrypt", "--join", "K7M2-9QXD", "--hub", url)
    assert res.returncode == 2 and "no such short code" in res.stderr
    assert len(res.stderr.strip().splitlines()) == 1 and not (tmp_path / "x.db").exists()
    with pytest.raises(BadInput, match="http://"):
        shortcode.fetch("", "K7M2-9QXD")
    with pytest.raises(HubUnreachable):
        shortcode.fetch("http://127.0.0.1:9", "K7M2-9QXD")


def test_an_impostor_hub_cannot_answer_for_the_real_one() -> None:
    """A machine answering at the hub's address, without the short code, cannot seal an answer the device
    opens: the CA pin inside the long code stays the real hub's."""
    code = "K7M29QXD"
    _lookup, right = shortcode.derive(code)
    forged = SecretBox(bytes(32)).encrypt(b"a long code naming the impostor's certificate")

    def impostor(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={"box": bytes(forged).hex()})

    with pytest.raises(IntegrityError):
        shortcode.fetch("http://hub.lan:8080", code, transport=httpx.MockTransport(impostor))
    genuine = SecretBox(right).encrypt(b"the hub's long code")

    def hub_answer(request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content)
        assert body["lookup"] == _lookup.hex() and code not in request.content.decode()
        return httpx.Response(200, json={"box": bytes(genuine).hex()})

    assert shortcode.fetch("http://hub.lan:8080", code, transport=httpx.MockTransport(hub_answer)) == \
        "the hub's long code"


def test_codes_expire_and_are_taken_once(rep: Replica) -> None:
    shown = shortcode.offer(rep, "LONG-CODE", now=1000.0)
    lookup, _key = shortcode.derive(shortcode.normalise(shown) or "")
    assert shortcode.take(rep, lookup.hex(), now=1000.0 + shortcode.MINUTES * 60 + 1) is None
    shown = shortcode.offer(rep, "LONG-CODE", now=5000.0)
    lookup, _key = shortcode.derive(shortcode.normalise(shown) or "")
    assert shortcode.take(rep, lookup.hex(), now=5001.0) is not None
    assert shortcode.take(rep, lookup.hex(), now=5002.0) is None


def test_guesses_are_limited_per_address_and_overall(rep: Replica) -> None:
    now = [0.0]
    tries = shortcode.Tries(clock=lambda: now[0])
    app = FastAPI()
    app.include_router(shortcode.router(lambda: rep, tries))
    client = TestClient(app)
    shown = shortcode.offer(rep, "LONG-CODE")
    right, _key = shortcode.derive(shortcode.normalise(shown) or "")
    for _ in range(shortcode.TRIES):
        assert client.post(shortcode.PATH, json={"lookup": "00" * 16}).status_code == 404
    # Blocked now, even with the right code; nothing was taken.
    assert client.post(shortcode.PATH, json={"lookup": right.hex()}).status_code == 429
    assert client.post(shortcode.PATH, content=b"x" * 5000).status_code == 429
    now[0] += shortcode.WINDOW_S + 1
    assert client.post(shortcode.PATH, json={"lookup": "zz"}).status_code == 400
    assert client.post(shortcode.PATH, json={"lookup": right.hex()}).status_code == 200
    # Overall: many addresses guessing block everyone for the window.
    for i in range(shortcode.TRIES_ALL):
        tries.failed(f"10.0.0.{i}")
    assert tries.blocked("10.9.9.9")


@pytest.mark.parametrize("text", ["K7M2-9QX", "K7M2-9QXO", "K7M2-9QX1", "I7M2-9QXD", ""])
def test_look_alike_or_short_texts_are_not_short_codes(text: str) -> None:
    assert shortcode.normalise(text) is None
    with pytest.raises(BadInput):
        shortcode.fetch("http://hub.lan:8080", text)
