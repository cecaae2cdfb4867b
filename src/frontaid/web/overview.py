"""The dashboard (the figures of `frontaid status`, with small charts) and the flags queue."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()  # HTML routes pass include_in_schema=False; JSON routes under /api are documented
