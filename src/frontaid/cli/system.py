"""Commands about the whole picture and the replica: status, log, retract, rebuild, demo."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer
from rich.columns import Columns
from rich.console import Console, Group
from rich.panel import Panel
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from frontaid.actions import corrections
from frontaid.actions import validate as check
from frontaid.cli.aid import evac_tables, stock_cells
from frontaid.cli.context import app, console, done, emit, fields_panel, label, state, table, when
from frontaid.domain import vocab
from frontaid.errors import AlreadyInitialised
from frontaid.i18n import gettext as _
from frontaid.queries import log as logq
from frontaid.queries import status as statusq
from frontaid.store.replica import Replica


@app.command()
def status(
    ctx: typer.Context,
    town: str = typer.Option(None, "--town", help="Only this town's zones (a regional hub)."),
) -> None:
    """One screen: people, reach, needs, stock, harm, evacuation, and this replica.

    \b
    Example: frontaid status --town bakhmut
    """
    st = state(ctx)
    from frontaid.sync.scope import scope_summary  # the sync machinery loads for `status` only

    rep = st.replica()
    data = statusq.status(rep, town=town and check.town(rep, town))
    data["replica"].update(scope_summary(rep))
    emit(st, data, lambda c: print_status(c, data))


def print_status(c: Console, s: dict[str, Any]) -> None:
    ppl, h24, h7 = s["people"], s["harm_24h"], s["harm_7d"]
    people = fields_panel(_("People remaining"), [
        (_("Estimate"), ppl["estimate"]), (_("Registered"), ppl["registered"]),
        (_("Households"), ppl["households"]), (_("Households reached in 7 days"), s["reached_7d"]),
        (_("Bodies awaiting recovery"), s["bodies_awaiting_recovery"])])
    harm = table(_("Incidents and harm"), [_("Period"), _("Incidents"), _("Killed"), _("Wounded")], [
        (_("24 hours"), h24["incidents"], h24["killed"], h24["wounded"]),
        (_("7 days"), h7["incidents"], h7["killed"], h7["wounded"])])
    needs = table(_("Open requests"), [_("Need"), _("Open")],
                  [(label(vocab.NEEDS, n), k) for n, k in s["open_requests"].items()],
                  empty=_("No open requests."))
    stock = table(_("Stock cover"), [_("Item"), _("Quantity"), _("Per day"), _("Days of cover")], [
        (label(vocab.ITEM_NAMES, r["item"]), *stock_cells(r)) for r in s["stock"]],
        empty=_("No stock recorded."))
    rep = s["replica"]
    replica = fields_panel(_("This replica"), [
        (_("Origin"), rep["origin"]), (_("Code prefix"), rep["prefix"]), (_("Ops"), rep["ops"]),
        (_("Version vector"), ", ".join(f"{o[:8]}:{n}" for o, n in sorted(rep["vector"].items()))),
        (_("State digest"), rep["state"]),
        *([(_("Zones held"), ", ".join(rep["zones"])), (_("State of the zones held"), rep["scoped_state"])]
          if "zones" in rep else [])])
    c.print(Panel(Group(
        Columns([people, replica]),
        Columns([needs, stock]),
        Columns([harm, evac_tables(s["evacuation"])]),
    ), title=f"{s['town']} · {s['date']}", title_align="left"))


@app.command()
def log(
    ctx: typer.Context,
    limit: int = typer.Option(50, "--limit", help="At most this many entries."),
    entity: str = typer.Option(None, "--entity",
                               help="Only ops on this kind of record (household, person...)."),
    eid: str = typer.Option(None, "--id", help="Only ops on this record."),
) -> None:
    """The op log, newest first: when, who, on which device, what.

    \b
    Example: frontaid log --entity household --id KMT-042-6
    """
    from frontaid.cli.context import code_of

    st = state(ctx)
    rows = logq.entries(st.replica(), limit=limit, entity=entity, eid=code_of(eid) if eid else None)
    emit(st, rows, lambda c: c.print(table(_("Log"), [
        _("Op"), _("When"), _("Who"), _("Device"), _("Record"), _("What")], [
        (r["id"], when(r["when"]), r["actor"], r["device"], f"{r['entity']} {r['eid']}", r["what"])
        for r in rows],
        empty=_("The log is empty."))))


@app.command()
def retract(
    ctx: typer.Context,
    op: str = typer.Argument(..., metavar="OP_ID",
                             help="The op to void, origin:seq as `frontaid log` shows."),
    reason: str = typer.Option(None, "--reason", help="Why (kept in the log)."),
) -> None:
    """Void a mistaken op; the log keeps both the op and its retraction.

    \b
    Example: frontaid retract 3f9a1c0e5b7d2a64:17 --reason "wrong household"
    """
    st = state(ctx)
    corrections.retract(st.replica(), st.actor, op.strip(), reason)
    done(st, _("Op {op} retracted.").format(op=op.strip()), {"retracted": op.strip()})


@app.command()
def rebuild(
    ctx: typer.Context,
    check: bool = typer.Option(False, "--check",
                               help="Compare the projections before and after; exit 1 if they differ."),
) -> None:
    """Fold every projection again from the op log.

    \b
    Example: frontaid rebuild --check
    """
    st = state(ctx)
    rep = st.replica()
    before = rep.projection_hash()
    rep.rebuild()
    after = rep.projection_hash()
    same = before == after
    data = {"before": before, "after": after, "same": same, "ops": rep.op_count()}

    def human(c: Console) -> None:
        c.print(_("Projections rebuilt from {ops} ops.").format(ops=data["ops"]))
        if check:
            c.print(fields_panel(_("Projection hash"), [(_("Before"), before), (_("After"), after)]))
            c.print(_("Identical.") if same else _("They differ: the incremental state was wrong."))
    emit(st, data, human)
    if check and not same:
        raise typer.Exit(1)


@app.command()
def demo(
    ctx: typer.Context,
    households: int = typer.Option(2500, "--households", help="How many households the demo town has."),
    seed: int = typer.Option(7, "--seed", help="Random seed (the same seed gives the same town)."),
    no_serve: bool = typer.Option(False, "--no-serve", help="Do not start the web app afterwards."),
    force: bool = typer.Option(False, "--force", help="Overwrite the --db file if it exists."),
    port: int = typer.Option(8080, "--port", help="Port of the web app (on 127.0.0.1)."),
) -> None:
    """Build the demo town from the field report into --db, show its status, then serve it.

    The web app listens on 127.0.0.1 only; two demo logins (coordinator and desk) are
    made with a fresh password, printed once.

    \b
    Example: frontaid --db demo.db demo --households 300 --seed 7 --no-serve
    """
    st = state(ctx)
    path = Path(st.db)
    if path.exists() and path.stat().st_size > 0:
        if not force:
            raise AlreadyInitialised(path=str(path))
        from frontaid.web.users import users_path

        for p in (path, Path(f"{path}-wal"), Path(f"{path}-shm"), users_path(path)):
            p.unlink(missing_ok=True)
    from frontaid.scenario import build_demo  # written alongside; imported late so the CLI works without it

    out = console()
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=Console(file=out.file, stderr=False, width=out.width), transient=st.json,
                  disable=st.json) as bar:
        tasks: dict[str, Any] = {}

        def progress(phase: str, done_: int, total: int) -> None:
            if phase not in tasks:
                tasks[phase] = bar.add_task(_(phase), total=total)
            bar.update(tasks[phase], completed=done_, total=total)

        rep: Replica = build_demo(path, households=households, seed=seed, progress=progress)
    try:
        data = statusq.status(rep)
    finally:
        rep.close()

    logins: dict[str, str] = {}
    if not no_serve:
        import secrets

        from frontaid.web.users import Users, users_path

        users = Users(users_path(path))
        password = secrets.token_urlsafe(9)
        for name in ("coordinator", "desk"):
            users.add(name, name, password)
            logins[name] = password
        data = {**data, "web": {"url": f"http://127.0.0.1:{port}/desk", "logins": logins}}

    def human(c: Console) -> None:
        print_status(c, data)
        if logins:
            c.print(_("Open http://127.0.0.1:{port}/desk and log in as {users} with the password {password}")
                    .format(port=port, users=" / ".join(logins), password=password))
    emit(st, data, human)
    if not no_serve:
        from frontaid.cli.sync import run_server

        run_server(path, "127.0.0.1", port)
