"""Zone outlines as GeoJSON dicts: their outer rings and the point a zone's unplaced records sit at.

A zone's geometry is a Polygon or a MultiPolygon (a town split by a river, islands);
every reader of outlines goes through these two functions so both kinds are drawn and placed.
"""

from __future__ import annotations

from typing import Any


def outer_rings(geometry: dict[str, Any] | None) -> list[list[list[float]]]:
    """The outer ring ([[lon, lat], ...]) of each polygon of a Polygon or MultiPolygon; [] otherwise."""
    try:
        if not geometry:
            return []
        if geometry.get("type") == "Polygon":
            return [geometry["coordinates"][0]]
        if geometry.get("type") == "MultiPolygon":
            return [poly[0] for poly in geometry["coordinates"]]
    except (KeyError, IndexError, TypeError, AttributeError):
        return []
    return []


def ring_mean(geometry: dict[str, Any] | None) -> tuple[float, float] | None:
    """(lon, lat): the mean of the largest outer ring's positions (the closing one counted once)."""
    rings = [r for r in outer_rings(geometry) if r]
    if not rings:
        return None
    ring = max(rings, key=len)
    pts = ring[:-1] if len(ring) > 1 and ring[0] == ring[-1] else ring
    try:
        return (sum(p[0] for p in pts) / len(pts), sum(p[1] for p in pts) / len(pts))
    except (TypeError, IndexError):
        return None
