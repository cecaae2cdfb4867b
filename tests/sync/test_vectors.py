"""The known-answer vectors and constants of docs/sync.md, recomputed from the document's inputs.

Another implementation is told to reproduce these bytes; this test keeps the document
and the code saying the same thing. A vector that drifts (a changed encoding, a new
field, a constant retuned) fails here until docs/sync.md is regenerated with
`python scripts/sync_vectors.py --write` and its prose read again.
"""

from __future__ import annotations

import ast
import hashlib
import importlib
import json
import re
from pathlib import Path
from typing import Any

import msgpack
import pytest
import zstandard
from nacl.secret import SecretBox
from nacl.signing import SigningKey

from frontaid.domain.cycles import CYCLES
from frontaid.domain.entities import ENTITIES
from frontaid.oplog.chain import head_message, sign_head, verify_head
from frontaid.oplog.op import GENESIS, Op, encode_parts, pack
from frontaid.queries.flags import list_flags
from frontaid.store.replica import Replica
from frontaid.sync import bundle, envelope
from frontaid.sync.batch import decode_batch, deployment_id
from frontaid.sync.devices import check_proof, encode_code, join, parse_code, proof_message
from frontaid.sync.keys import fingerprint

DOC = Path(__file__).resolve().parents[2] / "docs" / "sync.md"
TEXT = DOC.read_text(encoding="utf-8")


def _vectors() -> dict[str, str]:
    """Every `name = value` of the ```vectors blocks; indented lines continue a hex value."""
    out: dict[str, str] = {}
    for body in re.findall(r"```vectors\n(.*?)```", TEXT, flags=re.S):
        name = ""
        for line in body.splitlines():
            if line.startswith("    "):
                out[name] += line.strip()
            elif line.strip():
                name, _, value = line.partition(" = ")
                out[name] = value.strip()
    return out


V = _vectors()


def b(name: str) -> bytes:
    return bytes.fromhex(V[name])


def doc_op(n: int) -> Op:
    origin, seq, hlc, actor, entity, eid, verb, data, seen, prev = json.loads(V[f"op{n}.fields"])
    return Op(origin, seq, hlc, actor, entity, eid, verb, data, seen, bytes.fromhex(prev))


def test_the_document_holds_every_vector() -> None:
    names = {"hub.seed", "hub.public", "deployment.key", "deployment.id", "head.signature", "state.digest",
             "bundle.file", "enrol.code", "join.proof", "fold.household.status"}
    assert names <= set(V), sorted(names - set(V))
    assert [k for k in V if k.endswith(".canonical")] == ["op1.canonical", "op2.canonical", "op3.canonical"]


def test_keys_fingerprint_and_deployment_id() -> None:
    public = bytes(SigningKey(b("hub.seed")).verify_key).hex()
    assert public == V["hub.public"]
    assert fingerprint(public).hex() == V["hub.fingerprint"]
    assert deployment_id(b("deployment.key")) == V["deployment.id"]


@pytest.mark.parametrize("n", [1, 2, 3])
def test_op_canonical_bytes_and_hash(n: int) -> None:
    op = doc_op(n)
    assert op.encode().hex() == V[f"op{n}.canonical"]
    assert op.hash().hex() == V[f"op{n}.hash"]
    # The fast path the log and the batch decoder use gives the same bytes.
    packer = msgpack.Packer(use_bin_type=True)
    fast = encode_parts(packer, op.origin, op.seq, op.hlc, op.actor, op.entity, op.eid, op.verb,
                        pack(op.data), None if op.seen is None else pack(op.seen), op.prev)
    assert fast == op.encode()


def test_the_chain_links_each_op_to_the_one_before() -> None:
    assert doc_op(1).prev == GENESIS
    for n in (2, 3):
        assert doc_op(n).prev == doc_op(n - 1).hash() == b(f"op{n - 1}.hash")


def test_the_signed_head_and_the_state_digest() -> None:
    top = doc_op(3)
    assert head_message(top.origin, top.seq, top.hash()).hex() == V["head.message"]
    key = SigningKey(b("hub.seed"))
    # Ed25519 is deterministic: the same key and message give the same signature.
    assert sign_head(key, top.origin, top.seq, top.hash()).hex() == V["head.signature"]
    assert verify_head(b("hub.public"), top.origin, top.seq, top.hash(), b("head.signature"))
    assert not verify_head(b("hub.public"), top.origin, top.seq, doc_op(2).hash(), b("head.signature"))
    acc = 0
    for n in (1, 2, 3):
        acc ^= int.from_bytes(b(f"op{n}.hash"), "big")
    assert f"{acc:064x}" == V["state.digest"]
    assert V["state.digest"][:16] == V["state.shown"]


def test_the_bundle_layout() -> None:
    blob, key, nonce = b("bundle.file"), b("deployment.key"), b("bundle.nonce")
    lengths = json.loads(V["bundle.lengths"])
    assert blob[:lengths["magic"]] == envelope.MAGIC == b"FRNTAID2"
    key_id = hashlib.blake2b(key, digest_size=8, person=b"frontaid-keyid").digest()
    assert blob[8:16] == b("bundle.keyid") == key_id
    assert int.from_bytes(blob[16:20], "big") == lengths["header"] == 0
    head = blob[:20]
    assert blob[20:20 + lengths["nonce"]] == nonce
    frame = b("bundle.zstd")
    # The box holds the hash of the clear part, then the frame.
    assert lengths["ciphertext"] == 32 + len(frame)
    assert len(blob) == lengths["file"] == 20 + 24 + 16 + lengths["ciphertext"]
    # secretbox(key, nonce) of BLAKE2b-256(clear part) | zstd frame is exactly the rest of the file.
    inner = hashlib.blake2b(head, digest_size=32).digest() + frame
    assert bytes(SecretBox(key).encrypt(inner, nonce)) == blob[20:]
    assert zstandard.ZstdDecompressor().decompress(frame) == b("bundle.payload")
    payload = envelope.open_(blob, key)
    assert payload == msgpack.unpackb(b("bundle.payload"), raw=False, strict_map_key=False)
    assert payload["deployment"] == V["deployment.id"]
    batch = decode_batch(payload)  # recomputes every hash of the run
    assert [h.hex() for h in batch.runs[0].hashes] == [V[f"op{n}.hash"] for n in (1, 2, 3)]
    assert batch.heads[(V["hub.origin"], 3)] == (b("op3.hash"), b("head.signature"))


