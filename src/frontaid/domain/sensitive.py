"""Which fields are sensitive, which roles may read them, and a record as a role may see it.

A sensitive field belongs to one class; a role reads a class or sees the word "hidden"
where its value would be (never a blank: a blank would say "nothing recorded"). The table
is the policy; docs/security.md draws it, and the views, the API, the command line and
the exports all pass their records through `screen` before showing them.

The classes are found by key, at any depth of what a query returns, because the same field
travels under the same key everywhere (`note` on a household, a person, a request...).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Final

ROLES: Final = ("coordinator", "desk", "field", "analyst")

# class → the English label of it (a gettext msgid, translated where it is shown).
CLASSES: Final[dict[str, str]] = {
    "health": "health (wounds, illness, pregnancy, disability)",
    "death": "death (cause, place, burial place)",
    "notes": "free notes (what people said, including political remarks)",
}

# class → the roles that read it. Coordinators decide on everything; field teams visit the
# wounded, recover bodies and bury; the desk checks identity and entitlement only; analysts
# see aggregates only (they never receive a record at all).
READERS: Final[dict[str, frozenset[str]]] = {
    "health": frozenset({"coordinator", "field"}),
    "death": frozenset({"coordinator", "field"}),
    "notes": frozenset({"coordinator", "field"}),
}

# A key's class, whatever record holds it.
KEY_CLASS: Final[dict[str, str]] = {
    "death_cause": "death", "death_place": "death", "burial_place": "death",
    "note": "notes", "notes": "notes",
}
# The vulnerabilities that are health data: the rest (elderly, immobile, alone, child...) are
# what the desk needs to serve a person (a chair, home delivery) and stay visible.
HEALTH_VULNERABILITIES: Final = frozenset({"wounded", "chronic-illness", "pregnant", "disabled"})
VULNERABILITY_KEYS: Final = frozenset({"vulnerabilities"})
# The keys that name the record a dict is (for the audit: which record was read).
RECORD_KEYS: Final = ("eid", "code", "pid")

# The word put where a hidden value was (a msgid; callers pass it translated).
HIDDEN: Final = "hidden"


def may_read(role: str, klass: str) -> bool:
    return role in READERS[klass]


@dataclass
class Screened:
    """A value as one role may see it, and what sensitive data it still shows (for the audit)."""

    value: Any
    classes: set[str] = field(default_factory=set)
    records: list[str] = field(default_factory=list)


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == ()


def _vulns(value: Any) -> list[str]:
    if isinstance(value, str):
        return [v for v in value.split(",") if v]
    return [str(v) for v in value] if isinstance(value, Iterable) else []


def screen(role: str, value: Any, hidden: str = HIDDEN) -> Screened:
    """`value` with every sensitive field `role` may not read replaced by `hidden`; the classes
    and records of what is left shown, for the audit trail."""
    out = Screened(None)
    out.value = _walk(role, value, hidden, out)
    return out


def _walk(role: str, value: Any, hidden: str, out: Screened) -> Any:
    if isinstance(value, dict):
        shown: set[str] = set()
        new: dict[Any, Any] = {}
        for k, v in value.items():
            klass = KEY_CLASS.get(k) if isinstance(k, str) else None
            if klass is not None and not _empty(v) and isinstance(v, str | int | float):
                if may_read(role, klass):
                    shown.add(klass)
                    new[k] = v
                else:
                    new[k] = hidden
            elif k in VULNERABILITY_KEYS and not _empty(v):
                items = _vulns(v)
                health = [x for x in items if x in HEALTH_VULNERABILITIES]
                if health and may_read(role, "health"):
                    shown.add("health")
                    new[k] = v
                elif health:
                    kept = [x for x in items if x not in HEALTH_VULNERABILITIES] + [hidden]
                    new[k] = ",".join(kept) if isinstance(v, str) else kept
                else:
                    new[k] = v
            else:
                new[k] = _walk(role, v, hidden, out)
        if shown:
            out.classes |= shown
            rid = next((str(value[r]) for r in RECORD_KEYS if value.get(r)), "")
            if rid and rid not in out.records:
                out.records.append(rid)
        return new
    if isinstance(value, list | tuple):
        return [_walk(role, v, hidden, out) for v in value]
    return value


def keep_hidden(role: str, current: dict[str, Any], given: dict[str, Any]) -> dict[str, Any]:
    """The changes of an edit form as `role` may make them: a field it cannot read is left as it
    is (its form showed "hidden", not the value), and hidden health vulnerabilities are kept."""
    out = {k: v for k, v in given.items() if k not in KEY_CLASS or may_read(role, KEY_CLASS[k])}
    if "vulnerabilities" in out and not may_read(role, "health"):
        kept = [x for x in _vulns(current.get("vulnerabilities")) if x in HEALTH_VULNERABILITIES]
        out["vulnerabilities"] = [x for x in _vulns(out["vulnerabilities"])
                                  if x not in HEALTH_VULNERABILITIES] + kept
    return out


__all__ = ["keep_hidden", "CLASSES", "HEALTH_VULNERABILITIES", "HIDDEN", "KEY_CLASS", "READERS", "ROLES",
           "Screened", "may_read", "screen"]
