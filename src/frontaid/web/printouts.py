"""The printouts as PDF downloads: the bulletin, the sitrep, household cards, the registry list, the board.

Bulletin and sitrep carry no names: every role that sees the figures may print them.
Cards carry addresses: only roles that look households up (coordinator, desk, field).
The registry list and the board leave addresses, notes and reporters out for a role that
sees no names (the analyst), as their pages do.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from frontaid.actions import validate as check
from frontaid.domain import vocab
from frontaid.errors import BadInput, UnknownChoice
from frontaid.reports.pdf import KYIV
from frontaid.web import desk
from frontaid.web.auth import language, need, sees_names
from frontaid.web.registry import filters_of
from frontaid.web.users import Session

router = APIRouter()


def _pdf(data: bytes, name: str) -> Response:
    return Response(data, media_type="application/pdf",
                    headers={"Content-Disposition": f'attachment; filename="{name}"',
                             "Cache-Control": "no-store"})


def _day(value: str) -> date:
    return date.fromisoformat(check.day(value.strip() or None, default=datetime.now(KYIV).date()))


@router.get("/reports/bulletin.pdf", include_in_schema=False)
def bulletin_pdf(request: Request, date: str = "", sess: Session = Depends(need("dashboard"))) -> Response:
    from frontaid.queries.slots import bulletin_slots
    from frontaid.reports.bulletin import bulletin_pdf as render

    lang, day = language(request), _day(date)
    with desk.replica(request) as rep:
        pdf = render(rep, day, lang, slots=bulletin_slots(rep, day))
    return _pdf(pdf, f"bulletin-{day.isoformat()}-{lang}.pdf")


@router.get("/reports/sitrep.pdf", include_in_schema=False)
def sitrep_pdf(request: Request, date: str = "", sess: Session = Depends(need("dashboard"))) -> Response:
    from frontaid.reports.sitrep import sitrep_pdf as render

    lang, day = language(request), _day(date)
    with desk.replica(request) as rep:
        pdf = render(rep, day, lang)
    return _pdf(pdf, f"sitrep-{day.isoformat()}-{lang}.pdf")


@router.get("/reports/cards.pdf", include_in_schema=False)
def cards_pdf(request: Request, zone: str = "", sess: Session = Depends(need("search"))) -> Response:
    """?zone=Z, or ?household=CODE repeated: the cards of a zone (its first 800) or of these households."""
    from frontaid.reports.cards import card_households
    from frontaid.reports.cards import cards_pdf as render

    lang = language(request)
    codes = [h.strip() for h in request.query_params.getlist("household") if h.strip()][:800]
    if not codes and not zone.strip():
        raise BadInput("Choose a zone or the households whose cards to print.")
    with desk.replica(request) as rep:
        rows, _total = card_households(rep, zone=check.zone(rep, zone) if zone.strip() else None, codes=codes)
        pdf = render(rep, rows, lang)
    return _pdf(pdf, f"cards-{lang}.pdf")


@router.get("/reports/households.pdf", include_in_schema=False)
def households_pdf(request: Request, sess: Session = Depends(need("household"))) -> Response:
    from frontaid.reports.lists import registry_list_pdf

    lang = language(request)
    with desk.replica(request) as rep:
        f: dict[str, Any] = filters_of(rep, request.query_params)
        pdf = registry_list_pdf(rep, lang, zone=f["zone"], vulnerability=f["vulnerability"],
                                not_reached_days=f["not_reached"], refused_evacuation=f["refused"],
                                names=sees_names(sess.role))
    return _pdf(pdf, f"households-{lang}.pdf")


@router.get("/reports/board.pdf", include_in_schema=False)
def board_pdf(request: Request, zone: str = "", sess: Session = Depends(need("requests"))) -> Response:
    from frontaid.reports.lists import board_pdf as render

    lang = language(request)
    wanted = request.query_params.get("need", "").strip() or None  # `need` is also the permission check
    if wanted and wanted not in vocab.NEEDS:
        raise UnknownChoice(value=wanted[:40], what="need", choices=", ".join(vocab.NEEDS))
    with desk.replica(request) as rep:
        pdf = render(rep, lang, need=wanted, zone=check.zone(rep, zone) if zone.strip() else None,
                     names=sees_names(sess.role))
    return _pdf(pdf, f"requests-{lang}.pdf")
