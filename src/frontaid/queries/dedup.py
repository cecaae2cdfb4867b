"""The duplicates review queue: pairs found by `frontaid dedup run`, side by side.

The queue is derived data, local to this replica and recomputable: one row per pair
in `dedup_queue` (store/schema.py's LOCAL_TABLES: not a projection, not synced). Decisions are ops
(actions/dedup.py), so a pair decided on one replica is not proposed on another.
"""

from __future__ import annotations

import json
from typing import Any

from frontaid.domain.name_keys import name_keys
from frontaid.match.dedup import FIELDS, Record, band, rank_candidates, word_keys
from frontaid.store.replica import Replica

SIDE = ("eid", "name", "born", "sex", "household", "zone", "address", "status")


def N_(msgid: str) -> str:
    """Mark a msgid for extraction; it is translated where it is shown."""
    return msgid


# How each field of a pair compared, and the fields' names, as people read them (msgids).
AGREEMENT = {"agree": N_("agrees"), "close": N_("nearly agrees"), "disagree": N_("differs"),
             "missing": N_("not known")}
FIELD_NAMES = {"name": N_("name"), "born": N_("year of birth"), "sex": N_("sex"), "doc": N_("document"),
               "address": N_("address"), "zone": N_("zone"), "household": N_("household")}


def distinct_pairs(rep: Replica) -> set[tuple[str, str]]:
    """Pairs (a < b) someone decided are two people."""
    out: set[tuple[str, str]] = set()
    for eid, others in rep.conn.execute("SELECT eid, distinct_from FROM people WHERE created = 1 "
                                        "AND distinct_from IS NOT NULL"):
        for other in str(others).split(","):
            if other:
                out.add((min(eid, other), max(eid, other)))
    return out


def is_distinct(rep: Replica, a: str, b: str) -> bool:
    """Someone decided these two are two people (recorded on both records)."""
    row = rep.conn.execute("SELECT distinct_from FROM people WHERE eid = ?", (a,)).fetchone()
    return bool(row and row[0]) and b in str(row[0]).split(",")


def people_for_matching(rep: Replica) -> list[dict[str, Any]]:
    """Every live person with the household's zone and address: the input of `find_pairs`."""
    cur = rep.conn.execute(
        "SELECT p.eid, p.name, p.born, p.sex, p.household, h.zone, h.address FROM people p "
        "LEFT JOIN households h ON h.eid = p.household "
        "WHERE p.created = 1 AND p.merged_into IS NULL AND p.name IS NOT NULL ORDER BY p.eid")
    cols = [d[0] for d in cur.description]
    return [dict(zip(cols, r, strict=True)) for r in cur]


def _person(rep: Replica, eid: str) -> dict[str, Any] | None:
    row = rep.conn.execute(
        "SELECT p.eid, p.name, p.born, p.sex, p.household, h.zone, h.address, p.status, p.merged_into "
        "FROM people p LEFT JOIN households h ON h.eid = p.household WHERE p.eid = ? AND p.created = 1",
        (eid,)).fetchone()
    if row is None:
        return None
    return dict(zip((*SIDE, "merged_into"), row, strict=True))


# Pending: both people live, not merged, not decided distinct.
_PENDING = """FROM dedup_queue q JOIN people pa ON pa.eid = q.a JOIN people pb ON pb.eid = q.b
    WHERE pa.created = 1 AND pb.created = 1 AND pa.merged_into IS NULL AND pb.merged_into IS NULL
    AND (pa.distinct_from IS NULL OR instr(',' || pa.distinct_from || ',', ',' || q.b || ',') = 0)"""


