"""Duplicates: find them (fill the review queue), then merge, unmerge, or say "not the same person".

Merging and unmerging are the registry's ops (`actions.registry.merge`); "not the same"
adds each person's code to the other's `distinct_from` set, an op like any other, so the
pair is not proposed again here or on any replica that syncs it. The queue itself is
local derived data (queries/dedup.py).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from frontaid.actions import registry
from frontaid.actions import validate as check
from frontaid.errors import Refused
from frontaid.match.dedup import Record, find_pairs
from frontaid.queries import dedup as q
from frontaid.store.replica import Change, Replica


def run(rep: Replica, actor: str, *, merge_links: bool = False) -> dict[str, Any]:
    """Compare everyone, queue the link and review pairs (replacing the last run's queue), and,
    only when asked, merge the link band (the later code into the earlier).

    Pairs already decided distinct are not queued. Returns counts and the phase timings.
    """
    people = q.people_for_matching(rep)
    records = [Record(p["eid"], p["name"] or "", str(p["born"] or ""), p["sex"] or "", p["address"] or "",
                      p["zone"] or "", p["household"] or "") for p in people]
    timings: dict[str, float] = {}
    pairs = find_pairs(records, timings=timings)
    decided = q.distinct_pairs(rep)
    pairs = [p for p in pairs if (p.a, p.b) not in decided]
    now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    merged: list[tuple[str, str]] = []
    with rep.transaction() as conn:
        conn.execute("DELETE FROM dedup_queue")
        conn.executemany("INSERT INTO dedup_queue VALUES (?,?,?,?,?,?)", [
            (p.a, p.b, p.score, p.band, json.dumps(p.fields, sort_keys=True), now) for p in pairs])
        if merge_links:
            gone: set[str] = set()
            for p in pairs:
                if p.band != "link" or p.a in gone or p.b in gone:
                    continue  # one merge per person per run: chains wait for a look
                registry.merge(rep, actor, "person", p.b, p.a)
                gone.add(p.b)
                merged.append((p.b, p.a))
    return {"people": len(records), "link": sum(p.band == "link" for p in pairs),
            "review": sum(p.band == "review" for p in pairs), "merged": len(merged),
            "merges": [{"duplicate": d, "into": i} for d, i in merged],
            "seconds": {k: round(v, 3) for k, v in timings.items() if k != "candidates"}}


def merge(rep: Replica, actor: str, duplicate: str, into: str) -> tuple[str, str]:
    """One person registered twice: `duplicate` now points at `into`. Returns both codes."""
    a = check.existing(rep, "person", duplicate)
    b = check.existing(rep, "person", into)
    registry.merge(rep, actor, "person", a, b)
    return a, b


def unmerge(rep: Replica, actor: str, code: str) -> None:
    registry.unmerge(rep, actor, "person", code)


def not_the_same(rep: Replica, actor: str, a: str, b: str) -> tuple[str, str]:
    """Two records are two people: remembered on both, so the pair is never proposed again."""
    x = check.existing(rep, "person", a)
    y = check.existing(rep, "person", b)
    if x == y:
        raise Refused("A record cannot be merged into itself.")
    if q.is_distinct(rep, x, y):
        return x, y
    rep.record([Change("person", x, "add", {"f": "distinct_from", "v": [y]}),
                Change("person", y, "add", {"f": "distinct_from", "v": [x]})], actor)
    return x, y
