"""Commands for the towns of a regional hub: add, list, give zones (issue 16)."""

from __future__ import annotations

from pathlib import Path

import typer

from frontaid.actions import shapes, towns
from frontaid.cli.context import done, emit, group, state, table
from frontaid.i18n import gettext as _
from frontaid.queries import towns as townq

town_app = group(
    "town", "Towns of a regional hub: each zone belongs to one town.",
    "frontaid town list")


@town_app.command("add")
def town_add(
    ctx: typer.Context,
    slug: str = typer.Argument(..., help="Short id of the town, e.g. bakhmut."),
    name: str = typer.Option(..., "--name", help="Name in Ukrainian."),
    name_en: str = typer.Option(..., "--name-en", help="Name in English."),
    pcode: str = typer.Option("", "--pcode", help="Its P-code (COD-AB), e.g. UA1402001."),
    zones: str = typer.Option("", "--zones", help="Zones (ids or names, comma-separated) that belong to it."),
) -> None:
    """Add a town to a regional hub, with the zones that belong to it.

    \b
    Example: frontaid town add bakhmut --name "Бахмут" --name-en Bakhmut --pcode UA1402001 --zones east,west
    """
    st = state(ctx)
    town = towns.add_town(st.replica(), st.actor, slug.strip(), name.strip(), name_en.strip(), pcode, zones)
    done(st, _("Town {town} added.").format(town=town), {"town": town})


@town_app.command("zones")
def town_zones(
    ctx: typer.Context,
    town: str = typer.Argument(..., help="The town's id or name."),
    zones: list[str] = typer.Argument(..., help="Zones (ids or names) that belong to it."),
) -> None:
    """Give zones to a town (a zone belongs to one town: it leaves the one it was in).

    \b
    Example: frontaid town zones bakhmut east west
    """
    st = state(ctx)
    ids = towns.give_zones(st.replica(), st.actor, town, zones)
    done(st, _("Zones given to the town: {zones}.").format(zones=", ".join(ids)), {"zones": ids})


@town_app.command("list")
def town_list(ctx: typer.Context) -> None:
    """List the towns with their zones, households and people.

    \b
    Example: frontaid town list
    """
    st = state(ctx)
    rows = townq.list_towns(st.replica())
    en = st.lang == "en"
    emit(st, rows, lambda c: c.print(table(
        _("Towns"), [_("Town"), _("Town's name"), _("P-code"), _("Zones"), _("Households"), _("People")], [
            (r["eid"], r["name_en"] if en else r["name"], r["pcode"] or "", r["zones"], r["households"],
             r["people"]) for r in rows], empty=_("No towns yet: this replica is one town."))))


@town_app.command("import")
def town_import(
    ctx: typer.Context,
    geojson: Path = typer.Argument(..., help="A GeoJSON FeatureCollection: polygons are zones, points are "
                                             "sites."),
) -> None:
    """Add or update a town's zones (polygons) and sites (points) from one GeoJSON file, all or nothing.

    A zone's properties: slug, name, name_en, population. A site's: slug, name, name_en, kind
    (food-point, warehouse, shelter, crossing, ...) and zone (else the zone its point is in).
    Importing the same file again changes nothing.

    \b
    Example: frontaid town import docs/examples/town.geojson
    """
    st = state(ctx)
    counts = shapes.import_town(st.replica(), st.actor, geojson)
    done(st, _("Imported: {added} added, {changed} changed, {unchanged} unchanged.").format(**counts), counts)