def queue(rep: Replica, *, band: str | None = None, limit: int = 50, offset: int = 0) -> list[dict[str, Any]]:
    """Pairs awaiting a decision, best first: each person's record and each field's agreement.

    Pairs whose people were merged or decided distinct since the run are left out.
    """
    where, params = "", []
    if band:
        where, params = " AND q.band = ?", [band]
    out: list[dict[str, Any]] = []
    for a, b, score, bnd, fields, found_at in rep.conn.execute(
            f"SELECT q.a, q.b, q.score, q.band, q.fields, q.found_at {_PENDING}{where} "
            "ORDER BY q.score DESC, q.a, q.b LIMIT ? OFFSET ?", [*params, limit, offset]).fetchall():
        item = pair_view(rep, a, b, score=score, band=bnd, fields=json.loads(fields), found_at=found_at)
        if item is not None:
            out.append(item)
    return out


def pair_view(rep: Replica, a: str, b: str, **extra: Any) -> dict[str, Any] | None:
    """One pending pair, or None when it was decided (merged, distinct) or a person is gone."""
    pa, pb = _person(rep, a), _person(rep, b)
    if pa is None or pb is None or pa["merged_into"] or pb["merged_into"] or is_distinct(rep, a, b):
        return None
    return {"a": {k: pa[k] for k in SIDE}, "b": {k: pb[k] for k in SIDE}, **extra,
            "fields": {f: extra.get("fields", {}).get(f, "missing") for f in FIELDS}}


def queued(rep: Replica, a: str, b: str) -> dict[str, Any] | None:
    """The queued row of a pair (either order), pending or not."""
    row = rep.conn.execute("SELECT a, b, score, band, fields, found_at FROM dedup_queue "
                           "WHERE a = ? AND b = ?", (min(a, b), max(a, b))).fetchone()
    if row is None:
        return None
    return {"a": row[0], "b": row[1], "score": row[2], "band": row[3], "fields": json.loads(row[4]),
            "found_at": row[5]}


def _stakes(rep: Replica, people: set[str]) -> dict[str, dict[str, Any]]:
    """What a decision on each person changes: their household's hand-outs and open requests, and
    whether a death is recorded on them (a merge carries it to the other record)."""
    if not people:
        return {}
    marks = ",".join("?" * len(people))
    rows = rep.conn.execute(f"SELECT eid, household, status FROM people WHERE eid IN ({marks})",
                            sorted(people)).fetchall()
    homes = sorted({h for _e, h, _s in rows if h})
    hmarks = ",".join("?" * len(homes))
    handouts = dict(rep.conn.execute(
        f"SELECT household, COUNT(*) FROM handouts WHERE created = 1 AND household IN ({hmarks}) "
        "GROUP BY household", homes).fetchall()) if homes else {}
    requests = dict(rep.conn.execute(
        f"SELECT household, COUNT(*) FROM requests WHERE created = 1 AND merged_into IS NULL "
        f"AND status NOT IN ('done', 'cancelled') AND household IN ({hmarks}) GROUP BY household",
        homes).fetchall()) if homes else {}
    return {e: {"handouts": handouts.get(h, 0), "requests": requests.get(h, 0),
                "deaths": int(st == "deceased"), "household": h or ""} for e, h, st in rows}


