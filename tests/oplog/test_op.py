"""Ops: canonical encoding, hashes that cover every field, and the chain of one origin."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from frontaid.oplog.op import GENESIS, VERBS, Op, op_id, pack, parse_op_id, unpack
from frontaid.store.replica import Replica


def sample(**kw: Any) -> Op:
    base: dict[str, Any] = dict(
        origin="a1b2c3d4e5f60718", seq=7, hlc=(1_736_000_000_000 << 16) | 3, actor="anna",
        entity="household", eid="KMT-042-6", verb="set", data={"f": "size", "v": 3},
        seen=[123, "ffff"], prev=b"\x11" * 32,
    )
    base.update(kw)
    return Op(**base)


def test_encoding_is_canonical_whatever_the_key_order() -> None:
    a = sample(data={"f": "size", "v": 3, "z": {"b": 1, "a": 2}})
    b = sample(data={"z": {"a": 2, "b": 1}, "v": 3, "f": "size"})
    assert a.encode() == b.encode()
    assert a.hash() == b.hash()


def test_tuples_encode_as_lists() -> None:
    assert pack((1, 2, ("x",))) == pack([1, 2, ["x"]])


CHANGED = {
    "origin": "ffffffffffffffff", "seq": 8, "hlc": 1, "actor": "ihor", "entity": "person",
    "eid": "KMT-043-1", "verb": "create", "data": {"f": "size", "v": 4}, "seen": None,
    "prev": b"\x12" * 32,
}


@pytest.mark.parametrize("field", Op._fields)
def test_hash_changes_when_any_field_changes(field: str) -> None:
    assert field in CHANGED  # every field of Op is covered
    original = sample()
    changed = original._replace(**{field: CHANGED[field]})
    assert changed.hash() != original.hash()
    assert len(original.hash()) == 32


def test_op_id_round_trips() -> None:
    assert op_id("abc", 12) == "abc:12"
    assert parse_op_id("abc:12") == ("abc", 12)
    assert sample().id == "a1b2c3d4e5f60718:7"
    with pytest.raises(ValueError):
        parse_op_id("no-seq-here")


def test_stamp_orders_by_hlc_then_origin() -> None:
    a = sample(hlc=10, origin="b")
    b = sample(hlc=10, origin="c")
    c = sample(hlc=11, origin="a")
    assert sorted([c, b, a], key=lambda o: o.stamp) == [a, b, c]


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**63), 2**63 - 1) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12,
)


@settings(max_examples=200, deadline=None)
@given(
    data=st.dictionaries(st.text(max_size=8), json_values, max_size=5),
    seen=json_values,
    verb=st.sampled_from(sorted(VERBS)),
    seq=st.integers(1, 2**40),
    hlc=st.integers(0, 2**62),
)
def test_decode_of_encode_is_identity(data: dict[str, Any], seen: Any, verb: str, seq: int,
                                      hlc: int) -> None:
    op = sample(data=data, seen=seen, verb=verb, seq=seq, hlc=hlc)
    back = Op.decode(op.encode())
    assert back.encode() == op.encode()
    assert back.hash() == op.hash()
    assert unpack(pack(data)) == unpack(pack(back.data))


def test_recorded_ops_form_a_hash_chain(rep: Replica) -> None:
    from frontaid.actions import registry

    registry.add_zone(rep, "t", "east", "Схід", "East")
    registry.add_zone(rep, "t", "west", "Захід", "West")
    ops = rep.ops_after({})
    assert [o.seq for o in ops] == [1, 2, 3]
    assert ops[0].prev == GENESIS
    for before, after in zip(ops, ops[1:], strict=False):
        assert after.prev == before.hash()
    stored = [h for (h,) in rep.conn.execute("SELECT hash FROM ops ORDER BY seq")]
    assert stored == [o.hash() for o in ops]
    assert rep.meta("head") == ops[-1].hash().hex()
