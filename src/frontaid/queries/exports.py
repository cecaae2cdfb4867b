"""What the exports and imports read: registry tables, people reached by sector, map features, held rows.

Names and other personal fields are left out unless `names=True` (see `REGISTRY_COLUMNS`).
`registry_hash` is the registry's meaning (zones, households, people) without stamps or
provenance: equal on a replica and on an empty one that imported its export.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from datetime import date
from typing import Any, Final

from frontaid.store.replica import Replica

# Clusters of the humanitarian response in Ukraine, with their HXL code, and what falls in each.
SECTORS: Final[dict[str, str]] = {
    "FSL": "Food Security and Livelihoods", "WSH": "WASH", "HEA": "Health", "SHL": "Shelter/NFI",
    "PRO": "Protection",
}
ITEM_SECTOR: Final[dict[str, str]] = {
    "food-kit": "FSL", "bread": "FSL", "animal-feed": "FSL", "water": "WSH", "hygiene-kit": "WSH",
    "medicine-kit": "HEA", "blanket": "SHL", "candles": "SHL", "stove-fuel": "SHL", "burial-kit": "PRO",
}
NEED_SECTOR: Final[dict[str, str]] = {
    "food": "FSL", "animal-feed": "FSL", "water": "WSH", "hygiene": "WSH", "medicine": "HEA",
    "medevac": "HEA", "heating": "SHL", "shelter-repair": "SHL", "household-items": "SHL",
    "evacuation": "PRO", "crossing-help": "PRO", "home-delivery": "FSL", "body-recovery": "PRO",
    "burial-support": "PRO", "information": "PRO", "pension": "PRO", "documents": "PRO",
    "psychosocial": "PRO",
}
SMALL: Final = 5  # counts of 1-4 people are not shown in aggregate tables

# Table → (columns anyone may take out, columns only with names). Tables not here are not exported.
REGISTRY_COLUMNS: Final[dict[str, tuple[tuple[str, ...], tuple[str, ...]]]] = {
    "zones": (("eid", "name", "name_en", "bank", "pcode", "population_estimate", "geometry"), ()),
    "sites": (("eid", "kind", "name", "name_en", "zone", "lat", "lon", "state"), ("note",)),
    "households": (("eid", "zone", "shelter", "size", "animals", "animal_kinds", "utilities", "status",
                    "displaced", "registered_on"), ("address", "lat", "lon", "phone", "note")),
    "people": (("eid", "household", "born", "sex", "vulnerabilities", "status", "died_on"),
               ("name", "note", "death_place", "burial_place")),
    "requests": (("eid", "household", "need", "urgency", "status", "team", "zone", "opened_at", "closed_at"),
                 ("reported_by", "lat", "lon", "note")),
    "handouts": (("eid", "household", "item", "qty", "entitlement", "round", "at", "home", "on", "team"), ()),
    "stock": (("eid", "item", "location", "qty"), ()),
    "incidents": (("eid", "kind", "zone", "at", "killed", "wounded", "site", "lat", "lon"), ("note",)),
    "evac_offers": (("eid", "household", "offered_on", "answer", "reason", "seats", "animals", "run"),
                    ("note",)),
    "referrals": (("eid", "household", "person", "kind", "to", "status", "outcome", "opened_on",
                   "closed_on"), ("note",)),
    "welfare_checks": (("eid", "household", "person", "zone", "status", "answer", "answered_on", "opened_on"),
                       ("asked_by", "contact", "sought", "address", "note")),
    "teams": (("eid", "name"), ("members",)),
}
# The sheet names of the round trip (imports/reader.py reads them back) and their column names there.
EXPORT_NAMES: Final = {"eid": "code", "name": "name"}


def columns(table: str, names: bool) -> list[str]:
    free, named = REGISTRY_COLUMNS[table]
    return list(free) + (list(named) if names else [])


def table_rows(rep: Replica, table: str, names: bool) -> tuple[list[str], list[tuple[Any, ...]]]:
    """The live records of one table (merged ones left out), the columns allowed."""
    cols = columns(table, names)
    listed = ", ".join(f'"{c}"' for c in cols)
    rows = rep.conn.execute(f'SELECT {listed} FROM "{table}" WHERE created = 1 AND merged_into IS NULL '
                            "ORDER BY eid").fetchall()
    return cols, rows


# -- people reached, in need, affected --------------------------------------------------


def _age_sex_counts(rep: Replica, people_sql: str, params: list[Any],
                    year: int) -> dict[tuple[str, str], dict[str, int]]:
    """(zone, sector) → counts of distinct people: ind, f, m, elderly (60+), children (under 18),
    and the 5W's breakdown (women, men 18-59; older women, men; girls, boys; with a disability)."""
    out: dict[tuple[str, str], dict[str, int]] = {}
    for zone, sector, sex, born, vulns in rep.conn.execute(people_sql, params):
        c = out.setdefault((zone or "", sector), dict.fromkeys(BREAKDOWN, 0))
        c["ind"] += 1
        age = None if born is None else year - int(born)
        if sex in ("f", "m"):
            c[sex] += 1
            if age is not None:
                group = "girls" if age < 18 else "older_women" if age >= 60 else "women"
                if sex == "m":
                    group = {"girls": "boys", "older_women": "older_men", "women": "men"}[group]
                c[group] += 1
        if age is not None and age >= 60:
            c["elderly"] += 1
        if age is not None and age < 18:
            c["children"] += 1
        if vulns and "disabled" in str(vulns).split(","):
            c["disabled"] += 1
    return out


