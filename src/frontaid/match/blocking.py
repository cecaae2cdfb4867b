"""Blocking: which pairs of records are compared at all (see match/dedup.py for the keys),
in two phases a parallel run spreads over forked workers (match/parallel.py)."""

from __future__ import annotations

import itertools
from array import array
from collections.abc import Iterator
from typing import Final

from frontaid.match import parallel
from frontaid.match.records import _DIGITS, BLOCK_CAP, WINDOW, _Rec

_PAIR_KEYS: dict[tuple[tuple[str, ...], ...], frozenset[str]] = {}


def _pair_keys(codes: tuple[tuple[str, ...], ...]) -> frozenset[str]:
    """Every unordered pair of the name's words' codes (memoised: many people share a name)."""
    hit = _PAIR_KEYS.get(codes)
    if hit is None:
        hit = frozenset(f"n{min(ci, cj)}|{max(ci, cj)}"
                        for i, j in itertools.combinations(range(len(codes)), 2)
                        for ci in codes[i] for cj in codes[j])
        if len(_PAIR_KEYS) < 300_000:
            _PAIR_KEYS[codes] = hit
    return hit


def _keys(x: _Rec, rare: str) -> set[str]:
    codes = tuple(w.codes for w in x.words)
    keys: set[str] = set(_pair_keys(codes))
    flat = {c for cs in codes for c in cs}
    if x.year is not None:  # one word and the year, the other word by its first two letters only
        if len(codes) == 1:
            keys.update(f"y{c}|{x.year}" for c in flat)
        for i, j in itertools.permutations(range(len(codes)), 2):
            first = x.words[j].loose[:2]
            keys.update(f"y{c}|{x.year}|{first}" for c in codes[i])
    if x.rec.household:
        keys.update(f"h{c}|{x.rec.household}" for c in flat)
    if len(x.doc) >= 4:
        keys.add(f"d{x.doc}")
    if len(x.doc) >= 6:  # one typo in a document number leaves one end whole
        keys.update((f"d<{x.doc[:4]}", f"d>{x.doc[-4:]}"))
    if x.street:
        keys.update(f"a{c}|{x.street}" for c in flat)
        if x.year is not None:  # one house and one year: a name spelt past its codes (Polichtchouk)
            keys.add(f"s{x.street}|{x.year}")
    if x.date:
        keys.add(f"b{x.date}|{rare}")
    if len(codes) == 1:  # a one-word name: the word alone
        keys.update(f"o{c}" for c in flat)
    return keys


# A key travels between the blocking phases as 61 bits of its hash and 2 bits of its kind
# (how a big block is ordered). Two keys sharing a hash (for a million keys, once in a
# million runs) join their blocks: more pairs compared, or a block grown past `BLOCK_CAP`
# met by neighbourhood.
_HASH_MASK: Final = (1 << 61) - 1
_KIND_BITS: Final = {"n": 1, "d": 2}


def _key_hashes(bounds: tuple[int, int]) -> list[bytes]:
    """Blocking, phase one: the keys of records lo..hi as (key, record) pairs of ints, one
    array per partition of the keys (the next phase builds each partition's blocks)."""
    recs, rare, parts = parallel.job()
    outs = [array("q") for _ in range(parts)]
    for i in range(bounds[0], min(bounds[1], len(recs))):
        x, r = recs[i], rare[i]
        for k in _keys(x, r):
            h = hash(k) & _HASH_MASK
            out = outs[h % parts]
            out.append((h << 2) | _KIND_BITS.get(k[0], 0))
            out.append(i)
    return [o.tobytes() for o in outs]


def _house(x: _Rec) -> int:
    """The address's first number (the house), or -1."""
    m = _DIGITS.search(x.address)
    return int(m.group()[:9]) if m else -1


def _candidates(chunks: list[bytes]) -> bytes:
    """Blocking, phase two: the candidate pairs (codes i * n + j, i < j) of one partition's
    keys, from phase one's arrays in record order. Each block is whole in one partition; a
    pair two blocks share may come from two partitions (the caller takes the union)."""
    recs = parallel.job()[0]
    # Most keys are one record's alone: a key remembers its first record, and becomes a
    # block (a list) only when a second record shares it.
    first: dict[int, int] = {}
    blocks: dict[int, list[int]] = {}
    for chunk in chunks:
        pairs = array("q")
        pairs.frombytes(chunk)
        it = iter(pairs)
        for k, i in zip(it, it, strict=True):
            j = first.setdefault(k, i)
            if j != i:
                members = blocks.get(k)
                if members is None:
                    blocks[k] = [j, i]
                else:
                    members.append(i)
    first.clear()
    seen: set[int] = set()
    n = len(recs)
    for key, members in blocks.items():
        if len(members) <= BLOCK_CAP:
            for i, j in itertools.combinations(members, 2):
                seen.add(i * n + j)
        else:
            # Sorted so that the likeliest duplicates are neighbours: in a block of one name,
            # by birth year; in others, by the name's spelling.
            kind = key & 3
            if kind == 1:
                order = sorted(members, key=lambda i: (recs[i].year or 0, recs[i].spelling, i))
                # and by house number: one person at one door, a year written on one list only,
                # the door written as a street once and as a shelter once ("підвал, 160")
                by_door = sorted(members, key=lambda i: (_house(recs[i]), recs[i].street, recs[i].year or 0))
                seen.update(c for c in _neighbours(by_door, n)  # the year order met the rest
                            if recs[c // n].year is None or recs[c % n].year is None)
            elif kind == 2:
                order = sorted(members, key=lambda i: (recs[i].doc, i))
            else:
                order = sorted(members, key=lambda i: (recs[i].spelling, i))
            seen.update(_neighbours(order, n))
    return array("q", seen).tobytes()


def _neighbours(order: list[int], n: int) -> Iterator[int]:
    """The pair codes (i * n + j, i < j) of each record and the next `WINDOW` in `order`."""
    for p, i in enumerate(order):
        for j in order[p + 1:p + 1 + WINDOW]:
            yield i * n + j if i < j else j * n + i
