"""The duplicates review queue: pairs side by side, merge and unmerge."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(include_in_schema=False)