def test_the_enrolment_code_and_the_joining_proof() -> None:
    fields: list[Any] = json.loads(V["enrol.code_fields"])
    for i in json.loads(V["enrol.code_bytes"]):
        fields[i] = bytes.fromhex(fields[i])
    assert encode_code(fields) == V["enrol.code"]
    jc = parse_code(V["enrol.code"])
    assert (jc.deployment_key, jc.enrollment_seed) == (b("deployment.key"), b("enrol.seed"))
    assert (jc.hub_origin, jc.hub_fingerprint.hex()) == (V["hub.origin"], V["hub.fingerprint"])
    assert jc.hub_ca == bytes(range(160, 192))  # the pinned CA's hash, the code's 12th field
    enrol = SigningKey(b("enrol.seed"))
    assert bytes(enrol.verify_key).hex() == V["enrol.public"]
    assert bytes(SigningKey(b("join.seed")).verify_key).hex() == V["join.public"]
    proof = enrol.sign(proof_message(V["join.origin"], V["join.public"])).signature
    assert bytes(proof).hex() == V["join.proof"]
    assert check_proof(V["enrol.public"], V["join.origin"], V["join.public"], V["join.proof"])


def test_a_device_joined_with_the_code_imports_the_bundle(tmp_path: Path) -> None:
    """End to end: the code anchors a new device to the vector hub, which takes the bundle as it is."""
    rep = join(tmp_path / "team.db", V["enrol.code"])
    try:
        (tmp_path / "v.fab").write_bytes(b("bundle.file"))
        report = bundle.import_bundle(rep, tmp_path / "v.fab")
        assert (report.applied, report.refused) == (3, [])
        assert rep.vector()[V["hub.origin"]] == 3
        own = rep.conn.execute("SELECT hash FROM ops WHERE origin = ?", (rep.origin,)).fetchone()[0]
        assert int(rep.digest(), 16) ^ int.from_bytes(own, "big") == int(V["state.digest"], 16)
        shelter = rep.conn.execute("SELECT shelter FROM households WHERE eid = ?",
                                   (doc_op(2).eid,)).fetchone()
        assert shelter == ("flat",)
    finally:
        rep.close()


def test_the_flag_vectors_fold_to_the_documented_flags(tmp_path: Path) -> None:
    ops = [Op(*json.loads(v), GENESIS) for k, v in sorted(V.items()) if k.startswith("flagops.")]
    assert len(ops) == 5
    expected = [json.loads(v) for k, v in sorted(V.items()) if k.startswith("flag.")]
    for order in (ops, ops[::-1]):  # derived flags depend on the set of ops, not their order
        path = tmp_path / f"f{len(list(tmp_path.iterdir()))}.db"
        rep = Replica.create(path, "vectors")
        try:
            rep.ingest(order)
            got = [{k: f[k] for k in ("id", "kind", "subject", "detail")} for f in list_flags(rep)]
            assert got == expected
            status = rep.conn.execute("SELECT status FROM households WHERE eid = ?", (ops[0].eid,)).fetchone()
            assert status == (V["fold.household.status"],)
        finally:
            rep.close()


def _constants() -> list[tuple[str, str, str]]:
    section = TEXT.split("### Constants", 1)[1].split("\n## ", 1)[0]
    rows = re.findall(r"^\| `([A-Z_]+)` \| `([^`]+)` \| `([a-z_.]+)` \|", section, flags=re.M)
    assert len(rows) >= 10, "the constants table of docs/sync.md is missing or malformed"
    return rows


@pytest.mark.parametrize("name,value,module", _constants(), ids=[r[0] for r in _constants()])
def test_each_constant_in_the_document_is_the_codes(name: str, value: str, module: str) -> None:
    actual = getattr(importlib.import_module(module), name)
    # The document writes some as arithmetic (`72 * 3600 * 1000`): evaluated with only `bytes` in scope.
    code = compile(ast.parse(value, mode="eval"), "docs/sync.md", "eval")
    expected = eval(code, {"__builtins__": {}, "bytes": bytes})
    assert actual == expected, f"{module}.{name} is {actual!r}, docs/sync.md says {value}"


def _table(header: str) -> list[list[str]]:
    """The rows of the table whose header row starts with `header`, cells without backticks."""
    lines = TEXT.split(header, 1)[1].split("\n\n", 1)[0].splitlines()[2:]
    return [[c.strip().replace("`", "") for c in line.strip("|").split("|")] for line in lines]


def test_the_rounds_in_the_document_are_the_codes() -> None:
    rows = _table("| entitlement (item) | days in a round |")
    assert {item: int(days) for item, days in rows} == CYCLES


def test_the_critical_fields_in_the_document_are_the_codes() -> None:
    rows = _table("| entity | critical fields |")
    documented = {entity: {f.strip() for f in fields.split(",")} for entity, fields in rows}
    assert documented == {e.name: set(e.critical_fields) for e in ENTITIES.values() if e.critical_fields}
