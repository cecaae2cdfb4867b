"""Importing a list or KoBo submissions: check every row, hold possible duplicates, write all or nothing.

`check(rep, plan)` finds every problem the registry can see (an unknown zone, a code in use
by another record) beside the file's own; `apply` refuses if any is found, then in ONE
transaction creates the zones (a frontaid export), households and people. Each record carries
its `source` (the submission's instanceID, or a hash of the row, or its card code), so the
same file imported again adds nothing. A person the duplicate check finds may already be
registered is held back (`import_held`, beside the review queue) instead of being created
twice; possible duplicates within the file are created and queued for review.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from frontaid.actions import validate as check_value
from frontaid.actions.fields import set_elements, set_field
from frontaid.errors import BadRows, FrontaidError, NotFound
from frontaid.imports.reader import Plan
from frontaid.imports.rows import Household, Member, RowProblem
from frontaid.match.dedup import Record, find_pairs
from frontaid.queries import dedup as dq
from frontaid.queries import exports as xq
from frontaid.store.replica import Change, Replica

BATCH = 2000  # ops recorded between two progress ticks
_PEOPLE_FIELDS = ("name", "born", "sex", "vulnerabilities", "status", "note")


@dataclass
class _Known:
    households: dict[str, str]   # source or code → eid
    people: set[str]             # sources and codes of people present
    held: set[str]               # keys held or decided before


def _known(rep: Replica) -> _Known:
    xq.ensure_held(rep.conn)
    hh = {s: e for s, e in rep.conn.execute("SELECT source, eid FROM households WHERE created = 1 "
                                            "AND source IS NOT NULL")}
    hh.update({f"code:{e}": e for (e,) in rep.conn.execute("SELECT eid FROM households WHERE created = 1")})
    people = {s for (s,) in rep.conn.execute("SELECT source FROM people WHERE source IS NOT NULL")}
    people.update(f"code:{e}" for (e,) in rep.conn.execute("SELECT eid FROM people WHERE created = 1"))
    held = {k for (k,) in rep.conn.execute("SELECT key FROM import_held")}
    return _Known(hh, people, held)


def check(rep: Replica, plan: Plan) -> list[RowProblem]:
    """Every problem in the plan, the file's and the registry's, ordered by line."""
    problems = list(plan.problems)
    zones = {str(z["zone"]).strip().lower() for z in plan.zones}
    resolved: dict[str, str | None] = {}
    for hh in plan.households:
        if hh.code and _exists(rep, "people", hh.code):
            problems.append(RowProblem(hh.line, "Code {code} belongs to a person, not a household.",
                                       code=hh.code))
        z = hh.zone.strip()
        if not z:
            if not (hh.code and _exists(rep, "households", hh.code)):
                problems.append(RowProblem(hh.line, "The zone is empty."))
            continue
        if z.lower() in zones:
            continue
        if z not in resolved:
            try:
                resolved[z] = check_value.zone(rep, z)
            except FrontaidError:
                resolved[z] = None
        if resolved[z] is None:
            problems.append(RowProblem(hh.line, "There is no zone '{zone}': use a zone's id or name "
                                       "(frontaid zone list).", zone=z[:40]))
        else:
            hh.zone = str(resolved[z])
    return sorted(problems, key=lambda p: p.line)


def _exists(rep: Replica, table: str, eid: str) -> bool:
    row = rep.conn.execute(f"SELECT 1 FROM {table} WHERE eid = ? AND created = 1", (eid,)).fetchone()
    return row is not None


def refuse_problems(problems: list[RowProblem]) -> None:
    if problems:
        raise BadRows([(p.line, p.reason, p.params) for p in problems])


def _held_by_dedup(rep: Replica, fresh: list[tuple[Household, Member]]
                   ) -> tuple[dict[int, tuple[str, float, str]], list[tuple[int, int, float, str, str]]]:
    """Which incoming people may be someone registered (index → (eid, score, band)), and the
    possible duplicate pairs among the incoming ones (i, j, score, band, fields)."""
    existing = dq.people_for_matching(rep)
    recs = [Record(p["eid"], p["name"] or "", str(p["born"] or ""), p["sex"] or "", p["address"] or "",
                   p["zone"] or "", p["household"] or "") for p in existing]
    width = len(str(len(fresh)))
    for i, (hh, m) in enumerate(fresh):
        # "~" sorts after every code: an incoming id is always the pair's `b` against a registered one.
        recs.append(Record(f"~{i:0{width}d}", str(m.data.get("name") or ""), str(m.data.get("born") or ""),
                           str(m.data.get("sex") or ""), str(hh.data.get("address") or ""), hh.zone,
                           f"~{hh.key}"))
    held: dict[int, tuple[str, float, str]] = {}
    inner: list[tuple[int, int, float, str, str]] = []
    for p in find_pairs(recs):
        a_new, b_new = p.a.startswith("~"), p.b.startswith("~")
        if a_new and b_new:
            inner.append((int(p.a[1:]), int(p.b[1:]), p.score, p.band, json.dumps(p.fields, sort_keys=True)))
        elif b_new:
            i = int(p.b[1:])
            if i not in held or held[i][1] < p.score:
                held[i] = (p.a, p.score, p.band)
    return held, inner


def apply(rep: Replica, actor: str, plan: Plan, *, file: str = "", dedup: bool = True,
          progress: Callable[[int, int], None] | None = None) -> dict[str, Any]:
    """Write the plan in one transaction (after `check`); returns the counts and seconds per phase."""
    t0 = time.perf_counter()
    refuse_problems(check(rep, plan))
    known = _known(rep)
    zones_new = [z for z in plan.zones if not _exists(rep, "zones", str(z["zone"]))]
    # What is new: households not made before, members not made nor held before.
    fresh: list[tuple[Household, Member]] = []
    households_new: list[Household] = []
    updates: list[Household] = []
    skipped = 0
    for hh in plan.households:
        if hh.replaces and hh.key not in known.households and hh.replaces in known.households:
            updates.append(hh)
            continue
        if hh.key not in known.households:
            households_new.append(hh)
        elif not hh.members:
            skipped += 1
        for m in hh.members:
            if m.key in known.people or m.key in known.held:
                skipped += 1
            else:
                fresh.append((hh, m))
    t1 = time.perf_counter()
    held: dict[int, tuple[str, float, str]] = {}
    inner: list[tuple[int, int, float, str, str]] = []
    if dedup and fresh:
        held, inner = _held_by_dedup(rep, fresh)
    t2 = time.perf_counter()
    # A household whose every new member is held waits with them (unless it has no members at all).
    members_of: dict[str, list[int]] = {}
    for i, (hh, _m) in enumerate(fresh):
        members_of.setdefault(hh.key, []).append(i)
    create_hh = [hh for hh in households_new
                 if not members_of.get(hh.key) or any(i not in held for i in members_of[hh.key])]
    total = len(zones_new) + len(create_hh) + len(fresh) - len(held) + len(updates)
    done = 0
    now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    eid_of: dict[int, str] = {}
    with rep.transaction() as conn:
        changes: list[Change] = []

        def flush(force: bool = False) -> None:
            nonlocal done, changes
            if changes and (force or len(changes) >= BATCH):
                rep.record(changes, actor)
                done += len(changes)
                changes = []
                if progress is not None:
                    progress(done, total)

        for z in zones_new:
            data = {k: z.get(k) for k in ("name", "name_en", "bank", "pcode")}
            data["name"] = check_value.text(data["name"] or z["zone"], "name", limit=120)
            if z.get("geometry"):
                try:
                    data["geometry"] = json.loads(str(z["geometry"]))
                except ValueError:
                    raise BadRows([(int(z["line"]), "The zone's shape is not GeoJSON.", {})]) from None
            if z.get("population_estimate") not in (None, ""):
                data["population_estimate"] = check_value.count(z["population_estimate"], "people (estimate)",
                                                                0, 10_000_000)
            changes.append(Change("zone", str(z["zone"]), "create",
                                  {k: v for k, v in data.items() if v not in (None, "")}))
        flush(True)
        wanted = sum(1 for h in create_hh if not h.code)
        wanted += sum(1 for i, (_h, m) in enumerate(fresh) if i not in held and not m.code)
        codes = iter(rep.next_codes(wanted))
        hh_eid: dict[str, str] = dict(known.households)
        for hh in create_hh:
            eid = hh.code or next(codes)
            hh_eid[hh.key] = eid
            data = {"zone": hh.zone, "status": "active", **hh.data,
                    "source": None if hh.code else hh.key}
            changes.append(Change("household", eid, "create", {k: v for k, v in data.items()
                                                                if v not in (None, [])}))
            flush()
        for hh in updates:
            changes.extend(_update(rep, hh, known.households[str(hh.replaces)]))
            hh_eid[hh.key] = known.households[str(hh.replaces)]
            flush()
        for i, (hh, m) in enumerate(fresh):
            if i in held:
                continue
            eid = m.code or next(codes)
            eid_of[i] = eid
            data = {"household": hh_eid[hh.key], "status": "present", **m.data,
                    "source": None if m.code else m.key}
            changes.append(Change("person", eid, "create", {k: v for k, v in data.items()
                                                             if v not in (None, [])}))
            flush()
        flush(True)
        rows = [(m.key, m.line, file, hh.key, json.dumps({"household": {"zone": hh.zone, **hh.data},
                                                          "person": m.data}, ensure_ascii=False),
                 held[i][0], held[i][1], held[i][2], now)
                for i, (hh, m) in enumerate(fresh) if i in held]
        conn.executemany("INSERT OR REPLACE INTO import_held VALUES (?,?,?,?,?,?,?,?,?,NULL)", rows)
        conn.executemany("INSERT OR REPLACE INTO dedup_queue VALUES (?,?,?,?,?,?)", [
            (min(eid_of[i], eid_of[j]), max(eid_of[i], eid_of[j]), score, band, fields, now)
            for i, j, score, band, fields in inner if i in eid_of and j in eid_of])
    t3 = time.perf_counter()
    return {"rows": plan.rows, "zones": len(zones_new), "households": len(create_hh),
            "people": len(fresh) - len(held), "updated": len(updates), "held": len(held),
            "queued": sum(1 for i, j, *_ in inner if i in eid_of and j in eid_of), "skipped": skipped,
            "seconds": {"read": round(t1 - t0, 3), "dedup": round(t2 - t1, 3), "write": round(t3 - t2, 3)}}


def _update(rep: Replica, hh: Household, eid: str) -> list[Change]:
    """An edited KoBo submission over the one imported before: the changed fields, members by position."""
    out: list[Change] = []
    row = xq.household_fields(rep, eid)
    for k, v in {**hh.data, "zone": hh.zone, "source": hh.key}.items():
        if k == "utilities":
            out += set_elements(rep, "household", eid, k, list(v))
        elif row.get(k) != v:
            out.append(set_field("household", eid, k, v))
    old = str(hh.replaces)
    for m in hh.members:
        before = m.key.replace(hh.key, old, 1)
        pe = xq.person_by_source(rep, before)
        if pe is None:
            code = rep.next_codes()[0]
            out.append(Change("person", code, "create", {"household": eid, "status": "present", **m.data,
                                                          "source": m.key}))
            continue
        prow = xq.person_fields(rep, pe)
        for k, v in {**m.data, "source": m.key}.items():
            if k == "vulnerabilities":
                out += set_elements(rep, "person", pe, k, list(v))
            elif prow.get(k) != v:
                out.append(set_field("person", pe, k, v))
    return out


def release(rep: Replica, actor: str, key: str) -> str:
    """A held row is someone new after all: create them (and their household if not made yet)."""
    row = xq.held(rep, key)
    if row is None or row["decision"]:
        raise NotFound(what="held row", code=key[:40])
    data = json.loads(row["data"])
    with rep.transaction() as conn:
        hh = conn.execute("SELECT eid FROM households WHERE source = ? AND created = 1",
                          (row["household_key"],)).fetchone()
        if hh is None:
            hh_eid = rep.next_codes()[0]
            rep.record([Change("household", hh_eid, "create", {
                "status": "active", **data["household"], "source": row["household_key"]})], actor)
        else:
            hh_eid = hh[0]
        pe = rep.next_codes()[0]
        rep.record([Change("person", pe, "create", {"household": hh_eid, "status": "present",
                                                    **data["person"], "source": key})], actor)
        conn.execute("UPDATE import_held SET decision = 'created' WHERE key = ?", (key,))
    return pe


def drop(rep: Replica, key: str) -> None:
    """A held row is someone already registered: nothing is created, and a re-import stays quiet."""
    row = xq.held(rep, key)
    if row is None or row["decision"]:
        raise NotFound(what="held row", code=key[:40])
    with rep.transaction() as conn:
        conn.execute("UPDATE import_held SET decision = 'same' WHERE key = ?", (key,))
