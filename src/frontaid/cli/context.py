"""What every command shares: the app, the global options, opening the replica, printing.

Commands parse, call an action or a query, and print through `show`/`emit`, so
`--json` and the human view come from the same data.
"""

from __future__ import annotations

import getpass
import json
import os
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.panel import Panel
from rich.table import Table
from typer._click import exceptions as clickexc  # typer 0.29 vendors click; its errors are these
from typer._click.globals import get_current_context
from typer.core import TyperGroup

from frontaid.domain.codes import looks_like_code, normalise_code
from frontaid.errors import BadCode, FrontaidError, NoReplica
from frontaid.i18n import LANGUAGES, current_language, gettext, language_from_env, set_language
from frontaid.store import database
from frontaid.store.replica import Replica

_ = gettext


def N_(msgid: str) -> str:
    """Mark a msgid for extraction where it is translated later (at render time)."""
    return msgid


# Help is rendered by click, plain and at a fixed width, so docs/cli.md generated
# from --help is the same on every machine.
CONTEXT = {"help_option_names": ["--help", "-h"], "terminal_width": 100, "max_content_width": 100}


def error_text(err: FrontaidError, lang: str | None = None) -> str:
    """`err.text(lang)` on one line."""
    return " ".join(err.text(lang).split())


class FrontaidGroup(TyperGroup):
    """The root command: turns every failure into one line on stderr and an exit code."""

    def main(self, args: Sequence[str] | None = None, prog_name: str | None = None,
             complete_var: str | None = None, standalone_mode: bool = True, windows_expand_args: bool = True,
             **extra: Any) -> Any:
        set_language(language_from_env())
        argv = json_first(list(args) if args is not None else sys.argv[1:])
        self.argv = argv  # read by the root callback
        global _JSON_ERRORS
        _JSON_ERRORS = "--json" in argv[:1]
        args = argv
        try:
            rv = super().main(args, prog_name or "frontaid", complete_var, standalone_mode=False,
                              windows_expand_args=windows_expand_args, **extra)
        except FrontaidError as err:
            fail(error_text(err, current_language()), err.exit_code, kind=type(err).__name__)
        except clickexc.NoArgsIsHelpError as err:
            typer.echo(err.ctx.get_help() if err.ctx else "")
            rv = 0
        except clickexc.UsageError as err:
            where = err.ctx.command_path if err.ctx else "frontaid"
            msg = " ".join(err.format_message().split())
            see = _("see")
            fail(f"{where}: {msg} ({see} {where} --help)", 2, kind="UsageError")
        except clickexc.ClickException as err:
            fail(" ".join(err.format_message().split()), err.exit_code)
        except typer.Abort:
            fail(_("Aborted."), 1)
        except database.ANY_DATABASE_ERROR as err:
            fail(_("The database cannot be used: {reason}").format(reason=err), 2)
        except OSError as err:
            fail(_("The file cannot be used: {reason}").format(reason=err.strerror or err), 2)
        except Exception as err:  # a bug: still one line, unless the developer asks for the trace
            if os.environ.get("FRONTAID_DEBUG"):
                raise
            fail(_("Internal error ({kind}). Run again with FRONTAID_DEBUG=1 to see where.").format(
                kind=type(err).__name__), 1)
        sys.exit(rv if isinstance(rv, int) else 0)


# Set when the command line holds --json: failures are then printed as JSON too.
_JSON_ERRORS = False


def json_first(argv: list[str]) -> list[str]:
    """`frontaid status --json` as `frontaid --json status`: --json is accepted after the command
    too (as gh and kubectl users type it), except after `--`, where it is an argument."""
    end = argv.index("--") if "--" in argv else len(argv)
    if "--json" not in argv[:end]:
        return argv
    rest = [a for a in argv[:end] if a != "--json"] + argv[end:]
    return ["--json", *rest]


def fail(line: str, code: int, kind: str = "Error") -> None:
    """One line on stderr and the exit code; with --json, that line is a JSON document:
    {"error": {"kind": "UnknownChoice", "message": "...", "exit": 2}}."""
    if _JSON_ERRORS:
        line = json.dumps({"error": {"kind": kind, "message": line, "exit": code}}, ensure_ascii=False)
    typer.echo(line, err=True)
    sys.exit(code)


app = typer.Typer(
    cls=FrontaidGroup, rich_markup_mode=None, context_settings=CONTEXT, no_args_is_help=True,
    add_completion=False, pretty_exceptions_enable=False,
)


def group(name: str, help: str, example: str) -> typer.Typer:
    """A command group (`frontaid household ...`) added to the root."""
    sub = typer.Typer(rich_markup_mode=None, context_settings=CONTEXT, no_args_is_help=True,
                      add_completion=False, help=f"{help}\n\n\b\nExample: {example}")
    app.add_typer(sub, name=name)
    return sub


# -- global state -----------------------------------------------------------------------


