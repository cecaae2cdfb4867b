"""The registry pages: households with filters, a household's page with its history, forms to add and edit."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()  # HTML routes pass include_in_schema=False; JSON routes under /api are documented
