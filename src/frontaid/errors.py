"""Every error frontaid raises, each with a message a desk volunteer can act on.

Messages are English msgids translated through the gettext catalog, so the CLI
and the web show them in the user's language. Parameters are codes, fields and
values, never a person's name or a place where someone shelters.

    FrontaidError                    exit 2 · HTTP 400
    ├── BadInput                     a value the user typed is wrong
    │   ├── UnknownChoice            not one of the allowed words
    │   ├── BadCode                  a card code with a wrong check character
    │   └── BadDate                  not a date or a time
    ├── NotFound                     exit 2 · HTTP 404: no such record
    ├── Refused                      exit 2 · HTTP 409: the rules say no
    │   ├── AlreadyHandedOut         same entitlement, same round
    │   ├── BadTransition            a request cannot go from this state to that
    │   └── Retracted                the record was voided
    ├── ReplicaError                 exit 2 · HTTP 503: the database file itself
    │   ├── NoReplica                no replica at that path: run `frontaid init`
    │   ├── AlreadyInitialised       `init` on an existing replica
    │   ├── SchemaTooNew             written by a newer frontaid
    │   ├── WrongPassphrase          the passphrase does not open it (after a growing delay)
    │   ├── KeyFileDamaged           its key file is missing, damaged or not ours
    │   └── PassphraseNeeded         encrypted, and no terminal, FD or file to read the passphrase from
    ├── IntegrityError               exit 2 · HTTP 422: an op or bundle failed its checks
    ├── TooLarge                     exit 2 · HTTP 413: a body or bundle past its size cap, refused unread
    ├── SyncError                    talking to a hub (sync/http.py)
    │   ├── Unauthorised             HTTP 401: a device the hub does not know, or a bad signature
    │   ├── Revoked                  HTTP 403: a revoked device
    │   ├── HubUnreachable           HTTP 502: nothing answers at that address
    │   └── SyncRefused              HTTP 502: the hub said no, with its reason
    └── AuthError                    the web app's login (users are per hub, see web/users.py)
        ├── LoginFailed              HTTP 401: wrong name or password
        ├── LockedOut                HTTP 429: too many wrong passwords in a row
        ├── LoginRequired            HTTP 401: no session, or it expired
        ├── NotAllowed               HTTP 403: the user's role may not do this
        └── BadCsrf                  HTTP 403: a form without this session's token
"""

from __future__ import annotations

from typing import Any, ClassVar

from frontaid.i18n import Label, gettext


class FrontaidError(Exception):
    """Base of every error frontaid raises on purpose."""

    msgid: ClassVar[str] = "Something went wrong."
    exit_code: ClassVar[int] = 2
    http_status: ClassVar[int] = 400

    def __init__(self, msgid: str | None = None, **params: Any) -> None:
        self.template = msgid or self.msgid
        self.params = params
        super().__init__(self.template.format(**params))

    def text(self, lang: str | None = None) -> str:
        """The message in `lang` (default: the current language)."""
        # `what` always names a field or a kind of record: a label, translated with the message.
        params = {k: gettext(v, lang) if isinstance(v, Label) or (k == "what" and isinstance(v, str)) else v
                  for k, v in self.params.items()}
        return gettext(self.template, lang).format(**params)


class BadInput(FrontaidError):
    msgid = "That value is not valid."


class UnknownChoice(BadInput):
    msgid = "'{value}' is not a valid {what}. Use one of: {choices}."


class BadCode(BadInput):
    msgid = "'{code}' is not a valid card code: check the letters and the last digit."


class BadDate(BadInput):
    msgid = "'{value}' is not a date. Write it as YYYY-MM-DD (or YYYY-MM-DD HH:MM)."


class NotFound(FrontaidError):
    msgid = "No {what} with code '{code}'."
    http_status = 404


class Refused(FrontaidError):
    msgid = "Not allowed."
    http_status = 409


class AlreadyHandedOut(Refused):
    msgid = (
        "Household {code} already received {item} in this round (on {last}). "
        "Next due on {next}. To hand out anyway, give a reason with --override."
    )


class BadTransition(Refused):
    msgid = "A request that is '{state}' cannot be marked '{target}'."


class Retracted(Refused):
    msgid = "That record was voided and cannot be changed."


class ReplicaError(FrontaidError):
    msgid = "The database cannot be used."
    http_status = 503


class NoReplica(ReplicaError):
    msgid = "No frontaid database at {path}. Create one with: frontaid init --town NAME"


class AlreadyInitialised(ReplicaError):
    msgid = "{path} is already a frontaid database."


class SchemaTooNew(ReplicaError):
    msgid = "This database was written by a newer frontaid (schema {found} > {known}). Update frontaid."


class WrongPassphrase(ReplicaError):
    msgid = ("Wrong passphrase (attempt {n} in a row); nothing was opened or changed. "
             "Check the keyboard layout (Ukrainian or English) and Caps Lock.")
    http_status = 401


class KeyFileDamaged(ReplicaError):
    msgid = ("The key file {path} is missing or damaged, so the encrypted database cannot be opened. "
             "Put back the copy of the key file kept in a safe place.")


class PassphraseNeeded(ReplicaError):
    msgid = ("This database is encrypted: type its passphrase at a terminal, "
             "or give it in FRONTAID_PASSPHRASE_FILE or FRONTAID_PASSPHRASE_FD.")


class IntegrityError(FrontaidError):
    msgid = "The data failed its integrity check and was not applied: {reason}."
    http_status = 422

    def __init__(self, reason: str, **params: Any) -> None:
        # The reason is a msgid of its own, formatted with `params`, translated with the message.
        self.reason, self.reason_params = reason, params
        super().__init__(reason=reason.format(**params))

    def text(self, lang: str | None = None) -> str:
        reason = gettext(self.reason, lang).format(**self.reason_params)
        return gettext(self.template, lang).format(reason=reason)


class TooLarge(FrontaidError):
    msgid = "This is larger than frontaid accepts ({mb} MB at most); nothing was changed."
    http_status = 413


class SyncError(FrontaidError):
    msgid = "The sync did not go through."


class Unauthorised(SyncError):
    msgid = "This device is not allowed to sync with this hub."
    http_status = 401


class Revoked(SyncError):
    msgid = "This device was revoked; its changes are no longer accepted."
    http_status = 403


class HubUnreachable(SyncError):
    msgid = "Cannot reach {url}: check the Wi-Fi and that `frontaid serve` runs there."
    http_status = 502


class SyncRefused(SyncError):
    msgid = "The hub refused the sync: {reason}"
    http_status = 502


class AuthError(FrontaidError):
    msgid = "You cannot do this."
    http_status = 403


class LoginFailed(AuthError):
    msgid = "Wrong name or password."
    http_status = 401


class LockedOut(AuthError):
    msgid = "Too many wrong passwords. Try again in {minutes} minutes or ask a coordinator."
    http_status = 429


class LoginRequired(AuthError):
    msgid = "Please log in (the session expired or was closed)."
    http_status = 401


class NotAllowed(AuthError):
    msgid = "The role '{role}' cannot do this."
    http_status = 403


class BadCsrf(AuthError):
    msgid = "This form is out of date. Reload the page and try again."
    http_status = 403
