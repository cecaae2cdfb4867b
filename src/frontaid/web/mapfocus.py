"""Where the map opens on something: a search on the map, and the "на карті" links of the board, the
household page and the incidents (issue 12).

`locate` turns what was typed or linked (a card code, a request's or an incident's code, a zone's or
a site's name, an address) into one place (queries/places.py): its own point, or its zone's centre
when it has none, said so. An analyst is never shown a household or a request (people's places).
"""

from __future__ import annotations

from typing import Any

from frontaid.actions import validate as check
from frontaid.domain import vocab
from frontaid.errors import FrontaidError
from frontaid.i18n import gettext
from frontaid.queries import places
from frontaid.queries import registry as regq
from frontaid.store.replica import Replica
from frontaid.web.auth import sees_names

PEOPLES = ("household", "request")  # places of people: not for those who see no names


def _titled(place: dict[str, Any] | None, lang: str) -> dict[str, Any] | None:
    if place is None:
        return None
    kind, detail = place["kind"], place["detail"] or ""
    if kind == "request":
        what = gettext(vocab.NEEDS.get(detail, detail), lang)
    elif kind == "incident":
        what = gettext(vocab.INCIDENT_KINDS.get(detail, detail), lang)
    elif kind in ("zone", "site"):
        return {**place, "title": (place["name_en"] if lang == "en" and place["name_en"] else detail)
                or place["eid"]}
    else:
        what = detail
    return {**place, "title": f"{place['eid']} · {what}" if what else place["eid"]}


def _one(rep: Replica, kind: str, eid: str, lang: str, names: bool) -> dict[str, Any] | None:
    if kind in PEOPLES and not names:
        return None
    return _titled(places.place_of(rep, kind, eid), lang)


def locate(rep: Replica, role: str, lang: str, text: str) -> dict[str, Any] | None:
    """The place for a link's `kind:code` or for what was typed in the map's search box."""
    text = (text or "").strip()[:200]
    if not text:
        return None
    names = sees_names(role)
    kind, sep, code = text.partition(":")
    if sep and kind in places.KINDS:
        return _one(rep, kind, code.strip(), lang, names)
    household = regq.household_of_code(rep, text)
    if household:
        return _one(rep, "household", household, lang, names)
    found_kind = places.code_kind(rep, text.upper())
    if found_kind:
        return _one(rep, found_kind, text.upper(), lang, names)
    for kind, finder in (("zone", check.zone), ("site", check.site)):
        try:
            found = _one(rep, kind, finder(rep, text), lang, names)
        except FrontaidError:
            continue
        if found:
            return found
    if names:
        for r in regq.search(rep, text, limit=1):
            home = r["eid"] if r.get("kind") == "household" else r.get("household")
            if home:
                return _one(rep, "household", str(home), lang, names)
    return None
