"""Print the known-answer test vectors of docs/sync.md (section 12), computed by frontaid's own code.

    python scripts/sync_vectors.py            # print the vector blocks
    python scripts/sync_vectors.py --write    # put them into docs/sync.md (the prose around them stays)
    python scripts/sync_vectors.py --check    # exit 1 if docs/sync.md's blocks are not these

Everything is fixed (keys, origins, clock stamps, the bundle's nonce), so the output is
the same on every run and machine; tests/sync/test_vectors.py reads the blocks back
out of docs/sync.md and recomputes every value from the document's inputs.
"""

from __future__ import annotations

import hashlib
import json
import re
import sys
import tempfile
from pathlib import Path
from typing import Any

import msgpack
import zstandard
from nacl.secret import SecretBox
from nacl.signing import SigningKey

from frontaid.domain.codes import make_code
from frontaid.oplog.chain import head_message, sign_head
from frontaid.oplog.hlc import from_ms
from frontaid.oplog.op import GENESIS, Op, pack
from frontaid.queries.flags import list_flags
from frontaid.store.replica import Replica
from frontaid.sync import envelope
from frontaid.sync.batch import VERSION, deployment_id
from frontaid.sync.devices import CODE_VERSION, encode_code, proof_message
from frontaid.sync.keys import fingerprint

SEED = bytes(range(32))                       # the hub's Ed25519 signing seed
DEPLOYMENT_KEY = bytes(range(32, 64))
ENROLMENT_SEED = bytes(range(64, 96))         # the one-time key E of an enrolment
JOINER_SEED = bytes(range(96, 128))           # the joining device's own signing seed
NONCE = bytes(range(128, 152))                # 24 bytes; a real seal draws it at random
CA_FINGERPRINT = bytes(range(160, 192))       # stands for the SHA-256 of the hub's CA certificate
ORIGIN = "0123456789abcdef"
JOINER = "fedcba9876543210"
T0 = 1_669_852_800_000                        # 2022-12-01T00:00:00Z, in ms
HOUSEHOLD = make_code("KMT", 1)
ZSTD_LEVEL = 19


def ops() -> list[Op]:
    """Three ops of one origin: its registration, a household, and a change seen over the create."""
    public = bytes(SigningKey(SEED).verify_key).hex()
    fields: list[tuple[int, str, str, str, str, dict[str, Any], Any]] = [
        (from_ms(T0), "frontaid", "device", ORIGIN, "create",
         {"name": "hub", "public": public, "prefix": "KMT", "role": "hub"}, None),
        (from_ms(T0 + 60_000), "olena", "household", HOUSEHOLD, "create",
         {"zone": "east-north", "address": "вул. Миру, 5", "shelter": "basement", "size": 1,
          "utilities": ["none"]}, None),
        (from_ms(T0 + 120_000, 1), "olena", "household", HOUSEHOLD, "set",
         {"f": "shelter", "v": "flat"}, [from_ms(T0 + 60_000), ORIGIN]),
    ]
    out: list[Op] = []
    prev = GENESIS
    for seq, (hlc, actor, entity, eid, verb, data, seen) in enumerate(fields, start=1):
        op = Op(ORIGIN, seq, hlc, actor, entity, eid, verb, data, seen, prev)
        out.append(op)
        prev = op.hash()
    return out


def flag_ops() -> list[Op]:
    """Two devices offline: both hand out this round's food kit, both change the household's status."""
    created = from_ms(T0 + 60_000)
    hand = {"household": HOUSEHOLD, "item": "food-kit", "qty": 1, "at": "food-point",
            "entitlement": "food-kit", "round": 2}
    rows: list[tuple[str, int, int, str, str, str, str, dict[str, Any], Any]] = [
        (ORIGIN, 2, created, "olena", "household", HOUSEHOLD, "create",
         {"zone": "east-north", "address": "вул. Миру, 5", "status": "active"}, None),
        (ORIGIN, 3, from_ms(T0 + 3_600_000), "olena", "handout", make_code("KMT", 2), "create",
         {**hand, "on": "2022-12-01T01:00"}, None),
        (ORIGIN, 4, from_ms(T0 + 3_700_000), "olena", "household", HOUSEHOLD, "set",
         {"f": "status", "v": "left"}, [created, ORIGIN]),
        (JOINER, 2, from_ms(T0 + 3_650_000), "petro", "handout", make_code("BXM", 1), "create",
         {**hand, "on": "2022-12-01T01:00"}, None),
        (JOINER, 3, from_ms(T0 + 3_650_000, 1), "petro", "household", HOUSEHOLD, "set",
         {"f": "status", "v": "closed"}, [created, ORIGIN]),
    ]
    return [Op(o, seq, hlc, actor, entity, eid, verb, data, seen, GENESIS)
            for o, seq, hlc, actor, entity, eid, verb, data, seen in rows]