def clusters(rep: Replica, *, band: str | None = None, limit: int = 20, offset: int = 0) -> dict[str, Any]:
    """The queue as people, not pairs: the records that may be one person (pairs joined into groups),
    the groups whose decision changes most first (deaths, then open requests, then hand-outs
    involved; then the likeliest). Each group: its records' eids, its pairs best first, its stakes."""
    where, params = ("", []) if not band else (" AND q.band = ?", [band])
    rows = rep.conn.execute(f"SELECT q.a, q.b, q.score, q.band, q.fields, q.found_at {_PENDING}{where}",
                            params).fetchall()
    parent: dict[str, str] = {}

    def root(x: str) -> str:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b, *_rest in rows:
        parent[root(a)] = root(b)
    groups: dict[str, list[tuple[Any, ...]]] = {}
    for row in rows:
        groups.setdefault(root(row[0]), []).append(row)
    stakes = _stakes(rep, set(parent))
    out = []
    for pairs in groups.values():
        members = sorted({x for a, b, *_ in pairs for x in (a, b)})
        homes = {stakes[m]["household"]: stakes[m] for m in members if m in stakes}
        total = {"deaths": sum(stakes[m]["deaths"] for m in members if m in stakes),
                 "requests": sum(h["requests"] for k, h in homes.items() if k),
                 "handouts": sum(h["handouts"] for k, h in homes.items() if k)}
        best = max(p[2] for p in pairs)
        out.append({"people": members, "stakes": total, "best": best,
                    "pairs": sorted(pairs, key=lambda p: (-p[2], p[0], p[1]))})
    out.sort(key=lambda g: (-g["stakes"]["deaths"], -g["stakes"]["requests"], -g["stakes"]["handouts"],
                            -g["best"], g["people"][0]))
    page = []
    for g in out[offset:offset + limit]:
        views = [pair_view(rep, a, b, score=sc, band=bd, fields=json.loads(f), found_at=fa)
                 for a, b, sc, bd, f, fa in g["pairs"]]
        page.append({"people": g["people"], "stakes": g["stakes"], "pairs": [v for v in views if v]})
    return {"groups": page, "total": len(out)}


def counts(rep: Replica) -> dict[str, int]:
    """Pending pairs per band."""
    found = {"link": 0, "review": 0}
    found.update(dict(rep.conn.execute(f"SELECT q.band, COUNT(*) {_PENDING} GROUP BY q.band").fetchall()))
    return found


_POOL = 3000  # people scored per registration check: those sharing most name keys


def possible_duplicates(rep: Replica, name: str, born: int | None = None,
                        household: str | None = None, limit: int = 5, *,
                        sex: str | None = None) -> list[dict[str, Any]]:
    """People already registered who may be this person: dicts with eid, name, born, household,
    score, band and fields (how each compared)."""
    keys = name_keys(name)
    if not keys:
        return []
    marks = ",".join("?" * len(keys))
    pool = [e for (e, _n) in rep.conn.execute(
        f"SELECT eid, COUNT(*) AS n FROM name_keys WHERE key IN ({marks}) GROUP BY eid "
        "ORDER BY n DESC, eid LIMIT ?", [*keys, _POOL])]
    if not pool:
        return []
    wanted = sorted(set(word_keys(name)))
    counts = dict(rep.conn.execute(
        f"SELECT key, COUNT(*) FROM name_keys WHERE key IN ({','.join('?' * len(wanted))}) GROUP BY key",
        wanted).fetchall()) if wanted else {}
    total = rep.conn.execute("SELECT COUNT(*) FROM people WHERE created = 1 AND merged_into IS NULL"
                             ).fetchone()[0]
    zone, address = "", ""
    if household:
        row = rep.conn.execute("SELECT zone, address FROM households WHERE eid = ?", (household,)).fetchone()
        if row:
            zone, address = row[0] or "", row[1] or ""
    people: list[Record] = []
    for i in range(0, len(pool), 500):
        chunk = pool[i:i + 500]
        rows = rep.conn.execute(
            "SELECT p.eid, p.name, p.born, p.sex, p.household, h.zone, h.address FROM people p "
            "LEFT JOIN households h ON h.eid = p.household "
            f"WHERE p.eid IN ({','.join('?' * len(chunk))}) AND p.created = 1 AND p.merged_into IS NULL",
            chunk)
        people += [Record(eid, pname or "", str(pborn) if pborn else "", psex or "", paddr or "",
                          pzone or "", hh or "") for eid, pname, pborn, psex, hh, pzone, paddr in rows]
    me = Record("", name, str(born) if born else "", sex or "", address, zone, household or "")
    born_of = {r.id: r.born for r in people}
    return [{"eid": r.id, "name": r.name, "born": int(born_of[r.id]) if born_of[r.id] else None,
             "household": r.household or None, "score": score, "band": band(score), "fields": fields}
            for r, score, fields in rank_candidates(me, people, counts, total, limit)]
