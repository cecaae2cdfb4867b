"""Household cards: eight to an A4 page, to cut out and hand over at registration.

Each card shows the household's code in large letters and as a QR code whose content
is exactly that code (`BXM-001-3`), the canonical form the desk search takes as an
exact code: a USB or Bluetooth scanner types it into the search box and the household
comes up first. Zone and address help the desk tell two cards apart; no names.
"""

from __future__ import annotations

import base64
from typing import Any

import segno

from frontaid.queries.paper import DEFAULT_CARDS, card_households
from frontaid.queries.registry import list_zones
from frontaid.reports.pdf import html_to_pdf, render_html, town_name, zone_name
from frontaid.store.replica import Replica

PER_PAGE = 8


def qr_payload(code: str) -> str:
    """What the QR code holds: the code as printed, nothing else (no URL, no prefix)."""
    return code


def qr_svg(code: str) -> str:
    """The QR code (a full QR, never a Micro QR that desk scanners often cannot read) as an SVG data URL."""
    qr = segno.make_qr(qr_payload(code), error="m")
    svg = qr.svg_inline(scale=1, border=2, dark="#000000", light="#ffffff", omitsize=True)
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


def cards_html(rep: Replica, households: list[dict[str, Any]], lang: str = "uk") -> str:
    zones = {z["eid"]: zone_name(z, lang) for z in list_zones(rep)}
    cards = [{"code": h["eid"], "zone": zones.get(h["zone"], h["zone"] or ""), "address": h["address"] or "",
              "qr": qr_svg(h["eid"])} for h in households]
    pages = [cards[i:i + PER_PAGE] for i in range(0, len(cards), PER_PAGE)]
    return render_html("cards.html", lang, pages=pages, town=town_name(rep.town, lang))


__all__ = ["DEFAULT_CARDS", "PER_PAGE", "card_households", "cards_html", "cards_pdf", "qr_payload", "qr_svg"]


def cards_pdf(rep: Replica, households: list[dict[str, Any]], lang: str = "uk") -> bytes:
    return html_to_pdf(cards_html(rep, households, lang))
