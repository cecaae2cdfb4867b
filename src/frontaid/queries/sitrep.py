"""The figures of the daily situation report, over a period that ends on the report's day.

Each function reads projections only; `reports/sitrep.py` lays them out. Counts here are
exact: small counts are hidden ("<5") when the report is printed, not here.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from frontaid.queries import LIVE
from frontaid.queries import registry as regq
from frontaid.queries.aid import evacuation_answers, harm, harm_by_zone, stock_by_item
from frontaid.queries.status import harm_by_day
from frontaid.queries.towns import ALL, Cut, sites_of, town_name
from frontaid.store.replica import Replica

PERIOD_DAYS = 7
KYIV = ZoneInfo("Europe/Kyiv")


def people_remaining(rep: Replica, cut: Cut = ALL) -> dict[str, int]:
    """The zones' estimate of people still in town, and how many of them are registered."""
    c = rep.conn
    zones, zp = cut.where("eid")
    in_zone, hp = cut.where("zone")
    of_hh, op = cut.households("household")
    estimate = c.execute(f"SELECT COALESCE(SUM(population_estimate), 0) FROM zones WHERE created = 1{zones}",
                         zp).fetchone()[0]
    households = c.execute(f"SELECT COUNT(*) FROM households WHERE {LIVE} AND status = 'active'{in_zone}",
                           hp).fetchone()[0]
    people = c.execute(f"SELECT COUNT(*) FROM people WHERE {LIVE} AND status = 'present'{of_hh}",
                       op).fetchone()[0]
    return {"estimate": estimate, "registered": people, "households": households}


_REACHED = """
    SELECT household FROM handouts WHERE created = 1 AND "on" >= ? AND "on" <= ? AND household IS NOT NULL
    UNION SELECT household FROM requests WHERE created = 1 AND status = 'done'
          AND substr(closed_at, 1, 10) >= ? AND substr(closed_at, 1, 10) <= ? AND household IS NOT NULL"""


def reached(rep: Replica, first: date, last: date, cut: Cut = ALL) -> dict[str, Any]:
    """Households and people reached from `first` to `last`, each counted once however many
    hand-outs or visits they had; and how many hand-outs that took. Per zone too."""
    span = (first.isoformat(), last.isoformat()) * 2
    of_hh, op = cut.households("household")
    in_zone, hp = cut.where("h.zone")
    handouts = rep.conn.execute(
        f'SELECT COUNT(*) FROM handouts WHERE created = 1 AND "on" >= ? AND "on" <= ?{of_hh}',
        (*span[:2], *op)).fetchone()[0]
    by_zone: dict[str, dict[str, int]] = {}
    for zone, households, people in rep.conn.execute(
        f"""SELECT h.zone, COUNT(*), COALESCE(SUM(
                (SELECT COUNT(*) FROM people p WHERE p.household = h.eid AND p.created = 1
                 AND p.merged_into IS NULL AND p.status = 'present')), 0)
            FROM households h WHERE h.eid IN ({_REACHED}){in_zone} GROUP BY h.zone""", (*span, *hp)):
        by_zone[zone] = {"households": households, "people": people}
    return {"handouts": handouts,
            "households": sum(z["households"] for z in by_zone.values()),
            "people": sum(z["people"] for z in by_zone.values()),
            "by_zone": by_zone}


def unmet_needs(rep: Replica, cut: Cut = ALL) -> dict[str, dict[str, int]]:
    """Requests not yet done, by need then zone."""
    in_zone, hp = cut.where("zone")
    out: dict[str, dict[str, int]] = {}
    for need, zone, n in rep.conn.execute(
            f"SELECT need, COALESCE(zone, ''), COUNT(*) FROM requests WHERE {LIVE} "
            f"AND status NOT IN ('done', 'cancelled'){in_zone} GROUP BY need, zone", hp):
        out.setdefault(need, {})[zone] = n
    return dict(sorted(out.items(), key=lambda kv: -sum(kv[1].values())))


def harm_trend(rep: Replica, now: datetime, cut: Cut = ALL) -> dict[str, Any]:
    """Harm in the last 24 hours, the last 7 days and the 7 days before (the trend)."""
    zones = cut.zones
    week = harm(rep, 24 * PERIOD_DAYS, now, zones=zones)
    fortnight = harm(rep, 24 * PERIOD_DAYS * 2, now, zones=zones)
    before = {k: fortnight[k] - week[k] for k in week}
    by_zone = harm_by_zone(rep, 24 * PERIOD_DAYS, now)
    return {"day": harm(rep, 24, now, zones=zones), "week": week, "week_before": before,
            "by_zone": by_zone if zones is None else {z: v for z, v in by_zone.items() if z in zones},
            "by_day": harm_by_day(rep, 14, now, zones=zones)}


