"""The sealed envelope every sync payload travels in, on a USB stick or over Wi-Fi.

    MAGIC (8) | key id (8) | n (4, big-endian) | header (n bytes)
              | secretbox(BLAKE2b-256(all before) | zstd(msgpack(payload)))

The deployment key (32 bytes, shared by every enrolled device that is not revoked)
encrypts and authenticates: a flipped byte (in the header too, whose hash is inside
the box), a cut file or a wrong key fails before anything is parsed, and a captured
stick shows nothing but the magic, the key id and the header. The key id names the
key that sealed it (the key changes when a device is revoked, sync/keys.py); the
header carries the current key wrapped for each device (empty before any revocation).
Version 1 envelopes (`FRNTAID1 | secretbox(zstd(msgpack(payload)))`) are still read.

Opening is bounded: the box is at most what the caller read (a size cap set by the
caller: `bundle.MAX_BUNDLE`, `http.MAX_BODY`), and the zstd stream is inflated in
1 MiB steps up to `max_plain` bytes, never to the size a frame header claims, so a
compression bomb from a key holder costs `max_plain` at most and is refused with
TooLarge. Anything that is not msgpack, or is followed by stray bytes, is an
IntegrityError: one line, never a traceback.
"""

from __future__ import annotations

import hashlib
from typing import Any

import msgpack
import zstandard
from nacl.exceptions import CryptoError
from nacl.secret import SecretBox

from frontaid.errors import IntegrityError, TooLarge

MAGIC = b"FRNTAID2"
LEGACY = b"FRNTAID1"
MAX_PLAIN = 1024 * 1024 * 1024  # a bundle of the 100k-household town inflates to ~200 MB
_MAX_HEADER = 1024 * 1024  # key wraps: 150 bytes a device
_STEP = 1024 * 1024
_MAX_DEPTH = 64  # msgpack nesting; ours is 5 deep


def key_id(key: bytes) -> bytes:
    """A public name for a deployment key: says which key opens an envelope, reveals nothing of it."""
    return hashlib.blake2b(key, digest_size=8, person=b"frontaid-keyid").digest()


def seal(payload: Any, key: bytes, level: int = 9, header: bytes = b"") -> bytes:
    raw = msgpack.packb(payload, use_bin_type=True)
    packed = zstandard.ZstdCompressor(level=level).compress(raw)
    head = MAGIC + key_id(key) + len(header).to_bytes(4, "big") + header
    return head + bytes(SecretBox(key).encrypt(hashlib.blake2b(head, digest_size=32).digest() + packed))


def peek(blob: bytes) -> tuple[bytes | None, bytes]:
    """The key id and the header of an envelope (None, b"" for version 1), before opening it."""
    if blob.startswith(LEGACY):
        return None, b""
    if not blob.startswith(MAGIC):
        raise IntegrityError("not a frontaid bundle")
    if len(blob) < len(MAGIC) + 12:
        raise IntegrityError("the file is cut short")
    n = int.from_bytes(blob[16:20], "big")
    if n > _MAX_HEADER or len(blob) < 20 + n:
        raise IntegrityError("the file is cut short")
    return blob[8:16], blob[20:20 + n]


def inflate(packed: bytes, max_plain: int) -> bytearray:
    """The zstd frame `packed` decompressed, refusing (TooLarge) past `max_plain` bytes."""
    out = bytearray()
    try:
        with zstandard.ZstdDecompressor().stream_reader(packed) as reader:
            while chunk := reader.read(_STEP):
                out += chunk
                if len(out) > max_plain:
                    raise TooLarge(mb=max_plain // (1024 * 1024))
    except zstandard.ZstdError as exc:
        raise IntegrityError("the contents cannot be read") from exc
    return out


def _depth_ok(value: Any, depth: int = 0) -> bool:
    if depth > _MAX_DEPTH:
        return False
    if isinstance(value, dict):
        return all(_depth_ok(v, depth + 1) for v in value.values())
    if isinstance(value, list):
        return all(_depth_ok(v, depth + 1) for v in value)
    return True


def open_(blob: bytes, key: bytes, max_plain: int = MAX_PLAIN) -> Any:
    """The payload of an envelope; IntegrityError (or TooLarge) with a plain reason when it is not sound."""
    kid, header = peek(blob)
    start = len(LEGACY) if kid is None else 20 + len(header)
    try:
        packed = SecretBox(key).decrypt(blob[start:])
    except CryptoError:
        raise IntegrityError("the file is damaged or was sealed with another deployment's key") from None
    except ValueError:
        raise IntegrityError("the file is cut short") from None
    if kid is not None:
        if packed[:32] != hashlib.blake2b(blob[:start], digest_size=32).digest():
            raise IntegrityError("the file is damaged or was sealed with another deployment's key")
        packed = packed[32:]
    raw = inflate(packed, max_plain)
    del packed
    try:
        return msgpack.unpackb(raw, raw=False, strict_map_key=False)
    except (ValueError, TypeError, msgpack.ExtraData, msgpack.UnpackException, RecursionError) as exc:
        # TypeError: a map used as a map key ("unhashable"), found by tests/sync/test_fuzz_sync.py
        raise IntegrityError("the contents cannot be read") from exc
