"""Signed chain heads: the device's key vouches for every op up to its head."""

from __future__ import annotations

from frontaid.actions import registry
from frontaid.oplog.chain import new_signing_key, sign_head, verify_head
from frontaid.store.replica import Replica


def head_row(rep: Replica) -> tuple[str, int, bytes, bytes]:
    row = rep.conn.execute("SELECT origin, seq, hash, sig FROM heads WHERE origin = ?",
                           (rep.origin,)).fetchone()
    assert row is not None
    return row[0], row[1], row[2], row[3]


def public_key(rep: Replica) -> bytes:
    row = rep.conn.execute("SELECT public FROM devices WHERE eid = ?", (rep.origin,)).fetchone()
    return bytes.fromhex(row[0])


def test_sign_and_verify_round_trip() -> None:
    key = new_signing_key()
    sig = sign_head(key, "o", 3, b"\x01" * 32)
    public = bytes(key.verify_key)
    assert verify_head(public, "o", 3, b"\x01" * 32, sig)
    assert not verify_head(public, "o", 4, b"\x01" * 32, sig)
    assert not verify_head(public, "p", 3, b"\x01" * 32, sig)
    assert not verify_head(public, "o", 3, b"\x02" * 32, sig)
    assert not verify_head(bytes(new_signing_key().verify_key), "o", 3, b"\x01" * 32, sig)
    assert not verify_head(public, "o", 3, b"\x01" * 32, b"short")


def test_the_heads_table_is_signed_by_the_device_key(rep: Replica) -> None:
    registry.add_zone(rep, "t", "east", "Схід", "East")
    registry.add_zone(rep, "t", "west", "Захід", "West")
    origin, seq, head, sig = head_row(rep)
    assert seq == 3
    assert head == rep.ops_after({})[-1].hash()
    assert verify_head(public_key(rep), origin, seq, head, sig)


def test_a_tampered_head_fails(rep: Replica) -> None:
    registry.add_zone(rep, "t", "east", "Схід", "East")
    origin, seq, head, sig = head_row(rep)
    public = public_key(rep)
    tampered_head = bytes([head[0] ^ 1]) + head[1:]
    tampered_sig = bytes([sig[0] ^ 1]) + sig[1:]
    assert not verify_head(public, origin, seq, tampered_head, sig)
    assert not verify_head(public, origin, seq + 1, head, sig)
    assert not verify_head(public, origin, seq, head, tampered_sig)


def test_another_devices_key_does_not_verify(make_replica) -> None:  # type: ignore[no-untyped-def]
    a, b = make_replica("a"), make_replica("b")
    origin, seq, head, sig = head_row(a)
    assert verify_head(public_key(a), origin, seq, head, sig)
    assert not verify_head(public_key(b), origin, seq, head, sig)


def test_the_head_moves_with_every_record(rep: Replica) -> None:
    first = head_row(rep)
    registry.add_zone(rep, "t", "east", "Схід", "East")
    second = head_row(rep)
    assert second[1] == first[1] + 1 and second[2] != first[2]
    assert verify_head(public_key(rep), *second)
