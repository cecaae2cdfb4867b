"""The sealed envelope every sync payload travels in, on a USB stick or over Wi-Fi.

    MAGIC (8 bytes) | secretbox(zstd(msgpack(payload)))   — nonce and MAC inside the box

The deployment key (32 bytes, shared by every enrolled device) encrypts and
authenticates: a flipped byte, a cut file or a wrong key fails before anything
is parsed, and a captured stick shows nothing but the magic.
"""

from __future__ import annotations

from typing import Any

import msgpack
import zstandard
from nacl.exceptions import CryptoError
from nacl.secret import SecretBox

from frontaid.errors import IntegrityError

MAGIC = b"FRNTAID1"
_MAX_PLAIN = 2 * 1024 * 1024 * 1024  # refuse to inflate a bomb past 2 GiB


def seal(payload: Any, key: bytes, level: int = 9) -> bytes:
    raw = msgpack.packb(payload, use_bin_type=True)
    packed = zstandard.ZstdCompressor(level=level).compress(raw)
    return MAGIC + bytes(SecretBox(key).encrypt(packed))


def open_(blob: bytes, key: bytes) -> Any:
    """The payload of an envelope; IntegrityError with a plain reason when it is not sound."""
    if not blob.startswith(MAGIC):
        raise IntegrityError("not a frontaid bundle")
    try:
        packed = SecretBox(key).decrypt(blob[len(MAGIC):])
    except CryptoError:
        raise IntegrityError("the file is damaged or was sealed with another deployment's key") from None
    except ValueError:
        raise IntegrityError("the file is cut short") from None
    try:
        raw = zstandard.ZstdDecompressor().decompress(packed, max_output_size=_MAX_PLAIN)
        return msgpack.unpackb(raw, raw=False, strict_map_key=False)
    except (zstandard.ZstdError, ValueError, msgpack.ExtraData) as exc:
        raise IntegrityError("the contents cannot be read") from exc