@dataclass
class State:
    db: Path
    json: bool
    lang: str
    actor: str
    # The command as typed ("household show") and the role asked with --role (cli/roles.py).
    command: str = ""
    role_asked: str | None = None
    role: str = "coordinator"
    _rep: Replica | None = field(default=None, repr=False)
    _zones: dict[str, str] | None = field(default=None, repr=False)

    def replica(self) -> Replica:
        """The replica at --db, opened once per command."""
        if self._rep is None:
            from frontaid.cli.passphrase import unlock

            key = unlock(self.db)  # asks for the passphrase of an encrypted replica; None if plain
            try:
                self._rep = Replica.open(self.db, key=key)
            except database.ANY_DATABASE_ERROR:
                raise NoReplica(path=str(self.db)) from None
            get_current_context().call_on_close(self._rep.close)
            from frontaid.actions.exports import device_role
            from frontaid.cli.roles import allow, seat

            self.role = seat(device_role(self._rep), self.role_asked)
            allow(self.command, self.role)
            from frontaid.queries.items import catalogue

            catalogue(self._rep)  # the deployment's own items, named on every screen
        return self._rep


def screened(st: State, rep: Replica, value: Any) -> Any:
    """`value` as this command's role may see it (hidden fields say so), the read recorded in the
    audit trail when it shows sensitive fields (domain/sensitive.py, actions/audit.py)."""
    from frontaid.actions.audit import record_screened
    from frontaid.domain.sensitive import HIDDEN, screen

    shown = screen(st.role, value, _(HIDDEN))
    record_screened(rep, st.actor, shown, f"cli {st.command}")
    return shown.value


def default_actor() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def check_lang(value: str | None) -> str:
    lang = (value or language_from_env()).lower()
    if lang not in LANGUAGES:
        raise typer.BadParameter(f"use one of: {', '.join(LANGUAGES)}")
    return lang


def state(ctx: typer.Context) -> State:
    obj = ctx.find_root().obj
    assert isinstance(obj, State)
    return obj


# -- output -----------------------------------------------------------------------------


def console() -> Console:
    # Not a terminal (a pipe, a test): wide enough that codes and dates never wrap.
    width = None if sys.stdout.isatty() else 120
    return Console(file=sys.stdout, width=width, highlight=False, soft_wrap=False)


def emit(st: State, data: Any, human: Callable[[Console], None]) -> None:
    """One JSON document with --json, else the human view."""
    if st.json:
        typer.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))
    else:
        human(console())


def when(value: Any) -> str:
    """A stored day or moment as the current language writes it, on the town's clock (localtime.shown)."""
    from frontaid.domain.localtime import shown
    from frontaid.i18n import current_language

    return shown(value, current_language()) if value else ""


def zone_name(st: State, zone: Any) -> str:
    """A zone's name in the user's language (its id when unknown): no zone slug on a Ukrainian screen."""
    if not zone:
        return ""
    if st._zones is None:
        from frontaid.queries.registry import list_zones

        en = st.lang == "en"
        st._zones = {str(z["eid"]): str((z["name_en"] if en and z["name_en"] else z["name"]) or z["eid"])
                     for z in list_zones(st.replica())}
    return st._zones.get(str(zone), str(zone))


def label(vocab: Mapping[str, str], slug: Any) -> str:
    """A vocabulary slug as a word in the current language."""
    if slug is None or slug == "":
        return ""
    return _(vocab.get(str(slug), str(slug)))


def labels(vocab: Mapping[str, str], slugs: Any) -> str:
    """A comma-separated set of slugs as words."""
    if not slugs:
        return ""
    items = slugs.split(",") if isinstance(slugs, str) else list(slugs)
    return ", ".join(label(vocab, s) for s in items if s)


def cell(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def table(title: str, columns: Iterable[str], rows: Iterable[Iterable[Any]], *,
          empty: str | None = None) -> Table | str:
    """A rich table with translated headers, or the `empty` line when there are no rows."""
    rows = [list(r) for r in rows]
    if not rows and empty is not None:
        return empty
    t = Table(title=title, title_justify="left", show_lines=False)
    for col in columns:
        t.add_column(col, overflow="fold")
    for r in rows:
        t.add_row(*[cell(v) for v in r])
    return t


def fields_panel(title: str, pairs: Iterable[tuple[str, Any]]) -> Panel:
    """Label: value lines in a panel (empty values left out)."""
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold")
    grid.add_column()
    for name, value in pairs:
        if value not in (None, ""):
            grid.add_row(name, cell(value))
    return Panel(grid, title=title, title_align="left", expand=False)


def done(st: State, message: str, data: dict[str, Any], code: str | None = None) -> None:
    """The answer of a command that changed something: a line, and the code big when there is one."""
    def human(c: Console) -> None:
        c.print(message)
        if code:
            c.print(Panel(f"[bold]{code}[/bold]", expand=False))
    emit(st, data, human)


__all__ = [
    "N_", "State", "app", "cell", "check_lang", "console", "default_actor", "done", "emit",
    "fields_panel", "group", "label", "labels", "state", "table",
]


def code_of(text: str) -> str:
    """The canonical card code for what was typed; a code-shaped text with a wrong check is refused."""
    if looks_like_code(text):
        code = normalise_code(text)
        if code is None:
            raise BadCode(code=text)
        return code
    return text.strip()
