"""Least data on the command line: who read what (`audit`), and retention (`purge`)."""

from __future__ import annotations

from datetime import date

import typer
from rich.console import Console

from frontaid.actions import purge as purging
from frontaid.cli.aid import parse_day
from frontaid.cli.context import app, code_of, emit, state, table, when
from frontaid.domain.sensitive import CLASSES
from frontaid.errors import BadInput
from frontaid.i18n import gettext as _
from frontaid.i18n import ngettext
from frontaid.queries import audit as auditq


@app.command()
def audit(
    ctx: typer.Context,
    user: str = typer.Option(None, "--user", help="Only what this person read."),
    since: str = typer.Option(None, "--since", help="Only reads from this day on (YYYY-MM-DD)."),
    record: str = typer.Option(None, "--record", help="Only reads of this household or person (its code)."),
    limit: int = typer.Option(500, "--limit", help="At most this many reads."),
) -> None:
    """Who read sensitive fields (health, death, notes) of which records, when, and through what.

    Every read by a person on the web or with `show` is recorded, on every device, and syncs.

    \b
    Example: frontaid audit --record KMT-042-6 --since 2022-12-01
    """
    st = state(ctx)
    rows = auditq.reads(st.replica(), user=(user or "").strip() or None, since=parse_day(since),
                        record=code_of(record) if record else None, limit=max(1, limit))

    def human(c: Console) -> None:
        c.print(table(_("Reads of sensitive fields"), [
            _("When"), _("Who"), _("Device"), _("Records"), _("What was read"), _("Where")], [
            (when(r["when"]), r["user"], r["device"], ", ".join(r["records"]),
             ", ".join(_(CLASSES.get(k, k)) for k in r["classes"]), _where(str(r["via"]))) for r in rows],
            empty=_("No reads of sensitive fields recorded.")))
    emit(st, rows, human)


@app.command()
def purge(
    ctx: typer.Context,
    left_before: str = typer.Option(None, "--left-before", metavar="DATE",
                                    help="Households that left the town before this day, and their people."),
    died_before: str = typer.Option(None, "--died-before", metavar="DATE",
                                    help="People who died before this day."),
    yes: bool = typer.Option(False, "--yes", help="Purge. Without it, only say what would be purged."),
) -> None:
    """Remove the personal data (names, addresses, notes, death details) of people who left the
    town or died long ago, keeping the counts. Every device drops it at its next sync.

    Without --yes nothing changes: it says how many households and people would be purged.

    \b
    Example: frontaid purge --left-before 2022-09-01 --yes
    """
    st = state(ctx)
    left, died = parse_day(left_before), parse_day(died_before)
    if left is None and died is None:
        raise BadInput("Say which people to purge: --left-before DATE, --died-before DATE, or both.")
    for day in (left, died):
        if day is not None and day > date.today():
            raise BadInput("The date {value} is in the future; a purge reaches back only.",
                           value=day.isoformat())
    rep = st.replica()
    found = purging.purge(rep, st.actor, left, died) if yes else purging.plan(rep, left, died)
    hh, people = len(found.households), len(found.people)
    what = (ngettext("{n} household", "{n} households", hh).format(n=hh) + ", "
            + ngettext("{n} person", "{n} people", people).format(n=people))
    if not found.records:
        message = _("Nothing to purge: nobody matches.")
    elif yes:
        message = _("Purged the personal data of {what}. The counts stay; every device drops the data "
                    "at its next sync.").format(what=what)
    else:
        message = _("Would purge the personal data of {what}. Nothing changed: run again with --yes "
                    "to purge.").format(what=what)
    emit(st, {"purged": yes and bool(found.records), "households": hh, "people": people,
              "records": len(found.records)}, lambda c: c.print(message))


def _where(via: str) -> str:
    """"cli household show" → "command line: household show"; "web /households/X" → "web: /households/X"."""
    kind, _sep, rest = via.partition(" ")
    words = {"cli": _("command line"), "web": _("web")}
    return f"{words[kind]}: {rest}" if kind in words else via
