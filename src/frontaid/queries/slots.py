"""Arrival slots at a point: the opening hours, who is expected, how fast the point serves, the stored slots.

Expected people from a household = its size × its zone's turn-out: the share of the
zone's households that collected a food kit at this point over the last four weeks,
per 14-day round (1.0 when the point has no history yet, the cautious guess).
Zones come far ones first, so that those with the longest walk go home in daylight.
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any

from frontaid.errors import BadInput
from frontaid.plan.network import metres
from frontaid.plan.slots import Group, Household
from frontaid.queries import LIVE
from frontaid.store.replica import Replica

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
HISTORY_DAYS = 28
ROUND_DAYS = 14
DEFAULT_RATE = 10.0  # people served a minute when the point has no history


def _minutes(hhmm: str) -> int:
    h, _, m = hhmm.partition(":")
    return int(h) * 60 + int(m or 0)


def opening_hours(rep: Replica, site: str, day: str) -> tuple[int, int]:
    """(open, close) in minutes after midnight, from the site's schedule (08:00-16:00 when it has none)."""
    row = rep.conn.execute("SELECT schedule FROM sites WHERE eid = ?", (site,)).fetchone()
    sched = json.loads(row[0]) if row and row[0] else {}
    days = sched.get("days") or ["daily"]
    weekday = DAYS[date.fromisoformat(day).weekday()]
    if "daily" not in days and weekday not in days:
        raise BadInput("The point is closed on {day}.", day=day)
    return _minutes(sched.get("open", "08:00")), _minutes(sched.get("close", "16:00"))


def serving_rate(rep: Replica, site: str) -> float:
    """People the point serves a minute: its busiest hour in the last weeks × mean household size."""
    row = rep.conn.execute(
        "SELECT MAX(n) FROM (SELECT COUNT(*) AS n FROM handouts WHERE created = 1 AND at = ? "
        'AND home IS NOT 1 GROUP BY "on")',
        (site,),
    ).fetchone()
    per_day = float(row[0] or 0)
    size = (
        rep.conn.execute(f"SELECT AVG(COALESCE(size, 1)) FROM households WHERE {LIVE}").fetchone()[0] or 1.0
    )
    if per_day <= 0:
        return DEFAULT_RATE
    # A day's hand-outs over a 4-hour opening, doubled: the busiest hour is about twice the mean.
    return max(DEFAULT_RATE, 2 * per_day * float(size) / 240)


def _turnout(rep: Replica, site: str, day: str) -> dict[str, float]:
    since = (date.fromisoformat(day) - timedelta(days=HISTORY_DAYS)).isoformat()
    came = dict(
        rep.conn.execute(
            "SELECT h.zone, COUNT(DISTINCT x.household || x.round) FROM handouts x JOIN households h "
            "ON h.eid = x.household WHERE x.created = 1 AND x.at = ? AND x.item = 'food-kit' "
            "AND x.\"on\" >= ? "
            'AND x."on" < ? GROUP BY h.zone',
            (site, since, day),
        ).fetchall()
    )
    total = dict(
        rep.conn.execute(
            f"SELECT zone, COUNT(*) FROM households WHERE {LIVE} AND status = 'active' GROUP BY zone"
        ).fetchall()
    )
    if not came:
        return {z: 1.0 for z in total}
    rounds = HISTORY_DAYS / ROUND_DAYS
    return {z: min(1.0, max(0.05, came.get(z, 0) / (n * rounds))) for z, n in total.items() if n}


def arrival_groups(rep: Replica, site: str, day: str) -> list[Group]:
    """Households expected at the point, grouped by zone (far zones first), by card code within a zone."""
    turnout = _turnout(rep, site, day)
    s = rep.conn.execute("SELECT lat, lon FROM sites WHERE eid = ?", (site,)).fetchone()
    from frontaid.queries.plan import zone_centres

    centres = zone_centres(rep)
    by_zone: dict[str, list[Household]] = {}
    for eid, zone, size in rep.conn.execute(
        f"SELECT eid, zone, size FROM households WHERE {LIVE} AND status = 'active' ORDER BY eid"
    ):
        by_zone.setdefault(zone or "", []).append(Household(eid, int(size or 1) * turnout.get(zone, 1.0)))

    def far(z: str) -> tuple[float, str]:
        c = centres.get(z)
        if c is None or s is None or s[0] is None:
            return (0.0, z)
        return (-metres(c[0], c[1], float(s[0]), float(s[1])), z)

    return [Group(z, by_zone[z]) for z in sorted(by_zone, key=far)]


def point_slots(rep: Replica, point: str, day: str | date) -> list[dict[str, Any]]:
    """The stored arrival slots of a point on a day: zone, start, end, codes_from, codes_to (and counts)."""
    row = rep.conn.execute(
        "SELECT slots FROM point_slots WHERE created = 1 AND point = ? AND day = ?", (point, str(day)[:10])
    ).fetchone()
    return list(json.loads(row[0])) if row and row[0] else []


def bulletin_slots(rep: Replica, day: str | date) -> list[dict[str, Any]] | None:
    """The slots the notice-board bulletin prints for `day`: those planned for the town's food
    points (`frontaid plan slots`), or None when none were planned, so it prints the opening hours."""
    found: list[dict[str, Any]] = []
    for (point,) in rep.conn.execute(
        f"SELECT eid FROM sites WHERE {LIVE} AND kind = 'food-point' ORDER BY eid"
    ).fetchall():
        found.extend(point_slots(rep, str(point), day))
    return found or None
