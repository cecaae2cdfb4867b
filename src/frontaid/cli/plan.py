"""Commands for planning: the street map, danger, priorities, the day's routes, run sheets, point slots."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

import typer

from frontaid.actions import plan as planning
from frontaid.actions import validate as check
from frontaid.cli.context import N_, State, done, emit, group, label, state, table, zone_name
from frontaid.cli.registry import site_app
from frontaid.domain import vocab
from frontaid.domain.localtime import now_utc, to_utc, town_hhmm
from frontaid.domain.localtime import today as town_today
from frontaid.errors import BadInput, NotFound
from frontaid.i18n import gettext as _
from frontaid.i18n import ngettext
from frontaid.queries import plan as pq
from frontaid.queries import slots as slotq

plan_app = group(
    "plan",
    "Plan the day: who to visit, which team, which route around the shelling, slots at the point.",
    "frontaid plan day --teams 4 --hours 6 --vehicle van:2",
)
map_app = group(
    "map", "The town's street network, which planning routes on.", "frontaid map import town.osm.pbf"
)

KIND_WORDS = {
    "delivery": N_("home delivery"),
    "request": N_("request"),
    "welfare": N_("welfare check"),
    "evacuation": N_("evacuation"),
    "body": N_("body recovery"),
}
VEHICLES = {"van": N_("van"), "foot": N_("on foot")}


def _at(value: str | None) -> datetime:
    """A moment from --at on the town's clock (HH:MM today, or a full date and time), as UTC."""
    if not value:
        return now_utc()
    text = value.strip()
    if len(text) <= 5 and ":" in text:
        try:
            return to_utc(town_today(), time.fromisoformat(text))
        except ValueError:
            raise BadInput("'{value}' is not a time of day. Write it as HH:MM.", value=value) from None
    local = datetime.fromisoformat(check.moment(text))
    return to_utc(local.date(), local.time())


@map_app.command("import")
def map_import(ctx: typer.Context, path: str = typer.Argument(..., help="An .osm or .osm.pbf file.")) -> None:
    """Import a real town's streets from OpenStreetMap, clipped to the town's zones.

    Bridges and fords become crossing sites (their state decides who may pass). The
    streets are kept in the database, so every device plans on the same map.

    \b
    Example: frontaid map import bakhmut.osm.pbf
    """
    st = state(ctx)
    info = planning.import_map(st.replica(), st.actor, path)
    done(
        st,
        _("Streets imported: {nodes} junctions, {edges} segments, {crossings} crossings.").format(**info),
        info,
    )


@site_app.command("set")
def site_set(
    ctx: typer.Context,
    site: str = typer.Argument(..., help="The site, e.g. bridge-central."),
    field: str = typer.Argument(..., help="The field: state."),
    value: str = typer.Argument(
        ..., help="For a crossing: open, foot-only or closed (відкрито, лише пішки, зруйновано)."
    ),
) -> None:
    """Change a site's field; a crossing's state is what planning routes around.

    \b
    Example: frontaid site set bridge-central state closed
    """
    st = state(ctx)
    eid, new = planning.set_site(st.replica(), st.actor, site, field, value)
    done(
        st,
        _("Site {site} is now: {state}.").format(
            site=eid, state=label({**vocab.CROSSING_STATES, "closed": "closed"}, new)
        ),
        {"site": eid, "state": new},
    )


@plan_app.command("danger")
def plan_danger(
    ctx: typer.Context,
    at: str = typer.Option(
        None,
        "--at",
        help="Departure time on the town's clock (Kyiv), HH:MM today or YYYY-MM-DD HH:MM [default: now].",
    ),
    limit: int = typer.Option(10, "--limit", help="How many streets."),
) -> None:
    """The most dangerous streets to pass at an hour, with the incidents that make them so.

    \b
    Example: frontaid plan danger --at 14:00
    """
    st = state(ctx)
    rep = st.replica()
    if pq.network(rep) is None:
        from frontaid.errors import NoStreets

        raise NoStreets()
    rows = pq.worst_streets(rep, _at(at), check.count(limit, "limit", 1, 1000), st.lang)
    emit(
        st,
        rows,
        lambda c: c.print(
            table(
                _("Most dangerous streets"),
                [_("Segment"), _("Street"), _("Danger"), _("Why")],
                [
                    (
                        f"{r['from']}–{r['to']}",
                        r["street"] or (r["crossing"] or ""),
                        r["danger"],
                        "; ".join(r["reasons"]),
                    )
                    for r in rows
                ],
                empty=_("No danger recorded near any street at that hour."),
            )
        ),
    )


