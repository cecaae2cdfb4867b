"""The duplicates review queue: pairs side by side, merge and unmerge."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()  # HTML routes pass include_in_schema=False; JSON routes under /api are documented
