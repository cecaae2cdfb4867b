"""Commands for the registry: init, zones, sites, households, people, search, deaths."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer
from rich.console import Console, Group

from frontaid.actions import registry as reg
from frontaid.actions import shapes
from frontaid.actions import validate as check
from frontaid.cli.context import (
    N_,
    app,
    code_of,
    done,
    emit,
    fields_panel,
    group,
    label,
    labels,
    screened,
    state,
    table,
    when,
    zone_name,
)
from frontaid.domain import vocab
from frontaid.errors import NotFound, PossibleDuplicate
from frontaid.i18n import gettext as _
from frontaid.queries import aid as opsq
from frontaid.queries import log as logq
from frontaid.queries import registry as regq
from frontaid.store.replica import Replica

household_app = group(
    "household", "Households: register, find, change, move, list.",
    "frontaid household list --zone east")
person_app = group(
    "person", "People in households: register, change, record a death.",
    "frontaid person show KMT-043-1")
zone_app = group(
    "zone", "Zones of the town (districts, banks of the river).",
    "frontaid zone list")
site_app = group(
    "site", "Sites: points, warehouses, crossings, shelters, burial places, vehicles.",
    "frontaid site list")


def yes(value: Any) -> str:
    return _("yes") if value else ""


# -- init -------------------------------------------------------------------------------


@app.command()
def init(
    ctx: typer.Context,
    town: str = typer.Option(None, "--town", help="The town this deployment serves (a new deployment)."),
    lang: str = typer.Option("uk", "--lang", help="Language of the deployment's printouts: uk or en."),
    device: str = typer.Option("hub", "--device", help="A name for this device (hub, desk-1, team-2)."),
    join: str = typer.Option(None, "--join", help="Join a deployment with the code from `device enroll` "
                                                  "(the long one, or the short one with --hub)."),
    hub: str = typer.Option(None, "--hub", help="With a short code: the hub's address on the LAN, e.g. "
                                                "http://192.168.1.10:8080."),
    encrypt: bool = typer.Option(True, "--encrypt/--no-encrypt",
                                 help="Encrypt the database with a passphrase (asked twice) "
                                      "[default: encrypt]."),
) -> None:
    """Create a new replica in the --db file: a new deployment, or a device joining one.

    Prints the device's origin id and the prefix its card codes start with.
    After --join, run `frontaid sync URL` (or import a bundle) to receive the data.
    The database is encrypted: the passphrase is asked twice (or read from
    FRONTAID_PASSPHRASE_FILE / FRONTAID_PASSPHRASE_FD); --no-encrypt leaves it readable by anyone.

    \b
    Example: frontaid --db town.db init --town Бахмут --device hub
    """
    from frontaid.cli.context import check_lang
    from frontaid.cli.passphrase import ask_new, remember
    from frontaid.cli.protect import warn_plain
    from frontaid.errors import AlreadyInitialised, BadInput
    from frontaid.store import keyfile
    from frontaid.sync.devices import join as join_deployment

    st = state(ctx)
    if not join and not (town and town.strip()):
        raise BadInput("Give the town (--town NAME) for a new deployment, or --join CODE to join one.")
    if join:
        from frontaid.sync import shortcode
        from frontaid.sync.devices import parse_code

        if shortcode.is_short(join):
            if not hub:
                raise BadInput("A short code needs the hub's address: --hub http://HUB-ADDRESS:8080.")
            join = shortcode.fetch(join, hub)  # the long code, checked against the short one
        parse_code(join)  # a bad code is refused before a passphrase is asked
    key: bytes | None = None
    if encrypt:
        for p in (st.db, keyfile.key_path(st.db)):
            if p.exists() and p.stat().st_size > 0:
                raise AlreadyInitialised(path=str(p))
        key = keyfile.create(st.db, ask_new(_("New passphrase for {path}").format(path=st.db)))
    try:
        if join:
            rep = join_deployment(st.db, join, data_key=key)
        else:
            rep = Replica.create(st.db, town.strip(), check_lang(lang), device_name=device, key=key)
    except BaseException:
        if key is not None and not st.db.exists():
            keyfile.destroy(keyfile.key_path(st.db))
        raise
    if key is not None:
        remember(st.db, key)
    else:
        warn_plain(st.db)
    data = {"path": str(st.db), "town": rep.town, "origin": rep.origin, "prefix": rep.prefix}
    rep.close()

    def human(c: Console) -> None:
        c.print(_("Created {path} for {town}.").format(path=st.db, town=data["town"]))
        c.print(fields_panel(_("This device"), [(_("Origin"), rep.origin), (_("Code prefix"), rep.prefix)]))
        if not join:
            c.print(_("Next: give the town its zones and sites, teams and stock, then open the desk:"))
            for line in NEXT_STEPS:
                c.print(f"  {line}")
    emit(st, data, human)


# What a coordinator does after `init` of a new town (the guide's "a new town from nothing").
NEXT_STEPS = (
    "frontaid town import town.geojson",
    'frontaid zone add east --name "Схід" --name-en East',
    'frontaid site add school-5 --kind food-point --name "Школа №5" --name-en "School 5" --zone east',
    'frontaid team add east-1 --name "Схід-1"',
    "frontaid stock receive --item food-kit --at school-5 --qty 400",
    "frontaid user add olha --role desk && frontaid serve",
)


# -- zones and sites --------------------------------------------------------------------


@zone_app.command("add")
def zone_add(
    ctx: typer.Context,
    slug: str = typer.Argument(..., help="Short id of the zone, e.g. east-bank."),
    name: str = typer.Option(..., "--name", help="Name in Ukrainian."),
    name_en: str = typer.Option(..., "--name-en", help="Name in English."),
    population: int = typer.Option(None, "--population", help="Estimated people remaining."),
    geojson: Path = typer.Option(None, "--geojson", help="Its outline: a GeoJSON Polygon or MultiPolygon "
                                                        "(a geometry or a Feature), [longitude, latitude]."),
) -> None:
    """Add a zone.

    \b
    Example: frontaid zone add east --name "Східний берег" --name-en "East bank" --population 900
    """
    st = state(ctx)
    geometry = shapes.geometry_of(shapes.read(geojson)) if geojson else None
    reg.add_zone(st.replica(), st.actor, slug.strip(), name.strip(), name_en.strip(),
                 population_estimate=population, geometry=geometry)
    done(st, _("Zone {zone} added.").format(zone=slug), {"zone": slug})


@zone_app.command("shape")
def zone_shape(
    ctx: typer.Context,
    zone: str = typer.Argument(..., help="The zone's id or name."),
    geojson: Path = typer.Argument(..., help="A GeoJSON Polygon or MultiPolygon, [longitude, latitude]."),
) -> None:
    """Give a zone its outline (or a new one), drawn on the map and used to place sites and streets.

    \b
    Example: frontaid zone shape east east.geojson
    """
    st = state(ctx)
    eid = shapes.set_zone_shape(st.replica(), st.actor, zone, shapes.geometry_of(shapes.read(geojson)))
    done(st, _("Zone {zone} has its outline.").format(zone=eid), {"zone": eid})


@zone_app.command("list")
def zone_list(ctx: typer.Context) -> None:
    """List the zones with their estimated population.

    \b
    Example: frontaid zone list
    """
    st = state(ctx)
    rows = regq.list_zones(st.replica())
    en = st.lang == "en"
    emit(st, rows, lambda c: c.print(table(_("Zones"), [_("Zone"), _("Name"), _("People (estimate)")], [
        (r["eid"], r["name_en"] if en else r["name"], r["population_estimate"]) for r in rows],
        empty=_("No zones yet."))))


@site_app.command("add")
def site_add(
    ctx: typer.Context,
    slug: str = typer.Argument(..., help="Short id of the site, e.g. school-5."),
    kind: str = typer.Option(..., "--kind", help=f"One of: {', '.join(vocab.SITE_KINDS)}."),
    name: str = typer.Option(..., "--name", help="Name in Ukrainian."),
    name_en: str = typer.Option(..., "--name-en", help="Name in English."),
    zone: str = typer.Option(..., "--zone", help="The zone it is in."),
    lat: float = typer.Option(None, "--lat", help="Latitude."),
    lon: float = typer.Option(None, "--lon", help="Longitude."),
    site_state: str = typer.Option(None, "--state", help="For a crossing: open, damaged or destroyed."),
) -> None:
    """Add a site: a point, warehouse, crossing, shelter, burial place or vehicle.

    \b
    Example: frontaid site add school-5 --kind food-point --name "Школа №5" --name-en "School 5" --zone east
    """
    st = state(ctx)
    reg.add_site(st.replica(), st.actor, slug.strip(), kind, name.strip(), name_en.strip(), zone,
                 lat=lat, lon=lon, state=site_state)
    done(st, _("Site {site} added.").format(site=slug), {"site": slug})


@site_app.command("state")
def site_state_cmd(
    ctx: typer.Context,
    site: str = typer.Argument(..., help="The site."),
    new_state: str = typer.Argument(..., metavar="STATE",
                                    help="open, damaged, destroyed (crossings) or closed."),
) -> None:
    """Change the state of a site (a bridge damaged, a point closed).

    \b
    Example: frontaid site state old-bridge destroyed
    """
    st = state(ctx)
    reg.set_site_state(st.replica(), st.actor, site, new_state)
    done(st, _("Site {site} is now: {state}.").format(site=site, state=label(
        {**vocab.CROSSING_STATES, "closed": N_("closed")}, new_state.strip().lower())),
        {"site": site, "state": new_state.strip().lower()})


@site_app.command("list")
def site_list(ctx: typer.Context) -> None:
    """List the sites, their kind, zone and state.

    \b
    Example: frontaid site list
    """
    st = state(ctx)
    rows = regq.list_sites(st.replica())
    en = st.lang == "en"
    states = {**vocab.CROSSING_STATES, "closed": N_("closed")}
    emit(st, rows, lambda c: c.print(table(_("Sites"), [_("Site"), _("Kind"), _("Name"), _("Zone"),
                                                          _("State")], [
        (r["eid"], label(vocab.SITE_KINDS, r["kind"]), r["name_en"] if en else r["name"],
         zone_name(st, r["zone"]), label(states, r["state"])) for r in rows], empty=_("No sites yet."))))


# -- households -------------------------------------------------------------------------


@household_app.command("add")
def household_add(
    ctx: typer.Context,
    zone: str = typer.Option(..., "--zone", help="The zone (id or name)."),
    address: str = typer.Option(..., "--address", help="Street and house, or how to find it."),
    shelter: str = typer.Option(None, "--shelter", help=f"One of: {', '.join(vocab.SHELTERS)}."),
    animals: int = typer.Option(0, "--animals", help="How many animals they keep."),
    animal_kinds: str = typer.Option(None, "--animal-kinds", help="Which animals (free text)."),
    utilities: str = typer.Option(None, "--utilities",
                                  help=f"What still works, comma-separated: {', '.join(vocab.UTILITIES)}."),
    size: int = typer.Option(None, "--size", help="How many people live there."),
    lat: float = typer.Option(None, "--lat", help="Latitude."),
    lon: float = typer.Option(None, "--lon", help="Longitude."),
    displaced: bool = typer.Option(False, "--displaced", help="They moved here from elsewhere in town."),
    note: str = typer.Option(None, "--note", help="A short note."),
) -> None:
    """Register a household; prints its card code.

    \b
    Example: frontaid household add --zone east --address "Сибірцева 12" --shelter basement --animals 2
    """
    st = state(ctx)
    code = reg.add_household(st.replica(), st.actor, zone=zone, address=address, shelter=shelter,
                             size=size, animals=animals, animal_kinds=animal_kinds, utilities=utilities,
                             lat=lat, lon=lon, displaced=displaced, note=note)
    done(st, _("Household registered. Write this code on the card:"), {"code": code}, code)


def household_of(rep: Replica, code: str) -> dict[str, Any]:
    found = regq.household(rep, code_of(code))
    if found is None:
        raise NotFound(what="household", code=code)
    return found


@household_app.command("show")
def household_show(ctx: typer.Context, code: str = typer.Argument(..., help="The card code.")) -> None:
    """Everything about one household: members, requests, hand-outs, evacuation, referrals, history.

    \b
    Example: frontaid household show KMT-042-6
    """
    st = state(ctx)
    rep = st.replica()
    hh = household_of(rep, code)
    hh["history"] = [{k: v for k, v in e.items() if k != "data"}
                     for e in logq.entries(rep, entity="household", eid=hh["eid"], limit=30)]
    hh = screened(st, rep, hh)
    emit(st, hh, lambda c: _print_household(c, hh, zone_name(st, hh["zone"])))


def _print_household(c: Console, hh: dict[str, Any], zone: str) -> None:
    parts: list[Any] = [fields_panel(_("Household {code}").format(code=hh["eid"]), [
        (_("Zone"), zone), (_("Address"), hh["address"]),
        (_("Shelter"), label(vocab.SHELTERS, hh["shelter"])),
        (_("People"), hh["size"]), (_("Animals"), hh["animals"]), (_("Which animals"), hh["animal_kinds"]),
        (_("Utilities"), labels(vocab.UTILITIES, hh["utilities"])),
        (_("Status"), label(vocab.HOUSEHOLD_STATES, hh["status"])), (_("Displaced"), yes(hh["displaced"])),
        (_("Location"), f"{hh['lat']}, {hh['lon']}" if hh["lat"] is not None else None),
        (_("Registered on"), when(hh["registered_on"])), (_("Note"), hh["note"]),
        (_("Merged into"), hh["merged_into"]),
    ])]
    parts.append(table(_("Members"), [_("Code"), _("Name"), _("Born"), _("Sex"), _("Vulnerabilities"),
                                      _("Status")], [
        (p["eid"], p["name"], p["born"], label(vocab.SEXES, p["sex"]),
         labels(vocab.VULNERABILITIES, p["vulnerabilities"]), label(vocab.PERSON_STATES, p["status"]))
        for p in hh["members"]], empty=_("No members registered.")))
    if hh["requests"]:
        parts.append(table(_("Requests"), [_("Code"), _("Need"), _("Urgency"), _("Status"), _("Team"),
                                           _("Opened")], [
            (r["eid"], label(vocab.NEEDS, r["need"]), label(vocab.URGENCIES, r["urgency"]),
             label(vocab.REQUEST_STATES, r["status"]), r["team"], when(r["opened_at"]))
            for r in hh["requests"]]))
    if hh["handouts"]:
        parts.append(table(_("Hand-outs"), [_("Code"), _("Item"), _("Qty"), _("When"), _("Where"),
                                            _("Override")], [
            (h["eid"], label(vocab.ITEM_NAMES, h["item"]), h["qty"], when(h["on"]),
             _("at home") if h["home"] else h["at"], h["override"]) for h in hh["handouts"]]))
    if hh["evacuation"]:
        parts.append(table(_("Evacuation offers"), [_("Code"), _("Offered on"), _("Answer"), _("Reason")], [
            (e["eid"], when(e["offered_on"]), label(vocab.EVAC_ANSWERS, e["answer"]),
             label(vocab.EVAC_REASONS, e["reason"])) for e in hh["evacuation"]]))
    if hh["referrals"]:
        parts.append(table(_("Referrals"), [_("Code"), _("Kind"), _("To"), _("Status"), _("Outcome")], [
            (r["eid"], label(vocab.REFERRAL_KINDS, r["kind"]), r["to"], _(r["status"] or ""),
             label(vocab.REFERRAL_OUTCOMES, r["outcome"])) for r in hh["referrals"]]))
    parts.append(table(_("History"), [_("When"), _("Who"), _("Device"), _("What")], [
        (when(e["when"]), e["actor"], e["device"], e["what"]) for e in hh["history"]]))
    c.print(Group(*parts))


HOUSEHOLD_FIELDS_HELP = ", ".join(sorted(reg.HOUSEHOLD_FIELDS))


@household_app.command("set")
def household_set(
    ctx: typer.Context,
    code: str = typer.Argument(..., help="The card code."),
    field_name: str = typer.Argument(..., metavar="FIELD", help=f"One of: {HOUSEHOLD_FIELDS_HELP}."),
    value: str = typer.Argument(..., help="The new value (for utilities: a comma-separated list)."),
) -> None:
    """Change one field of a household.

    \b
    Example: frontaid household set KMT-042-6 utilities none
    """
    st = state(ctx)
    reg.set_household(st.replica(), st.actor, code_of(code), field_name.strip().lower(), value)
    done(st, _("Household {code}: {field} changed.").format(code=code_of(code), field=field_name),
         {"code": code_of(code), "field": field_name, "value": value})


@household_app.command("move")
def household_move(
    ctx: typer.Context,
    code: str = typer.Argument(..., help="The card code."),
    zone: str = typer.Option(..., "--zone", help="The zone they moved to."),
    address: str = typer.Option(None, "--address", help="The new address."),
) -> None:
    """A household moved inside the town; the log keeps where they were.

    \b
    Example: frontaid household move KMT-042-6 --zone west --address "Миру 3, підвал"
    """
    st = state(ctx)
    reg.move_household(st.replica(), st.actor, code_of(code), zone=zone, address=address)
    done(st, _("Household {code} moved.").format(code=code_of(code)), {"code": code_of(code)})


@household_app.command("list")
def household_list(
    ctx: typer.Context,
    zone: str = typer.Option(None, "--zone", help="Only this zone."),
    town: str = typer.Option(None, "--town", help="Only this town's zones (a regional hub)."),
    vulnerability: str = typer.Option(None, "--vulnerability",
                                      help=f"Only with someone: {', '.join(vocab.VULNERABILITIES)}."),
    not_reached: int = typer.Option(None, "--not-reached", metavar="DAYS",
                                    help="Only those with no hand-out in the last DAYS days."),
    refused_evacuation: bool = typer.Option(False, "--refused-evacuation",
                                            help="Only those who refused evacuation."),
    limit: int = typer.Option(200, "--limit", help="At most this many."),
) -> None:
    """List households still in town, by zone.

    \b
    Example: frontaid household list --zone east --vulnerability immobile --not-reached 14
    """
    st = state(ctx)
    rep = st.replica()
    rows = regq.list_households(rep, zone=zone and check.zone(rep, zone), vulnerability=vulnerability,
                                not_reached_days=not_reached, refused_evacuation=refused_evacuation,
                                limit=limit, town=town and check.town(rep, town))
    emit(st, rows, lambda c: c.print(table(_("Households"), [
        _("Code"), _("Zone"), _("Address"), _("Shelter"), _("Members"), _("Animals"), _("Utilities")], [
        (r["eid"], zone_name(st, r["zone"]), r["address"], label(vocab.SHELTERS, r["shelter"]), r["members"],
         r["animals"], labels(vocab.UTILITIES, r["utilities"])) for r in rows],
        empty=_("No households match."))))


# -- people -----------------------------------------------------------------------------


@person_app.command("add")
def person_add(
    ctx: typer.Context,
    household: str = typer.Option(..., "--household", help="The household's card code."),
    name: str = typer.Option(..., "--name", help="Full name as the person says it."),
    born: int = typer.Option(None, "--born", help="Year of birth."),
    sex: str = typer.Option(None, "--sex", help="f or m."),
    vulnerability: str = typer.Option(None, "--vulnerability",
                                      help=f"Comma-separated: {', '.join(vocab.VULNERABILITIES)}."),
    note: str = typer.Option(None, "--note", help="A short note."),
    anyway: bool = typer.Option(False, "--anyway",
                                help="Register even if the person may already be registered."),
) -> None:
    """Register a person in a household; prints the person's code.

    When someone already registered may be this person, they are listed and nothing is
    registered unless --anyway is given (exit code 2).

    \b
    Example: frontaid person add --household KMT-042-6 --name "Ігор Коваленко" --born 1941 --sex m
    """
    st = state(ctx)
    rep = st.replica()
    # Registered anyway: the answer still says who was similar (asked before the person is in).
    similar = reg.similar_people(rep, name, born, code_of(household), sex) if anyway else []
    try:
        code = reg.add_person(rep, st.actor, household=code_of(household), name=name, born=born, sex=sex,
                              vulnerabilities=vulnerability, note=note, confirmed=anyway)
    except PossibleDuplicate as err:
        found = err.candidates

        def human(c: Console) -> None:
            c.print(table(_("This person may already be registered"), [
                _("Code"), _("Name"), _("Born"), _("Household"), _("Score")], [
                (s["eid"], s["name"], s["born"], s["household"], f"{s['score']:g}") for s in found]))
        emit(st, {"registered": False, "similar": found}, human)
        raise
    done(st, _("Person registered with code:"), {"code": code, "similar": similar}, code)


def _person(rep: Replica, pid: str) -> dict[str, Any]:
    found = regq.person(rep, code_of(pid))
    if found is None:
        raise NotFound(what="person", code=pid)
    return found


@person_app.command("show")
def person_show(ctx: typer.Context,
                pid: str = typer.Argument(..., metavar="ID", help="The person's code.")) -> None:
    """One person's record.

    \b
    Example: frontaid person show KMT-043-1
    """
    st = state(ctx)
    rep = st.replica()
    p = screened(st, rep, _person(rep, pid))
    emit(st, p, lambda c: c.print(fields_panel(_("Person {code}").format(code=p["eid"]), [
        (_("Name"), p["name"]), (_("Household"), p["household"]), (_("Born"), p["born"]),
        (_("Sex"), label(vocab.SEXES, p["sex"])),
        (_("Vulnerabilities"), labels(vocab.VULNERABILITIES, p["vulnerabilities"])),
        (_("Status"), label(vocab.PERSON_STATES, p["status"])), (_("Died on"), when(p["died_on"])),
        (_("Place of death"), p["death_place"]), (_("Cause"), p["death_cause"]),
        (_("Burial place"), p["burial_place"]), (_("Note"), p["note"]),
        (_("Merged into"), p["merged_into"])])))


@person_app.command("set")
def person_set(
    ctx: typer.Context,
    pid: str = typer.Argument(..., metavar="ID", help="The person's code."),
    field_name: str = typer.Argument(..., metavar="FIELD",
                                     help=f"One of: {', '.join(sorted(reg.PERSON_FIELDS))}."),
    value: str = typer.Argument(..., help="The new value (vulnerabilities: a comma-separated list)."),
) -> None:
    """Change one field of a person.

    \b
    Example: frontaid person set KMT-043-1 vulnerabilities very-old,immobile
    """
    st = state(ctx)
    reg.set_person(st.replica(), st.actor, code_of(pid), field_name.strip().lower(), value)
    done(st, _("Person {code}: {field} changed.").format(code=code_of(pid), field=field_name),
         {"code": code_of(pid), "field": field_name})


@person_app.command("died")
def person_died(
    ctx: typer.Context,
    pid: str = typer.Argument(..., metavar="ID", help="The person's code."),
    on: str = typer.Option(..., "--date", help="Date of death, YYYY-MM-DD."),
    place: str = typer.Option(None, "--place", help="Where the person died."),
    burial_place: str = typer.Option(None, "--burial-place", help="A burial site id or a description."),
    cause: str = typer.Option(None, "--cause", help="Cause, if known."),
) -> None:
    """Record a death, and where the body is buried so that the family can find it later.

    \b
    Example: frontaid person died KMT-043-1 --date 2026-11-02 --burial-place yard-graves --cause shelling
    """
    st = state(ctx)
    reg.person_died(st.replica(), st.actor, code_of(pid), on=on, place=place, burial_place=burial_place,
                    cause=cause)
    done(st, _("Death recorded for {code}.").format(code=code_of(pid)), {"code": code_of(pid)})


# -- search and deaths ------------------------------------------------------------------


@app.command()
def search(ctx: typer.Context,
           text: str = typer.Argument(..., help="A name, part of one, a code or an address.")) -> None:
    """Find people and households by name, card code or address.

    \b
    Example: frontaid search коваленко
    """
    st = state(ctx)
    rows = regq.search(st.replica(), text)
    emit(st, rows, lambda c: c.print(table(_("Found"), [_("Kind"), _("Code"), _("Name or address"),
                                                         _("Household or zone")], [
        (_(r["kind"]), r["eid"], r.get("name") or r.get("address"), r.get("household") or r.get("zone"))
        for r in rows], empty=_("Nothing found."))))


@app.command()
def deaths(ctx: typer.Context) -> None:
    """The dead: when, where, the cause and where each is buried.

    \b
    Example: frontaid deaths
    """
    st = state(ctx)
    rep = st.replica()
    rows = screened(st, rep, opsq.list_deaths(rep))
    emit(st, rows, lambda c: c.print(table(_("Deaths"), [
        _("Code"), _("Name"), _("Household"), _("Died on"), _("Place of death"), _("Cause"),
        _("Burial place")], [
        (r["eid"], r["name"], r["household"], when(r["died_on"]), r["death_place"], r["death_cause"],
         r["burial_place"]) for r in rows], empty=_("No deaths recorded."))))