BREAKDOWN: Final = ("ind", "f", "m", "elderly", "children", "women", "men", "older_women", "older_men",
                    "girls", "boys", "disabled")


def _case(mapping: dict[str, str], col: str) -> str:
    whens = " ".join(f"WHEN '{k}' THEN '{v}'" for k, v in mapping.items())
    return f"CASE {col} {whens} END"


_PERSON = ("FROM people p JOIN households h ON h.eid = p.household WHERE p.created = 1 "
           "AND p.merged_into IS NULL AND p.status = 'present'")


def _by_sector(source: str) -> str:
    """Distinct (zone, sector, person) of present people in households that `source` names by sector."""
    return ("SELECT zone, sector, sex, born, vulns FROM (SELECT DISTINCT h.zone AS zone, s.sector AS sector, "
            "p.eid AS eid, p.sex AS sex, p.born AS born, p.vulnerabilities AS vulns FROM people p "
            "JOIN households h ON h.eid = p.household "
            f"JOIN ({source}) s ON s.household = h.eid "
            "WHERE p.created = 1 AND p.merged_into IS NULL AND p.status = 'present' "
            "AND s.sector IS NOT NULL)")


def activity(rep: Replica, since: date, until: date) -> list[dict[str, Any]]:
    """Per zone and sector: people reached by hand-outs in the period (each once), in need, affected."""
    year = until.year
    reached = _age_sex_counts(rep, _by_sector(
        f"SELECT DISTINCT household, {_case(ITEM_SECTOR, 'item')} AS sector FROM handouts "
        'WHERE created = 1 AND substr("on", 1, 10) BETWEEN ? AND ?'), [since.isoformat(), until.isoformat()],
        year)
    inneed = _age_sex_counts(rep, _by_sector(
        f"SELECT DISTINCT household, {_case(NEED_SECTOR, 'need')} AS sector FROM requests "
        "WHERE created = 1 AND status NOT IN ('done', 'cancelled')"), [], year)
    affected = dict(rep.conn.execute(f"SELECT h.zone, COUNT(*) {_PERSON} GROUP BY h.zone").fetchall())
    zones = {z: (n, pc) for z, n, pc in rep.conn.execute(
        "SELECT eid, name, pcode FROM zones WHERE created = 1 ORDER BY eid")}
    out = []
    for zone in sorted(zones):
        for code, sector in SECTORS.items():
            r = reached.get((zone, code))
            need = inneed.get((zone, code))
            if r is None and need is None:
                continue
            out.append({"zone": zone, "zone_name": zones[zone][0], "zone_pcode": zones[zone][1] or "",
                        "sector_code": code, "sector": sector,
                        "reached": r or dict.fromkeys(BREAKDOWN, 0),
                        "breakdown": r or dict.fromkeys(BREAKDOWN, 0),
                        "inneed": (need or {}).get("ind", 0), "affected": int(affected.get(zone, 0))})
    return out


def suppress(n: int) -> int | None:
    """A count as an aggregate table may show it: None for 1-4 people."""
    return None if 0 < n < SMALL else n


# -- the map ----------------------------------------------------------------------------


def features(rep: Replica, names: bool) -> list[dict[str, Any]]:
    """GeoJSON features: incidents, open and closed requests, sites; requests' points blurred (~100 m)
    unless names are allowed, since a request's point is where someone shelters."""
    out: list[dict[str, Any]] = []

    def point(lon: float, lat: float, props: dict[str, Any], exact: bool = True) -> dict[str, Any]:
        if not exact:
            lon, lat = round(lon, 3), round(lat, 3)
        return {"type": "Feature", "geometry": {"type": "Point", "coordinates": [lon, lat]},
                "properties": {k: v for k, v in props.items() if v is not None}}

    for eid, kind, zone, at, killed, wounded, lat, lon in rep.conn.execute(
            "SELECT eid, kind, zone, at, killed, wounded, lat, lon FROM incidents WHERE created = 1 "
            "AND lat IS NOT NULL AND lon IS NOT NULL ORDER BY at, eid"):
        out.append(point(lon, lat, {"layer": "incident", "id": eid, "kind": kind, "zone": zone, "at": at,
                                    "killed": killed, "wounded": wounded}))
    for eid, hh, need, urgency, status, zone, lat, lon in rep.conn.execute(
            "SELECT r.eid, r.household, r.need, r.urgency, r.status, r.zone, COALESCE(r.lat, h.lat), "
            "COALESCE(r.lon, h.lon) FROM requests r LEFT JOIN households h ON h.eid = r.household "
            "WHERE r.created = 1 AND COALESCE(r.lat, h.lat) IS NOT NULL "
            "AND COALESCE(r.lon, h.lon) IS NOT NULL "
            "ORDER BY r.eid"):
        out.append(point(lon, lat, {"layer": "request", "id": eid, "household": hh if names else None,
                                    "need": need, "urgency": urgency, "status": status, "zone": zone},
                         exact=names))
    for eid, kind, name, name_en, zone, state, lat, lon in rep.conn.execute(
            "SELECT eid, kind, name, name_en, zone, state, lat, lon FROM sites WHERE created = 1 "
            "AND lat IS NOT NULL AND lon IS NOT NULL ORDER BY eid"):
        out.append(point(lon, lat, {"layer": "site", "id": eid, "kind": kind, "name": name,
                                    "name_en": name_en, "zone": zone, "state": state}))
    return out


