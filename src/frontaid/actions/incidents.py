"""Incidents and civilian harm: shelling, casualties, damaged crossings."""

from __future__ import annotations

from typing import Any

from frontaid.actions import validate as check
from frontaid.actions.fields import create
from frontaid.domain import vocab
from frontaid.store.replica import Replica


def report_incident(
    rep: Replica, actor: str, *, kind: str, zone: str, at: str | None = None, killed: int = 0,
    wounded: int = 0, site: str | None = None, lat: float | None = None, lon: float | None = None,
    note: str | None = None,
) -> str:
    data: dict[str, Any] = {
        "kind": check.choice(kind, vocab.INCIDENT_KINDS, "incident kind"),
        "zone": check.zone(rep, zone),
        "at": check.moment(at),
        "killed": check.count(killed, "killed", 0, 10_000),
        "wounded": check.count(wounded, "wounded", 0, 10_000),
        "site": check.site(rep, site) if site else None,
        "lat": check.coordinate(lat, "latitude") if lat is not None else None,
        "lon": check.coordinate(lon, "longitude") if lon is not None else None,
        "note": check.text(note, "note", required=False),
    }
    return create(rep, actor, "incident", data)