def folded_flags(chain: list[Op]) -> tuple[list[dict[str, Any]], str]:
    """The flags and the household's status after folding `chain` into a fresh replica."""
    with tempfile.TemporaryDirectory() as tmp:
        rep = Replica.create(Path(tmp) / "v.db", "vectors")
        try:
            rep.ingest(chain)
            flags = [{k: f[k] for k in ("id", "kind", "subject", "detail")} for f in list_flags(rep)]
            (status,) = rep.conn.execute("SELECT status FROM households WHERE eid = ?",
                                         (HOUSEHOLD,)).fetchone()
        finally:
            rep.close()
    return flags, str(status)


def op_json(op: Op) -> str:
    return json.dumps([op.origin, op.seq, op.hlc, op.actor, op.entity, op.eid, op.verb, op.data, op.seen,
                       op.prev.hex()], ensure_ascii=False, separators=(", ", ": "))


def batch(chain: list[Op]) -> dict[str, Any]:
    """The batch (version 2) that carries `chain` to a replica that holds none of it."""
    entries, last = [], 0
    for op in chain:
        entries.append([op.hlc - last, op.actor, op.entity, op.eid, op.verb, pack(op.data),
                        None if op.seen is None else pack(op.seen)])
        last = op.hlc
    top = chain[-1]
    return {"v": VERSION, "deployment": deployment_id(DEPLOYMENT_KEY), "from": ORIGIN,
            "vector": {ORIGIN: top.seq}, "runs": [[ORIGIN, 1, GENESIS, entries]],
            "heads": [[ORIGIN, top.seq, top.hash(),
                       sign_head(SigningKey(SEED), ORIGIN, top.seq, top.hash())]],
            "more": False}


HEAD_LEN = 8 + 8 + 4  # magic, key id, header length (the header is empty here)


def sealed(payload: dict[str, Any]) -> tuple[bytes, bytes, bytes]:
    """(msgpack of the payload, its zstd frame, the envelope) with the fixed nonce."""
    raw = msgpack.packb(payload, use_bin_type=True)
    frame = zstandard.ZstdCompressor(level=ZSTD_LEVEL).compress(raw)
    head = envelope.MAGIC + envelope.key_id(DEPLOYMENT_KEY) + (0).to_bytes(4, "big")  # no key wraps
    inner = hashlib.blake2b(head, digest_size=32).digest() + frame
    blob = head + bytes(SecretBox(DEPLOYMENT_KEY).encrypt(inner, NONCE))
    assert envelope.open_(blob, DEPLOYMENT_KEY) == msgpack.unpackb(raw, raw=False, strict_map_key=False)
    return raw, frame, blob


def wrap(text: str, width: int = 96) -> str:
    return "\n".join(text[i:i + width] for i in range(0, len(text), width))


def block(lines: list[tuple[str, str]]) -> str:
    """A fenced block of `name = value` lines; long hex values continue on indented lines."""
    out = ["```vectors"]
    for name, value in lines:
        if len(value) > 96 and " " not in value:
            first, *rest = wrap(value).splitlines()
            out.append(f"{name} = {first}")
            out += [f"    {r}" for r in rest]
        else:
            out.append(f"{name} = {value}")
    out.append("```")
    return "\n".join(out)


