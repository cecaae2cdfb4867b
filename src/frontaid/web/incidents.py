"""Incidents: the form, the list, and harm in 24 hours and 7 days."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()  # HTML routes pass include_in_schema=False; JSON routes under /api are documented
