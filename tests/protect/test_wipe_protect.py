"""The panic wipe, the duress passphrase and `frontaid protect` killed at any moment."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import time
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from frontaid.store import database, keyfile
from frontaid.store.replica import Replica
from frontaid.web.users import users_path


def _slots(db: Path) -> list[bytes]:
    return [bytes.fromhex(s) for s in json.loads(keyfile.key_path(db).read_text())["slots"]]


def test_wipe_destroys_the_key_and_the_files_and_an_earlier_copy_cannot_be_opened(
        tmp_path: Path, pk: ModuleType) -> None:
    d = tmp_path / "device"
    d.mkdir()
    db = d / "hub.db"
    pk.town(db)
    pk.run(db, "user", "add", "olha", "--role", "desk", "--password-stdin", stdin="a long desk password 7\n")
    key = keyfile.unlock(db, pk.PASSPHRASE).key
    wrapped = _slots(db)[0]
    stolen = tmp_path / "stolen"  # someone copied the database earlier, not the key file
    stolen.mkdir()
    shutil.copy(db, stolen / "hub.db")
    result = pk.run_json(db, "wipe", "--now", passphrase=None)  # no passphrase needed to wipe
    assert result["key_destroyed"] is True
    left = pk.files_bytes(d)
    assert not any(name.startswith("hub.") for name in left), sorted(left)
    for name, raw in {**left, **pk.files_bytes(stolen)}.items():
        for needle in pk.needles(key, wrapped):
            assert needle not in raw, name
    pk.refused(pk.run(stolen / "hub.db", "status", check=False))
    pk.refused(pk.run(db, "status", check=False))
    with pytest.raises(database.DatabaseError):
        database.connect(stolen / "hub.db")
    refused = pk.run(d / "other.db", "wipe", passphrase=None, check=False)
    assert "--now" in pk.refused(refused)


def test_the_duress_passphrase_wipes_the_real_key_and_opens_a_town_with_nobody(
        tmp_path: Path, pk: ModuleType) -> None:
    d = tmp_path / "device"
    d.mkdir()
    db = d / "field.db"
    codes = pk.town(db)
    duress = "лише чай і хліб 2022"
    pk.run(db, "passphrase", "duress", passphrase=f"{pk.PASSPHRASE}\n{duress}")
    assert pk.run_json(db, "status")["people"]["registered"] == 1  # the real one still opens the real data
    real_key = keyfile.unlock(db, pk.PASSPHRASE).key
    real_wrapped = _slots(db)[0]
    shown = pk.run_json(db, "status", passphrase=duress)
    assert shown["people"]["registered"] == 0 and shown["people"]["households"] == 0
    assert shown["town"] == "Бахмут"
    zones = pk.run_json(db, "zone", "list", passphrase=duress)
    assert any(z.get("eid", z.get("slug")) == "east" for z in zones)
    pk.refused(pk.run(db, "status", check=False))  # the real passphrase opens nothing any more
    for name, raw in pk.files_bytes(d).items():
        for needle in pk.needles(real_key, real_wrapped, pk.NAME, pk.ADDRESS, codes["hh"]):
            assert needle not in raw, name
    assert pk.run_json(db, "status", passphrase=duress)["people"]["registered"] == 0  # and stays so


def _plain_town(tmp_path: Path, pk: ModuleType) -> tuple[Path, str]:
    src = tmp_path / "plain"
    src.mkdir()
    db = src / "hub.db"
    pk.town(db, encrypt=False)
    pk.run(db, "user", "add", "olha", "--role", "desk", "--password-stdin", passphrase=None,
           stdin="a long desk password 7\n")
    with Replica.open(db) as rep:
        return db, rep.digest()


def test_protect_encrypts_in_place_with_the_users_file(tmp_path: Path, pk: ModuleType) -> None:
    db, digest = _plain_town(tmp_path, pk)
    pk.run(db, "protect")
    assert not database.is_plaintext(db) and not database.is_plaintext(users_path(db))
    assert sorted(p.name for p in db.parent.iterdir()) == ["hub.db", "hub.db.key", "hub.web.db"]
    key = keyfile.unlock(db, pk.PASSPHRASE).key
    with Replica.open(db, key=key) as rep:
        assert rep.digest() == digest
    for name, raw in pk.files_bytes(db.parent).items():
        for needle in pk.needles(pk.NAME, pk.ADDRESS):
            assert needle not in raw, name
    assert pk.run(db, "user", "list").returncode == 0


# Kill points spread over the whole run (the process start, the Argon2id derivation, the copy,
# the renames, the overwrite), as seconds after the process started.
# CI kills at three of them (about two minutes of the suite saved); FRONTAID_SOAK=1 at all nine.
ALL_KILL_POINTS = [0.2, 0.6, 0.9, 1.1, 1.3, 1.5, 1.8, 2.2, 3.0]
KILL_AFTER = ALL_KILL_POINTS if os.environ.get("FRONTAID_SOAK") else [0.6, 1.3, 2.2]


@pytest.mark.parametrize("after", KILL_AFTER)
def test_protect_killed_at_any_point_leaves_a_usable_replica(tmp_path: Path, pk: ModuleType,
                                                            after: float) -> None:
    db, digest = _plain_town(tmp_path, pk)
    secret = tmp_path / "pp.txt"
    secret.write_text(pk.PASSPHRASE + "\n")
    env: dict[str, Any] = {**os.environ, "FRONTAID_PASSPHRASE_FILE": str(secret), "FRONTAID_LANG": "en"}
    proc = subprocess.Popen([str(pk.FRONTAID), "--db", str(db), "protect"], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(after)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    status = pk.run_json(db, "status")  # plain as before, or encrypted: either way it opens
    assert status["replica"]["ops"] > 0
    key = keyfile.unlock(db, pk.PASSPHRASE).key if keyfile.has_key_file(db) else None
    with Replica.open(db, key=key) as rep:
        assert rep.digest() == digest
    pk.run(db, "protect")  # and finishing the job still works
    assert not database.is_plaintext(db) and not database.is_plaintext(users_path(db))
    names = sorted(p.name for p in db.parent.iterdir())
    assert names == ["hub.db", "hub.db.key", "hub.web.db"], names