@plan_app.command("priorities")
def plan_priorities(
    ctx: typer.Context,
    zone: str = typer.Option(None, "--zone", help="Only this zone."),
    limit: int = typer.Option(20, "--limit", help="How many households."),
    day: str = typer.Option(None, "--day", help="The day to score for [default: today]."),
) -> None:
    """Households that need a visit most, with the reasons in words.

    \b
    Example: frontaid plan priorities --zone east-north --limit 10
    """
    st = state(ctx)
    rep = st.replica()
    z = check.zone(rep, zone) if zone else None
    ps = pq.priorities(rep, date.fromisoformat(check.day(day)), z, check.count(limit, "limit", 1, 100_000))
    rows = pq.priority_rows(ps, st.lang)
    emit(
        st,
        rows,
        lambda c: c.print(
            table(
                _("Priorities"),
                [_("Household"), _("Zone"), _("Score"), _("Visit"), _("Why")],
                [
                    (r["household"], zone_name(st, r["zone"]), r["score"], label(KIND_WORDS, r["kind"]),
                     r["why"])
                    for r in rows
                ],
                empty=_("No household needs a visit."),
            )
        ),
    )


@plan_app.command("day")
def plan_day(
    ctx: typer.Context,
    teams: int = typer.Option(..., "--teams", help="How many teams go out."),
    hours: float = typer.Option(..., "--hours", help="Hours on the ground."),
    vehicle: list[str] = typer.Option(None, "--vehicle", help="Vans, as van:N."),
    on_foot: int = typer.Option(None, "--on-foot", help="Teams on foot [default: the teams without a van]."),
    start: str = typer.Option(
        None, "--start", help="Where the teams start and end [default: the warehouse]."
    ),
    day: str = typer.Option(None, "--day", help="The day [default: today]."),
    start_at: str = typer.Option(
        "08:00",
        "--start-at",
        help="When the teams leave, HH:MM on the town's clock (Kyiv); the curfew is 18:00-06:00.",
    ),
) -> None:
    """Plan the day: pick the most urgent visits, assign them to teams and order each route.

    Vans never cross a damaged or destroyed crossing; routes avoid the streets shelled at
    the hour the team passes them; what does not fit is listed with the reason.

    \b
    Example: frontaid plan day --teams 4 --hours 6 --vehicle van:2 --on-foot 2 --start warehouse
    """
    st = state(ctx)
    rep = st.replica()
    code, plan = planning.plan_day(
        rep,
        st.actor,
        teams=teams,
        hours=hours,
        vehicles=vehicle,
        on_foot=on_foot,
        start=start,
        day=day,
        start_at=start_at,
    )
    stored = pq.plan(rep, code)
    assert stored is not None

    def human(c: Any) -> None:
        s = stored["summary"]
        c.print(
            _("Plan {code} for {day}: {visits}, priority served {priority}, {people} reached.").format(
                code=code,
                day=stored["day"],
                visits=ngettext("{n} visit", "{n} visits", s["visits"], st.lang).format(n=s["visits"]),
                priority=s["priority"],
                people=ngettext("{n} person", "{n} people", s["people"], st.lang).format(n=s["people"]),
            )
        )
        c.print(
            table(
                _("Teams"),
                [_("Team"), _("Vehicle"), _("Visits"), _("Route, km"), _("Minutes"), _("Danger on the way")],
                [
                    (
                        t["name"],
                        label(VEHICLES, t["vehicle"]),
                        t["visits"],
                        round(t["length_m"] / 1000, 1),
                        t["minutes"],
                        t["exposure"],
                    )
                    for t in stored["teams"]
                ],
            )
        )
        _print_left_out(c, st, stored["left_out"])
        c.print(_("Run sheets: frontaid plan show --team TEAM"))

    emit(st, stored, human)


def _print_left_out(c: Any, st: State, left: list[dict[str, Any]], limit: int = 15) -> None:
    if not left:
        return
    c.print(
        ngettext(
            "{n} household could not be visited today:",
            "{n} households could not be visited today:",
            len(left),
            st.lang,
        ).format(n=len(left))
    )
    c.print(
        table(
            _("Not in today's plan"),
            [_("Household"), _("Zone"), _("Score"), _("Why")],
            [
                (
                    x["household"],
                    x["zone"],
                    x["score"],
                    planning.reason_text(x["reason"], x["params"], st.lang),
                )
                for x in left[:limit]
            ],
        )
    )
    if len(left) > limit:
        c.print(_("… and {n} more (all listed with --json).").format(n=len(left) - limit))


