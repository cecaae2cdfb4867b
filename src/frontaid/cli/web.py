"""Web users of this hub: `user add`, `user list` (see frontaid/web/users.py for why they are local)."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

import typer

from frontaid.cli.context import emit, group, state, table
from frontaid.i18n import gettext
from frontaid.web.roles import ROLES

if TYPE_CHECKING:
    from frontaid.web.users import Users

_ = gettext

user_app = group("user", "Web users of this hub: who may log in to the desk and pages, with which role.",
                 "frontaid --db hub.db user add olha --role desk")


def _users(ctx: typer.Context) -> Users:
    from frontaid.web.users import Users, users_path  # argon2 loads only for user commands

    st = state(ctx)
    st.replica()  # refuse a path that is not a replica, with the usual message
    return Users(users_path(st.db))


@user_app.command("add")
def user_add(
    ctx: typer.Context,
    name: str = typer.Argument(..., help="The name the user logs in with."),
    role: str = typer.Option(..., "--role", help="One of: " + ", ".join(ROLES) + " (analysts see no names)."),
    password_stdin: bool = typer.Option(False, "--password-stdin",
                                        help="Read the password from the first line of stdin."),
) -> None:
    """Add a web user; asks for the password (twice) unless --password-stdin.

    \b
    Example: frontaid --db hub.db user add olha --role desk
    """
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = typer.prompt(_("Password"), hide_input=True, confirmation_prompt=True)
    _users(ctx).add(name, role, password)
    st = state(ctx)
    emit(st, {"name": name.strip(), "role": role},
         lambda c: c.print(_("Web user {name} added with the role {role}.").format(name=name.strip(),
                                                                                  role=_(role))))


@user_app.command("list")
def user_list(ctx: typer.Context) -> None:
    """The web users of this hub and their roles.

    \b
    Example: frontaid --db hub.db user list
    """
    rows = _users(ctx).all_users()
    emit(state(ctx), rows, lambda c: c.print(table(
        _("Web users"), [_("Name"), _("Role"), _("Locked")],
        [[r["name"], _(str(r["role"])), _("yes") if r["locked"] else ""] for r in rows],
        empty=_("No web users yet. Add one with: frontaid user add NAME --role desk"))))
