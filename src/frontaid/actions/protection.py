"""The duress decoy: a replica that looks like this deployment's, with nobody in it."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from frontaid.actions import registry
from frontaid.errors import FrontaidError
from frontaid.store import database, keyfile
from frontaid.store.protect import decoy_path
from frontaid.store.replica import Replica

# Sites that would point at people (where the dead lie) are not copied into the decoy.
_LEFT_OUT_SITES = ("burial",)


def make_decoy(db: str | os.PathLike[str], real_key: bytes) -> bytes:
    """Build the decoy beside `db`, encrypted under a new key, and return that key.

    Same town, language, start date, device name and code prefix, the same zones and
    sites (burial places left out); no households, people, requests, hand-outs, stock,
    incidents or anything else. It is written once, when the duress passphrase is set.
    """
    db = Path(db)
    decoy = decoy_path(db)
    for p in (decoy, Path(f"{decoy}-wal"), Path(f"{decoy}-shm")):
        p.unlink(missing_ok=True)
    decoy_key = secrets.token_bytes(keyfile.KEY_BYTES)
    with Replica.open(db, key=real_key) as real:
        row = real.conn.execute("SELECT name FROM devices WHERE eid = ?", (real.origin,)).fetchone()
        zones = real.conn.execute(
            "SELECT eid, name, name_en, bank, population_estimate FROM zones WHERE created = 1").fetchall()
        sites = real.conn.execute(
            "SELECT eid, kind, name, name_en, zone, lat, lon FROM sites WHERE created = 1").fetchall()
        town, lang, epoch, prefix = real.town, str(real.meta("lang") or "uk"), real.epoch, real.prefix
    fake = Replica.create(decoy, town, lang, device_name=str(row[0]) if row else "hub", epoch=epoch,
                          prefix=prefix, key=decoy_key)
    database.forget(decoy)
    try:
        for eid, name, name_en, bank, population in zones:
            registry.add_zone(fake, "frontaid", eid, name or eid, name_en or eid, bank=bank or "",
                              population_estimate=population)
        for eid, kind, name, name_en, zone, lat, lon in sites:
            if kind in _LEFT_OUT_SITES:
                continue
            try:
                registry.add_site(fake, "frontaid", eid, kind, name or eid, name_en or eid, zone,
                                  lat=lat, lon=lon)
            except FrontaidError:  # a site today's rules would refuse: left out
                continue
    finally:
        fake.close()
    return decoy_key


__all__ = ["make_decoy"]
