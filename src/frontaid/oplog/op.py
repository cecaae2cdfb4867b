"""An op: one change, never edited, never deleted.

Its canonical encoding is a msgpack array of its fields in a fixed order with
map keys sorted; the hash covers that encoding, and each op names the hash of
its origin's previous op (`prev`), so the ops of one origin form a chain.
"""

from __future__ import annotations

import hashlib
import threading
from typing import Any, Final, NamedTuple

import msgpack

VERBS: Final = frozenset(
    {"create", "set", "add", "remove", "count", "merge", "unmerge", "retract", "resolve"}
)
GENESIS: Final = b"\x00" * 32


_CONTAINERS = (dict, list, tuple)


def _canonical(value: Any) -> Any:
    # Hot path (every op is encoded to hash it): recurse only into containers.
    if type(value) is dict:
        items = sorted(value.items())
        for _k, v in items:
            if type(v) in _CONTAINERS:
                return {k: (_canonical(v) if type(v) in _CONTAINERS else v) for k, v in items}
        return dict(items)  # flat, the usual case
    if type(value) in (list, tuple):
        return [(_canonical(v) if type(v) in _CONTAINERS else v) for v in value]
    if isinstance(value, dict):
        return {k: _canonical(value[k]) for k in sorted(value)}
    if isinstance(value, list | tuple):
        return [_canonical(v) for v in value]
    return value


_local = threading.local()


def pack(value: Any) -> bytes:
    """Canonical msgpack: maps with sorted keys, tuples as arrays."""
    # One Packer per thread (a Packer keeps a buffer; msgpack.packb makes one per call).
    try:
        packer = _local.packer
    except AttributeError:
        packer = _local.packer = msgpack.Packer(use_bin_type=True)
    return packer.pack(_canonical(value))  # type: ignore[no-any-return]


def unpack(raw: bytes) -> Any:
    return msgpack.unpackb(raw, raw=False, strict_map_key=False)


def op_id(origin: str, seq: int) -> str:
    return f"{origin}:{seq}"


def parse_op_id(text: str) -> tuple[str, int]:
    origin, _, seq = text.rpartition(":")
    return origin, int(seq)


class Op(NamedTuple):
    """One op. A named tuple, not a frozen dataclass: a million are built per bulk sync,
    and a tuple is built four times faster."""

    origin: str
    seq: int
    hlc: int
    actor: str
    entity: str
    eid: str
    verb: str
    data: dict[str, Any]
    seen: Any
    prev: bytes

    @property
    def id(self) -> str:
        return op_id(self.origin, self.seq)

    @property
    def stamp(self) -> tuple[int, str]:
        """The last-writer-wins order: hybrid clock, then origin."""
        return (self.hlc, self.origin)

    def body(self) -> list[Any]:
        return [
            self.origin, self.seq, self.hlc, self.actor, self.entity, self.eid,
            self.verb, self.data, self.seen, self.prev,
        ]

    def encode(self) -> bytes:
        return msgpack.packb(  # type: ignore[no-any-return]
            [self.origin, self.seq, self.hlc, self.actor, self.entity, self.eid, self.verb,
             _canonical(self.data), _canonical(self.seen), self.prev],
            use_bin_type=True)

    def hash(self) -> bytes:
        return hashlib.blake2b(self.encode(), digest_size=32).digest()

    @classmethod
    def decode(cls, raw: bytes) -> Op:
        f = unpack(raw)
        return cls(f[0], f[1], f[2], f[3], f[4], f[5], f[6], f[7], f[8], f[9])


def chain_hash(body_packed: bytes) -> bytes:
    return hashlib.blake2b(body_packed, digest_size=32).digest()


_ARRAY10: Final = b"\x9a"  # msgpack fixarray header, 10 elements
_BIN32: Final = b"\xc4\x20"  # msgpack bin 8 header, 32 bytes
_NIL: Final = b"\xc0"


def encode_parts(packer: msgpack.Packer, origin: str, seq: int, hlc: int, actor: str, entity: str,
                 eid: str, verb: str, data_packed: bytes, seen_packed: bytes | None, prev: bytes) -> bytes:
    """`Op.encode`, byte for byte, from `data` and `seen` already packed canonically (as the
    log stores them; `seen_packed` None for nil), without walking or packing them again.

    `Op.encode` stays the reference: the 7 leading fields packed as a 7-array lose their
    header (0x97) for the 10-array's (0x9a), then the blobs, then `prev` as bin 8 of 32
    bytes. `packer` is a `msgpack.Packer(use_bin_type=True)`.
    """
    if len(prev) != 32:
        raise ValueError("prev is a 32-byte hash")
    head: bytes = packer.pack([origin, seq, hlc, actor, entity, eid, verb])
    return (_ARRAY10 + head[1:] + data_packed + (_NIL if seen_packed is None else seen_packed)
            + _BIN32 + prev)
