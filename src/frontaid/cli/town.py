"""A real town's shapes: `zone set` (names, outline) and `town import` (zones and sites from GeoJSON)."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console

from frontaid.actions import town as townact
from frontaid.cli.context import done, emit, group, state
from frontaid.cli.registry import zone_app
from frontaid.i18n import gettext as _

town_app = group(
    "town", "The town as a whole: its zones and sites from one GeoJSON file.",
    "frontaid town import town.geojson")


@zone_app.command("set")
def zone_set(
    ctx: typer.Context,
    zone: str = typer.Argument(..., help="The zone (id or name)."),
    geojson: Path = typer.Option(None, "--geojson", help="The zone's outline: a GeoJSON file with one "
                                 "Polygon or MultiPolygon, longitude first.", show_default=False),
    name: str = typer.Option(None, "--name", help="New name in Ukrainian."),
    name_en: str = typer.Option(None, "--name-en", help="New name in English."),
    population: int = typer.Option(None, "--population", help="Estimated people remaining."),
) -> None:
    """Change a zone: its outline on the map, its names or its population estimate.

    \b
    Example: frontaid zone set east-north --geojson east-north.geojson
    """
    st = state(ctx)
    rep = st.replica()
    shape = townact.shape_from_file(rep, geojson) if geojson is not None else None
    changed = townact.set_zone(rep, st.actor, zone, name=name, name_en=name_en, geometry=shape,
                               population_estimate=population)
    msg = _("Zone {zone} changed.") if changed else _("Zone {zone} was already like this; nothing recorded.")
    done(st, msg.format(zone=zone), {"zone": zone, "changed": changed})


@town_app.command("import")
def town_import(
    ctx: typer.Context,
    path: Path = typer.Argument(..., help="A GeoJSON FeatureCollection: zones as polygons, sites as points "
                                "(see docs/examples/town.geojson)."),
) -> None:
    """Create or update the town's zones (with their outlines) and sites from one GeoJSON file.

    All at once or nothing: a bad feature refuses the whole file. Importing the same file
    again records nothing; a changed name, outline or position is recorded as a change.

    \b
    Example: frontaid town import town.geojson
    """
    st = state(ctx)
    counts = townact.import_town(st.replica(), st.actor, path)

    def human(c: Console) -> None:
        c.print(_("Zones: {added} added, {changed} changed. Sites: {sadded} added, {schanged} changed. "
                  "Unchanged: {same}.").format(added=counts["zones_added"], changed=counts["zones_changed"],
                                               sadded=counts["sites_added"], schanged=counts["sites_changed"],
                                               same=counts["unchanged"]))
    emit(st, counts, human)
