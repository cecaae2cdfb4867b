"""Device keys and signed chain heads.

A device signs only the head of its chain, `(origin, seq, hash)`; since each op
carries the hash of the one before, one signature vouches for every op up to seq.
"""

from __future__ import annotations

from nacl.exceptions import BadSignatureError
from nacl.signing import SigningKey, VerifyKey

from frontaid.oplog.op import pack


def new_signing_key() -> SigningKey:
    return SigningKey.generate()


def head_message(origin: str, seq: int, head: bytes) -> bytes:
    return pack(["frontaid-head-v1", origin, seq, head])


def sign_head(key: SigningKey, origin: str, seq: int, head: bytes) -> bytes:
    return bytes(key.sign(head_message(origin, seq, head)).signature)


def verify_head(public: bytes, origin: str, seq: int, head: bytes, signature: bytes) -> bool:
    try:
        VerifyKey(public).verify(head_message(origin, seq, head), signature)
    except (BadSignatureError, ValueError, TypeError):
        return False
    return True