# -- the registry's meaning -------------------------------------------------------------

REGISTRY_HASHED: Final = {
    "zones": ("eid", "name", "name_en", "bank", "pcode", "population_estimate", "geometry"),
    "households": ("eid", "zone", "address", "shelter", "size", "animals", "animal_kinds", "utilities",
                   "status", "displaced", "lat", "lon", "phone", "note", "registered_on"),
    "people": ("eid", "household", "name", "born", "sex", "vulnerabilities", "status", "note"),
}


def registry_hash(rep: Replica) -> str:
    """A hash of who is registered where (zones, households, people): values only, no stamps,
    no provenance, merged records left out; equal iff two registries say the same."""
    h = hashlib.blake2b(digest_size=16)
    for table, cols in REGISTRY_HASHED.items():
        h.update(table.encode())
        listed = ", ".join(f'"{c}"' for c in cols)
        for row in rep.conn.execute(f'SELECT {listed} FROM "{table}" WHERE created = 1 '
                                    "AND merged_into IS NULL ORDER BY eid"):
            values = [json.loads(v) if c == "geometry" and v else v for c, v in zip(cols, row, strict=True)]
            h.update(json.dumps(values, ensure_ascii=False, sort_keys=True, default=str).encode())
    return h.hexdigest()


# -- imports ----------------------------------------------------------------------------

HELD_SQL = """CREATE TABLE IF NOT EXISTS import_held (
    key TEXT PRIMARY KEY, line INTEGER NOT NULL, file TEXT NOT NULL, household_key TEXT NOT NULL,
    data TEXT NOT NULL, candidate TEXT NOT NULL, score REAL NOT NULL, band TEXT NOT NULL,
    held_at TEXT NOT NULL, decision TEXT) WITHOUT ROWID"""


def ensure_held(conn: sqlite3.Connection) -> None:
    """Rows an import held back as possible duplicates: local like the review queue, not synced."""
    conn.execute(HELD_SQL)


def held(rep: Replica, key: str) -> dict[str, Any] | None:
    ensure_held(rep.conn)
    cur = rep.conn.execute("SELECT * FROM import_held WHERE key = ?", (key,))
    row = cur.fetchone()
    return None if row is None else dict(zip([d[0] for d in cur.description], row, strict=True))


def held_rows(rep: Replica, *, pending: bool = True, limit: int = 100) -> list[dict[str, Any]]:
    """Held rows, side by side with the registered person each may be: name, year of birth, address."""
    ensure_held(rep.conn)
    where = "WHERE q.decision IS NULL" if pending else ""
    cur = rep.conn.execute(
        "SELECT q.key, q.line, q.file, q.data, q.candidate, q.score, q.band, q.held_at, q.decision, "
        "p.name AS candidate_name, p.born AS candidate_born, h.address AS candidate_address "
        "FROM import_held q LEFT JOIN people p ON p.eid = q.candidate LEFT JOIN households h "
        f"ON h.eid = p.household {where} ORDER BY q.score DESC, q.key LIMIT ?", (limit,))
    cols = [d[0] for d in cur.description]
    out = []
    for r in cur:
        row = dict(zip(cols, r, strict=True))
        data = json.loads(row["data"])
        row.update(name=data["person"].get("name"), born=data["person"].get("born"),
                   address=data["household"].get("address"))
        out.append(row)
    return out


def household_fields(rep: Replica, eid: str) -> dict[str, Any]:
    cur = rep.conn.execute("SELECT * FROM households WHERE eid = ?", (eid,))
    row = cur.fetchone()
    return {} if row is None else dict(zip([d[0] for d in cur.description], row, strict=True))


def person_fields(rep: Replica, eid: str) -> dict[str, Any]:
    cur = rep.conn.execute("SELECT * FROM people WHERE eid = ?", (eid,))
    row = cur.fetchone()
    return {} if row is None else dict(zip([d[0] for d in cur.description], row, strict=True))


def person_by_source(rep: Replica, source: str) -> str | None:
    row = rep.conn.execute("SELECT eid FROM people WHERE source = ? AND created = 1", (source,)).fetchone()
    return None if row is None else str(row[0])
