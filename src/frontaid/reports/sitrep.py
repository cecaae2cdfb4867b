"""The daily situation report for the cluster: HTML, and the same page as PDF.

Figures come from `queries.sitrep`; this module turns slugs into words of the page's
language, draws the charts and the map, and hides small counts (1-4 as "<5") in every
published table, so that no one is identified by a count of one.
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from frontaid.domain import vocab
from frontaid.i18n import gettext
from frontaid.queries.sitrep import sitrep as sitrep_figures
from frontaid.reports import charts
from frontaid.reports.pdf import SMALL, html_to_pdf, published, render_html, town_name, zone_name
from frontaid.store.replica import Replica


def _word(table: Mapping[str, str], slug: str | None, lang: str) -> str:
    if not slug:
        return gettext("unknown", lang)
    return gettext(table.get(slug, slug), lang)


def trend(now: int, before: int, lang: str) -> str:
    """The week against the week before, in words (no arrow or colour needed)."""
    if now > before:
        return gettext("more than the week before", lang)
    if now < before:
        return gettext("fewer than the week before", lang)
    return gettext("as many as the week before", lang)


def sitrep_view(
    rep: Replica, day: date, lang: str = "uk", now: datetime | None = None, charts_on: bool = True,
    town: str | None = None,
) -> dict[str, Any]:
    """The figures of `day` with words in `lang` and the charts drawn (skip them with charts_on=False);
    of one town's zones when `town` is given (a regional hub)."""
    f = sitrep_figures(rep, day, now, town=town)
    _ = lambda msgid: gettext(msgid, lang)  # noqa: E731
    zones = f["zones"]
    zname = {z["eid"]: zone_name(z, lang) for z in zones}
    zone_ids = [z["eid"] for z in zones]
    needs = []
    for need, per_zone in f["needs"].items():
        needs.append(
            {
                "need": _word(vocab.NEEDS, need, lang),
                "total": published(sum(per_zone.values())),
                "zones": [published(per_zone.get(z, 0)) for z in zone_ids],
            }
        )
    stock = [
        {
            "item": _word(vocab.ITEM_NAMES, s["item"], lang),
            "qty": s["qty"],
            "per_day": s["per_day"],
            "days_of_cover": s["days_of_cover"],
        }
        for s in f["stock"]
    ]
    h = f["harm"]
    harm_rows = [
        (_("Last 24 hours"), h["day"]),
        (_("Last 7 days"), h["week"]),
        (_("The 7 days before"), h["week_before"]),
    ]
    by_zone = [
        {
            "zone": zname[z],
            "incidents": published(h["by_zone"].get(z, {}).get("incidents", 0)),
            "killed": published(h["by_zone"].get(z, {}).get("killed", 0)),
            "wounded": published(h["by_zone"].get(z, {}).get("wounded", 0)),
            "households": published(f["reached"]["by_zone"].get(z, {}).get("households", 0)),
            "people": published(f["reached"]["by_zone"].get(z, {}).get("people", 0)),
        }
        for z in zone_ids
    ]
    ev = f["evacuation"]
    answers = [
        {
            "answer": _word(vocab.EVAC_ANSWERS, a, lang),
            "period": published(ev["answers_in_period"].get(a, 0)),
            "latest": published(ev["latest"].get(a, 0)),
        }
        for a in vocab.EVAC_ANSWERS
    ]
    reasons = [
        {"reason": _word(vocab.EVAC_REASONS, r, lang), "n": published(n)}
        for r, n in ev["refusal_reasons"].items()
    ]
    view: dict[str, Any] = {
        "town": town_name(f["town"], lang),
        "day": f["day"],
        "first": f["first"],
        "now": f["now"],
        "people": f["people"],
        "reached": f["reached"],
        "needs": needs,
        "zone_names": [zname[z] for z in zone_ids],
        "stock": stock,
        "harm_rows": [
            {"period": p, **{k: published(v[k]) for k in ("incidents", "killed", "wounded")}}
            for p, v in harm_rows
        ],
        "trend": {
            k: trend(h["week"][k], h["week_before"][k], lang) for k in ("incidents", "killed", "wounded")
        },
        "by_zone": by_zone,
        "offers": published(ev["offers"]),
        "answers": answers,
        "reasons": reasons,
        "deaths": {k: published(v) for k, v in f["deaths"].items()},
        "chart_incidents": None,
        "chart_needs": None,
        "map": None,
    }
    if charts_on:
        days = [d["day"] for d in h["by_day"]]
        view["chart_incidents"] = charts.day_bars(days, [d["incidents"] for d in h["by_day"]], _("Incidents"))
        # Bars give their length away: a need with fewer than 5 requests stays in the table, as <5.
        top = [(n, z) for n, z in f["needs"].items() if sum(z.values()) >= SMALL][:10]
        if top:
            view["chart_needs"] = charts.hbars(
                [_word(vocab.NEEDS, n, lang) for n, _z in top],
                [sum(z.values()) for _n, z in top],
                _("Open requests"),
            )
        harmed = {z: v["killed"] + v["wounded"] for z, v in h["by_zone"].items()}
        labels = {
            z: "\n".join(
                (
                    textwrap.fill(zname[z], 13),
                    f"{_('killed')}: {published(h['by_zone'].get(z, {}).get('killed', 0))}",
                    f"{_('wounded')}: {published(h['by_zone'].get(z, {}).get('wounded', 0))}",
                )
            )
            for z in zone_ids
        }
        legend = [_("no one harmed"), "1–9", "10–29", "30+"]
        view["map"] = charts.zone_map(
            zones, labels, harmed, legend, _("Killed and wounded by zone, last 7 days")
        )
    return view


def sitrep_html(
    rep: Replica, day: date, lang: str = "uk", now: datetime | None = None, charts_on: bool = True,
    town: str | None = None,
) -> str:
    return render_html("sitrep.html", lang, s=sitrep_view(rep, day, lang, now, charts_on, town))


def sitrep_pdf(rep: Replica, day: date, lang: str = "uk", now: datetime | None = None) -> bytes:
    return html_to_pdf(sitrep_html(rep, day, lang, now))
