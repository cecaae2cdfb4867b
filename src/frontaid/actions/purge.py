"""Retention: purge the personal data of people who left the town, or died, long ago.

The rule (docs/security.md, "Retention"):

- `left_before`: every household whose status is "left the town" and was set so before that day
  (by the clock of the op that set it), and every person registered in it;
- `died_before`: every person recorded as deceased who died before that day (the date of death,
  or when none was given, when the death was recorded). Burial places help families and
  investigators find the dead, so the dead are purged only when this is asked for on its own.

What is purged, and what stays, is `store.purge.PERSONAL`; the records of requests, evacuation
answers, referrals, welfare checks and visits of those households and people are purged with
them. One `purge` op names every record; each replica clears them when it folds the op.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from frontaid.oplog.hlc import from_ms
from frontaid.store.replica import Change, Replica

# Records that hang off a household (by `household`) or a person (by `person`).
_BY_HOUSEHOLD = (("request", "requests"), ("evac_offer", "evac_offers"), ("referral", "referrals"),
                 ("welfare", "welfare_checks"), ("visit", "visits"))
_BY_PERSON = (("referral", "referrals"), ("welfare", "welfare_checks"))


@dataclass
class Plan:
    """What a purge would reach."""

    households: list[str] = field(default_factory=list)
    people: list[str] = field(default_factory=list)
    records: list[tuple[str, str]] = field(default_factory=list)


def _hlc_of(day: date) -> int:
    return from_ms(int(datetime(day.year, day.month, day.day, tzinfo=UTC).timestamp() * 1000))


def plan(rep: Replica, left_before: date | None = None, died_before: date | None = None) -> Plan:
    """The households, people and records a purge with these dates would clear (not yet purged)."""
    out = Plan()
    if left_before is not None:
        out.households = [r[0] for r in rep.conn.execute(
            "SELECT eid FROM households WHERE created = 1 AND status = 'left' "
            "AND COALESCE(json_extract(_v, '$.status[0]'), c_hlc) < ? "
            "AND eid NOT IN (SELECT eid FROM purged WHERE entity = 'household') ORDER BY eid",
            (_hlc_of(left_before),))]
        for part in _chunks(out.households):
            marks = ",".join("?" * len(part))
            out.people += [r[0] for r in rep.conn.execute(
                f"SELECT eid FROM people WHERE household IN ({marks}) ORDER BY eid", part)]
    if died_before is not None:
        dead = [r[0] for r in rep.conn.execute(
            "SELECT eid FROM people WHERE created = 1 AND status = 'deceased' AND CASE "
            "WHEN died_on IS NOT NULL AND died_on != '' THEN substr(died_on, 1, 10) < ? "
            "ELSE COALESCE(json_extract(_v, '$.status[0]'), c_hlc) < ? END "
            "AND eid NOT IN (SELECT eid FROM purged WHERE entity = 'person') ORDER BY eid",
            (died_before.isoformat(), _hlc_of(died_before)))]
        out.people = sorted(set(out.people) | set(dead))
    out.records = [("household", h) for h in out.households] + [("person", p) for p in out.people]
    for entity, table in _BY_HOUSEHOLD:
        out.records += _linked(rep, entity, table, "household", out.households)
    for entity, table in _BY_PERSON:
        out.records += _linked(rep, entity, table, "person", out.people)
    out.records = sorted(set(out.records))
    return out


def _chunks(ids: list[str], n: int = 500) -> list[list[str]]:
    return [ids[i:i + n] for i in range(0, len(ids), n)]


def _linked(rep: Replica, entity: str, table: str, column: str, ids: list[str]) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    for part in _chunks(ids):
        marks = ",".join("?" * len(part))
        found += [(entity, r[0]) for r in rep.conn.execute(
            f'SELECT eid FROM "{table}" WHERE "{column}" IN ({marks})', part)]
    return found


def purge(rep: Replica, actor: str, left_before: date | None = None,
          died_before: date | None = None) -> Plan:
    """Purge what `plan` finds, as one op that every replica folds; returns what it reached."""
    with rep.transaction():
        found = plan(rep, left_before, died_before)
        if found.records:
            rule = ",".join(r for r, d in (("left-before", left_before), ("died-before", died_before)) if d)
            before = ",".join(d.isoformat() for d in (left_before, died_before) if d)
            rep.record([Change("purge", os.urandom(8).hex(), "create", {
                "records": [list(r) for r in found.records], "rule": rule, "before": before,
                "households": len(found.households), "people": len(found.people)})], actor)
    return found
