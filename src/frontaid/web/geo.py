"""The map: zones coloured by recent danger, sites, open requests, bodies awaiting recovery.

Served with vendored Leaflet and the town's own GeoJSON: no tile server.
"""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()  # HTML routes pass include_in_schema=False; JSON routes under /api are documented
