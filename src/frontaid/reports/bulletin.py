"""The notice-board bulletin: one A4 page residents read at the food point.

Where and when to get aid (the point's time slots by zone when there are any, else its
opening hours), how to ask for a delivery for someone who cannot come, evacuation
sign-up, welfare checks for relatives outside, and safety. Large type, black on white,
nothing said by colour alone: it is printed on whatever printer the hub has.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

from frontaid.domain.vocab import CROSSING_STATES
from frontaid.i18n import gettext
from frontaid.queries.registry import list_sites, list_zones
from frontaid.reports.pdf import N_, kyiv_moment, kyiv_time, layout, render_html, town_name, zone_name
from frontaid.store.replica import Replica

# A crossing's state as residents read it beside its name (міст, брід: the words agree with any).
CROSSING_WORDS = {
    "open": N_("passable"),
    "damaged": N_("damaged: on foot only"),
    "destroyed": N_("destroyed: no way across"),
}
WEEK = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def opening_days(days: list[str], lang: str) -> str:
    """A schedule's days as words: "щодня", "пн–сб", "пн, ср, пт"."""
    from babel.dates import get_day_names

    if not days or "daily" in days or set(days) >= set(WEEK):
        return gettext("every day", lang)
    names = get_day_names("abbreviated", locale=lang)  # 0 = Monday
    idx = sorted(WEEK.index(d) for d in days if d in WEEK)
    if idx and idx == list(range(idx[0], idx[-1] + 1)) and len(idx) >= 3:
        return f"{names[idx[0]]}–{names[idx[-1]]}"
    return ", ".join(str(names[i]) for i in idx)


def _hour(value: Any) -> str:
    """A slot's start or end: "10:00" as given, an ISO moment (UTC) as Kyiv's clock shows it."""
    text = str(value)
    return kyiv_time(text) if "T" in text or isinstance(value, datetime) else text[:5]


def _site(site: dict[str, Any], zones: dict[str, dict[str, Any]], lang: str) -> dict[str, Any]:
    zone = zones.get(site["zone"] or "", {})
    schedule = site["schedule"]
    if isinstance(schedule, str):
        schedule = json.loads(schedule)
    hours = None
    if schedule and schedule.get("open"):
        hours = {
            "days": opening_days(schedule.get("days") or [], lang),
            "open": schedule["open"],
            "close": schedule.get("close", ""),
        }
    return {
        "name": site["name"] if lang == "uk" else site["name_en"] or site["name"],
        "zone": zone_name(zone, lang) if zone else "",
        "hours": hours,
        # Free text in the schedule is written in Ukrainian: shown on the Ukrainian page only.
        "note": (schedule or {}).get("note") if lang == "uk" else None,
    }


def bulletin_data(
    rep: Replica, day: date, lang: str, slots: list[dict[str, Any]] | None = None, now: datetime | None = None
) -> dict[str, Any]:
    """What the bulletin of `day` says. `slots`: the point's time slots that day (dicts with
    zone, start, end, codes_from, codes_to), or None to print the opening hours."""
    zones = {z["eid"]: z for z in list_zones(rep)}
    sites = list_sites(rep)
    by_kind: dict[str, list[dict[str, Any]]] = {}
    for s in sites:
        if s["state"] in ("destroyed", "closed"):
            continue
        by_kind.setdefault(s["kind"], []).append(_site(s, zones, lang))
    rows = []
    for slot in slots or []:
        z = zones.get(slot.get("zone") or "")
        rows.append(
            {
                "zone": zone_name(z, lang) if z else str(slot.get("zone") or ""),
                "start": _hour(slot["start"]),
                "end": _hour(slot["end"]),
                "codes_from": slot.get("codes_from"),
                "codes_to": slot.get("codes_to"),
            }
        )
    crossings = [
        {
            "name": s["name"] if lang == "uk" else s["name_en"] or s["name"],
            "state": s["state"],
            "state_text": gettext(
                CROSSING_WORDS.get(s["state"]) or CROSSING_STATES.get(s["state"], s["state"]), lang
            ),
        }
        for s in sites
        if s["kind"] == "crossing" and s["state"]
    ]
    return {
        "town": town_name(rep.town, lang),
        "day": day.isoformat(),
        "printed": kyiv_moment(now or datetime.now().astimezone(), lang),
        "points": by_kind.get("food-point", []),
        "heating": by_kind.get("heating-point", []),
        "pickup": by_kind.get("evac-pickup", []),
        "shelters": by_kind.get("shelter", []),
        "slots": rows,
        "crossings": crossings,
    }


# Type sizes tried in turn until the bulletin fits one page (many slots or shelters make it long).
SCALES = (1.0, 0.92, 0.85, 0.78, 0.71, 0.64, 0.57)


def bulletin_html(
    rep: Replica,
    day: date,
    lang: str = "uk",
    slots: list[dict[str, Any]] | None = None,
    now: datetime | None = None,
    scale: float = 1.0,
) -> str:
    return render_html("bulletin.html", lang, b=bulletin_data(rep, day, lang, slots, now), scale=scale)


def bulletin_pdf(
    rep: Replica,
    day: date,
    lang: str = "uk",
    slots: list[dict[str, Any]] | None = None,
    now: datetime | None = None,
) -> bytes:
    """The bulletin of `day` as one A4 page: in the largest type that fits on it."""
    data = bulletin_data(rep, day, lang, slots, now)
    for scale in SCALES:
        doc = layout(render_html("bulletin.html", lang, b=data, scale=scale))
        if len(doc.pages) == 1:
            break
    pdf = doc.write_pdf()
    assert isinstance(pdf, bytes)
    return pdf
