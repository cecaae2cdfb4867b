"""The one-screen picture: people, reach, needs, stock, harm, evacuation, and the replica."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from frontaid.queries import LIVE
from frontaid.queries.aid import evacuation_answers, harm, stock_by_item
from frontaid.store.replica import Replica


def status(rep: Replica, now: datetime | None = None) -> dict[str, Any]:
    now = now or datetime.now(UTC)
    today = now.date()
    c = rep.conn
    week_ago = (today - timedelta(days=7)).isoformat()
    estimate = c.execute("SELECT COALESCE(SUM(population_estimate), 0) FROM zones WHERE created = 1"
                         ).fetchone()[0]
    households = c.execute(f"SELECT COUNT(*) FROM households WHERE {LIVE} AND status = 'active'"
                           ).fetchone()[0]
    people = c.execute(f"SELECT COUNT(*) FROM people WHERE {LIVE} AND status = 'present'").fetchone()[0]
    reached = c.execute(
        """SELECT COUNT(*) FROM (
             SELECT household FROM handouts WHERE created = 1 AND "on" >= ?
             UNION SELECT household FROM evac_offers WHERE created = 1 AND offered_on >= ?
             UNION SELECT household FROM requests WHERE created = 1 AND status = 'done'
                   AND closed_at >= ? AND household IS NOT NULL)""",
        (week_ago, week_ago, week_ago)).fetchone()[0]
    needs = dict(c.execute(
        f"SELECT need, COUNT(*) FROM requests WHERE {LIVE} AND status NOT IN ('done', 'cancelled') "
        "GROUP BY need ORDER BY COUNT(*) DESC").fetchall())
    deceased_unburied = c.execute(
        f"SELECT COUNT(*) FROM requests WHERE {LIVE} AND need = 'body-recovery' "
        "AND status NOT IN ('done', 'cancelled')").fetchone()[0]
    return {
        "town": rep.town,
        "date": today.isoformat(),
        "people": {"estimate": estimate, "registered": people, "households": households},
        "reached_7d": reached,
        "open_requests": needs,
        "bodies_awaiting_recovery": deceased_unburied,
        "stock": stock_by_item(rep, today),
        "harm_24h": harm(rep, 24, now),
        "harm_7d": harm(rep, 24 * 7, now),
        "evacuation": evacuation_answers(rep),
        "replica": replica_summary(rep),
    }


def replica_summary(rep: Replica) -> dict[str, Any]:
    return {
        "origin": rep.origin,
        "prefix": rep.prefix,
        "ops": rep.op_count(),
        "vector": rep.vector(),
        "state": rep.state_digest()[:16],
    }


def harm_by_day(rep: Replica, days: int = 14, now: datetime | None = None) -> list[dict[str, Any]]:
    """Incidents, killed and wounded per day over the last `days` days (today last), zeros included."""
    today = (now or datetime.now(UTC)).date()
    first = today - timedelta(days=days - 1)
    found = {day: (n, killed, wounded) for day, n, killed, wounded in rep.conn.execute(
        "SELECT substr(at, 1, 10), COUNT(*), COALESCE(SUM(killed), 0), COALESCE(SUM(wounded), 0) "
        "FROM incidents WHERE created = 1 AND at >= ? GROUP BY substr(at, 1, 10)", (first.isoformat(),))}
    out = []
    for i in range(days):
        day = (first + timedelta(days=i)).isoformat()
        n, killed, wounded = found.get(day, (0, 0, 0))
        out.append({"day": day, "incidents": n, "killed": killed, "wounded": wounded})
    return out


def dashboard(rep: Replica, now: datetime | None = None) -> dict[str, Any]:
    """`status()` and the harm of each of the last 14 days: the figures page of the web app."""
    now = now or datetime.now(UTC)
    return {**status(rep, now), "harm_by_day": harm_by_day(rep, 14, now)}
