"""A stranger and a rogue device against a real `frontaid serve` on loopback: bounded memory, 4xx.

Memory is the server process's own high-water mark (VmHWM in /proc/PID/status),
read before and after each attack: the serve runs with one worker so that one
process answers everything.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import msgpack
import pytest
import zstandard
from nacl.secret import SecretBox

from frontaid.oplog.op import unpack
from frontaid.store.replica import Replica
from frontaid.sync import envelope
from frontaid.sync.bundle import deployment_key
from frontaid.sync.http import CT, MAX_BODY_NEW, MAX_PLAIN, PREFIX, signed_headers

MB = 1024 * 1024


def vm_hwm(pid: int) -> int:
    """The peak resident memory of a process so far, in bytes."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    raise AssertionError("no VmHWM")


@pytest.fixture
def hub(tmp_path: Path, sk: Any) -> Iterator[dict[str, Any]]:
    """A hub with the small town, served by one worker; an enrolled device that has synced."""
    db = tmp_path / "hub.db"
    sk.cli(db, "init", "--no-encrypt", "--town", "Testtown", "--device", "hub")
    sk.cli(db, "zone", "add", "east", "--name", "Схід", "--name-en", "East")
    dev = tmp_path / "dev.db"
    code = sk.cli_json(db, "device", "enroll", "team-east", "--no-qr")["code"]
    sk.cli(dev, "init", "--no-encrypt", "--join", code)
    port = sk.free_port()
    env = {**os.environ, "FRONTAID_LANG": "en"}
    with open(tmp_path / "serve.log", "wb") as fh:
        proc = subprocess.Popen([str(sk.FRONTAID), "--db", str(db), "serve", "--host", "127.0.0.1",
                                 "--port", str(port), "--workers", "1"], stdout=fh, stderr=subprocess.STDOUT,
                                env=env)
    url = f"http://127.0.0.1:{port}"
    try:
        sk.wait_health(url, proc)
        sk.cli(dev, "sync", url)
        yield {"db": db, "dev": dev, "url": url, "proc": proc}
    finally:
        sk.stop(proc)


def chunks(total: int, size: int = MB) -> Iterator[bytes]:
    block = os.urandom(size)
    for _ in range(total // size):
        yield block


def post_stream(url: str, body: Any, headers: dict[str, str]) -> int | None:
    """POST a streamed body; the status, or None when the server closed on us mid-body (also a refusal)."""
    try:
        return httpx.post(url, content=body, headers=headers, timeout=60).status_code
    except (httpx.RemoteProtocolError, httpx.WriteError, httpx.ReadError):
        return None


def test_a_stranger_s_250_mb_body_costs_the_server_under_50_mb(hub: dict[str, Any]) -> None:
    pid, url = hub["proc"].pid, hub["url"] + PREFIX
    before = vm_hwm(pid)
    started = time.monotonic()
    # No signature: refused on the headers, the body never read.
    assert post_stream(url + "/pull", chunks(250 * MB), {"Content-Type": CT}) in (401, None)
    # A "new device" (allowed to introduce itself): capped at MAX_BODY_NEW, told so, the rest unread.
    stranger = {"X-Frontaid-Origin": "ab" * 8, "X-Frontaid-Time": str(int(time.time() * 1000)),
                "X-Frontaid-Signature": "00" * 64, "Content-Type": CT}
    assert post_stream(url + "/push", chunks(250 * MB), stranger) in (413, None)  # chunked, no length
    declared = {**stranger, "Content-Length": str(250 * MB)}
    assert post_stream(url + "/push", chunks(250 * MB), declared) in (413, None)
    grown = vm_hwm(pid) - before
    assert grown < 50 * MB, f"the server grew {grown / MB:.0f} MB"
    assert httpx.get(hub["url"] + "/health").status_code == 200
    took = time.monotonic() - started
    print(f"\n250 MB x3 from a stranger: server peak +{grown / MB:.1f} MB, {took:.1f} s")
    # A body just over the new-device cap, sent whole with its length: 413 with one line.
    english = {**stranger, "Accept-Language": "en"}
    r = httpx.post(url + "/push", content=b"x" * (MAX_BODY_NEW + 1), headers=english)
    assert r.status_code == 413 and unpack(r.content)["error"].startswith("This is larger than")


def signed_post(dev: Path, url: str, name: str, body: bytes) -> httpx.Response:
    with Replica.open(dev) as rep:
        headers = signed_headers(rep, "POST", f"{PREFIX}/{name}", body)
    return httpx.post(url + f"{PREFIX}/{name}", content=body, headers=headers, timeout=120)


def sealed_raw(dev: Path, plain_chunks: Iterator[bytes]) -> bytes:
    """An envelope around whatever bytes (not necessarily msgpack), with the device's key."""
    with Replica.open(dev) as rep:
        key = deployment_key(rep)
    comp = zstandard.ZstdCompressor(level=1).compressobj()
    packed = b"".join(comp.compress(c) for c in plain_chunks) + comp.flush()
    head = envelope.MAGIC + envelope.key_id(key) + bytes(4)  # version 2, no key wraps
    return head + bytes(SecretBox(key).encrypt(hashlib.blake2b(head, digest_size=32).digest() + packed))


def test_a_zstd_bomb_from_a_signed_device_is_refused_in_bounded_memory(hub: dict[str, Any]) -> None:
    pid = hub["proc"].pid
    zero = bytes(MB)
    bomb = sealed_raw(hub["dev"], (zero for _ in range(1024)))  # 1 GiB of zeros in ~50 KB
    assert len(bomb) < MB
    before = vm_hwm(pid)
    r = signed_post(hub["dev"], hub["url"], "push", bomb)
    grown = vm_hwm(pid) - before
    assert r.status_code == 413, r.content
    assert grown < MAX_PLAIN + 32 * MB, f"the server grew {grown / MB:.0f} MB"
    print(f"\n1 GiB zstd bomb: server peak +{grown / MB:.1f} MB (cap {MAX_PLAIN // MB} MB)")


MALFORMED = [
    b"\xc1",                                     # a byte msgpack never uses
    b"\x92\x01",                                 # an array cut short
    msgpack.packb([1, 2, 3]),
    msgpack.packb({"vector": [1, 2]}),
    msgpack.packb({"vector": {"a": "not a number"}}),
    msgpack.packb({"vector": {"a": 1e300}, "limit": "many"}),
    msgpack.packb({"from": "x", "runs": "x", "heads": 1, "v": 2}),
    msgpack.packb({"vector": {}, "limit": 10}) + b"trailing",
    b"\x91" * 5000 + b"\x90",                    # nested 5,000 deep
]


def test_malformed_msgpack_from_a_signed_device_gets_4xx_and_one_line(hub: dict[str, Any]) -> None:
    with Replica.open(hub["db"]) as rep:
        before = rep.digest()
    for raw in MALFORMED:
        for name in ("pull", "push", "vector"):
            r = signed_post(hub["dev"], hub["url"], name, sealed_raw(hub["dev"], iter([raw])))
            if r.status_code == 200:
                # a map a pull can read as "everything" (no vector), or the vector request,
                # which ignores its payload: harmless, and nothing can be pushed this way
                assert name in ("pull", "vector") and raw[:1] not in (b"\xc1", b"\x92"), raw[:20]
                continue
            assert 400 <= r.status_code < 500, (raw[:20], name, r.status_code, r.content[:300])
            line = unpack(r.content)["error"]
            assert "\n" not in line and "Traceback" not in line and line
    with Replica.open(hub["db"]) as rep:
        assert rep.digest() == before
    assert httpx.get(hub["url"] + "/health").status_code == 200
