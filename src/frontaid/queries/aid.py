"""Requests, stock, incidents, evacuation, referrals, welfare checks: lists for boards and desks."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from frontaid.domain.vocab import URGENCY_RANK
from frontaid.queries import LIVE
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
    rows = rep.rows("SELECT eid, household, need, urgency, status, team, reported_by, zone, lat, lon, "
                      f"note, opened_at, closed_at FROM requests WHERE {' AND '.join(where)} "
                      "ORDER BY opened_at LIMIT ?", [*params, limit])
    rows.sort(key=lambda r: (URGENCY_RANK.get(r["urgency"], 9), r["opened_at"] or ""))
    return rows


def stock_levels(rep: Replica, today: date | None = None) -> list[dict[str, Any]]:
    """Stock per item and location, with days of cover at the recent hand-out rate.

    A location where that item was never received, moved in or counted has no stock on
    record: its hand-outs alone would make it negative, so it shows `qty` None and
    `recorded` False ("no stock recorded"), never "−1, −14 days of cover".
    """
    since = ((today or date.today()) - timedelta(days=COVER_WINDOW_DAYS)).isoformat()
    rate = {eid: -drawn / COVER_WINDOW_DAYS for eid, drawn in rep.conn.execute(
        "SELECT eid, SUM(delta) FROM ledger WHERE entity = 'stock' AND reason = 'handout' AND day >= ? "
        "GROUP BY eid", (since,))}
    recorded = stock_recorded(rep)
    out = []
    for eid, qty in rep.conn.execute(
        "SELECT eid, COALESCE(qty, 0) FROM stock WHERE created = 1 OR qty IS NOT NULL ORDER BY eid"
    ):
        item, _, location = eid.partition("@")
        r = rate.get(eid, 0.0)
        known = eid in recorded
        out.append({"item": item, "location": location, "qty": qty if known else None, "recorded": known,
                    "per_day": round(r, 1),
                    "days_of_cover": round(max(qty, 0) / r, 1) if known and r > 0 else None})
    return out


def stock_recorded(rep: Replica) -> set[str]:
    """The stock records (item@site) that something other than hand-outs ever put a quantity in."""
    return {eid for (eid,) in rep.conn.execute(
        "SELECT DISTINCT eid FROM ledger WHERE entity = 'stock' AND reason != 'handout'")}


def unrecorded_stock_of(rep: Replica, handout: str) -> str | None:
    """The stock (item@site) a hand-out drew from, when nothing but hand-outs ever put a quantity
    there: the desk says so at once, and the flags list it until someone counts."""
    row = rep.conn.execute("SELECT item, at FROM handouts WHERE eid = ?", (handout,)).fetchone()
    if row is None or not row[0] or not row[1]:
        return None
    eid = f"{row[0]}@{row[1]}"
    known = rep.conn.execute("SELECT 1 FROM ledger WHERE entity = 'stock' AND eid = ? "
                             "AND reason != 'handout' LIMIT 1", (eid,)).fetchone()
    return None if known else eid


def stock_by_item(rep: Replica, today: date | None = None,
                  sites: set[str] | None = None) -> list[dict[str, Any]]:
    """Stock per item summed over every site, or over `sites` only; an item recorded nowhere has
    `qty` None ("no stock recorded")."""
    totals: dict[str, dict[str, Any]] = {}
    for row in stock_levels(rep, today):
        if sites is not None and row["location"] not in sites:
            continue
        t = totals.setdefault(row["item"], {"item": row["item"], "qty": None, "per_day": 0.0,
                                            "recorded": False})
        if row["recorded"]:
            t["qty"] = (t["qty"] or 0) + row["qty"]
            t["recorded"] = True
        t["per_day"] += row["per_day"]
    for t in totals.values():
        t["per_day"] = round(t["per_day"], 1)
        t["days_of_cover"] = (round(max(t["qty"], 0) / t["per_day"], 1)
                              if t["recorded"] and t["per_day"] > 0 else None)
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
    return rep.rows("SELECT eid, kind, zone, at, killed, wounded, site, lat, lon, note FROM incidents "
                      f"WHERE {' AND '.join(where)} ORDER BY at DESC LIMIT ?", [*params, limit])


def harm(rep: Replica, hours: int, now: datetime | None = None,
         zones: tuple[str, ...] | None = None) -> dict[str, int]:
    """Incidents, killed and wounded in the last `hours`, in every zone or in `zones` only."""
    since = ((now or datetime.now(UTC)) - timedelta(hours=hours)).strftime("%Y-%m-%dT%H:%M")
    in_zone = "" if zones is None else f" AND zone IN ({','.join('?' * len(zones))})"
    n, killed, wounded = rep.conn.execute(
        "SELECT COUNT(*), COALESCE(SUM(killed), 0), COALESCE(SUM(wounded), 0) FROM incidents "
        f"WHERE created = 1 AND at >= ?{in_zone}", (since, *(zones or ()))).fetchone()
    return {"incidents": n, "killed": killed, "wounded": wounded}


def evacuation_answers(rep: Replica, cut: tuple[str, list[Any]] = ("", [])) -> dict[str, Any]:
    """The latest answer of each household that was offered evacuation; `cut` an SQL condition
    on `o.household` and its parameters (queries.towns.Cut.households) to count one town only."""
    rows = rep.conn.execute(
        f"""SELECT answer, reason, COUNT(*) FROM (
             SELECT o.answer, o.reason FROM evac_offers o
             WHERE o.created = 1{cut[0]} AND o.offered_on = (
               SELECT MAX(offered_on) FROM evac_offers x WHERE x.household = o.household AND x.created = 1)
             GROUP BY o.household)
           GROUP BY answer, reason""", cut[1]).fetchall()
    by_answer: dict[str, int] = {}
    refusal_reasons: dict[str, int] = {}
    for answer, reason, n in rows:
        by_answer[answer] = by_answer.get(answer, 0) + n
        if answer == "refused" and reason:
            refusal_reasons[reason] = refusal_reasons.get(reason, 0) + n
    return {"answers": by_answer, "refusal_reasons": refusal_reasons}


def list_referrals(rep: Replica, *, open_only: bool = False, limit: int = 200) -> list[dict[str, Any]]:
    where = "created = 1" + (" AND status = 'open'" if open_only else "")
    return rep.rows("SELECT eid, household, person, kind, \"to\", status, outcome, opened_on, closed_on "
                      f"FROM referrals WHERE {where} ORDER BY opened_on DESC LIMIT ?", (limit,))


def list_welfare(rep: Replica, *, open_only: bool = False, limit: int = 200) -> list[dict[str, Any]]:
    where = "created = 1" + (" AND status = 'open'" if open_only else "")
    return rep.rows("SELECT eid, sought, asked_by, household, zone, status, answer, opened_on, "
                      f"answered_on FROM welfare_checks WHERE {where} ORDER BY opened_on DESC LIMIT ?",
                 (limit,))


def list_deaths(rep: Replica, limit: int = 500) -> list[dict[str, Any]]:
    return rep.rows("SELECT eid, household, name, died_on, death_place, death_cause, burial_place "
                      "FROM people WHERE created = 1 AND status = 'deceased' ORDER BY died_on DESC LIMIT ?",
                 (limit,))


# The board, the incidents page and the map (web/board.py, web/incidents.py, web/geo.py).

BOARD_CAP = 100
ACTIVE_STATES = ("open", "assigned", "in-progress")
REQUEST_COLS = ("eid, household, need, urgency, status, team, reported_by, zone, lat, lon, note, "
                "opened_at, closed_at")


# A card's address: its household's home (a request for a place has none).
_HOME = "(SELECT h.address FROM households h WHERE h.eid = requests.household) AS address"


def request_board(rep: Replica, *, need: str | None = None, zone: str | None = None,
                  states: tuple[str, ...] = ("open", "assigned", "in-progress", "done", "cancelled"),
                  cap: int = BOARD_CAP, closed_cap: int = 25) -> dict[str, dict[str, Any]]:
    """Requests by status: each column's count and its newest cards (most urgent first while active).

    Active columns show `cap` cards, done and cancelled `closed_cap`: the 100k town has tens of
    thousands of requests and the board must still load on a phone.
    """
    where, params = [LIVE], []
    for col, val in (("need", need), ("zone", zone)):
        if val:
            where.append(f"{col} = ?")
            params.append(val)
    cond = " AND ".join(where)
    counts = dict(rep.conn.execute(f"SELECT status, COUNT(*) FROM requests WHERE {cond} GROUP BY status",
                                   params).fetchall())
    board: dict[str, dict[str, Any]] = {}
    for state in states:
        active = state in ACTIVE_STATES
        newest = "opened_at DESC" if active else "closed_at DESC, opened_at DESC"
        rows = rep.rows(f"SELECT {REQUEST_COLS}, {_HOME} FROM requests WHERE {cond} AND status = ? "
                          f"ORDER BY {newest} LIMIT ?", [*params, state, cap if active else closed_cap])
        if active:
            rows.sort(key=lambda r: URGENCY_RANK.get(r["urgency"], 9))  # stable: newest first within
        board[state] = {"count": counts.get(state, 0), "requests": rows}
    return board


def request(rep: Replica, code: str) -> dict[str, Any] | None:
    found = rep.rows(f"SELECT {REQUEST_COLS}, {_HOME} FROM requests WHERE eid = ? AND created = 1", (code,))
    return found[0] if found else None


def list_teams(rep: Replica) -> list[dict[str, Any]]:
    """The teams that still go out (a retired one is kept in the records, offered no more)."""
    return rep.rows("SELECT eid, name, members FROM teams WHERE created = 1 AND retired_on IS NULL "
                    "ORDER BY eid")


def harm_by_zone(rep: Replica, hours: int, now: datetime | None = None) -> dict[str, dict[str, int]]:
    """Incidents, killed and wounded per zone in the last `hours`."""
    since = ((now or datetime.now(UTC)) - timedelta(hours=hours)).strftime("%Y-%m-%dT%H:%M")
    until = (now or datetime.now(UTC)).strftime("%Y-%m-%dT%H:%M")
    return {zone: {"incidents": n, "killed": killed, "wounded": wounded}
            for zone, n, killed, wounded in rep.conn.execute(
                "SELECT zone, COUNT(*), COALESCE(SUM(killed), 0), COALESCE(SUM(wounded), 0) FROM incidents "
                "WHERE created = 1 AND at >= ? AND at <= ? GROUP BY zone", (since, until))}


def open_requests_located(rep: Replica, limit: int = 2000) -> list[dict[str, Any]]:
    """Requests not yet done, newest first, with a position: their own, else their household's."""
    return rep.rows("SELECT r.eid, r.household, r.need, r.urgency, r.status, r.team, r.reported_by, "
                      "r.zone, COALESCE(r.lat, h.lat) AS lat, COALESCE(r.lon, h.lon) AS lon, r.note, "
                      "r.opened_at FROM requests r LEFT JOIN households h ON h.eid = r.household "
                      "WHERE r.created = 1 AND r.merged_into IS NULL "
                      "AND r.status NOT IN ('done', 'cancelled') ORDER BY r.opened_at DESC LIMIT ?", (limit,))


def open_requests_by_zone(rep: Replica) -> dict[str, dict[str, int]]:
    """Per zone: requests not yet done, and of those how many are bodies to recover."""
    return {zone: {"open_requests": n, "bodies": bodies} for zone, n, bodies in rep.conn.execute(
        "SELECT zone, COUNT(*), SUM(need = 'body-recovery') FROM requests WHERE created = 1 "
        "AND merged_into IS NULL AND status NOT IN ('done', 'cancelled') GROUP BY zone")}


def deaths_without_burial(rep: Replica, limit: int = 2000) -> list[dict[str, Any]]:
    """People recorded dead with no burial place: the body may still lie where they died."""
    return rep.rows("SELECT p.eid, p.household, p.name, p.died_on, p.death_place, h.zone, h.lat, h.lon "
                      "FROM people p LEFT JOIN households h ON h.eid = p.household "
                      "WHERE p.created = 1 AND p.merged_into IS NULL AND p.status = 'deceased' "
                      "AND p.burial_place IS NULL ORDER BY p.died_on DESC LIMIT ?", (limit,))
