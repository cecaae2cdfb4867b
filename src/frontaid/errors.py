"""Every error frontaid raises, each with a message a desk volunteer can act on.

Messages are English msgids translated through the gettext catalog, so the CLI
and the web show them in the user's language. Parameters are codes, fields and
values, never a person's name or a place where someone shelters.

    FrontaidError                    exit 2 · HTTP 400
    ├── BadInput                     a value the user typed is wrong
    │   ├── UnknownChoice            not one of the allowed words
    │   ├── NoneYet                  a zone or site named before any exists: the command that adds one
    │   ├── BadCode                  a card code with a wrong check character
    │   ├── BadDate                  not a date or a time
    │   ├── PastCurfew               a plan's day running into the curfew
    │   ├── BadMapFile               not an OpenStreetMap file with streets in the town
    │   └── BadFile                  a file that cannot be imported: the line and why
    │       └── BadRows              rows with errors: the first few, with their lines
    ├── NotFound                     exit 2 · HTTP 404: no such record
    ├── Refused                      exit 2 · HTTP 409: the rules say no
    │   ├── NoStreets                no street network to plan on
    │   ├── AlreadyHandedOut         same entitlement, same round
    │   ├── BadTransition            a request cannot go from this state to that
    │   ├── PossibleDuplicate        the person may already be registered (not confirmed)
    │   └── Retracted                the record was voided
    ├── ReplicaError                 exit 2 · HTTP 503: the database file itself
    │   ├── NoReplica                no replica at that path: run `frontaid init`
    │   ├── AlreadyInitialised       `init` on an existing replica
    │   ├── SchemaTooNew             written by a newer frontaid
    │   ├── WrongPassphrase          HTTP 401: the passphrase does not open it (after a growing delay)
    │   ├── KeyFileDamaged           its key file is missing, damaged or not ours
    │   └── PassphraseNeeded         encrypted, and no terminal, FD or file to read the passphrase from
    ├── IntegrityError               exit 2 · HTTP 422: an op or bundle failed its checks
    ├── TooLarge                     exit 2 · HTTP 413: a body or bundle past its size cap, refused unread
    ├── SyncError                    HTTP 400: talking to a hub (sync/http.py)
    │   ├── Unauthorised             HTTP 401: a device the hub does not know, or a bad signature
    │   ├── Revoked                  HTTP 403: a revoked device
    │   ├── HubUnreachable           HTTP 502: nothing answers at that address
    │   └── SyncRefused              HTTP 502: the hub said no, with its reason
    └── AuthError                    HTTP 403: the web app's login (users are per hub, see web/users.py)
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


class NoneYet(BadInput):
    msgid = "{none} Add one first: {command}"


class BadCode(BadInput):
    msgid = "'{code}' is not a valid card code: check the letters and the last digit."


class BadDate(BadInput):
    msgid = "'{value}' is not a date. Write it as YYYY-MM-DD (or YYYY-MM-DD HH:MM)."


class PastCurfew(BadInput):
    msgid = ("The day would run from {start} to {end}, into the curfew ({curfew_from} to {curfew_to}). "
             "Start later, or plan fewer hours.")


class BadMapFile(BadInput):
    msgid = ("'{path}' cannot be read as an OpenStreetMap file (.osm or .osm.pbf) with streets inside "
             "the town's zones.")
class BadFile(BadInput):
    """A file that cannot be imported (imports/): where, why, and that nothing was imported."""

    msgid = "Line {line}: {reason} Nothing was imported."

    def __init__(self, reason: str, line: int | None = None, **params: Any) -> None:
        # The reason is a msgid of its own, formatted with `params`, translated with the message.
        self.reason, self.reason_params, self.line = reason, params, line
        super().__init__(BadFile.msgid if line is not None else "{reason} Nothing was imported.",
                         line=line, reason=reason.format(**params))

    def text(self, lang: str | None = None) -> str:
        reason = reason_text(self.reason, self.reason_params, lang)
        return gettext(self.template, lang).format(line=self.line, reason=reason)


def reason_text(reason: str, params: dict[str, Any], lang: str | None = None) -> str:
    """A reason msgid in `lang`, its `what` (a field's name) translated with it."""
    params = {k: gettext(v, lang) if k == "what" and isinstance(v, str) else v for k, v in params.items()}
    return gettext(reason, lang).format(**params)


class BadRows(BadFile):
    """Rows that failed their checks: every one is in `problems` (line, reason, params)."""

    msgid = "{count} rows have errors ({first}). Nothing was imported; --dry-run lists every one."

    def __init__(self, problems: list[tuple[int, str, dict[str, Any]]]) -> None:
        self.problems = problems
        first = problems[0]
        super().__init__(first[1], first[0], **first[2])
        self.template = self.msgid

    def text(self, lang: str | None = None) -> str:
        shown = "; ".join(gettext("line {line}: {reason}", lang).format(
            line=line, reason=reason_text(reason, params, lang).rstrip("."))
            for line, reason, params in self.problems[:3])
        return gettext(self.template, lang).format(count=len(self.problems), first=shown)


class NotFound(FrontaidError):
    msgid = "No {what} with code '{code}'."
    http_status = 404


class Refused(FrontaidError):
    msgid = "Not allowed."
    http_status = 409


class NoStreets(Refused):
    msgid = "This town has no street network yet. Import one: frontaid map import town.osm.pbf"


class AlreadyHandedOut(Refused):
    msgid = (
        "Household {code} already received {item} in this round (on {last}). "
        "Next due on {next}. To hand out anyway, give a reason with --override."
    )


class BadTransition(Refused):
    msgid = "A request that is '{state}' cannot be marked '{target}'."


class PossibleDuplicate(Refused):
    msgid = ("This person may already be registered as {codes}. Check them, or add --anyway "
             "to register anyway.")

    def __init__(self, candidates: list[dict[str, Any]]) -> None:
        # Codes only in the message; the candidates (with names) go to whoever asked, never to a log.
        self.candidates = candidates
        super().__init__(codes=", ".join(str(c["eid"]) for c in candidates))


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
