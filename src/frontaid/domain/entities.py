"""The records the projections hold, declared once.

Each entity becomes one table with a column per field. Scalar fields merge
last-writer-wins by (hlc, origin); `set` fields merge add-wins; a `count` field
is the sum of its deltas. The projector (store/) reads these declarations; no
table is written by hand.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Final, Literal

Kind = Literal["text", "int", "real", "set", "count", "json"]


@dataclass(frozen=True)
class Field:
    name: str
    kind: Kind = "text"
    # A change by two authors who had not seen each other's change is flagged.
    critical: bool = False


@dataclass(frozen=True)
class Entity:
    name: str
    table: str
    fields: tuple[Field, ...]
    indexes: tuple[tuple[str, ...], ...] = ()
    # Derived columns: (column, source field); the projector computes them.
    derived: tuple[tuple[str, str], ...] = ()
    by_name: dict[str, Field] = field(init=False, repr=False, compare=False)
    critical_fields: frozenset[str] = field(init=False, repr=False, compare=False)
    # Read for every op folded: computed once.
    set_fields: tuple[str, ...] = field(init=False, repr=False, compare=False)
    count_fields: tuple[str, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "by_name", {f.name: f for f in self.fields})
        object.__setattr__(self, "critical_fields", frozenset(f.name for f in self.fields if f.critical))
        object.__setattr__(self, "set_fields", tuple(f.name for f in self.fields if f.kind == "set"))
        object.__setattr__(self, "count_fields", tuple(f.name for f in self.fields if f.kind == "count"))


def _e(name: str, table: str, *fields: Field, **kw: object) -> Entity:
    return Entity(name, table, tuple(fields), **kw)  # type: ignore[arg-type]


F = Field

ENTITIES: Final[dict[str, Entity]] = {
    e.name: e
    for e in (
        # A regional hub coordinates several towns; a town's hub has none or one (issue 16).
        _e("town", "towns", F("name"), F("name_en"), F("pcode")),
        _e(
            "zone", "zones",
            F("name"), F("name_en"), F("bank"), F("pcode"), F("geometry", "json"),
            F("population_estimate", "int"), F("town"),
            indexes=(("town",),),
        ),
        _e(
            "site", "sites",
            F("kind"), F("name"), F("name_en"), F("zone"), F("lat", "real"), F("lon", "real"),
            F("state", critical=True), F("schedule", "json"), F("note"),
            indexes=(("kind",), ("zone",)),
        ),
        _e(
            "household", "households",
            F("zone", critical=True), F("address"), F("shelter"), F("size", "int", critical=True),
            F("animals", "int"), F("animal_kinds"), F("utilities", "set"), F("status", critical=True),
            F("displaced", "int"), F("lat", "real"), F("lon", "real"), F("note"),
            F("registered_on"),
            # Where an imported record came from: the submission's instanceID or a hash of
            # the row (imports/), so the same file imported twice adds nothing.
            F("source"), F("phone"),
            indexes=(("zone",),),
        ),
        _e(
            "person", "people",
            F("household", critical=True), F("name"), F("born", "int"), F("sex"),
            F("vulnerabilities", "set"), F("status", critical=True), F("died_on"),
            F("death_place"), F("death_cause"), F("burial_place"), F("note"),
            # People a coordinator found to be someone else (dedup review): never proposed again.
            F("distinct_from", "set"),
            F("source"),
            indexes=(("household",),),
            derived=(("name_key", "name"),),
        ),
        _e(
            "request", "requests",
            F("household"), F("need"), F("urgency", critical=True), F("status", critical=True),
            F("team"), F("reported_by"), F("zone"), F("lat", "real"), F("lon", "real"),
            F("note"), F("opened_at"), F("closed_at"),
            indexes=(("status", "need"), ("household",), ("zone",)),
        ),
        _e(
            "handout", "handouts",
            F("household"), F("item"), F("qty", "int"), F("entitlement"), F("round", "int"),
            F("at"), F("home", "int"), F("on"), F("override"), F("team"),
            indexes=(("household", "entitlement", "round"),),
        ),
        _e(
            "stock", "stock",
            F("item"), F("location"), F("qty", "count"),
            indexes=(("location",), ("item",)),
        ),
        _e(
            "incident", "incidents",
            F("kind"), F("zone"), F("at"), F("killed", "int"), F("wounded", "int"),
            F("site"), F("lat", "real"), F("lon", "real"), F("note"),
            indexes=(("at",), ("zone", "at")),
        ),
        _e(
            "evac_offer", "evac_offers",
            F("household"), F("offered_on"), F("answer", critical=True), F("reason"),
            F("seats", "int"), F("animals", "int"), F("run"), F("note"),
            indexes=(("household",), ("answer",)),
        ),
        _e(
            "evac_run", "evac_runs",
            F("on"), F("site"), F("seats", "int"), F("animal_places", "int"), F("status"),
        ),
        _e(
            "referral", "referrals",
            F("household"), F("person"), F("kind"), F("to"), F("status", critical=True),
            F("outcome"), F("opened_on"), F("closed_on"), F("note"),
            indexes=(("household",), ("status",)),
        ),
        _e(
            "welfare", "welfare_checks",
            F("asked_by"), F("contact"), F("sought"), F("household"), F("person"),
            F("zone"), F("address"), F("status", critical=True), F("answer"), F("answered_on"),
            F("note"), F("opened_on"),
            indexes=(("status",),),
        ),
        _e("team", "teams", F("name"), F("members"), F("note"), F("retired_on")),
        # A deployment's own items and their entitlement cycles (domain/cycles.py: schedule).
        _e("item", "items", F("name"), F("name_en"), F("unit"), F("schedule", "json", critical=True),
           F("retired_on")),
        # Planning (plan/): the street network in chunks of one import, the day's plans and
        # their visits, and a point's arrival slots for one day.
        _e("street", "streets", F("source"), F("part", "int"), F("nodes", "json"), F("edges", "json"),
           indexes=(("source",),)),
        _e(
            "plan", "plans",
            F("day"), F("start"), F("hours", "real"), F("teams", "json"), F("routes", "json"),
            F("left_out", "json"), F("summary", "json"), F("made_at"), F("status"),
        ),
        _e(
            "visit", "visits",
            F("plan"), F("team"), F("seq", "int"), F("household"), F("kind"), F("zone"), F("address"),
            F("lat", "real"), F("lon", "real"), F("bring"), F("why"), F("why_en"), F("eta"),
            F("score", "real"), F("people", "int"), F("status", critical=True), F("done_at"),
            indexes=(("plan", "team"),),
        ),
        _e("slot_plan", "point_slots", F("point"), F("day"), F("max_waiting", "int"), F("slots", "json"),
           indexes=(("point", "day"),)),
        # An export that carried personal names (`frontaid export --with-names`): who asked is the
        # op's actor, so the log says who took names out of the system, when and in what form.
        _e("export", "exports", F("format"), F("rows", "int"), F("names", "int")),
        # A person read sensitive fields (domain/sensitive.py): who is the op's actor, when its
        # clock; which records (codes), which classes, through what (`web /registry/...`, `cli
        # household show`). Never the values read.
        # A purge of people's personal data (store/purge.py): the records it names, the rule and
        # its date, and how many households and people it reached (the counts stay).
        _e("purge", "purges", F("records", "json"), F("rule"), F("before"), F("households", "int"),
           F("people", "int")),
        _e("audit", "audit_reads", F("records", "json"), F("classes", "json"), F("via"),
           indexes=(("via",),)),
        # Flags a person must decide. Observed ones (a clock far ahead, a gap applied
        # late) are created by the replica that saw them; derived ones (a double
        # hand-out, stock below zero) get a row here only when someone resolves them.
        _e(
            "flag", "flags",
            F("kind"), F("subject"), F("detail", "json"), F("status", critical=True),
            F("decision"), F("note"), F("resolved_by"),
            indexes=(("status",),),
        ),
        _e(
            "device", "devices",
            F("name"), F("public"), F("prefix"), F("role"), F("revoked_after", "int"),
            F("enrollment"), F("proof"),
        ),
        # A one-time enrolment a hub made: the device that shows a signature by `key`
        # first may join under this name and role.
        # `zones`: a scoped field device's zones (sync/scope.py); none for a device that holds everything.
        _e("enrollment", "enrollments", F("name"), F("role"), F("key"), F("prefix"), F("expires"),
           F("zones", "set")),
    )
}
