"""Encryption at rest through the real `frontaid` command: nothing readable on disk after a real session."""

from __future__ import annotations

import contextlib
import hashlib
from pathlib import Path
from types import ModuleType

import httpx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from frontaid.errors import KeyFileDamaged, WrongPassphrase
from frontaid.store import database, keyfile
from frontaid.store.replica import Replica

CHEAP = keyfile.KdfParams(time_cost=1, memory_kib=64, parallelism=1)  # library tests only


def test_a_realistic_session_leaves_no_name_address_code_or_key_in_any_file(
        tmp_path: Path, pk: ModuleType) -> None:
    d = tmp_path / "device"
    d.mkdir()
    db = d / "hub.db"
    codes = pk.town(db)
    pk.run(db, "sync", "export", "--all", "-o", str(d / "out.fab"))
    pk.run(db, "user", "add", "olha", "--role", "desk", "--password-stdin", stdin="a long desk password 7\n")
    proc, url = pk.serve(db, tmp_path / "serve.log")
    try:
        r = httpx.post(url + "/api/login", json={"name": "olha", "password": "a long desk password 7"})
        assert r.status_code == 200, r.text
        found = httpx.get(url + "/api/households/" + codes["hh"], cookies=r.cookies)
        assert found.status_code == 200 and pk.ADDRESS in found.text  # served decrypted...
    finally:
        pk.stop(proc)
    # ... and written encrypted. The keys, read through the front door:
    key = keyfile.unlock(db, pk.PASSPHRASE).key
    with Replica.open(db, key=key) as rep:
        signing = bytes.fromhex(str(rep.meta("signing_key")))
        deployment = bytes.fromhex(str(rep.meta("deployment_key")))
        assert rep.conn.execute("SELECT count(*) FROM people").fetchone()[0] == 1
    files = pk.files_bytes(d)
    assert {"hub.db", "hub.db.key", "hub.web.db", "out.fab"} <= set(files), sorted(files)
    for name, raw in files.items():
        assert not raw.startswith(database.SQLITE_HEADER), f"{name} is plain SQLite"
        for needle in pk.needles(pk.NAME, pk.ADDRESS, "Коваленко", codes["hh"], codes["person"],
                                 key, signing, deployment):
            assert needle not in raw, f"{needle[:12]!r} found in {name}"


def _digest_files(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.iterdir()
            if p.is_file() and p.name.startswith("hub.db") and p.name != "hub.db.tries"}


def test_a_wrong_passphrase_exits_2_in_one_line_writes_nothing_and_waits_longer_each_time(
        tmp_path: Path, pk: ModuleType) -> None:
    d = tmp_path / "device"
    d.mkdir()
    db = d / "hub.db"
    pk.run(db, "init", "--town", "Бахмут")
    before = _digest_files(d)
    for attempt in (1, 2):
        line = pk.refused(pk.run(db, "status", passphrase="not the passphrase", check=False))
        assert "Wrong passphrase" in line and f"attempt {attempt}" in line
        assert _digest_files(d) == before
        assert keyfile.failures(db) == attempt
    uk = pk.run(db, "--lang", "uk", "status", passphrase="not the passphrase either", check=False)
    assert "Неправильна парольна фраза" in pk.refused(uk)
    # The delay grows with the failures in a row (the command sleeps it; here it is only recorded,
    # as the shared CPU makes wall-clock timing meaningless in a test, and 31 s would be wasted).
    waited: list[float] = []
    for _ in range(3):
        with contextlib.suppress(WrongPassphrase):
            keyfile.unlock(db, "still not it", sleep=waited.append)
    assert waited == [7.0, 15.0, 31.0] and keyfile.failures(db) == 6
    assert pk.run(db, "status").returncode == 0  # the right one resets the count
    assert keyfile.failures(db) == 0