@plan_app.command("show")
def plan_show(
    ctx: typer.Context,
    team: str = typer.Option(None, "--team", help="Only this team's run sheet."),
    plan_code: str = typer.Option(None, "--plan", help="The plan [default: the newest]."),
) -> None:
    """Print run sheets: order, address, who, what to bring, why.

    \b
    Example: frontaid plan show --team team-east
    """
    st = state(ctx)
    rep = st.replica()
    p = pq.plan(rep, plan_code.strip()) if plan_code else pq.latest_plan(rep)
    if p is None:
        raise NotFound(what="plan", code=plan_code or "-")
    visits = [v for v in p["visits"] if not team or v["team"] == team.strip()]
    if team and not visits and team.strip() not in {t["name"] for t in p["teams"]}:
        raise NotFound(what="team", code=team)
    why = "why" if st.lang == "uk" else "why_en"

    def human(c: Any) -> None:
        c.print(
            _("Plan {code} for {day}, teams leave from {start}.").format(
                code=p["eid"], day=p["day"], start=p["start_name" if st.lang == "uk" else "start_name_en"]
            )
        )
        for t in p["teams"]:
            if team and t["name"] != team.strip():
                continue
            rows = [v for v in visits if v["team"] == t["name"]]
            c.print(
                table(
                    f"{_('Team')} {t['name']} ({label(VEHICLES, t['vehicle'])})",
                    [
                        "#",
                        _("Time"),
                        _("Visit"),
                        _("Household"),
                        _("Address"),
                        _("People"),
                        _("Bring"),
                        _("Why"),
                        _("Done"),
                    ],
                    [
                        (
                            v["seq"],
                            town_hhmm(v["eta"]) if v["eta"] else "",
                            v["eid"],
                            v["household"],
                            v["address"],
                            v["people"],
                            ", ".join(f"{label(vocab.ITEM_NAMES, k)} × {n}" for k, n in v["bring"].items()),
                            v[why],
                            "✓" if v["done"] else "",
                        )
                        for v in rows
                    ],
                    empty=_("No visits."),
                )
            )

    emit(st, {**p, "visits": visits}, human)


@plan_app.command("done")
def plan_done(
    ctx: typer.Context, visit: str = typer.Argument(..., help="The visit, as on the run sheet.")
) -> None:
    """Tick a visit off the run sheet (a hand-out at the household ticks it off too).

    \b
    Example: frontaid plan done K7Q-12.team-east.3
    """
    st = state(ctx)
    eid = planning.visit_done(st.replica(), st.actor, visit)
    done(st, _("Visit {visit} done.").format(visit=eid), {"visit": eid})


@plan_app.command("slots")
def plan_slots(
    ctx: typer.Context,
    point: str = typer.Option(..., "--point", help="The distribution point."),
    day: str = typer.Option(None, "--day", help="The day [default: today]."),
    max_waiting: int = typer.Option(..., "--max-waiting", help="At most this many people waiting at once."),
    slot_minutes: int = typer.Option(15, "--slot-minutes", help="Length of a slot."),
) -> None:
    """Spread arrivals at a point over its opening hours, by zone and card codes.

    \b
    Example: frontaid plan slots --point food-point --day 2022-12-05 --max-waiting 40
    """
    st = state(ctx)
    rep = st.replica()
    rows = planning.plan_slots(
        rep,
        st.actor,
        point=point,
        day=day,
        max_waiting=max_waiting,
        slot_minutes=check.count(slot_minutes, "slot minutes", 5, 120),
    )
    stored = slotq.point_slots(rep, check.site(rep, point), check.day(day))
    zones = slotq.zone_names(rep, st.lang)
    emit(
        st,
        stored,
        lambda c: c.print(
            table(
                _("Arrival times at the point"),
                [_("From"), _("Until"), _("Zone"), _("Cards from"), _("Cards to"), _("People expected")],
                [
                    (
                        town_hhmm(r["start"]),
                        town_hhmm(r["end"]),
                        zones.get(str(r["zone"]), r["zone"]),
                        r["codes_from"],
                        r["codes_to"],
                        r["people"],
                    )
                    for r in rows
                ],
            )
        ),
    )
