"""Commands for the daily work: requests, hand-outs, stock, incidents, evacuation, referrals, welfare."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import typer
from rich.console import Group

from frontaid.actions import distribution, evacuation, incidents, referrals, requests, stock, welfare
from frontaid.actions import validate as check
from frontaid.cli.context import N_, app, code_of, done, emit, group, label, state, table, when, zone_name
from frontaid.cli.registry import household_of
from frontaid.domain import vocab
from frontaid.domain.localtime import typed
from frontaid.errors import BadDate
from frontaid.i18n import gettext as _
from frontaid.queries import aid as opsq

request_app = group(
    "request", "Requests for help, from open to done.",
    "frontaid request list --open")
stock_app = group(
    "stock", "The stock ledger of warehouses, points and vehicles.",
    "frontaid stock list --by-item")
incident_app = group(
    "incident", "Incidents and civilian harm.",
    "frontaid incident list --days 3")
evac_app = group(
    "evac", "Evacuation offers and answers (a refusal and its reason is a respected answer).",
    "frontaid evac list")
referral_app = group(
    "referral", "Referrals to pension, medical, psychosocial, documents and legal services.",
    "frontaid referral list --open")
welfare_app = group(
    "welfare", "Welfare checks asked for by relatives outside the town.",
    "frontaid welfare list --open")

REFERRAL_STATES = {"open": N_("open"), "closed": N_("closed")}
WELFARE_STATES = {"open": N_("open"), "answered": N_("answered")}


def optional_code(text: str | None) -> str | None:
    return code_of(text) if text else None


# -- requests ---------------------------------------------------------------------------


@request_app.command("open")
def request_open(
    ctx: typer.Context,
    need: str = typer.Option(..., "--need", help=f"One of: {', '.join(vocab.NEEDS)}."),
    urgency: str = typer.Option("normal", "--urgency", help=f"One of: {', '.join(vocab.URGENCIES)}."),
    reported_by: str = typer.Option(..., "--reported-by", help="Who told us (a neighbour, a team, a call)."),
    household: str = typer.Option(None, "--household", help="The household's card code."),
    zone: str = typer.Option(None, "--zone", help="The zone, when there is no household."),
    lat: float = typer.Option(None, "--lat", help="Latitude."),
    lon: float = typer.Option(None, "--lon", help="Longitude."),
    note: str = typer.Option(None, "--note", help="What exactly is needed."),
) -> None:
    """Open a request for help; say where with --household, --zone or --lat/--lon.

    \b
    Example: frontaid request open --household KMT-042-6 --need medicine --urgency high --reported-by Олег
    """
    st = state(ctx)
    code = requests.open_request(st.replica(), st.actor, need=need, urgency=urgency, reported_by=reported_by,
                                 household=optional_code(household), zone=zone, lat=lat, lon=lon, note=note)
    done(st, _("Request opened:"), {"code": code}, code)


@request_app.command("assign")
def request_assign(
    ctx: typer.Context,
    code: str = typer.Argument(..., help="The request's code."),
    team: str = typer.Option(..., "--team", help="The team that takes it."),
) -> None:
    """Give a request to a team.

    \b
    Example: frontaid request assign KMT-050-3 --team east-1
    """
    st = state(ctx)
    requests.assign(st.replica(), st.actor, code_of(code), team)
    done(st, _("Request {code}: {state}.").format(code=code_of(code), state=label(vocab.REQUEST_STATES,
                                                                                     "assigned")),
         {"code": code_of(code), "status": "assigned", "team": team})


def _move(ctx: typer.Context, code: str, target: str, call: Any) -> None:
    st = state(ctx)
    call(st.replica(), st.actor, code_of(code))
    done(st, _("Request {code}: {state}.").format(code=code_of(code),
                                                   state=label(vocab.REQUEST_STATES, target)),
         {"code": code_of(code), "status": target})


@request_app.command("start")
def request_start(ctx: typer.Context, code: str = typer.Argument(..., help="The request's code.")) -> None:
    """Mark a request as in progress.

    \b
    Example: frontaid request start KMT-050-3
    """
    _move(ctx, code, "in-progress", requests.start)


@request_app.command("done")
def request_done(
    ctx: typer.Context,
    code: str = typer.Argument(..., help="The request's code."),
    note: str = typer.Option(None, "--note", help="What was done."),
) -> None:
    """Mark a request as done.

    \b
    Example: frontaid request done KMT-050-3 --note "insulin delivered"
    """
    _move(ctx, code, "done", lambda rep, actor, c: requests.done(rep, actor, c, note=note))


@request_app.command("cancel")
def request_cancel(ctx: typer.Context, code: str = typer.Argument(..., help="The request's code.")) -> None:
    """Cancel a request (no longer needed, or a duplicate).

    \b
    Example: frontaid request cancel KMT-050-3
    """
    _move(ctx, code, "cancelled", requests.cancel)


@request_app.command("reopen")
def request_reopen(ctx: typer.Context, code: str = typer.Argument(..., help="The request's code.")) -> None:
    """Open a done or cancelled request again.

    \b
    Example: frontaid request reopen KMT-050-3
    """
    _move(ctx, code, "open", requests.reopen)


@request_app.command("list")
def request_list(
    ctx: typer.Context,
    open_only: bool = typer.Option(False, "--open", help="Only requests not yet done or cancelled."),
    need: str = typer.Option(None, "--need", help="Only this need."),
    zone: str = typer.Option(None, "--zone", help="Only this zone."),
) -> None:
    """List requests, most urgent first.

    \b
    Example: frontaid request list --open --need medicine
    """
    st = state(ctx)
    rows = opsq.list_requests(st.replica(), open_only=open_only, need=need, zone=zone)
    emit(st, rows, lambda c: c.print(table(_("Requests"), [
        _("Code"), _("Need"), _("Urgency"), _("Status"), _("Team"), _("Household"), _("Zone"), _("Opened")], [
        (r["eid"], label(vocab.NEEDS, r["need"]), label(vocab.URGENCIES, r["urgency"]),
         label(vocab.REQUEST_STATES, r["status"]), r["team"], r["household"], zone_name(st, r["zone"]),
         when(r["opened_at"]))
        for r in rows], empty=_("No requests match."))))


# -- hand-outs --------------------------------------------------------------------------


@app.command()
def distribute(
    ctx: typer.Context,
    household: str = typer.Option(..., "--household", help="The household's card code."),
    item: str = typer.Option(..., "--item", help=f"One of: {', '.join(vocab.ITEMS)}."),
    qty: int = typer.Option(1, "--qty", help="How many."),
    at: str = typer.Option(None, "--at", metavar="POINT", help="The site it was handed out from."),
    home: bool = typer.Option(False, "--home", help="Delivered to the home."),
    override: str = typer.Option(None, "--override", metavar="REASON",
                                 help="Hand out again in the same round, for this reason."),
    team: str = typer.Option(None, "--team", help="The team that delivered it."),
    on: str = typer.Option(None, "--on", help="When, YYYY-MM-DD [HH:MM on the town's clock] (default: now)."),
) -> None:
    """Record a hand-out; refuses a second one of the same entitlement in the same round.

    \b
    Example: frontaid distribute --household KMT-042-6 --item food-kit --qty 1 --at school-5
    """
    st = state(ctx)
    code = distribution.hand_out(st.replica(), st.actor, household=code_of(household), item=item, qty=qty,
                                 at=at, home=home, on=typed(on), override=override, team=team)
    msg = _("Handed out: {item} × {qty} to {household}.").format(
        item=label(vocab.ITEM_NAMES, check.item(st.replica(), item)), qty=qty, household=code_of(household))
    if override:
        msg += " " + _("Recorded as an override: {reason}").format(reason=override)
    unrecorded = opsq.unrecorded_stock_of(st.replica(), code)
    if unrecorded:
        msg += "\n" + _("Warning: no stock of this item is recorded at {site}. The hand-out is recorded; "
                        "count what is there: frontaid stock count --item {item} --at {site} --qty N").format(
            site=unrecorded.partition("@")[2], item=unrecorded.partition("@")[0])
    done(st, msg, {"code": code, "household": code_of(household), "item": item, "qty": qty,
                   "override": override, "stock_recorded": unrecorded is None})


def parse_day(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value.strip()[:10])
    except ValueError:
        raise BadDate(value=value) from None


@app.command()
def entitlements(
    ctx: typer.Context,
    code: str = typer.Argument(..., help="The household's card code."),
    on: str = typer.Option(None, "--on", help="As of this day (default: today)."),
) -> None:
    """Which rationed items a household is due, and when each is next due.

    \b
    Example: frontaid entitlements KMT-042-6
    """
    st = state(ctx)
    rep = st.replica()
    hh = household_of(rep, code)
    rows: list[dict[str, Any]] = [{"item": e.item, "due": e.due, "round": e.round, "last": e.last,
             "next_due": e.next_due.isoformat()}
            for e in distribution.entitlements(rep, hh["eid"], parse_day(on))]
    emit(st, rows, lambda c: c.print(table(_("Entitlements of {code}").format(code=hh["eid"]), [
        _("Item"), _("Due now"), _("Received this round"), _("Next round starts")], [
        (label(vocab.ITEM_NAMES, r["item"]), _("yes") if r["due"] else _("no"),
         when((r["last"] or "")[:10]) or None, when(r["next_due"])) for r in rows])))


# -- stock ------------------------------------------------------------------------------


@stock_app.command("receive")
def stock_receive(
    ctx: typer.Context,
    item: str = typer.Option(..., "--item", help="The item."),
    at: str = typer.Option(..., "--at", metavar="SITE", help="Where it arrived."),
    qty: int = typer.Option(..., "--qty", help="How many."),
    on: str = typer.Option(None, "--on", help="Day, YYYY-MM-DD (default: today)."),
) -> None:
    """Goods arrived at a site (a convoy at the warehouse).

    \b
    Example: frontaid stock receive --item food-kit --at warehouse --qty 400
    """
    st = state(ctx)
    stock.receive(st.replica(), st.actor, item=item, location=at, qty=qty, on=on)
    done(st, _("Received: {item} × {qty} at {site}.").format(
        item=label(vocab.ITEM_NAMES, item.strip().lower()), qty=qty, site=at),
         {"item": item, "at": at, "qty": qty})


@stock_app.command("move")
def stock_move(
    ctx: typer.Context,
    item: str = typer.Option(..., "--item", help="The item."),
    source: str = typer.Option(..., "--from", help="Where it leaves from."),
    target: str = typer.Option(..., "--to", help="Where it goes."),
    qty: int = typer.Option(..., "--qty", help="How many."),
    on: str = typer.Option(None, "--on", help="Day, YYYY-MM-DD (default: today)."),
) -> None:
    """Goods moved between sites (warehouse to point, point to vehicle).

    \b
    Example: frontaid stock move --item food-kit --from warehouse --to school-5 --qty 80
    """
    st = state(ctx)
    stock.move(st.replica(), st.actor, item=item, source=source, target=target, qty=qty, on=on)
    done(st, _("Moved: {item} × {qty} from {source} to {target}.").format(
        item=label(vocab.ITEM_NAMES, item.strip().lower()), qty=qty, source=source, target=target),
        {"item": item, "from": source, "to": target, "qty": qty})


@stock_app.command("count")
def stock_count(
    ctx: typer.Context,
    item: str = typer.Option(..., "--item", help="The item."),
    at: str = typer.Option(..., "--at", metavar="SITE", help="Where it was counted."),
    qty: int = typer.Option(..., "--qty", help="How many are there."),
    on: str = typer.Option(None, "--on", help="Day, YYYY-MM-DD (default: today)."),
) -> None:
    """Record a physical count; the difference to the ledger is booked.

    \b
    Example: frontaid stock count --item food-kit --at school-5 --qty 61
    """
    st = state(ctx)
    diff = stock.count(st.replica(), st.actor, item=item, location=at, qty=qty, on=on)
    done(st, _("Counted: {item} at {site}: {qty} (difference {diff:+d}).").format(
        item=label(vocab.ITEM_NAMES, item.strip().lower()), site=at, qty=qty, diff=diff),
        {"item": item, "at": at, "qty": qty, "difference": diff})


def stock_cells(r: dict[str, Any]) -> tuple[Any, ...]:
    """Quantity, per day and days of cover; "no stock recorded" where only hand-outs were ever seen."""
    if not r.get("recorded", True):
        return (_("no stock recorded"), r["per_day"], "—")
    return (r["qty"], r["per_day"], "—" if r["days_of_cover"] is None else r["days_of_cover"])


@stock_app.command("list")
def stock_list(
    ctx: typer.Context,
    by_item: bool = typer.Option(False, "--by-item", help="Totals per item over all sites."),
) -> None:
    """Stock per site (or per item) with days of cover at the last 14 days' rate.

    \b
    Example: frontaid stock list --by-item
    """
    st = state(ctx)
    rep = st.replica()
    if by_item:
        rows = opsq.stock_by_item(rep)
        cols = [_("Item"), _("Quantity"), _("Per day"), _("Days of cover")]
        cells: list[tuple[Any, ...]] = [
            (label(vocab.ITEM_NAMES, r["item"]), *stock_cells(r)) for r in rows]
    else:
        rows = opsq.stock_levels(rep)
        cols = [_("Item"), _("Site"), _("Quantity"), _("Per day"), _("Days of cover")]
        cells = [(label(vocab.ITEM_NAMES, r["item"]), r["location"], *stock_cells(r)) for r in rows]
    emit(st, rows, lambda c: c.print(table(_("Stock"), cols, cells, empty=_("No stock recorded."))))


# -- incidents --------------------------------------------------------------------------


@incident_app.command("add")
def incident_add(
    ctx: typer.Context,
    kind: str = typer.Option(..., "--kind", help=f"One of: {', '.join(vocab.INCIDENT_KINDS)}."),
    zone: str = typer.Option(..., "--zone", help="The zone."),
    at: str = typer.Option(None, "--at", help="When, YYYY-MM-DD HH:MM or HH:MM on the town's clock "
                                              "(default: now)."),
    killed: int = typer.Option(0, "--killed", help="People killed."),
    wounded: int = typer.Option(0, "--wounded", help="People wounded."),
    site: str = typer.Option(None, "--site", help="The site hit, if any."),
    lat: float = typer.Option(None, "--lat", help="Latitude."),
    lon: float = typer.Option(None, "--lon", help="Longitude."),
    note: str = typer.Option(None, "--note", help="A short note."),
) -> None:
    """Record an incident and the harm to civilians.

    \b
    Example: frontaid incident add --kind shelling --zone east --at "2026-11-02 14:30" --killed 1 --wounded 3
    """
    st = state(ctx)
    code = incidents.report_incident(st.replica(), st.actor, kind=kind, zone=zone, at=typed(at),
                                     killed=killed, wounded=wounded, site=site, lat=lat, lon=lon, note=note)
    done(st, _("Incident recorded:"), {"code": code}, code)


@incident_app.command("list")
def incident_list(
    ctx: typer.Context,
    days: int = typer.Option(7, "--days", help="The last this many days."),
) -> None:
    """Incidents of the last days, newest first.

    \b
    Example: frontaid incident list --days 3
    """
    st = state(ctx)
    since = datetime.now(UTC) - timedelta(days=days)
    rows = opsq.list_incidents(st.replica(), since=since)
    emit(st, rows, lambda c: c.print(table(_("Incidents"), [
        _("Code"), _("When"), _("Kind"), _("Zone"), _("Killed"), _("Wounded"), _("Site"), _("Note")], [
        (r["eid"], when(r["at"]), label(vocab.INCIDENT_KINDS, r["kind"]), zone_name(st, r["zone"]),
         r["killed"], r["wounded"], r["site"], r["note"]) for r in rows],
        empty=_("No incidents in this period."))))


# -- evacuation -------------------------------------------------------------------------


@evac_app.command("offer")
def evac_offer(
    ctx: typer.Context,
    household: str = typer.Option(..., "--household", help="The household's card code."),
    answer: str = typer.Option("undecided", "--answer", help=f"One of: {', '.join(vocab.EVAC_ANSWERS)}."),
    reason: str = typer.Option(None, "--reason",
                               help=f"Needed for a refusal: {', '.join(vocab.EVAC_REASONS)}."),
    on: str = typer.Option(None, "--on", help="Day of the offer (default: today)."),
    note: str = typer.Option(None, "--note", help="A short note."),
) -> None:
    """Record an evacuation offer and the household's answer.

    \b
    Example: frontaid evac offer --household KMT-042-6 --answer refused --reason animals
    """
    st = state(ctx)
    code = evacuation.offer(st.replica(), st.actor, household=code_of(household), answer=answer,
                            reason=reason, on=on, note=note)
    done(st, _("Evacuation offer recorded:"), {"code": code}, code)


@evac_app.command("answer")
def evac_answer(
    ctx: typer.Context,
    offer: str = typer.Argument(..., help="The offer's code."),
    answer: str = typer.Option(..., "--answer", help=f"One of: {', '.join(vocab.EVAC_ANSWERS)}."),
    reason: str = typer.Option(None, "--reason", help="Needed for a refusal."),
) -> None:
    """Record a new answer to an earlier offer.

    \b
    Example: frontaid evac answer KMT-061-0 --answer accepted
    """
    st = state(ctx)
    evacuation.answer(st.replica(), st.actor, code_of(offer), answer=answer, reason=reason)
    done(st, _("Answer recorded: {answer}.").format(answer=label(vocab.EVAC_ANSWERS, answer.strip().lower())),
         {"code": code_of(offer), "answer": answer, "reason": reason})


@evac_app.command("list")
def evac_list(ctx: typer.Context) -> None:
    """How households answered the latest evacuation offer, and why they refused.

    \b
    Example: frontaid evac list
    """
    st = state(ctx)
    data = opsq.evacuation_answers(st.replica())
    emit(st, data, lambda c: c.print(evac_tables(data)))


def evac_tables(data: dict[str, Any]) -> Group:
    return Group(
        table(_("Evacuation answers"), [_("Answer"), _("Households")],
              [(label(vocab.EVAC_ANSWERS, a), n) for a, n in sorted(data["answers"].items())],
              empty=_("No evacuation offers yet.")),
        table(_("Reasons for refusing"), [_("Reason"), _("Households")],
              [(label(vocab.EVAC_REASONS, r), n) for r, n in sorted(data["refusal_reasons"].items(),
                                                                      key=lambda kv: -kv[1])],
              empty=""),
    )


# -- referrals --------------------------------------------------------------------------


@referral_app.command("open")
def referral_open(
    ctx: typer.Context,
    household: str = typer.Option(..., "--household", help="The household's card code."),
    kind: str = typer.Option(..., "--kind", help=f"One of: {', '.join(vocab.REFERRAL_KINDS)}."),
    to: str = typer.Option(None, "--to", metavar="ORG", help="The service or organisation."),
    person: str = typer.Option(None, "--person", metavar="ID", help="The person it is for."),
    note: str = typer.Option(None, "--note", help="A short note."),
) -> None:
    """Refer a household (or one person) to a service.

    \b
    Example: frontaid referral open --household KMT-042-6 --kind pension --to "Пенсійний фонд"
    """
    st = state(ctx)
    code = referrals.open_referral(st.replica(), st.actor, household=code_of(household), kind=kind, to=to,
                                   person=optional_code(person), note=note)
    done(st, _("Referral opened:"), {"code": code}, code)


@referral_app.command("close")
def referral_close(
    ctx: typer.Context,
    code: str = typer.Argument(..., help="The referral's code."),
    outcome: str = typer.Option(..., "--outcome", help=f"One of: {', '.join(vocab.REFERRAL_OUTCOMES)}."),
    note: str = typer.Option(None, "--note", help="A short note."),
) -> None:
    """Close a referral with its outcome.

    \b
    Example: frontaid referral close KMT-070-5 --outcome resolved
    """
    st = state(ctx)
    referrals.close_referral(st.replica(), st.actor, code_of(code), outcome=outcome, note=note)
    done(st, _("Referral {code} closed: {outcome}.").format(
        code=code_of(code), outcome=label(vocab.REFERRAL_OUTCOMES, outcome.strip().lower())),
        {"code": code_of(code), "outcome": outcome})


@referral_app.command("list")
def referral_list(
    ctx: typer.Context,
    open_only: bool = typer.Option(False, "--open", help="Only open referrals."),
) -> None:
    """List referrals, newest first.

    \b
    Example: frontaid referral list --open
    """
    st = state(ctx)
    rows = opsq.list_referrals(st.replica(), open_only=open_only)
    emit(st, rows, lambda c: c.print(table(_("Referrals"), [
        _("Code"), _("Household"), _("Kind"), _("To"), _("Status"), _("Outcome"), _("Opened")], [
        (r["eid"], r["household"], label(vocab.REFERRAL_KINDS, r["kind"]), r["to"],
         label(REFERRAL_STATES, r["status"]), label(vocab.REFERRAL_OUTCOMES, r["outcome"]),
         when(r["opened_on"]))
        for r in rows], empty=_("No referrals match."))))


# -- welfare checks ---------------------------------------------------------------------


@welfare_app.command("request")
def welfare_request(
    ctx: typer.Context,
    sought: str = typer.Option(..., "--sought", metavar="NAME", help="The person being looked for."),
    asked_by: str = typer.Option(..., "--asked-by", metavar="NAME", help="Who asks."),
    contact: str = typer.Option(None, "--contact", help="How to reach who asks."),
    household: str = typer.Option(None, "--household", help="The household's card code, if known."),
    zone: str = typer.Option(None, "--zone", help="The zone, if known."),
    address: str = typer.Option(None, "--address", help="The last known address."),
    note: str = typer.Option(None, "--note", help="A short note."),
) -> None:
    """A relative asks whether someone in town is alive and well.

    \b
    Example: frontaid welfare request --sought "Ганна Петренко" --asked-by "Олена (дочка)" --zone east
    """
    st = state(ctx)
    code = welfare.request_check(st.replica(), st.actor, sought=sought, asked_by=asked_by, contact=contact,
                                 household=optional_code(household), zone=zone, address=address, note=note)
    done(st, _("Welfare check opened:"), {"code": code}, code)


@welfare_app.command("answer")
def welfare_answer(
    ctx: typer.Context,
    code: str = typer.Argument(..., help="The welfare check's code."),
    answer: str = typer.Option(..., "--answer", help=f"One of: {', '.join(vocab.WELFARE_ANSWERS)}."),
    note: str = typer.Option(None, "--note", help="A short note."),
) -> None:
    """Record what the team found.

    \b
    Example: frontaid welfare answer KMT-080-2 --answer alive-well
    """
    st = state(ctx)
    welfare.answer_check(st.replica(), st.actor, code_of(code), answer=answer, note=note)
    done(st, _("Welfare check {code} answered: {answer}.").format(
        code=code_of(code), answer=label(vocab.WELFARE_ANSWERS, answer.strip().lower())),
        {"code": code_of(code), "answer": answer})


@welfare_app.command("list")
def welfare_list(
    ctx: typer.Context,
    open_only: bool = typer.Option(False, "--open", help="Only checks not yet answered."),
) -> None:
    """List welfare checks, newest first.

    \b
    Example: frontaid welfare list --open
    """
    st = state(ctx)
    rows = opsq.list_welfare(st.replica(), open_only=open_only)
    emit(st, rows, lambda c: c.print(table(_("Welfare checks"), [
        _("Code"), _("Sought"), _("Asked by"), _("Zone"), _("Status"), _("Answer"), _("Opened")], [
        (r["eid"], r["sought"], r["asked_by"], zone_name(st, r["zone"]), label(WELFARE_STATES, r["status"]),
         label(vocab.WELFARE_ANSWERS, r["answer"]), when(r["opened_on"])) for r in rows],
        empty=_("No welfare checks match."))))

