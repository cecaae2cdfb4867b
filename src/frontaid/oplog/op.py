"""An op: one change, never edited, never deleted.

Its canonical encoding is a msgpack array of its fields in a fixed order with
map keys sorted; the hash covers that encoding, and each op names the hash of
its origin's previous op (`prev`), so the ops of one origin form a chain.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any, Final

import msgpack

VERBS: Final = frozenset(
    {"create", "set", "add", "remove", "count", "merge", "unmerge", "retract", "resolve"}
)
GENESIS: Final = b"\x00" * 32


_CONTAINERS = (dict, list, tuple)


def _canonical(value: Any) -> Any:
    # Hot path (every op is encoded to hash it): recurse only into containers.
    if type(value) is dict:
        return {k: (_canonical(v) if type(v) in _CONTAINERS else v) for k, v in sorted(value.items())}
    if type(value) in (list, tuple):
        return [(_canonical(v) if type(v) in _CONTAINERS else v) for v in value]
    if isinstance(value, dict):
        return {k: _canonical(value[k]) for k in sorted(value)}
    if isinstance(value, list | tuple):
        return [_canonical(v) for v in value]
    return value


def pack(value: Any) -> bytes:
    """Canonical msgpack: maps with sorted keys, tuples as arrays."""
    return msgpack.packb(_canonical(value), use_bin_type=True)  # type: ignore[no-any-return]


def unpack(raw: bytes) -> Any:
    return msgpack.unpackb(raw, raw=False, strict_map_key=False)


def op_id(origin: str, seq: int) -> str:
    return f"{origin}:{seq}"


def parse_op_id(text: str) -> tuple[str, int]:
    origin, _, seq = text.rpartition(":")
    return origin, int(seq)


@dataclass(frozen=True, slots=True)
class Op:
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
