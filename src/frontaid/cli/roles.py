"""Who may run which command, and the role a command runs as.

The command line is run by whoever holds the device and its passphrase: the role here does
not defend the data against that person (the database is theirs to open); it keeps each
seat to its work and decides what `show` prints. The role is the device's (a hub or a
coordinator's laptop: coordinator; an enrolled field or desk device: that role) or a lower
one asked for with `--role` / FRONTAID_ROLE (a hub may run as any role, a field or desk
device as itself or as an analyst).

COMMANDS is the policy, one entry per command; tests/cli/test_cli_authz.py walks the app and
fails on a command that has none. A command missing here is allowed to the coordinator only.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Final

from frontaid.domain.sensitive import ROLES
from frontaid.errors import NotAllowed, UnknownChoice
from frontaid.i18n import Label

ALL: Final = frozenset(ROLES)
STAFF: Final = frozenset({"coordinator", "desk", "field"})
FIELD: Final = frozenset({"coordinator", "field"})
DESK: Final = frozenset({"coordinator", "desk"})
COORD: Final = frozenset({"coordinator"})

COMMANDS: Final[dict[str, frozenset[str]]] = {
    # the device itself: any seat keeps its own laptop locked, synced and wipeable
    "status": ALL, "wipe": ALL, "protect": ALL, "rebuild": ALL,
    "passphrase change": ALL, "passphrase duress": ALL,
    "sync export": ALL, "sync import": ALL, "sync vector": ALL, "sync with": ALL,
    # the devices of the deployment: anyone may list them; only a hub enrols and revokes (sync/devices.py
    # says so in its own words, so the role does not refuse first)
    "device list": ALL, "device enroll": ALL, "device revoke": ALL,
    # figures and reference data: aggregates, no person (analysts' work)
    "report sitrep": ALL, "report bulletin": ALL, "export": ALL, "plan danger": ALL,
    "zone list": ALL, "town list": ALL, "team list": ALL, "item list": ALL, "site list": ALL,
    "stock list": ALL,
    "incident list": ALL,
    # the registry and the desk: people by name
    "household add": STAFF, "household list": STAFF, "household move": STAFF, "household set": STAFF,
    "household show": STAFF, "person add": STAFF, "person set": STAFF, "person show": STAFF,
    "person died": STAFF, "search": STAFF, "cards": STAFF, "entitlements": STAFF, "distribute": STAFF,
    "evac answer": STAFF, "evac offer": STAFF, "evac list": STAFF,
    "referral open": STAFF, "referral close": STAFF, "referral list": STAFF,
    "request open": STAFF, "request list": STAFF, "welfare request": STAFF, "welfare list": STAFF,
    "stock count": STAFF, "stock move": STAFF, "stock receive": STAFF,
    "report board": STAFF, "report list": STAFF, "plan slots": STAFF,
    # the field teams: visits, the dead, incidents, moving requests along
    "deaths": FIELD, "incident add": FIELD, "request start": FIELD, "request done": FIELD,
    "welfare answer": FIELD, "site state": FIELD, "site set": FIELD, "plan day": FIELD, "plan done": FIELD,
    "plan priorities": FIELD, "plan show": FIELD,
    # the coordinator alone: deciding, administering, taking data out or erasing it
    "request assign": COORD, "request cancel": COORD, "request reopen": COORD,
    "flags": STAFF, "flags resolve": FIELD, "held list": COORD, "held release": COORD, "held drop": COORD,
    "dedup run": COORD, "dedup review": COORD, "dedup merge": COORD, "dedup distinct": COORD,
    "dedup unmerge": COORD, "retract": COORD, "log": COORD, "import": COORD, "map import": COORD,
    "zone add": COORD, "town add": COORD, "town zones": COORD, "town import": COORD,
    "zone shape": COORD, "site add": COORD, "init": COORD,
    "demo": COORD, "serve": COORD, "team add": COORD, "team retire": COORD,
    "item add": COORD, "item set": COORD, "item retire": COORD,
    "user add": COORD, "user list": COORD, "user disable": COORD, "user enable": COORD,
    "user passwd": COORD, "user remove": COORD, "user unlock": COORD,
    "audit": COORD, "purge": COORD,
}

# A device's role (sync/devices.py) → the roles its holder may run as.
_SEATS: Final[dict[str, tuple[str, ...]]] = {
    "hub": ROLES, "coordinator": ROLES, "field": ("field", "analyst"), "desk": ("desk", "analyst"),
    "analyst": ("analyst",),
}


def check_role(value: str | None) -> str | None:
    """A role typed with --role, or None; anything else is refused with the list."""
    if value is None or not value.strip():
        return None
    role = value.strip().lower()
    if role not in ROLES:
        raise UnknownChoice(value=value, what=Label("role"), choices=", ".join(ROLES))
    return role


def seat(device_role: str, asked: str | None) -> str:
    """The role a command runs as on a device enrolled as `device_role`."""
    seats = _SEATS.get(device_role, ("field", "analyst"))
    if asked is None:
        return seats[0]
    if asked not in seats:
        raise NotAllowed(role=Label(asked))
    return asked


def allow(command: str, role: str) -> None:
    """Refuse `command` to `role` as COMMANDS says."""
    if role not in COMMANDS.get(command, COORD):
        raise NotAllowed(role=Label(role))


_ROOT_VALUED: Final = frozenset({"--db", "--lang", "--actor", "--role"})


def command_of(root: Any, args: Sequence[str]) -> str:
    """The command the arguments name ("household show"), read past the root's own options."""
    words: list[str] = []
    it = iter(args)
    for a in it:
        if a in _ROOT_VALUED and not words:
            next(it, None)
        elif a.startswith("-"):
            continue
        else:
            known = getattr(root, "commands", {})
            if words and a not in known:
                # An argument of a group that runs a default command (`frontaid sync URL` is `sync with`)
                # or is a command itself (`frontaid flags --json`).
                default = getattr(root, "default_command", None)
                if default:
                    words.append(default)
                break
            words.append(a)
            group = known.get(a)
            if len(words) == 2 or not getattr(group, "commands", None):
                break
            root = group
    return " ".join(words)
