"""Commands for the teams that go out: add, list, retire (issue 12)."""

from __future__ import annotations

import typer

from frontaid.actions import registry as reg
from frontaid.cli.context import done, emit, group, state, table
from frontaid.i18n import gettext as _
from frontaid.queries import aid as aidq

team_app = group(
    "team", "The teams that go out: requests are assigned to them, home deliveries made by them.",
    "frontaid team list")


@team_app.command("add")
def team_add(
    ctx: typer.Context,
    slug: str = typer.Argument(..., help="Short id of the team, e.g. east-1."),
    name: str = typer.Option(..., "--name", help="Its name, as people call it."),
    members: str = typer.Option("", "--members", help="Who is in it (first names)."),
) -> None:
    """Add a team.

    \b
    Example: frontaid team add east-1 --name "Схід-1" --members "Олег, Світлана"
    """
    st = state(ctx)
    team = reg.add_team(st.replica(), st.actor, slug.strip(), name.strip(), members.strip())
    done(st, _("Team {team} added.").format(team=team), {"team": team})


@team_app.command("list")
def team_list(ctx: typer.Context) -> None:
    """List the teams that still go out.

    \b
    Example: frontaid team list
    """
    st = state(ctx)
    rows = aidq.list_teams(st.replica())
    emit(st, rows, lambda c: c.print(table(_("Teams"), [_("Team"), _("Team's name"), _("Members")], [
        (r["eid"], r["name"], r["members"] or "") for r in rows], empty=_("No teams yet."))))


@team_app.command("retire")
def team_retire(
    ctx: typer.Context,
    team: str = typer.Argument(..., help="The team's id or name."),
    on: str = typer.Option(None, "--on", help="Since this day, YYYY-MM-DD (default: today)."),
) -> None:
    """Retire a team: its past work stays on record; it is offered and accepted no more.

    \b
    Example: frontaid team retire east-1
    """
    st = state(ctx)
    eid = reg.retire_team(st.replica(), st.actor, team, on)
    done(st, _("Team {team} retired.").format(team=eid), {"team": eid})