def evacuation(rep: Replica, first: date, last: date, cut: Cut = ALL) -> dict[str, Any]:
    """Offers made in the period and the answers they got; every household's latest answer."""
    of_hh, op = cut.households("household")
    in_period: dict[str, int] = dict(rep.conn.execute(
        "SELECT answer, COUNT(*) FROM evac_offers WHERE created = 1 AND offered_on >= ? AND offered_on <= ?"
        f"{of_hh} GROUP BY answer", (first.isoformat(), last.isoformat(), *op)).fetchall())
    latest = evacuation_answers(rep, cut.households("o.household"))
    return {"offers": sum(in_period.values()), "answers_in_period": in_period,
            "latest": latest["answers"],
            "refusal_reasons": dict(sorted(latest["refusal_reasons"].items(), key=lambda kv: -kv[1]))}


def deaths_and_recoveries(rep: Replica, first: date, last: date, cut: Cut = ALL) -> dict[str, int]:
    """Deaths recorded, bodies recovered and bodies still waiting, in the period and in all."""
    c = rep.conn
    span = (first.isoformat(), last.isoformat())
    of_hh, op = cut.households("household")
    in_zone, hp = cut.where("zone")
    deaths = c.execute(f"SELECT COUNT(*) FROM people WHERE {LIVE} AND status = 'deceased' "
                       f"AND died_on >= ? AND died_on <= ?{of_hh}", (*span, *op)).fetchone()[0]
    deaths_all = c.execute(f"SELECT COUNT(*) FROM people WHERE {LIVE} AND status = 'deceased'{of_hh}",
                           op).fetchone()[0]
    recovered = c.execute(f"SELECT COUNT(*) FROM requests WHERE {LIVE} AND need = 'body-recovery' "
                          "AND status = 'done' AND substr(closed_at, 1, 10) >= ? "
                          f"AND substr(closed_at, 1, 10) <= ?{in_zone}", (*span, *hp)).fetchone()[0]
    waiting = c.execute(f"SELECT COUNT(*) FROM requests WHERE {LIVE} AND need = 'body-recovery' "
                        f"AND status NOT IN ('done', 'cancelled'){in_zone}", hp).fetchone()[0]
    buried = c.execute(f"SELECT COUNT(*) FROM people WHERE {LIVE} AND status = 'deceased' "
                       f"AND burial_place IS NOT NULL{of_hh}", op).fetchone()[0]
    return {"deaths": deaths, "deaths_all": deaths_all, "recovered": recovered, "awaiting_recovery": waiting,
            "burial_recorded": buried}


def zone_shapes(rep: Replica) -> list[dict[str, Any]]:
    """Each zone's names and polygon ([[lon, lat], ...] rings), for the sitrep's map."""
    out = []
    for z in regq.zone_shapes(rep):
        geometry = json.loads(z.pop("geometry")) if z.get("geometry") else None
        rings = []
        if geometry and geometry.get("type") == "Polygon":
            rings = [geometry["coordinates"][0]]
        elif geometry and geometry.get("type") == "MultiPolygon":
            rings = [poly[0] for poly in geometry["coordinates"]]
        out.append({**z, "rings": rings})
    return out


def sitrep(rep: Replica, day: date, now: datetime | None = None, town: str | None = None) -> dict[str, Any]:
    """Everything the sitrep of `day` shows: the period is the `PERIOD_DAYS` days ending on it;
    of the whole replica, or of one town's zones (`town`: its id, on a regional hub)."""
    cut = ALL if town is None else Cut.town(rep, town)
    now = now or datetime.now(UTC)
    # The report's day is a day in Kyiv: it ends at 23:59 there (21:59 or 20:59 UTC).
    end_of_day = datetime(day.year, day.month, day.day, 23, 59, tzinfo=KYIV).astimezone(UTC)
    now = min(now, end_of_day)
    first = day - timedelta(days=PERIOD_DAYS - 1)
    return {
        "town": rep.town if town is None else town_name(rep, town),
        "day": day.isoformat(),
        "first": first.isoformat(),
        "now": now.isoformat(),
        "people": people_remaining(rep, cut),
        "reached": reached(rep, first, day, cut),
        "needs": unmet_needs(rep, cut),
        "stock": stock_by_item(rep, day, sites=sites_of(rep, cut)),
        "harm": harm_trend(rep, now, cut),
        "evacuation": evacuation(rep, first, day, cut),
        "deaths": deaths_and_recoveries(rep, first, day, cut),
        "zones": [z for z in zone_shapes(rep) if cut.zones is None or z["eid"] in cut.zones],
    }

