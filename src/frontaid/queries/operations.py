"""Requests, stock, incidents, evacuation, referrals, welfare checks: lists for boards and desks."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from frontaid.domain.vocab import URGENCY_RANK
from frontaid.queries import LIVE
from frontaid.queries.registry import _rows
from frontaid.store.replica import Replica

COVER_WINDOW_DAYS = 14


def list_requests(rep: Replica, *, open_only: bool = False, need: str | None = None,
                  zone: str | None = None, status: str | None = None,
                  limit: int = 200) -> list[dict[str, Any]]:
    where, params = [LIVE], []
    if open_only:
        where.append("status NOT IN ('done', 'cancelled')")
    for col, val in (("need", need), ("zone", zone), ("status", status)):
        if val:
            where.append(f"{col} = ?")
            params.append(val)
    rows = _rows(rep, "SELECT eid, household, need, urgency, status, team, reported_by, zone, lat, lon, "
                      f"note, opened_at, closed_at FROM requests WHERE {' AND '.join(where)} "
                      "ORDER BY opened_at LIMIT ?", [*params, limit])
    rows.sort(key=lambda r: (URGENCY_RANK.get(r["urgency"], 9), r["opened_at"] or ""))
    return rows


def stock_levels(rep: Replica, today: date | None = None) -> list[dict[str, Any]]:
    """Stock per item and location, with days of cover at the recent hand-out rate."""
    since = ((today or date.today()) - timedelta(days=COVER_WINDOW_DAYS)).isoformat()
    rate = {eid: -drawn / COVER_WINDOW_DAYS for eid, drawn in rep.conn.execute(
        "SELECT eid, SUM(delta) FROM ledger WHERE entity = 'stock' AND reason = 'handout' AND day >= ? "
        "GROUP BY eid", (since,))}
    out = []
    for eid, qty in rep.conn.execute(
        "SELECT eid, COALESCE(qty, 0) FROM stock WHERE created = 1 OR qty IS NOT NULL ORDER BY eid"
    ):
        item, _, location = eid.partition("@")
        r = rate.get(eid, 0.0)
        out.append({"item": item, "location": location, "qty": qty,
                    "per_day": round(r, 1), "days_of_cover": round(qty / r, 1) if r > 0 else None})
    return out


def stock_by_item(rep: Replica, today: date | None = None) -> list[dict[str, Any]]:
    totals: dict[str, dict[str, Any]] = {}
    for row in stock_levels(rep, today):
        t = totals.setdefault(row["item"], {"item": row["item"], "qty": 0, "per_day": 0.0})
        t["qty"] += row["qty"]
        t["per_day"] += row["per_day"]
    for t in totals.values():
        t["per_day"] = round(t["per_day"], 1)
        t["days_of_cover"] = round(t["qty"] / t["per_day"], 1) if t["per_day"] > 0 else None
    return sorted(totals.values(), key=lambda t: t["item"])


def list_incidents(rep: Replica, *, since: datetime | None = None, zone: str | None = None,
                   limit: int = 200) -> list[dict[str, Any]]:
    where, params = ["created = 1"], []
    if since:
        where.append("at >= ?")
        params.append(since.strftime("%Y-%m-%dT%H:%M"))
    if zone:
        where.append("zone = ?")
        params.append(zone)
    return _rows(rep, "SELECT eid, kind, zone, at, killed, wounded, site, lat, lon, note FROM incidents "
                      f"WHERE {' AND '.join(where)} ORDER BY at DESC LIMIT ?", [*params, limit])


def harm(rep: Replica, hours: int, now: datetime | None = None) -> dict[str, int]:
    since = ((now or datetime.now(UTC)) - timedelta(hours=hours)).strftime("%Y-%m-%dT%H:%M")
    n, killed, wounded = rep.conn.execute(
        "SELECT COUNT(*), COALESCE(SUM(killed), 0), COALESCE(SUM(wounded), 0) FROM incidents "
        "WHERE created = 1 AND at >= ?", (since,)).fetchone()
    return {"incidents": n, "killed": killed, "wounded": wounded}


def evacuation_answers(rep: Replica) -> dict[str, Any]:
    """The latest answer of each household that was offered evacuation."""
    rows = rep.conn.execute(
        """SELECT answer, reason, COUNT(*) FROM (
             SELECT o.answer, o.reason FROM evac_offers o
             WHERE o.created = 1 AND o.offered_on = (
               SELECT MAX(offered_on) FROM evac_offers x WHERE x.household = o.household AND x.created = 1)
             GROUP BY o.household)
           GROUP BY answer, reason""").fetchall()
    by_answer: dict[str, int] = {}
    refusal_reasons: dict[str, int] = {}
    for answer, reason, n in rows:
        by_answer[answer] = by_answer.get(answer, 0) + n
        if answer == "refused" and reason:
            refusal_reasons[reason] = refusal_reasons.get(reason, 0) + n
    return {"answers": by_answer, "refusal_reasons": refusal_reasons}


def list_referrals(rep: Replica, *, open_only: bool = False, limit: int = 200) -> list[dict[str, Any]]:
    where = "created = 1" + (" AND status = 'open'" if open_only else "")
    return _rows(rep, "SELECT eid, household, person, kind, \"to\", status, outcome, opened_on, closed_on "
                      f"FROM referrals WHERE {where} ORDER BY opened_on DESC LIMIT ?", (limit,))


def list_welfare(rep: Replica, *, open_only: bool = False, limit: int = 200) -> list[dict[str, Any]]:
    where = "created = 1" + (" AND status = 'open'" if open_only else "")
    return _rows(rep, "SELECT eid, sought, asked_by, household, zone, status, answer, opened_on, "
                      f"answered_on FROM welfare_checks WHERE {where} ORDER BY opened_on DESC LIMIT ?",
                 (limit,))


def list_deaths(rep: Replica, limit: int = 500) -> list[dict[str, Any]]:
    return _rows(rep, "SELECT eid, household, name, died_on, death_place, death_cause, burial_place "
                      "FROM people WHERE created = 1 AND status = 'deceased' ORDER BY died_on DESC LIMIT ?",
                 (limit,))
