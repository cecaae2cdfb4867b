"""HTML to PDF with no network: our templates, their CSS, DejaVu fonts embedded; and the words
every printout shares (dates in one form per language, times in Kyiv, small counts hidden).

weasyprint lays the page out with the machine's pango and embeds the subset of DejaVu
each page uses, so a Ukrainian page prints the same on any machine. `LocalOnly` refuses
every URL that is not inside the page itself (data:) or our templates folder: a stray
link in a note or an address can never make the hub reach out.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit
from zoneinfo import ZoneInfo

from jinja2 import Environment, FileSystemLoader, select_autoescape

from frontaid.i18n import gettext, ngettext

TEMPLATES = Path(__file__).parent / "templates"
KYIV = ZoneInfo("Europe/Kyiv")
SMALL = 5  # counts from 1 to SMALL - 1 are printed as "<5" in published tables

env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"]),
                  trim_blocks=True, lstrip_blocks=True)


class NotLocal(ValueError):
    """A URL a printout may not load (weasyprint logs it and leaves the resource out)."""


def _local_fetcher() -> Any:
    from weasyprint.urls import URLFetcher

    class LocalOnly(URLFetcher):  # type: ignore[misc]
        """data: URLs and files under our templates folder; nothing else, never the network."""

        def fetch(self, url: str, headers: Any = None) -> Any:
            parts = urlsplit(url)
            if parts.scheme == "data":
                return super().fetch(url, headers)
            if parts.scheme == "file" and not parts.netloc:
                path = Path(unquote(parts.path)).resolve()
                if path.is_relative_to(TEMPLATES.resolve()):
                    return super().fetch(url, headers)
            raise NotLocal(f"not loaded: {parts.scheme}:")

    return LocalOnly(allowed_protocols=("data", "file"), allow_redirects=False)


def layout(html: str) -> Any:
    """One of our HTML pages laid out (a weasyprint Document: its pages, then `write_pdf()`)."""
    from weasyprint import HTML

    return HTML(string=html, base_url=TEMPLATES.as_uri() + "/", url_fetcher=_local_fetcher()).render()


def html_to_pdf(html: str) -> bytes:
    """The PDF of one of our HTML pages (A4, fonts embedded, nothing fetched from outside)."""
    pdf = layout(html).write_pdf()
    assert isinstance(pdf, bytes)
    return pdf


def N_(msgid: str) -> str:
    """Mark a msgid for the catalog where it is translated later (at render time)."""
    return msgid


def long_date(day: date | str, lang: str, weekday: bool = False) -> str:
    """A date as people write it: "4 грудня 2026" / "4 December 2026" (with the weekday if asked)."""
    from babel.dates import format_date

    if isinstance(day, str):
        day = date.fromisoformat(day[:10])
    return format_date(day, "EEEE, d MMMM y" if weekday else "d MMMM y", locale=lang)


def kyiv_time(moment: datetime | str) -> str:
    """A UTC moment as Kyiv's clock shows it, HH:MM."""
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(KYIV).strftime("%H:%M")


def kyiv_moment(moment: datetime | str, lang: str) -> str:
    """A UTC moment as a Kyiv date and time: "4 грудня 2026, 14:05"."""
    from frontaid.domain.localtime import shown

    return shown(moment if isinstance(moment, str) else moment.isoformat(), lang)


def published(n: int | None) -> str:
    """A count as a published table shows it: 1-4 hidden as "<5" (a small count can name someone)."""
    if n is None:
        return "—"
    if 0 < n < SMALL:
        return f"<{SMALL}"
    return f"{n:,}".replace(",", "\u202f")


def number(n: int | float | None, lang: str = "en") -> str:
    """A number with thin spaces between thousands; a decimal comma in Ukrainian (2,5), a point in English."""
    if n is None:
        return "—"
    if isinstance(n, float) and not n.is_integer():
        text = f"{n:,.1f}".replace(",", "\u202f")
        return text.replace(".", ",") if lang == "uk" else text
    return f"{int(n):,}".replace(",", "\u202f")


def zone_name(zone: dict[str, Any], lang: str) -> str:
    """A zone's name in the page's language (its Ukrainian one when it has no English)."""
    return str(zone["name"] if lang == "uk" or not zone.get("name_en") else zone["name_en"])


def town_name(town: str, lang: str) -> str:
    """The town as the page's language writes it (Бахмут → Bakhmut, the official KMU 2010 table)."""
    if lang == "uk":
        return town
    from translitua import translit

    return str(translit(town))


def words(lang: str) -> dict[str, Callable[..., str]]:
    """The template helpers of one language: `_`, `n_` (plurals), dates, numbers."""

    def _(msgid: str, **params: Any) -> str:
        text = gettext(msgid, lang)
        return text.format(**params) if params else text

    def n_(singular: str, plural: str, n: int, **params: Any) -> str:
        return ngettext(singular, plural, n, lang).format(n=number(n, lang), **params)

    def long_date_(day: date | str, weekday: bool = False) -> str:
        text = long_date(day, lang, weekday)
        return text[:1].upper() + text[1:] if weekday else text  # "П'ятниця, 4 грудня 2026"

    return {"_": _, "n_": n_, "long_date": long_date_,
            "kyiv_time": kyiv_time, "kyiv_moment": lambda m: kyiv_moment(m, lang),
            "published": published, "number": lambda n: number(n, lang)}


def render_html(template: str, lang: str, **context: Any) -> str:
    """One of `reports/templates/` in `lang`, with the shared helpers."""
    return env.get_template(template).render(lang=lang, **words(lang), **context)
