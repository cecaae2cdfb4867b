"""Fuzzing the bundle parser and the sync endpoint (hypothesis, structure-aware).

A real batch (a device's households, a registration, a hub's ops) is decoded,
mutated (a value replaced by any msgpack value, a key or an item dropped, an
item doubled, bytes cut) and sealed again with the deployment key, so that the
mutation gets past the envelope's MAC and reaches the parser; raw bytes are
flipped too, before and after sealing. Whatever comes in:

- the import raises a FrontaidError (exit 2 on the CLI, 4xx over HTTP), never
  anything else, and then the replica is exactly as before;
- or it succeeds, and every op the replica then holds is a genuine one (the same
  (origin, seq, hash) as the unmutated batch gives): nothing forged is applied.

CI runs a short form (seconds). `FRONTAID_SOAK=1` (or bench/fuzz.py) runs many
more examples; `FRONTAID_FUZZ_EXAMPLES=N` sets the number.
"""

from __future__ import annotations

import os
import shutil
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import msgpack
import pytest
import zstandard
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from nacl.secret import SecretBox

from frontaid.actions import registry
from frontaid.errors import FrontaidError
from frontaid.store.replica import Replica
from frontaid.sync import envelope
from frontaid.sync.batch import make_batch
from frontaid.sync.bundle import deployment_key, import_bundle
from frontaid.sync.http import PREFIX, signed_headers

SOAK = bool(os.environ.get("FRONTAID_SOAK"))
EXAMPLES = int(os.environ.get("FRONTAID_FUZZ_EXAMPLES", "2000" if SOAK else "25"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, derandomize=not SOAK,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                       HealthCheck.data_too_large])

values = st.recursive(
    st.none() | st.booleans() | st.integers(min_value=-(2**63), max_value=2**64 - 1) | st.floats()
    | st.text(max_size=12) | st.binary(max_size=40),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=4),
    max_leaves=8)


def mutate(obj: Any, data: st.DataObject, depth: int = 0) -> Any:
    """`obj` with one structural change somewhere inside it."""
    here = not isinstance(obj, dict | list) or not obj or depth > 8 or data.draw(st.integers(0, 3)) == 0
    if here:
        action = data.draw(st.sampled_from(["replace", "drop", "double", "cut"]))
        if action == "replace" or not isinstance(obj, dict | list | bytes | str):
            return data.draw(values)
        if action == "cut" and isinstance(obj, bytes | str | list):
            return obj[: data.draw(st.integers(0, max(0, len(obj) - 1)))]
        if isinstance(obj, dict) and obj:
            key = data.draw(st.sampled_from(sorted(obj, key=repr)))
            out = dict(obj)
            if action == "drop":
                del out[key]
            else:
                out[data.draw(st.text(max_size=6))] = out[key]
            return out
        if isinstance(obj, list) and obj:
            i = data.draw(st.integers(0, len(obj) - 1))
            return obj[:i] + obj[i + 1:] if action == "drop" else obj[:i] + [obj[i]] + obj[i:]
        return data.draw(values)
    if isinstance(obj, dict):
        key = data.draw(st.sampled_from(sorted(obj, key=repr)))
        return {**obj, key: mutate(obj[key], data, depth + 1)}
    i = data.draw(st.integers(0, len(obj) - 1))
    return obj[:i] + [mutate(obj[i], data, depth + 1)] + obj[i + 1:]


def seal_raw(raw: bytes, key: bytes) -> bytes:
    return envelope.MAGIC + bytes(SecretBox(key).encrypt(zstandard.ZstdCompressor().compress(raw)))


class Bench:
    """A hub that has not seen a device's latest batch, the batch, and what applying it gives."""

    def __init__(self, root: Path, sk: Any) -> None:
        self.root = root
        (root / "dep").mkdir()
        d = sk.Deployment(root / "dep")
        dev = d.join("team-east")
        for i in range(3):
            registry.add_household(dev, "tester", zone="east", address=f"Fuzz Street {i}")
        registry.add_household(d.hub, "tester", zone="west", address="Hub Street 1")
        fresh = d.join("team-west", introduce=False)  # its registration travels in the batch
        d.ship(d.hub, fresh)
        registry.add_household(fresh, "tester", zone="west", address="Fresh 1")
        d.ship(fresh, dev)  # relayed: the batch carries a third device's chain too
        self.payload = make_batch(dev, d.hub.vector())
        self.key = deployment_key(d.hub)
        self.dev_path = dev.path
        self.hub_path = root / "hub-clean.db"
        d.hub.close()
        for r in d.devices:
            r.close()
        shutil.copyfile(d.root / "hub.db", self.hub_path)
        with self.copy() as rep:
            before = self.ops(rep)
            good = root / "good.fab"
            good.write_bytes(envelope.seal(self.payload, self.key))
            assert import_bundle(rep, good).applied > 0
            self.genuine = self.ops(rep)
        assert self.genuine > before
        self.n = 0

    @staticmethod
    def ops(rep: Replica) -> frozenset[tuple[str, int, bytes]]:
        return frozenset(rep.conn.execute("SELECT origin, seq, hash FROM ops"))

    def copy(self) -> Replica:
        self.n = getattr(self, "n", 0) + 1
        path = self.root / f"hub-{self.n}.db"
        shutil.copyfile(self.hub_path, path)
        return Replica.open(path)

    def check_import(self, blob: bytes) -> str:
        """Import `blob` as a bundle into a fresh copy of the hub; the outcome, checked."""
        path = self.root / "fuzz.fab"
        path.write_bytes(blob)
        rep = self.copy()
        try:
            before = (rep.digest(), rep.state_digest(), rep.projection_hash(), self.ops(rep))
            try:
                import_bundle(rep, path)
            except FrontaidError as exc:
                assert exc.text("en") and "\n" not in exc.text("en")
                assert (rep.digest(), rep.state_digest(), rep.projection_hash(), self.ops(rep)) == before
                return "refused"
            assert self.ops(rep) <= self.genuine, "an op that was not in the genuine batch was applied"
            assert rep.state_digest() == rep.digest()
            return "applied"
        finally:
            rep.close()
            Path(rep.path).unlink(missing_ok=True)
            for side in ("-wal", "-shm"):
                Path(f"{rep.path}{side}").unlink(missing_ok=True)


