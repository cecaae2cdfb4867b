"""Protecting the data on this device: `protect`, `passphrase change|duress`, `wipe`.

See store/keyfile.py for the key design and store/protect.py for how encrypting in
place survives a kill; docs/security.md for what each control does and does not cover.
"""

from __future__ import annotations

import typer

from frontaid.cli.context import app, done, group, state
from frontaid.cli.passphrase import ask, ask_new, is_encrypted, remember, side_files, unlock
from frontaid.errors import BadInput, NoReplica, WrongPassphrase
from frontaid.i18n import gettext as _
from frontaid.store import database, keyfile
from frontaid.store.protect import encrypt_in_place, wipe

passphrase_app = group("passphrase", "The passphrase of this device's encrypted database.",
                       "frontaid passphrase change")


def warn_plain(path: object) -> None:
    """The one-line warning of a replica left unencrypted."""
    typer.echo(_("Warning: {path} is not encrypted; whoever takes this device can read everyone in it. "
                 "Encrypt it with: frontaid protect").format(path=path), err=True)


@app.command()
def protect(ctx: typer.Context) -> None:
    """Encrypt this device's plain database in place (asks for a new passphrase, twice).

    All or nothing and safe to interrupt: killed at any moment, the database is left either
    plain as before or encrypted, never lost. The web users' file is encrypted too. Stop
    `frontaid serve` first.

    \b
    Example: frontaid --db hub.db protect
    """
    st = state(ctx)
    if not st.db.exists() or st.db.stat().st_size == 0:
        raise NoReplica(path=str(st.db))
    passphrase = (ask(_("Passphrase of {path}").format(path=st.db)) if is_encrypted(st.db)
                  else ask_new(_("New passphrase for {path}").format(path=st.db)))
    result = encrypt_in_place(st.db, passphrase, side_files(st.db))
    key = database.key_for(st.db)
    if key is not None:
        remember(st.db, key)
    done(st, _("{path} is encrypted. Keep the passphrase safe: without it the data cannot be opened.").format(
        path=st.db), {"path": str(st.db), **result})


@passphrase_app.command("change")
def passphrase_change(ctx: typer.Context) -> None:
    """Change the passphrase: the key is wrapped again, the data is not rewritten (a second or two).

    From FRONTAID_PASSPHRASE_FILE/_FD: the old passphrase on the first line, the new on the second.

    \b
    Example: frontaid --db hub.db passphrase change
    """
    st = state(ctx)
    _need_encrypted(st.db)
    old = ask(_("Current passphrase"), 0)
    new = ask_new(_("New passphrase"), 1)
    keyfile.rewrap(st.db, old, new)
    done(st, _("Passphrase changed; the old one no longer opens {path}.").format(path=st.db),
         {"path": str(st.db)})


@passphrase_app.command("duress")
def passphrase_duress(ctx: typer.Context) -> None:
    """Set a duress passphrase: typed under threat, it destroys the real key and opens an empty look-alike.

    The look-alike has the same town, zones and sites and nobody in it. See docs/security.md
    for its limits (a copy taken before, a suspicious examiner). From FRONTAID_PASSPHRASE_FILE/_FD:
    the real passphrase on the first line, the duress one on the second.

    \b
    Example: frontaid --db field.db passphrase duress
    """
    from frontaid.actions.protection import make_decoy

    st = state(ctx)
    _need_encrypted(st.db)
    real = ask(_("Current passphrase"), 0)
    got = keyfile.unlock(st.db, real)
    if got.duress:  # the duress passphrase given as the real one: it has just done its work
        raise WrongPassphrase(n=1)
    duress = ask_new(_("Duress passphrase"), 1)
    if duress == real:
        raise BadInput("The duress passphrase must differ from the real one.")
    decoy_key = make_decoy(st.db, got.key)
    keyfile.set_duress(st.db, real, duress, decoy_key)
    done(st, _("Duress passphrase set. Typed instead of the real one, it destroys the real data "
               "and opens a database with nobody in it."), {"path": str(st.db)})


@app.command("wipe")
def wipe_now(
    ctx: typer.Context,
    now: bool = typer.Option(False, "--now", help="Really wipe, without any question."),
) -> None:
    """Destroy the key and the data of this device at once (no passphrase asked; cannot be undone).

    The key file goes first, which alone makes the database unreadable; then the database,
    its journal and the web users' file are overwritten as far as a second allows and removed.

    \b
    Example: frontaid --db field.db wipe --now
    """
    st = state(ctx)
    if not now:
        raise BadInput("Nothing was wiped. To destroy this device's data, run: frontaid wipe --now")
    result = wipe(st.db, side_files(st.db))
    done(st, _("Wiped in {seconds} s: the key is destroyed and the data files are gone.").format(
        seconds=result["seconds"]), {"path": str(st.db), **result})


def _need_encrypted(db: object) -> None:
    from pathlib import Path

    if not is_encrypted(Path(str(db))):
        raise BadInput("This database is not encrypted; encrypt it first with: frontaid protect")


__all__ = ["passphrase_app", "unlock", "warn_plain"]
