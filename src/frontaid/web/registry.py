"""The registry pages: households with filters, a household's page with its history, forms to add and edit."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(include_in_schema=False)
