"""Where a record is on the map: its own point, or its zone's centre when it has none (issue 12)."""

from __future__ import annotations

import json
from typing import Any

from frontaid.store.replica import Replica

KINDS = ("household", "request", "incident", "zone", "site")
_SQL = {
    "household": "SELECT eid, address, lat, lon, zone FROM households WHERE eid = ? AND created = 1",
    "request": "SELECT r.eid, r.need, COALESCE(r.lat, h.lat), COALESCE(r.lon, h.lon), "
               "COALESCE(r.zone, h.zone) FROM requests r LEFT JOIN households h ON h.eid = r.household "
               "WHERE r.eid = ? AND r.created = 1",
    "incident": "SELECT eid, kind, lat, lon, zone FROM incidents WHERE eid = ? AND created = 1",
    "site": "SELECT eid, name, lat, lon, zone, name_en FROM sites WHERE eid = ? AND created = 1",
    "zone": "SELECT eid, name, NULL, NULL, eid, name_en FROM zones WHERE eid = ? AND created = 1",
}


def centroid(geometry: dict[str, Any] | None) -> tuple[float, float] | None:
    """(lon, lat): the mean of a polygon's outer ring (a multipolygon's first part), where a record
    with no position of its own is drawn."""
    try:
        if geometry and geometry["type"] == "MultiPolygon":
            ring = geometry["coordinates"][0][0]
        else:
            ring = geometry["coordinates"][0] if geometry and geometry["type"] == "Polygon" else None
    except (KeyError, IndexError, TypeError):
        return None
    if not ring:
        return None
    pts = ring[:-1] if len(ring) > 1 and ring[0] == ring[-1] else ring
    return (round(sum(p[0] for p in pts) / len(pts), 6), round(sum(p[1] for p in pts) / len(pts), 6))


def place_of(rep: Replica, kind: str, eid: str) -> dict[str, Any] | None:
    """{kind, eid, detail (address, need, incident kind or name), name_en, lat, lon, approximate},
    or None when there is no such record or nowhere to put it."""
    if kind not in _SQL:
        return None
    row = rep.conn.execute(_SQL[kind], (eid,)).fetchone()
    if row is None:
        return None
    lat, lon, zone = row[2], row[3], row[4]
    out = {"kind": kind, "eid": row[0], "detail": row[1], "name_en": row[5] if len(row) > 5 else None}
    if lat is not None and lon is not None:
        return {**out, "lat": lat, "lon": lon, "approximate": False}
    shape = rep.conn.execute("SELECT geometry FROM zones WHERE eid = ?", (zone,)).fetchone() if zone else None
    centre = centroid(json.loads(shape[0])) if shape and shape[0] else None
    if centre is None:
        return None
    return {**out, "lat": centre[1], "lon": centre[0], "approximate": True}


def code_kind(rep: Replica, code: str) -> str | None:
    """'request' or 'incident' when `code` is one's code."""
    for kind, table in (("request", "requests"), ("incident", "incidents")):
        if rep.conn.execute(f"SELECT 1 FROM {table} WHERE eid = ?", (code,)).fetchone():
            return kind
    return None
