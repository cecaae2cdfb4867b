"""The one-screen picture: people, reach, needs, stock, harm, evacuation, and the replica."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from frontaid.queries import LIVE
from frontaid.queries.aid import evacuation_answers, harm, stock_by_item
from frontaid.queries.towns import Cut, sites_of, town_name
from frontaid.store.replica import Replica


def status(rep: Replica, now: datetime | None = None, town: str | None = None) -> dict[str, Any]:
    """The picture of the whole replica, or of one town's zones (`town`: its id)."""
    now = now or datetime.now(UTC)
    today = now.date()
    c = rep.conn
    week_ago = (today - timedelta(days=7)).isoformat()
    cut = Cut.all() if town is None else Cut.town(rep, town)
    zones, zp = cut.where("eid")
    in_zone, hp = cut.where("zone")
    of_hh, op = cut.households("household")
    estimate = c.execute(f"SELECT COALESCE(SUM(population_estimate), 0) FROM zones WHERE created = 1{zones}",
                         zp).fetchone()[0]
    households = c.execute(f"SELECT COUNT(*) FROM households WHERE {LIVE} AND status = 'active'{in_zone}",
                           hp).fetchone()[0]
    people = c.execute(f"SELECT COUNT(*) FROM people WHERE {LIVE} AND status = 'present'{of_hh}",
                       op).fetchone()[0]
    reached = c.execute(
        f"""SELECT COUNT(*) FROM (
             SELECT household FROM handouts WHERE created = 1 AND "on" >= ?{of_hh}
             UNION SELECT household FROM evac_offers WHERE created = 1 AND offered_on >= ?{of_hh}
             UNION SELECT household FROM requests WHERE created = 1 AND status = 'done'
                   AND closed_at >= ? AND household IS NOT NULL{of_hh})""",
        (week_ago, *op, week_ago, *op, week_ago, *op)).fetchone()[0]
    needs = dict(c.execute(
        f"SELECT need, COUNT(*) FROM requests WHERE {LIVE} AND status NOT IN ('done', 'cancelled'){in_zone} "
        "GROUP BY need ORDER BY COUNT(*) DESC", hp).fetchall())
    deceased_unburied = c.execute(
        f"SELECT COUNT(*) FROM requests WHERE {LIVE} AND need = 'body-recovery' "
        f"AND status NOT IN ('done', 'cancelled'){in_zone}", hp).fetchone()[0]
    return {
        "town": rep.town if town is None else town_name(rep, town),
        "date": today.isoformat(),
        "people": {"estimate": estimate, "registered": people, "households": households},
        "reached_7d": reached,
        "open_requests": needs,
        "bodies_awaiting_recovery": deceased_unburied,
        "stock": stock_by_item(rep, today, sites=sites_of(rep, cut)),
        "harm_24h": harm(rep, 24, now, zones=cut.zones),
        "harm_7d": harm(rep, 24 * 7, now, zones=cut.zones),
        "evacuation": evacuation_answers(rep, cut.households("o.household")),
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


def harm_by_day(rep: Replica, days: int = 14, now: datetime | None = None,
                zones: tuple[str, ...] | None = None) -> list[dict[str, Any]]:
    """Incidents, killed and wounded per day over the last `days` days (today last), zeros included;
    in every zone or in `zones` only."""
    today = (now or datetime.now(UTC)).date()
    first = today - timedelta(days=days - 1)
    in_zone = "" if zones is None else f" AND zone IN ({','.join('?' * len(zones))})"
    found = {day: (n, killed, wounded) for day, n, killed, wounded in rep.conn.execute(
        "SELECT substr(at, 1, 10), COUNT(*), COALESCE(SUM(killed), 0), COALESCE(SUM(wounded), 0) "
        f"FROM incidents WHERE created = 1 AND at >= ?{in_zone} GROUP BY substr(at, 1, 10)",
        (first.isoformat(), *(zones or ())))}
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