@pytest.fixture(scope="module")
def bench(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Bench]:
    yield Bench(tmp_path_factory.mktemp("fuzz"), _sk())


def _sk() -> Any:
    """tests/sync/conftest.py, whose helpers the `sk` fixture hands out (one per module here)."""
    import sys

    for name, mod in sys.modules.items():
        if name.endswith("conftest") and hasattr(mod, "Deployment"):
            return mod
    raise AssertionError("tests/sync/conftest.py is not loaded")


@pytest.mark.soak
@FUZZ
@given(data=st.data())
def test_a_mutated_bundle_is_refused_or_harmless(bench: Bench, data: st.DataObject) -> None:
    payload = mutate(bench.payload, data)
    bench.check_import(envelope.seal(payload, bench.key))


@pytest.mark.soak
@FUZZ
@given(data=st.data())
def test_mutated_msgpack_bytes_are_refused_or_harmless(bench: Bench, data: st.DataObject) -> None:
    raw = bytearray(msgpack.packb(bench.payload, use_bin_type=True))
    for _ in range(data.draw(st.integers(1, 4))):
        i = data.draw(st.integers(0, len(raw) - 1))
        raw[i] = data.draw(st.integers(0, 255))
    cut = data.draw(st.integers(1, len(raw)))
    bench.check_import(seal_raw(bytes(raw[:cut]), bench.key))


@pytest.mark.soak
@FUZZ
@given(data=st.data())
def test_a_damaged_sealed_file_is_refused(bench: Bench, data: st.DataObject) -> None:
    blob = bytearray(envelope.seal(bench.payload, bench.key))
    i = data.draw(st.integers(0, len(blob) - 1))
    blob[i] ^= data.draw(st.integers(1, 255))
    assert bench.check_import(bytes(blob[: data.draw(st.integers(0, len(blob)))])) == "refused"


# -- the endpoint -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def endpoint(bench: Bench) -> Iterator[tuple[Any, Replica, Replica]]:
    """The hub's app in process (the same routes `frontaid serve` runs) over a copy of the hub,
    and the device that signs the requests."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from fastapi.testclient import TestClient

    from frontaid.web.app import create_app

    hub = bench.copy()
    app = create_app(hub.path)
    dev = Replica.open(bench.dev_path)
    with TestClient(app, base_url="http://hub.local") as client:
        yield client, hub, dev
    dev.close()
    hub.close()
    app.state.replicas.close()


@pytest.mark.soak
@FUZZ
@given(data=st.data())
def test_the_sync_endpoint_answers_mutated_pushes_with_4xx_and_applies_nothing_forged(
        bench: Bench, endpoint: tuple[Any, Replica, Replica], data: st.DataObject) -> None:
    client, hub, dev = endpoint
    name = data.draw(st.sampled_from(["push", "push", "pull", "vector"]))
    if data.draw(st.booleans()):
        body = envelope.seal(mutate(bench.payload, data), bench.key)
    else:
        raw = bytearray(msgpack.packb(bench.payload, use_bin_type=True))
        i = data.draw(st.integers(0, len(raw) - 1))
        raw[i] = data.draw(st.integers(0, 255))
        body = seal_raw(bytes(raw[: data.draw(st.integers(1, len(raw)))]), bench.key)
    before = (hub.digest(), Bench.ops(hub))
    path = PREFIX + "/" + name
    r = client.post(path, content=body, headers=signed_headers(dev, "POST", path, body))
    assert r.status_code == 200 or 400 <= r.status_code < 500, (r.status_code, r.content[:200])
    if r.status_code != 200:
        line = msgpack.unpackb(r.content)["error"]
        assert line and "\n" not in line
        assert (hub.digest(), Bench.ops(hub)) == before
    assert Bench.ops(hub) <= bench.genuine
