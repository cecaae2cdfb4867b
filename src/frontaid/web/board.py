"""The requests board: columns by status, filters by need and zone, assignment to a team."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()  # HTML routes pass include_in_schema=False; JSON routes under /api are documented
