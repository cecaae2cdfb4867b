"""Commands for the deployment's items and their entitlement cycles: add, list, set, retire (issue 12)."""

from __future__ import annotations

import typer

from frontaid.actions import items as act
from frontaid.cli.context import done, emit, group, state, table, when
from frontaid.i18n import gettext as _
from frontaid.queries.items import catalogue

item_app = group(
    "item", "The items handed out, their units and how often a household may receive each.",
    "frontaid item list")


@item_app.command("add")
def item_add(
    ctx: typer.Context,
    slug: str = typer.Argument(..., help="Short id of the item, e.g. baby-kit."),
    name: str = typer.Option(..., "--name", help="Name in Ukrainian."),
    name_en: str = typer.Option(..., "--name-en", help="Name in English."),
    unit: str = typer.Option("", "--unit", help="Its unit, e.g. набір, л, кг."),
    cycle: int = typer.Option(None, "--cycle", help="Once per this many days per household [default: not "
                                                     "rationed]."),
) -> None:
    """Add an item the deployment hands out; with --cycle, a household may receive it once a round.

    \b
    Example: frontaid item add baby-kit --name "Набір для немовляти" --name-en "Baby kit" --cycle 30
    """
    st = state(ctx)
    slug = act.add_item(st.replica(), st.actor, slug.strip(), name.strip(), name_en.strip(), unit, cycle)
    done(st, _("Item {item} added.").format(item=slug), {"item": slug})


@item_app.command("list")
def item_list(ctx: typer.Context) -> None:
    """List the items: names, unit, how often each may be received, and since when.

    \b
    Example: frontaid item list
    """
    st = state(ctx)
    items = catalogue(st.replica())
    rows = [{"item": i.slug, "name": i.name, "name_en": i.name_en, "unit": i.unit,
             "cycle_days": i.schedule[-1][1] if i.schedule else None,
             "since": i.schedule[-1][0].isoformat() if i.schedule else None} for i in items.values()]
    en = st.lang == "en"
    emit(st, rows, lambda c: c.print(table(_("Items"), [_("Item"), _("Item's name"), _("Unit"),
                                                        _("Once per (days)"), _("Since")], [
        (r["item"], r["name_en"] if en else r["name"], r["unit"] or "", r["cycle_days"] or _("not rationed"),
         when(r["since"])) for r in rows])))


@item_app.command("set")
def item_set(
    ctx: typer.Context,
    item: str = typer.Argument(..., help="The item's id or name."),
    cycle: int = typer.Option(None, "--cycle", help="A new cycle in days, from the next round on."),
    no_cycle: bool = typer.Option(False, "--no-cycle", help="No longer rationed."),
    name: str = typer.Option(None, "--name", help="A new name in Ukrainian."),
    name_en: str = typer.Option(None, "--name-en", help="A new name in English."),
    unit: str = typer.Option(None, "--unit", help="A new unit."),
) -> None:
    """Change an item: its names, its unit, or its cycle (a new cycle starts at the next round
    boundary; rounds already given keep their numbers, so nothing is handed out twice).

    \b
    Example: frontaid item set hygiene-kit --cycle 21
    """
    st = state(ctx)
    rep = st.replica()
    slug = None
    if name or name_en or unit:
        slug = act.rename(rep, st.actor, item, name, name_en, unit)
    if cycle is not None or no_cycle:
        slug = act.set_cycle(rep, st.actor, item, None if no_cycle else cycle)
    if slug is None:
        slug = act.rename(rep, st.actor, item)  # says what to give
    done(st, _("Item {item} changed.").format(item=slug), {"item": slug})


@item_app.command("retire")
def item_retire(
    ctx: typer.Context,
    item: str = typer.Argument(..., help="The item's id or name."),
) -> None:
    """Stop handing an item out: its past hand-outs stay on record; it is accepted no more.

    \b
    Example: frontaid item retire candles
    """
    st = state(ctx)
    slug = act.retire_item(st.replica(), st.actor, item)
    done(st, _("Item {item} retired.").format(item=slug), {"item": slug})