def test_passphrase_change_keeps_the_data_and_the_old_one_no_longer_opens(
        tmp_path: Path, pk: ModuleType) -> None:
    d = tmp_path / "device"
    d.mkdir()
    db = d / "hub.db"
    pk.town(db)
    people = pk.run_json(db, "status")["people"]
    new = "нова фраза для хаба 2022"
    pk.run(db, "passphrase", "change", passphrase=f"{pk.PASSPHRASE}\n{new}")
    assert pk.run_json(db, "status", passphrase=new)["people"] == people
    pk.refused(pk.run(db, "status", check=False))
    assert keyfile.unlock(db, new).key  # the same data key, wrapped again
    too_short = pk.run(db, "passphrase", "change", passphrase=f"{new}\nshort", check=False)
    assert "at least 10" in pk.refused(too_short)


def test_init_join_encrypts_and_no_encrypt_warns(tmp_path: Path, pk: ModuleType) -> None:
    d = tmp_path / "device"
    d.mkdir()
    hub = d / "hub.db"
    pk.run(hub, "init", "--town", "Бахмут")
    code = pk.run_json(hub, "device", "enroll", "team-east", "--no-qr")["code"]
    field = d / "field.db"
    pk.run(field, "init", "--join", code)
    assert not database.is_plaintext(field) and keyfile.has_key_file(field)
    plain = d / "plain.db"
    res = pk.run(plain, "init", "--no-encrypt", "--town", "Бахмут", passphrase=None)
    assert "not encrypted" in res.stderr and database.is_plaintext(plain)
    assert not keyfile.has_key_file(plain)
    asked = pk.run(field, "status", passphrase=None, check=False)
    assert "encrypted" in pk.refused(asked)


def _sealed(tmp_path: Path) -> tuple[Path, bytes]:
    db = tmp_path / "x.db"
    key = keyfile.create(db, "the right passphrase", CHEAP)
    Replica.create(db, "Бахмут", key=key).close()
    return db, key


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(passphrase=st.text(max_size=40), cut=st.integers(0, 600), flip=st.integers(0, 600),
       junk=st.binary(max_size=8), mode=st.sampled_from(["passphrase", "truncate", "flip", "append"]))
def test_fuzz_unlock_refuses_cleanly_and_writes_nothing(tmp_path: Path, passphrase: str, cut: int, flip: int,
                                                        junk: bytes, mode: str) -> None:
    db = tmp_path / "x.db"
    if not db.exists():
        _sealed(tmp_path)
    kf = keyfile.key_path(db)
    original = kf.read_bytes()
    raw = bytearray(original)
    if mode == "truncate":
        raw = raw[:cut % len(raw)]
    elif mode == "flip":
        raw[flip % len(raw)] ^= 1 + (flip % 255)
    elif mode == "append":
        raw += junk
    kf.write_bytes(bytes(raw))
    db_before = db.read_bytes()
    try:
        got = keyfile.unlock(db, passphrase if mode == "passphrase" else "the right passphrase",
                             sleep=lambda s: None)
        # Only an unchanged (or harmlessly changed: whitespace, JSON-equal) file opens, with the right key.
        assert mode != "passphrase" or passphrase == "the right passphrase"
        database.connect(db, got.key).close()
    except (WrongPassphrase, KeyFileDamaged):
        pass
    finally:
        keyfile.tries_path(db).unlink(missing_ok=True)
        if keyfile.key_path(db).exists():
            assert db.read_bytes() == db_before
        keyfile.key_path(db).write_bytes(original)


def test_a_damaged_key_file_is_one_line_exit_2(tmp_path: Path, pk: ModuleType) -> None:
    d = tmp_path / "device"
    d.mkdir()
    db = d / "hub.db"
    pk.run(db, "init", "--town", "Бахмут")
    keyfile.key_path(db).write_text('{"format": "frontaid-key-1", "kdf": {"memory_kib": 99999999')
    before = db.read_bytes()
    assert "key file" in pk.refused(pk.run(db, "status", check=False))
    keyfile.key_path(db).unlink()
    assert "key file" in pk.refused(pk.run(db, "status", check=False))
    assert db.read_bytes() == before
