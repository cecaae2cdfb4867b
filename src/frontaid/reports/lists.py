"""Paper lists for a field team with no device: the registry's filter and the requests board.

Each row has a box to tick and room to write, and the page says which filter made it, so
a sheet found in a van a week later still says what it is. `names=False` leaves out
everything that names or locates a person (for a role that may not see them).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from frontaid.domain import vocab
from frontaid.i18n import gettext
from frontaid.queries.aid import ACTIVE_STATES, list_teams, request_board
from frontaid.queries.paper import household_addresses
from frontaid.queries.registry import households_page, list_zones
from frontaid.reports.pdf import html_to_pdf, kyiv_moment, render_html, town_name, zone_name
from frontaid.store.replica import Replica

LIST_CAP = 500  # rows on one printout (about 70 pages of households); the filter narrows it


def _labels(table: dict[str, str], slugs: Any, lang: str) -> str:
    items = slugs.split(",") if isinstance(slugs, str) else list(slugs or [])
    return ", ".join(gettext(table.get(s, s), lang) for s in items if s)


def registry_list_html(
    rep: Replica,
    lang: str = "uk",
    *,
    zone: str | None = None,
    vulnerability: str | None = None,
    not_reached_days: int | None = None,
    refused_evacuation: bool = False,
    limit: int = LIST_CAP,
    names: bool = True,
    today: date | None = None,
    now: datetime | None = None,
) -> str:
    zones = {z["eid"]: zone_name(z, lang) for z in list_zones(rep)}
    page = households_page(
        rep,
        zone=zone,
        vulnerability=vulnerability,
        not_reached_days=not_reached_days,
        refused_evacuation=refused_evacuation,
        per_page=500,
        today=today,
    )
    rows = list(page["rows"])
    for p in range(2, page["pages"] + 1):
        if len(rows) >= limit:
            break
        rows += households_page(
            rep,
            zone=zone,
            vulnerability=vulnerability,
            not_reached_days=not_reached_days,
            refused_evacuation=refused_evacuation,
            per_page=500,
            page=p,
            today=today,
        )["rows"]
    rows = rows[:limit]
    filters = []
    if zone:
        filters.append(f"{gettext('Zone', lang)}: {zones.get(zone, zone)}")
    if vulnerability:
        filters.append(_labels(vocab.VULNERABILITIES, vulnerability, lang))
    if not_reached_days is not None:
        filters.append(gettext("not reached for {days} days", lang).format(days=not_reached_days))
    if refused_evacuation:
        filters.append(gettext("refused evacuation", lang))
    view = [
        {
            "code": r["eid"],
            "zone": zones.get(r["zone"], r["zone"] or ""),
            "address": r["address"] if names else None,
            "shelter": _labels(vocab.SHELTERS, r["shelter"], lang),
            "members": r["members"],
            "vulnerabilities": _labels(vocab.VULNERABILITIES, r["vulnerabilities"], lang),
            "last_reached": r["last_reached"],
            "evacuation": _labels(vocab.EVAC_ANSWERS, r["evacuation"], lang),
        }
        for r in rows
    ]
    return render_html(
        "list.html",
        lang,
        town=town_name(rep.town, lang),
        rows=view,
        total=page["total"],
        filters=filters,
        names=names,
        printed=kyiv_moment(now or datetime.now().astimezone(), lang),
    )


def board_html(
    rep: Replica,
    lang: str = "uk",
    *,
    need: str | None = None,
    zone: str | None = None,
    names: bool = True,
    now: datetime | None = None,
) -> str:
    zones = {z["eid"]: zone_name(z, lang) for z in list_zones(rep)}
    board = request_board(rep, need=need, zone=zone, states=ACTIVE_STATES, cap=LIST_CAP)
    addresses = (
        household_addresses(
            rep, sorted({r["household"] for col in board.values() for r in col["requests"] if r["household"]})
        )
        if names
        else {}
    )
    teams = {t["eid"]: t["name"] or t["eid"] for t in list_teams(rep)}
    columns = []
    for state in ACTIVE_STATES:
        col = board[state]
        columns.append(
            {
                "state": gettext(vocab.REQUEST_STATES[state], lang),
                "count": col["count"],
                "rows": [
                    {
                        "code": r["eid"],
                        "urgency": gettext(vocab.URGENCIES.get(r["urgency"], r["urgency"] or ""), lang),
                        "need": gettext(vocab.NEEDS.get(r["need"], r["need"] or ""), lang),
                        "zone": zones.get(r["zone"], r["zone"] or ""),
                        # a card code singles a family out: not on an analyst's sheet
                        "household": (r["household"] or "") if names else "",
                        "address": addresses.get(r["household"] or "", ""),
                        "team": teams.get(r["team"] or "", r["team"] or ""),
                        "opened": (r["opened_at"] or "")[:10],
                        "note": r["note"] if names else None,
                        "reported_by": r["reported_by"] if names else None,
                    }
                    for r in col["requests"]
                ],
            }
        )
    filters = []
    if need:
        filters.append(gettext(vocab.NEEDS.get(need, need), lang))
    if zone:
        filters.append(f"{gettext('Zone', lang)}: {zones.get(zone, zone)}")
    return render_html(
        "board_print.html",
        lang,
        town=town_name(rep.town, lang),
        columns=columns,
        filters=filters,
        names=names,
        printed=kyiv_moment(now or datetime.now().astimezone(), lang),
    )


def registry_list_pdf(rep: Replica, lang: str = "uk", **filters: Any) -> bytes:
    return html_to_pdf(registry_list_html(rep, lang, **filters))


def board_pdf(rep: Replica, lang: str = "uk", **filters: Any) -> bytes:
    return html_to_pdf(board_html(rep, lang, **filters))
