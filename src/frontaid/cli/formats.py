"""`frontaid export ...` and `frontaid import FILE`: the cluster's formats out, lists and KoBo forms in."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from frontaid.actions import exports as export_actions
from frontaid.actions import imports as actions
from frontaid.cli.context import app, console, emit, group, state, table
from frontaid.errors import BadInput, UnknownChoice, reason_text
from frontaid.i18n import gettext as _
from frontaid.imports import mapping as mapping_mod
from frontaid.imports import reader
from frontaid.queries import exports as q
from frontaid.reports import exports as writers

FORMATS = {"hxl": ".csv", "xlsx": ".xlsx", "5w": ".xlsx", "geojson": ".geojson"}


def _day(text: str | None, default: date) -> date:
    if not text:
        return default
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise BadInput("'{value}' is not a date. Write it as YYYY-MM-DD (or YYYY-MM-DD HH:MM).",
                       value=text[:20]) from None


@app.command("export")
def export(
    ctx: typer.Context,
    fmt: str = typer.Argument(..., metavar="FORMAT", help="hxl, xlsx, 5w or geojson."),
    out: Path = typer.Option(None, "-o", "--output", help="The file to write [default: frontaid-FORMAT.*]."),
    with_names: bool = typer.Option(False, "--with-names",
                                    help="Include names, addresses and notes (a hub or coordinator only; "
                                         "recorded in the log)."),
    since: str = typer.Option(None, "--from", help="First day of the period [default: 30 days ago]."),
    until: str = typer.Option(None, "--to", help="Last day of the period [default: today]."),
    org: str = typer.Option("frontaid", "--org", help="The reporting organisation (5W)."),
    hromada_pcode: str = typer.Option("UA1402001", "--hromada-pcode", help="The hromada's P-code (adm3)."),
) -> None:
    """Export for the cluster system: HXL-tagged CSV, XLSX (a sheet per table), the 5W, GeoJSON.

    HXL and the 5W count people reached per zone and cluster (1-4 people are not shown); XLSX
    and GeoJSON carry no names unless --with-names. `frontaid import` reads the XLSX back.

    \b
    Example: frontaid export hxl --from 2022-11-01 --to 2022-11-30 -o bakhmut-november.csv
    """
    st = state(ctx)
    fmt = fmt.lower()
    if fmt not in FORMATS:
        raise UnknownChoice(value=fmt[:20], what="format", choices=", ".join(FORMATS))
    rep = st.replica()
    if with_names:
        export_actions.allow_names(rep)
    last = _day(until, date.today())
    first = _day(since, last - timedelta(days=30))
    path = out or Path(f"frontaid-{fmt}{FORMATS[fmt]}")
    admin = writers.Admin(adm3_code=hromada_pcode)
    if fmt == "hxl":
        n = writers.write_hxl(q.activity(rep, first, last), path, first, last, admin)
    elif fmt == "5w":
        n = writers.write_5w(q.activity(rep, first, last), path, first, last, admin, org)
    elif fmt == "xlsx":
        n = writers.write_xlsx({t: q.table_rows(rep, t, with_names) for t in q.REGISTRY_COLUMNS}, path)
    else:
        n = writers.write_geojson(q.features(rep, with_names), path)
    if with_names and fmt in ("xlsx", "geojson"):
        export_actions.record_names_export(rep, st.actor, fmt, n)
    emit(st, {"format": fmt, "file": str(path), "rows": n, "names": with_names},
         lambda c: c.print(_("{rows} rows written to {file}.").format(rows=n, file=path)))


held_app = group("held", "Rows an import held back: they may be people already registered.",
                 "frontaid held list")



def _show_mapping(c: Console, cols: dict[str, str]) -> None:
    c.print(table(_("Columns of the file"), [_("Column"), _("Field")],
                  [(h, _(mapping_mod.LABELS[f]) if f else _("(not imported)")) for h, f in cols.items()]))


@app.command("import")
def import_file(
    ctx: typer.Context,
    file: Path = typer.Argument(..., help="A CSV or XLSX list, a KoBo/ODK export (JSON, CSV, XLSX), or "
                                          "frontaid's own XLSX export."),
    mapping_file: Path = typer.Option(None, "--mapping",
                                      help="Column mapping (JSON) to use instead of the guess."),
    save_mapping: Path = typer.Option(None, "--save-mapping",
                                      help="Write the guessed mapping to this file "
                                           "(edit it, then --mapping)."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Check every row and report; change nothing."),
    yes: bool = typer.Option(False, "--yes", "-y", help="Take the guessed mapping without asking."),
    zone: str = typer.Option(None, "--zone", help="The zone of rows that name none."),
    encoding: str = typer.Option(None, "--encoding", help="The CSV's encoding if not UTF-8 (e.g. cp1251)."),
    no_dedup: bool = typer.Option(False, "--no-dedup",
                                  help="Skip the duplicate check (faster; not advised)."),
) -> None:
    """Import households and people: all rows or none, each once however often the file is imported.

    Columns are guessed from the headers (Ukrainian, Russian, English) and shown for confirmation.
    People who may already be registered are held back for review (frontaid held list).

    \b
    Example: frontaid import spysok.xlsx --dry-run
    """
    st = state(ctx)
    rep = st.replica()
    c = console()
    kind, tables = reader.inspect(file, encoding)
    columns: dict[str, str] | None = None
    if kind == "list":
        headers = tables[0].headers
        columns = mapping_mod.load(mapping_file, headers) if mapping_file else mapping_mod.guess(headers)
        if save_mapping:
            mapping_mod.save(save_mapping, columns)
            if not st.json:
                c.print(_("Mapping saved to {file}: edit it and run again with --mapping {file}.")
                        .format(file=save_mapping))
            return
        if not st.json:
            _show_mapping(c, columns)
        asked = not (mapping_file or yes or dry_run or st.json)
        if asked and (not sys.stdin.isatty() or not typer.confirm(_("Import with these columns?"))):
                c.print(_("Nothing imported. Confirm with --yes, or save the mapping with --save-mapping."))
                raise typer.Exit(1)
    with _progress(st, _("Reading")) as tick:
        plan = reader.read(file, columns=columns, encoding=encoding, zone=zone,
                           tick=lambda n: tick(n, 0))
    problems = actions.check(rep, plan)
    if dry_run:
        shown = [{"line": p.line, "reason": reason_text(p.reason, p.params)} for p in problems]
        data: dict[str, Any] = {"kind": plan.kind, "rows": plan.rows, "households": len(plan.households),
                                "people": sum(len(h.members) for h in plan.households), "problems": shown}

        def report(c: Console) -> None:
            for p in shown:
                c.print(_("line {line}: {reason}").format(**p))
            c.print(_("{rows} rows read: {households} households, {people} people; {bad} rows with errors.")
                    .format(bad=len(problems), **data))
        emit(st, data, report)
        if problems:
            raise typer.Exit(2)
        return
    actions.refuse_problems(problems)
    with _progress(st, _("Importing")) as tick:
        result = actions.apply(rep, st.actor, plan, file=file.name, dedup=not no_dedup, progress=tick)

    def human(c: Console) -> None:
        c.print(_("Imported: {households} households, {people} people ({skipped} already there, "
                  "{updated} updated).").format(**result))
        if result["held"]:
            c.print(_("{held} people may already be registered and were held back: frontaid held list")
                    .format(**result))
        if result["queued"]:
            c.print(_("{queued} pairs in the file may be the same person: frontaid dedup review")
                    .format(**result))
    emit(st, result, human)


@contextmanager
def _progress(st: Any, what: str) -> Iterator[Callable[[int, int], None]]:
    """A progress bar on a terminal's stderr (none with --json or into a file): tick(done, total), or
    tick(n, 0) to advance by n."""
    if st.json or not sys.stderr.isatty():
        yield lambda done, total: None
        return
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=Console(file=sys.stderr), transient=True) as bar:
        task = bar.add_task(what, total=None)

        def tick(done: int, total: int) -> None:
            if total:
                bar.update(task, completed=done, total=total)
            else:
                bar.advance(task, done)
        yield tick


def _person(name: Any, born: Any, address: Any) -> str:
    return " · ".join(str(x) for x in (name, born, address) if x)


@held_app.command("list")
def held_list(ctx: typer.Context, limit: int = typer.Option(50, "--limit", min=1, max=1000,
                                                             help="How many rows to show.")) -> None:
    """Rows held back by an import: the file's line and the registered person they may be.

    \b
    Example: frontaid held list
    """
    st = state(ctx)
    rows = q.held_rows(st.replica(), limit=limit)

    def human(c: Console) -> None:
        if not rows:
            c.print(_("No rows are held."))
            return
        c.print(table(_("Held rows"), [_("Key"), _("File"), _("Line"), _("In the file"), _("May be"),
                                       _("Score")],
                      [(r["key"], r["file"], r["line"], _person(r["name"], r["born"], r["address"]),
                        f"{r['candidate']} · " + _person(r["candidate_name"], r["candidate_born"],
                                                         r["candidate_address"]), r["score"]) for r in rows]))
        c.print(_("Someone new: frontaid held release KEY   Already registered: frontaid held drop KEY"))
    emit(st, rows, human)


@held_app.command("release")
def held_release(ctx: typer.Context, key: str = typer.Argument(..., help="The held row's key.")) -> None:
    """The held row is someone new: register them (and their household if it is not yet).

    \b
    Example: frontaid held release row:3f2a9c0d1e7b4a5c6d8e
    """
    st = state(ctx)
    code = actions.release(st.replica(), st.actor, key)
    emit(st, {"key": key, "person": code}, lambda c: c.print(_("Registered as {code}.").format(code=code)))


@held_app.command("drop")
def held_drop(ctx: typer.Context, key: str = typer.Argument(..., help="The held row's key.")) -> None:
    """The held row is someone already registered: nothing is created, and a re-import stays quiet.

    \b
    Example: frontaid held drop row:3f2a9c0d1e7b4a5c6d8e
    """
    st = state(ctx)
    actions.drop(st.replica(), key)
    emit(st, {"key": key}, lambda c: c.print(_("Dropped: the row is someone already registered.")))
