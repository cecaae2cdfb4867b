"""A short enrolment code to type (issue 12): the long code fetched from a real `frontaid serve` over
loopback, sealed on the wire, once, for 30 minutes, and checked against the hub's anchor."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path
from typing import Any

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from frontaid.errors import FrontaidError, IntegrityError
from frontaid.store.replica import Replica
from frontaid.sync import shortcode
from frontaid.sync.devices import parse_code
from frontaid.sync.http import PREFIX


def test_a_device_joins_with_the_short_code_once(sk: Any, tmp_path: Path) -> None:
    hub = tmp_path / "hub.db"
    sk.cli(hub, "init", "--no-encrypt", "--town", "Testtown", "--device", "hub")
    made = sk.cli_json(hub, "device", "enroll", "team-east", "--no-qr")
    short, long_code = made["short_code"], made["code"]
    assert len(short) == 16 and shortcode.is_short(short) and len(long_code) > 200
    proc, url = sk.start_serve(hub, tmp_path / "hub.log")
    try:
        # Typed as people type: lower case, no dashes, O for 0.
        typed = short.lower().replace("-", "").replace("0", "o")
        dev = tmp_path / "team.db"
        sk.cli(dev, "init", "--no-encrypt", "--join", typed, "--hub", url)
        with Replica.open(dev) as rep, Replica.open(hub) as h:
            assert rep.meta("anchor_fingerprint") == parse_code(long_code).hub_fingerprint.hex()
            assert rep.meta("deployment_key") == h.meta("deployment_key")
        out = sk.cli_json(dev, "sync", url)
        assert out["refused"] == []
        # Once only: the same code again is one clear line, and nothing is created.
        again = sk.cli(tmp_path / "again.db", "init", "--no-encrypt", "--join", short, "--hub", url,
                       check=False)
        assert "once, for 30 minutes" in sk.assert_cli_refused(again)
        assert not (tmp_path / "again.db").exists()
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_the_wire_carries_only_the_sealed_code_and_a_wrong_anchor_is_refused(sk: Any, tmp_path: Path) -> None:
    hub = tmp_path / "hub.db"
    sk.cli(hub, "init", "--no-encrypt", "--town", "Testtown", "--device", "hub")
    made = sk.cli_json(hub, "device", "enroll", "desk-1", "--role", "desk", "--no-qr")
    short = shortcode.normalise(made["short_code"])
    proc, url = sk.start_serve(hub, tmp_path / "hub.log")
    try:
        lookup = shortcode.lookup_of(short[:shortcode.SECRET_CHARS])
        assert httpx.get(f"{url}{PREFIX}/enrol/{'0' * 32}").status_code == 404
        sealed = httpx.get(f"{url}{PREFIX}/enrol/{lookup}").content
        with Replica.open(hub) as h:
            key = bytes.fromhex(str(h.meta("deployment_key")))
        assert key not in sealed and made["code"].encode() not in sealed
        assert shortcode.open_sealed(short, sealed) == made["code"]
        wrong_anchor = short[:-1] + ("0" if short[-1] != "0" else "1")
        with pytest.raises(IntegrityError):
            shortcode.open_sealed(wrong_anchor, sealed)
        with pytest.raises(IntegrityError):
            shortcode.open_sealed(short, sealed[:-1] + bytes([sealed[-1] ^ 1]))
        assert httpx.get(f"{url}{PREFIX}/enrol/{lookup}").status_code == 404  # taken already
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_the_device_asks_where_the_hub_answers() -> None:
    assert f"{PREFIX}/enrol" == shortcode.ENROL


def test_a_code_expires_after_thirty_minutes(make_replica: Any) -> None:
    rep = make_replica()
    short = shortcode.make(rep, "LONG-CODE", b"\x00" * 32, now=1_000_000.0)
    lookup = shortcode.lookup_of(shortcode.normalise(short)[:shortcode.SECRET_CHARS])
    assert shortcode.take(rep, lookup, now=1_000_000.0 + 31 * 60) is None
    assert shortcode.take(rep, lookup, now=1_000_000.0) is None  # an expired code is gone, not kept


@given(st.text(max_size=40))
def test_anything_typed_is_a_short_code_or_refused_in_words(text: str) -> None:
    if shortcode.is_short(text):
        assert len(shortcode.normalise(text)) == 14
        return
    with pytest.raises(FrontaidError) as err:
        shortcode.fetch(text, "http://127.0.0.1:9")
    assert err.value.text("uk")


def test_without_the_hub_the_short_code_says_what_is_missing(tmp_path: Path) -> None:
    from tests.sync.conftest import FRONTAID

    res = subprocess.run([str(FRONTAID), "--db", str(tmp_path / "d.db"), "init", "--no-encrypt", "--join",
                          "K7M2-9QXD-4FABC3"], capture_output=True, text=True, timeout=60,
                         env={**os.environ, "FRONTAID_LANG": "uk"})
    assert res.returncode == 2 and "--hub" in res.stderr
