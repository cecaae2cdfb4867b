"""Sync, devices and flags: `serve`, `sync`, `device`, `flags`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
from typer._click.core import Context  # typer 0.29 vendors click: its Context is this one
from typer.core import TyperGroup

from frontaid.cli.context import CONTEXT, app, console, done, emit, fields_panel, state, table
from frontaid.errors import BadInput
from frontaid.i18n import gettext as _


class SyncGroup(TyperGroup):
    """`frontaid sync URL` syncs with a hub; `frontaid sync export|import|vector` handle bundles."""

    default_command = "with"  # what `frontaid sync URL` runs (cli/roles.py reads it for the policy)

    def resolve_command(self, ctx: Context, args: list[str]) -> Any:
        if args and args[0].startswith(("http://", "https://")):
            cmd = self.get_command(ctx, "with")
            return "with", cmd, args
        return super().resolve_command(ctx, args)


sync_app = typer.Typer(
    cls=SyncGroup, rich_markup_mode=None, context_settings=CONTEXT, no_args_is_help=True,
    add_completion=False,
    help="Exchange changes with a hub over the network, or with bundles on a USB stick.\n\n"
         "\b\nExample: frontaid sync http://192.168.1.10:8080")
app.add_typer(sync_app, name="sync")
device_app = typer.Typer(
    rich_markup_mode=None, context_settings=CONTEXT, no_args_is_help=True, add_completion=False,
    help="Enrol, list and revoke the devices of this deployment.\n\n\b\nExample: frontaid device list")
app.add_typer(device_app, name="device")
flags_app = typer.Typer(
    rich_markup_mode=None, context_settings=CONTEXT, add_completion=False, invoke_without_command=True,
    help="What merging could not decide alone: list the flags and resolve them.\n\n"
         "\b\nExample: frontaid flags")
app.add_typer(flags_app, name="flags")


def _report_lines(c: Console, report: dict[str, Any]) -> None:
    c.print(_("New changes applied: {n}.").format(n=report.get("applied", 0) + report.get("released", 0)))
    if report.get("already"):
        c.print(_("Already here: {n}.").format(n=report["already"]))
    if report.get("held"):
        c.print(_("Held back until the missing changes arrive: {n}.").format(n=report["held"]))
    for line in report.get("refused", []):
        c.print(_("Refused: {what}").format(what=line))
    if report.get("flags"):
        c.print(_("New flags: {n} (see `frontaid flags`).").format(n=len(report["flags"])))


@app.command()
def serve(
    ctx: typer.Context,
    host: str = typer.Option("0.0.0.0", "--host", help="Address to listen on (0.0.0.0: the local network)."),
    port: int = typer.Option(8080, "--port", help="Port to listen on."),
    workers: int = typer.Option(0, "--workers",
                                help="Server processes (0: one per CPU core, at most 4)."),
    tls: bool = typer.Option(False, "--tls", help="Serve HTTPS with the hub's own certificate "
                             "(made on first use; devices pin it). Without it, passwords and names "
                             "cross the Wi-Fi in clear."),
    san: list[str] = typer.Option([], "--san", help="Another name or address for the certificate "
                                  "(the machine's name and LAN addresses are in it already)."),
) -> None:
    """Serve this replica to the local network: sync for the devices (and the web app).

    With --tls, prints where phones download the hub's certificate (/ca.crt) and its
    fingerprint to compare when installing it.

    \b
    Example: frontaid --db hub.db serve --tls --host 0.0.0.0 --port 8443
    """
    run_server(state(ctx).db, host, port, workers, tls=tls, names=san)


def run_server(db: Path, host: str, port: int, workers: int = 0, tls: bool = False,
               names: list[str] | None = None) -> None:
    """Serve the replica at `db` (web app and sync) until Ctrl+C.

    Python runs one thread at a time, so the hub's cores are used by processes: each
    worker opens the same replica file, and SQLite's lock takes their writes one at a time
    (each write transaction reads the replica's counters afresh when it begins).
    """
    import os

    import uvicorn

    from frontaid.cli.passphrase import unlock
    from frontaid.store.replica import Replica
    from frontaid.web.app import SERVE_DB_ENV, tls_context

    key = unlock(Path(db))  # an encrypted replica: the passphrase is asked once, here
    rep = Replica.open(db, key=key)  # a clear message now, not a worker dying at start
    try:
        if tls:
            from frontaid.sync.tls import ensure_server_cert, fingerprint, local_names, spaced

            ensure_server_cert(rep, local_names([host, *(names or [])]))
            ca_fp = spaced(fingerprint(str(rep.meta("tls_ca_cert"))))
    finally:
        rep.close()
    if workers <= 0:
        workers = max(1, min(4, os.cpu_count() or 1))
    scheme = "https" if tls else "http"
    typer.echo(_("Serving {db} on {scheme}://{host}:{port} (Ctrl+C to stop).").format(
        db=db, scheme=scheme, host=host, port=port))
    if tls:
        typer.echo(_("Phones: install the hub's certificate from {scheme}://{host}:{port}/ca.crt "
                     "and check that its SHA-256 fingerprint is {fp}").format(
            scheme=scheme, host=host, port=port, fp=ca_fp))
    elif host not in ("127.0.0.1", "localhost", "::1"):
        typer.echo(_("Warning: without --tls, passwords and the names on every page cross the Wi-Fi "
                     "in clear."), err=True)
    os.environ[SERVE_DB_ENV] = str(Path(db).resolve())
    ssl_factory = tls_context if tls else None
    if workers == 1:
        from frontaid.web.app import create_app
        from frontaid.web.serving import stop_serving

        web = create_app(db)
        web.state.stop_serving = stop_serving
        uvicorn.run(web, host=host, port=port, log_level="warning", access_log=False,
                    ssl_context_factory=ssl_factory)
        return
    from frontaid.web.serving import serve_workers

    serve_workers(Path(db).resolve(), key, workers, host, port, ssl_context_factory=ssl_factory)


@sync_app.command("with", hidden=True)
def sync_with(
    ctx: typer.Context,
    url: str = typer.Argument(..., help="The hub's address, e.g. http://192.168.1.10:8080."),
    batch: int = typer.Option(5000, "--batch", help="Changes per request."),
    pin: str = typer.Option(None, "--pin", help="The hub's certificate fingerprint (SHA-256, as "
                            "`frontaid serve --tls` prints it), for a device enrolled before the hub "
                            "had one; kept for next time."),
) -> None:
    """Pull what the hub has, then push what it lacks; safe to cut and run again.

    Over https the hub must show the certificate this device pinned at enrolment
    (not any certificate the system trusts).

    \b
    Example: frontaid sync https://192.168.1.10:8443
    """
    from frontaid.sync.http import SyncClient

    st = state(ctx)
    rep = st.replica()
    if pin:
        from frontaid.sync.tls import pin as pin_hub

        pin_hub(rep, pin)
    client = SyncClient(rep, url, limit=max(100, batch))
    try:
        if st.json:
            result = client.sync()
        else:
            with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                          console=Console(stderr=True), transient=True) as bar:
                tasks: dict[str, Any] = {}

                def progress(phase: str, done_: int, total: int) -> None:
                    if phase not in tasks:
                        tasks[phase] = bar.add_task(_("Receiving") if phase == "pull" else _("Sending"))
                    bar.update(tasks[phase], completed=done_, total=max(total, done_, 1))

                result = client.sync(progress)
    finally:
        client.close()
    def human(c: Console) -> None:
        c.print(_("Synced with {url}: received {pulled}, sent {pushed}.").format(
            url=url, pulled=result["pulled"], pushed=result["pushed"]))
        _report_lines(c, {"refused": result["refused"], "flags": result["flags"]})
    emit(st, result, human)


@sync_app.command("export")
def sync_export(
    ctx: typer.Context,
    out: Path = typer.Option(..., "-o", "--out", help="The bundle file to write."),
    for_peer: str = typer.Option(None, "--for", help="Only what this device (name) has not yet got."),
    since_vector: Path = typer.Option(None, "--since-vector", help="Only what is beyond this vector file."),
    all_ops: bool = typer.Option(False, "--all", help="Everything this replica holds."),
) -> None:
    """Write a sealed bundle (compressed, encrypted, signed) for a USB stick.

    \b
    Example: frontaid sync export --for team-east -o /media/usb/for-team-east.fab
    """
    from frontaid.sync.bundle import export_bundle, peer_vector, read_vector_file

    st = state(ctx)
    rep = st.replica()
    if sum(bool(x) for x in (for_peer, since_vector, all_ops)) != 1:
        raise BadInput("Say what to export: --for DEVICE, --since-vector FILE or --all.")
    since = (peer_vector(rep, for_peer) if for_peer else
             read_vector_file(since_vector) if since_vector else {})
    target = rep.conn.execute("SELECT eid FROM devices WHERE (name = ? OR eid = ?) AND created = 1",
                              (for_peer, for_peer)).fetchone() if for_peer else None
    stats = export_bundle(rep, out, since, for_origin=target[0] if target else None)
    done(st, _("Wrote {ops} changes to {path} ({size} bytes).").format(
        ops=stats["ops"], path=out, size=stats["bytes"]), {"path": str(out), **stats})


@sync_app.command("import")
def sync_import(
    ctx: typer.Context,
    bundle: Path = typer.Argument(..., help="The bundle file."),
) -> None:
    """Apply a bundle: all of it or nothing; importing it twice changes nothing.

    \b
    Example: frontaid sync import /media/usb/for-hub.fab
    """
    from frontaid.sync.bundle import import_bundle

    st = state(ctx)
    report = import_bundle(st.replica(), bundle).as_dict()
    emit(st, report, lambda c: _report_lines(c, report))


@sync_app.command("vector")
def sync_vector(
    ctx: typer.Context,
    out: Path = typer.Option(None, "-o", "--out", help="Write it to this file (for --since-vector)."),
) -> None:
    """Show (or save) what this replica holds: the highest change of each device.

    \b
    Example: frontaid sync vector -o /media/usb/team-east.vector
    """
    st = state(ctx)
    rep = st.replica()
    data: dict[str, Any] = {"origin": rep.origin, "vector": rep.vector()}
    if out:
        out.write_text(json.dumps(data, indent=1, sort_keys=True))
    names = dict(rep.conn.execute("SELECT eid, name FROM devices WHERE created = 1"))
    rows = [(names.get(o, "?"), o, n) for o, n in sorted(data["vector"].items())]
    emit(st, data, lambda c: c.print(table(_("Changes held, by device"),
                                           [_("Device"), _("Origin"), _("Changes")], rows)))


@device_app.command("enroll")
def device_enroll(
    ctx: typer.Context,
    name: str = typer.Argument(..., help="A name for the new device, e.g. team-east."),
    role: str = typer.Option("field", "--role", help="field, desk or hub."),
    zones: str = typer.Option(None, "--zones",
                              help="Zone slugs, comma-separated: the device will hold only the "
                                   "households of these zones (for devices at risk of capture)."),
    town: str = typer.Option(None, "--town", help="A regional hub: the device holds only this town's zones "
                                                 "(as they are now)."),
    qr: bool = typer.Option(True, "--qr/--no-qr", help="Also show the code as a QR code."),
) -> None:
    """On the hub: a one-time code that lets a new device join this deployment.

    The code carries the deployment key: show it only to the person setting up the device.

    \b
    Example: frontaid device enroll team-east --zones east-north,east-south
    """
    from frontaid.sync.devices import enroll

    st = state(ctx)
    rep = st.replica()
    chosen = zones.split(",") if zones is not None else None
    if town is not None:
        from frontaid.actions import validate as check
        from frontaid.queries.towns import zones_of

        chosen = [*(chosen or []), *zones_of(rep, check.town(rep, town))]
    code = enroll(rep, st.actor, name.strip(), role.strip().lower(), zones=chosen)
    from frontaid.sync import shortcode
    from frontaid.sync.devices import parse_code

    short = shortcode.make(rep, code, parse_code(code).hub_fingerprint)

    def human(c: Console) -> None:
        c.print(_("On the new device run:"))
        c.print(f"  frontaid --db frontaid.db init --join {code}")
        if qr:
            import io

            import segno

            buf = io.StringIO()
            segno.make(code, error="m").terminal(out=buf, compact=True)
            c.print(buf.getvalue(), highlight=False, markup=False)
        c.print(_("Or type the short code (once, within 30 minutes, with `frontaid serve` running here):"))
        c.print(f"  frontaid --db frontaid.db init --join {short} --hub http://HUB-ADDRESS:8080")
    emit(st, {"name": name, "role": role, "code": code, "short_code": short}, human)


@device_app.command("list")
def device_list(ctx: typer.Context) -> None:
    """List the devices: name, role, code prefix, changes held, revoked or not.

    \b
    Example: frontaid device list
    """
    from frontaid.sync.devices import list_devices

    st = state(ctx)
    rows = list_devices(st.replica())

    def status_of(r: dict[str, Any]) -> str:
        if r.get("pending_until"):
            return _("enrolled, not joined yet (until {day})").format(day=r["pending_until"])
        if r["revoked_after"] is not None:
            return _("revoked after change {n}").format(n=r["revoked_after"])
        return _("this device") if r["this"] else _("active")
    emit(st, rows, lambda c: c.print(table(_("Devices"), [_("Name"), _("Role"), _("Prefix"), _("Changes"),
                                                           _("Status")],
                                           [(r["name"], r["role"], r["prefix"], r["ops"], status_of(r))
                                            for r in rows])))


@device_app.command("revoke")
def device_revoke(
    ctx: typer.Context,
    name: str = typer.Argument(..., help="The device's name."),
) -> None:
    """On the hub: refuse every change a lost or captured device makes from now on.

    Its earlier changes stay. The revocation travels to every replica with the next sync.

    \b
    Example: frontaid device revoke team-east
    """
    from frontaid.sync.devices import revoke

    st = state(ctx)
    top = revoke(st.replica(), st.actor, name.strip())
    done(st, _("Device {name} is revoked; its changes after number {n} will be refused.").format(
        name=name, n=top), {"name": name, "revoked_after": top})


@flags_app.callback()
def flags_list(
    ctx: typer.Context,
    all_flags: bool = typer.Option(False, "--all", help="Resolved flags too."),
) -> None:
    """List the flags: double hand-outs, stock below zero, conflicting changes, and more.

    \b
    Example: frontaid flags --all
    """
    if ctx.invoked_subcommand:
        return
    from frontaid.queries.flags import list_flags

    st = state(ctx)
    rows = list_flags(st.replica(), include_resolved=all_flags)
    kinds = {
        "double-handout": _("handed out twice in one round"), "stock-negative": _("stock below zero"),
        "stock-unrecorded": _("handed out where no stock is recorded"),
        "conflict": _("conflicting changes"), "changed-after-merge": _("changed after a merge"),
        "changed-after-void": _("changed after it was voided"), "gap": _("changes missing from a device"),
        "clock-ahead": _("a device's clock is far ahead"),
    }

    def human(c: Console) -> None:
        if not rows:
            c.print(_("No open flags."))
            return
        for f in rows:
            c.print(fields_panel(f"{kinds.get(f['kind'], f['kind'])} · {f['status']}", [
                ("ID", f["id"]), (_("About"), f["subject"]),
                (_("Details"), json.dumps(f["detail"], ensure_ascii=False)),
                (_("Decision"), f.get("decision"))]))
    emit(st, rows, human)


@flags_app.command("resolve")
def flags_resolve(
    ctx: typer.Context,
    flag_id: str = typer.Argument(..., metavar="ID", help="The flag's id, as `frontaid flags` shows it."),
    keep: str = typer.Option(..., "--keep", help="both / a hand-out code / an op id / ok (see the flag)."),
    note: str = typer.Option(None, "--note", help="Why."),
) -> None:
    """Record a decision on a flag; it syncs to every device like any change.

    \b
    Example: frontaid flags resolve double:KMT-042-6:food-kit:3 --keep both --note "two kits agreed"
    """
    from frontaid.actions.flags import resolve

    st = state(ctx)
    result = resolve(st.replica(), st.actor, flag_id, keep=keep, note=note)
    done(st, _("Flag {id} resolved: {decision}.").format(id=flag_id, decision=keep), result)


__all__ = ["console"]