def render() -> str:
    chain = ops()
    key = SigningKey(SEED)
    public = bytes(key.verify_key).hex()
    parts: list[str] = []

    keys = [("hub.seed", SEED.hex()), ("hub.public", public), ("hub.origin", ORIGIN),
            ("hub.fingerprint", fingerprint(public).hex()),
            ("deployment.key", DEPLOYMENT_KEY.hex()), ("deployment.id", deployment_id(DEPLOYMENT_KEY))]
    parts.append(block(keys))

    lines: list[tuple[str, str]] = []
    digest = 0
    for op in chain:
        n = f"op{op.seq}"
        lines += [(f"{n}.fields", op_json(op)), (f"{n}.canonical", op.encode().hex()),
                  (f"{n}.hash", op.hash().hex())]
        digest ^= int.from_bytes(op.hash(), "big")
    parts.append(block(lines))

    top = chain[-1]
    parts.append(block([
        ("head.message", head_message(ORIGIN, top.seq, top.hash()).hex()),
        ("head.signature", sign_head(key, ORIGIN, top.seq, top.hash()).hex()),
        ("state.digest", f"{digest:064x}"),
        ("state.shown", f"{digest:064x}"[:16]),
    ]))

    raw, frame, blob = sealed(batch(chain))
    box = blob[HEAD_LEN:]
    parts.append(block([
        ("bundle.keyid", envelope.key_id(DEPLOYMENT_KEY).hex()),
        ("bundle.nonce", NONCE.hex()),
        ("bundle.payload", raw.hex()),
        ("bundle.zstd", frame.hex()),
        ("bundle.file", blob.hex()),
        ("bundle.lengths", json.dumps({"magic": len(envelope.MAGIC), "keyid": 8, "header_length": 4,
                                       "header": 0, "nonce": 24, "mac": 16, "hash": 32,
                                       "ciphertext": len(box) - 40, "file": len(blob)})),
    ]))

    enrol = SigningKey(ENROLMENT_SEED)
    joiner = SigningKey(JOINER_SEED)
    joiner_public = bytes(joiner.verify_key).hex()
    code_fields = [CODE_VERSION, DEPLOYMENT_KEY, ENROLMENT_SEED, ORIGIN, fingerprint(public), "Бахмут",
                   "2022-11-01", "uk", "BXM", "field", "team-east", CA_FINGERPRINT]
    parts.append(block([
        ("enrol.seed", ENROLMENT_SEED.hex()),
        ("enrol.public", bytes(enrol.verify_key).hex()),
        ("enrol.code_fields", json.dumps([f.hex() if isinstance(f, bytes) else f for f in code_fields],
                                         ensure_ascii=False)),
        ("enrol.code_bytes", json.dumps([i for i, f in enumerate(code_fields) if isinstance(f, bytes)])),
        ("enrol.code", encode_code(code_fields)),
        ("join.seed", JOINER_SEED.hex()),
        ("join.origin", JOINER),
        ("join.public", joiner_public),
        ("join.proof", bytes(enrol.sign(proof_message(JOINER, joiner_public)).signature).hex()),
    ]))

    flagged = flag_ops()
    flags, status = folded_flags(flagged)
    lines = [(f"flagops.{i}", json.dumps([op.origin, op.seq, op.hlc, op.actor, op.entity, op.eid, op.verb,
                                           op.data, op.seen], ensure_ascii=False))
             for i, op in enumerate(flagged, start=1)]
    lines += [(f"flag.{i}", json.dumps(f, ensure_ascii=False, sort_keys=True))
              for i, f in enumerate(flags, start=1)]
    lines.append(("fold.household.status", status))
    parts.append(block(lines))
    return "\n\n".join(parts) + "\n"


DOC = Path(__file__).resolve().parent.parent / "docs" / "sync.md"
BLOCK = re.compile(r"```vectors\n.*?```", flags=re.S)


def rewrite(doc: str, blocks: list[str]) -> str:
    """`doc` with its vector blocks replaced, in order, by `blocks` (the prose around them kept)."""
    if len(BLOCK.findall(doc)) != len(blocks):
        raise SystemExit(f"{DOC} has {len(BLOCK.findall(doc))} vector blocks, the code makes {len(blocks)}")
    it = iter(blocks)
    return BLOCK.sub(lambda _m: next(it), doc)


def main(argv: list[str]) -> int:
    text = render()
    if "--write" in argv or "--check" in argv:
        doc = DOC.read_text(encoding="utf-8")
        new = rewrite(doc, text.strip().split("\n\n"))
        if "--check" in argv:
            if new != doc:
                print(f"{DOC}: the vectors are out of date: run python scripts/sync_vectors.py --write",
                      file=sys.stderr)
                return 1
            return 0
        DOC.write_text(new, encoding="utf-8")
        return 0
    sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

