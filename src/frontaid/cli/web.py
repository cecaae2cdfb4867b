"""Web users of this hub: `user add|list|passwd|unlock|disable|enable|remove`
(see frontaid/web/users.py for why they are local)."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

import typer

from frontaid.cli.context import done, emit, group, state, table
from frontaid.i18n import gettext
from frontaid.web.roles import ROLE_LABELS, ROLES

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
    _users(ctx).add(name, role, _read_password(password_stdin))
    st = state(ctx)
    emit(st, {"name": name.strip(), "role": role},
         lambda c: c.print(_("Web user {name} added with the role {role}.").format(name=name.strip(),
                                                                                  role=_(ROLE_LABELS[role]))))


@user_app.command("list")
def user_list(ctx: typer.Context) -> None:
    """The web users of this hub and their roles.

    \b
    Example: frontaid --db hub.db user list
    """
    rows = _users(ctx).all_users()
    emit(state(ctx), rows, lambda c: c.print(table(
        _("Web users"), [_("Name"), _("Role"), _("Locked"), _("Disabled")],
        [[r["name"], _(str(r["role"])), _("yes") if r["locked"] else "", _("yes") if r["disabled"] else ""]
         for r in rows],
        empty=_("No web users yet. Add one with: frontaid user add NAME --role desk"))))


def _read_password(password_stdin: bool) -> str:
    if password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return str(typer.prompt(_("Password"), hide_input=True, confirmation_prompt=True))


@user_app.command("passwd")
def user_passwd(
    ctx: typer.Context,
    name: str = typer.Argument(..., help="The user's name."),
    password_stdin: bool = typer.Option(False, "--password-stdin",
                                        help="Read the new password from the first line of stdin."),
) -> None:
    """Give a web user a new password; their open sessions end and any lock lifts.

    \b
    Example: frontaid --db hub.db user passwd olha
    """
    _users(ctx).set_password(name, _read_password(password_stdin))
    done(state(ctx), _("New password set for {name}; their open sessions are closed.").format(
        name=name.strip()), {"name": name.strip()})


@user_app.command("unlock")
def user_unlock(
    ctx: typer.Context,
    name: str = typer.Argument(..., help="The user's name."),
) -> None:
    """Let a user locked out by wrong passwords log in again now (from any address).

    \b
    Example: frontaid --db hub.db user unlock olha
    """
    n = _users(ctx).unlock(name)
    done(state(ctx), _("{name} may log in again.").format(name=name.strip()),
         {"name": name.strip(), "cleared": n})


@user_app.command("disable")
def user_disable(
    ctx: typer.Context,
    name: str = typer.Argument(..., help="The user's name."),
) -> None:
    """Stop a user logging in (a lost phone, someone who left); their sessions end now.

    \b
    Example: frontaid --db hub.db user disable olha
    """
    _users(ctx).set_disabled(name, True)
    done(state(ctx), _("{name} can no longer log in; `frontaid user enable` undoes it.").format(
        name=name.strip()), {"name": name.strip(), "disabled": True})


@user_app.command("enable")
def user_enable(
    ctx: typer.Context,
    name: str = typer.Argument(..., help="The user's name."),
) -> None:
    """Let a disabled user log in again.

    \b
    Example: frontaid --db hub.db user enable olha
    """
    _users(ctx).set_disabled(name, False)
    done(state(ctx), _("{name} may log in again.").format(name=name.strip()),
         {"name": name.strip(), "disabled": False})


@user_app.command("remove")
def user_remove(
    ctx: typer.Context,
    name: str = typer.Argument(..., help="The user's name."),
) -> None:
    """Remove a web user and end their sessions (what they recorded stays, under their name).

    \b
    Example: frontaid --db hub.db user remove olha
    """
    _users(ctx).remove(name)
    done(state(ctx), _("Web user {name} removed.").format(name=name.strip()), {"name": name.strip()})
