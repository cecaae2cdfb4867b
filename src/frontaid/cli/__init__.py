"""The `frontaid` command: parse, call an action or a query, print.

Every failure becomes one line on stderr in the user's language and the exit code its class
in errors.py gives (see `context.FrontaidGroup`); nothing is recorded unless the action succeeded.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import typer

from frontaid.cli.context import State, app, check_lang, default_actor
from frontaid.cli.helptext import translate
from frontaid.cli.roles import allow, check_role, command_of
from frontaid.i18n import LANGUAGES, language_from_env, set_language


@app.callback()
def root(
    ctx: typer.Context,
    db: Path = typer.Option(Path("frontaid.db"), "--db", envvar="FRONTAID_DB",
                            help="The replica's database file.", show_default=True),
    json_out: bool = typer.Option(False, "--json", help="Print one JSON document instead of tables."),
    lang: str = typer.Option(None, "--lang", help="uk or en [default: FRONTAID_LANG or LANG, else uk]",
                             show_default=False),
    actor: str = typer.Option(None, "--actor", envvar="FRONTAID_ACTOR",
                              help="Who is recorded on each change [default: your user name].",
                              show_default=False),
    role: str = typer.Option(None, "--role", envvar="FRONTAID_ROLE",
                             help="Run as this role: coordinator, desk, field or analyst "
                                  "[default: the device's role; a field or desk device may only "
                                  "lower it to analyst].", show_default=False),
) -> None:
    """Humanitarian operations for a town on the front line, offline-first.

    Registry of who remains, requests, hand-outs, stock, incidents, evacuation
    answers, referrals and welfare checks, in one SQLite file per device.

    \b
    Example: frontaid --db town.db status
    """
    chosen = check_lang(lang)
    set_language(chosen)
    asked = check_role(role)
    command = command_of(ctx.command, getattr(ctx.command, "argv", sys.argv[1:]))
    if asked is not None:
        allow(command, asked)  # refused before anything is opened or asked
    ctx.obj = State(db=db, json=json_out, lang=chosen, actor=(actor or "").strip() or default_actor(),
                    command=command, role_asked=asked, role=asked or "coordinator")


# Each module adds its commands to `app` when imported; the order here is the order in --help.
from frontaid.cli import registry as _registry  # noqa: E402, F401, I001
from frontaid.cli import towns as _towns  # noqa: E402, F401
from frontaid.cli import teams as _teams  # noqa: E402, F401
from frontaid.cli import items as _items  # noqa: E402, F401
from frontaid.cli import aid as _aid  # noqa: E402, F401
from frontaid.cli import system as _system  # noqa: E402, F401
from frontaid.cli import sync as _sync  # noqa: E402, F401
from frontaid.cli import web as _web  # noqa: E402, F401
from frontaid.cli import match as _match  # noqa: E402, F401
from frontaid.cli import plan as _plan  # noqa: E402, F401
from frontaid.cli import reports as _reports  # noqa: E402, F401
from frontaid.cli import formats as _formats  # noqa: E402, F401
from frontaid.cli import protect as _protect  # noqa: E402, F401
from frontaid.cli import privacy as _privacy  # noqa: E402, F401


def early_language(argv: list[str]) -> str:
    """The language asked for on the command line (--lang, as the root option reads it) or by the
    environment, before the command tree is built: `--help` is printed in it."""
    for i, arg in enumerate(argv):
        if arg == "--lang" and i + 1 < len(argv):
            return argv[i + 1].strip().lower()
        if arg.startswith("--lang="):
            return arg.split("=", 1)[1].strip().lower()
    return language_from_env().lower()


def command(lang: str) -> Any:
    """The `frontaid` command tree, its help in `lang`."""
    return translate(typer.main.get_command(app), lang if lang in LANGUAGES else "en")


def main() -> None:
    """Entry point of the `frontaid` script."""
    command(early_language(sys.argv[1:]))(prog_name="frontaid")


__all__ = ["app", "main"]
