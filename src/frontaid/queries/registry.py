"""Households and people: lists, one household in full, simple search."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from frontaid.domain.codes import looks_like_code, normalise_code
from frontaid.domain.names import fold
from frontaid.queries import LIVE
from frontaid.store.replica import Replica

HOUSEHOLD_COLS = ("eid", "zone", "address", "shelter", "size", "animals", "animal_kinds", "utilities",
                  "status", "displaced", "lat", "lon", "note", "registered_on", "merged_into")
PERSON_COLS = ("eid", "household", "name", "born", "sex", "vulnerabilities", "status", "died_on",
               "death_place", "death_cause", "burial_place", "note")


def _rows(rep: Replica, sql: str, params: tuple[Any, ...] | list[Any] = ()) -> list[dict[str, Any]]:
    cur = rep.conn.execute(sql, params)
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]


def cols(names: tuple[str, ...]) -> str:
    return ", ".join(f'"{c}"' for c in names)


def list_households(
    rep: Replica, *, zone: str | None = None, vulnerability: str | None = None,
    not_reached_days: int | None = None, refused_evacuation: bool = False, limit: int = 200,
    offset: int = 0, today: date | None = None,
) -> list[dict[str, Any]]:
    where = [f"h.{LIVE}", "h.status = 'active'"]
    params: list[Any] = []
    if zone:
        where.append("h.zone = ?")
        params.append(zone)
    if vulnerability:
        where.append(
            "EXISTS (SELECT 1 FROM people p WHERE p.household = h.eid AND p.created = 1 "
            "AND p.status = 'present' AND instr(',' || p.vulnerabilities || ',', ?) > 0)")
        params.append(f",{vulnerability},")
    if not_reached_days is not None:
        since = ((today or date.today()) - timedelta(days=not_reached_days)).isoformat()
        where.append("NOT EXISTS (SELECT 1 FROM handouts d WHERE d.household = h.eid AND d.created = 1 "
                     "AND d.\"on\" >= ?)")
        params.append(since)
    if refused_evacuation:
        where.append("EXISTS (SELECT 1 FROM evac_offers o WHERE o.household = h.eid AND o.created = 1 "
                     "AND o.answer = 'refused')")
    sql = (f"SELECT {', '.join('h.' + c for c in cols(HOUSEHOLD_COLS).split(', '))}, "
           "(SELECT COUNT(*) FROM people p WHERE p.household = h.eid AND p.created = 1 "
           "AND p.merged_into IS NULL AND p.status = 'present') AS members "
           f"FROM households h WHERE {' AND '.join(where)} ORDER BY h.zone, h.eid LIMIT ? OFFSET ?")
    return _rows(rep, sql, [*params, limit, offset])


def household(rep: Replica, code: str) -> dict[str, Any] | None:
    """One household with everything about it, for the household page and `household show`."""
    eid = normalise_code(code) or code
    found = _rows(rep, f"SELECT {cols(HOUSEHOLD_COLS)} FROM households WHERE eid = ? AND created = 1",
                  (eid,))
    if not found:
        return None
    hh = found[0]
    if hh["merged_into"]:
        hh["merged_into_record"] = household(rep, hh["merged_into"])
    # Records of households merged into this one count as this one's.
    ids = [eid] + [r[0] for r in rep.conn.execute(
        "SELECT eid FROM households WHERE merged_into = ? AND created = 1", (eid,))]
    marks = ",".join("?" * len(ids))
    hh["merged_from"] = ids[1:]
    hh["members"] = _rows(rep, f"SELECT {cols(PERSON_COLS)} FROM people WHERE household IN ({marks}) "
                               f"AND {LIVE} ORDER BY born", ids)
    hh["requests"] = _rows(rep, "SELECT eid, need, urgency, status, team, reported_by, opened_at, "
                                f"closed_at FROM requests WHERE household IN ({marks}) AND created = 1 "
                                "ORDER BY opened_at DESC", ids)
    hh["handouts"] = _rows(rep, "SELECT eid, item, qty, \"on\", at, home, round, override FROM handouts "
                                f"WHERE household IN ({marks}) AND created = 1 ORDER BY \"on\" DESC", ids)
    hh["evacuation"] = _rows(rep, "SELECT eid, offered_on, answer, reason, note FROM evac_offers "
                                  f"WHERE household IN ({marks}) AND created = 1 ORDER BY offered_on DESC",
                             ids)
    hh["referrals"] = _rows(rep, "SELECT eid, kind, \"to\", status, outcome, opened_on, closed_on "
                                 f"FROM referrals WHERE household IN ({marks}) AND created = 1 "
                                 "ORDER BY opened_on DESC", ids)
    return hh


def person(rep: Replica, code: str) -> dict[str, Any] | None:
    eid = normalise_code(code) or code
    found = _rows(rep, f"SELECT {cols(PERSON_COLS)}, merged_into FROM people WHERE eid = ? AND created = 1",
                  (eid,))
    return found[0] if found else None


def search(rep: Replica, text: str, limit: int = 20) -> list[dict[str, Any]]:
    """People and households whose name, code or address contains `text` (case-folded)."""
    q = text.strip()
    if not q:
        return []
    results: list[dict[str, Any]] = []
    if looks_like_code(q):
        code = normalise_code(q)
        if code:
            results += [{"kind": "household", **r} for r in _rows(
                rep, f"SELECT eid, zone, address FROM households WHERE eid = ? AND {LIVE}", (code,))]
            results += [{"kind": "person", **r} for r in _rows(
                rep, f"SELECT eid, household, name, born FROM people WHERE eid = ? AND {LIVE}", (code,))]
    key = f"%{fold(q)}%"
    results += [{"kind": "person", **r} for r in _rows(
        rep, f"SELECT eid, household, name, born, status FROM people WHERE name_key LIKE ? AND {LIVE} "
             "ORDER BY name_key LIMIT ?", (key, limit))]
    if len(results) < limit:
        results += [{"kind": "household", **r} for r in _rows(
            rep, f"SELECT eid, zone, address FROM households WHERE address LIKE ? AND {LIVE} LIMIT ?",
            (f"%{q}%", limit - len(results)))]
    return results[:limit]


def list_zones(rep: Replica) -> list[dict[str, Any]]:
    return _rows(rep, "SELECT eid, name, name_en, bank, pcode, population_estimate FROM zones "
                      "WHERE created = 1 ORDER BY eid")


def list_sites(rep: Replica, kind: str | None = None) -> list[dict[str, Any]]:
    where, params = "created = 1", []
    if kind:
        where += " AND kind = ?"
        params.append(kind)
    return _rows(rep, "SELECT eid, kind, name, name_en, zone, state, lat, lon, schedule FROM sites "
                      f"WHERE {where} ORDER BY kind, eid", params)
