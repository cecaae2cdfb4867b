"""`frontaid report ...` and `frontaid cards`: the printouts, as PDF files (and the sitrep as HTML too)."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import typer
from rich.console import Console

from frontaid.actions import validate as check
from frontaid.cli.context import State, app, check_lang, emit, group, state
from frontaid.domain import vocab
from frontaid.i18n import gettext, ngettext
from frontaid.reports.pdf import KYIV

_ = gettext

report_app = group(
    "report",
    "Printouts as PDF: the notice-board bulletin, the sitrep, lists for the field.",
    "frontaid report bulletin --lang uk -o bulletin.pdf",
)


def _day(value: str | None) -> date:
    """The day typed, else today in Kyiv (the town's calendar, whatever the laptop's clock zone)."""
    return date.fromisoformat(check.day(value, default=datetime.now(KYIV).date()))


def _lang(st: State, value: str | None) -> str:
    """--lang of the command, else the deployment's printout language (Ukrainian unless set at init)."""
    return check_lang(value) if value else str(st.replica().meta("lang", "uk") or "uk")


def _write(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".part")
    tmp.write_bytes(data)
    tmp.replace(path)  # a half-written PDF never takes the place of a good one
    return path


def _done(st: State, paths: list[Path]) -> None:
    def human(c: Console) -> None:
        for p in paths:
            c.print(_("Written: {path}").format(path=p))

    emit(st, {"files": [str(p) for p in paths]}, human)


LANG_OPTION = typer.Option(
    None, "--lang", help="uk or en [default: the deployment's printout language].", show_default=False
)


@report_app.command("bulletin")
def bulletin(
    ctx: typer.Context,
    on: str = typer.Option(None, "--date", help="The day it is for, YYYY-MM-DD (default: today)."),
    lang: str = LANG_OPTION,
    out: Path = typer.Option(None, "-o", "--output", help="The PDF file [default: bulletin-DATE-LANG.pdf]."),
) -> None:
    """The one-page notice-board bulletin: where and when to get aid, deliveries, evacuation, safety.

    Large type, black and white; Ukrainian unless --lang en.

    \b
    Example: frontaid report bulletin --date 2026-12-04 -o bulletin.pdf
    """
    from frontaid.queries.slots import bulletin_slots
    from frontaid.reports.bulletin import bulletin_pdf

    st = state(ctx)
    rep, day = st.replica(), _day(on)
    language = _lang(st, lang)
    pdf = bulletin_pdf(rep, day, language, slots=bulletin_slots(rep, day))
    _done(st, [_write(out or Path(f"bulletin-{day.isoformat()}-{language}.pdf"), pdf)])


@report_app.command("sitrep")
def sitrep(
    ctx: typer.Context,
    on: str = typer.Option(None, "--date", help="The report's day, YYYY-MM-DD (default: today)."),
    lang: str = LANG_OPTION,
    out: Path = typer.Option(
        None,
        "-o",
        "--output",
        help="A folder, or a .pdf or .html file (the other is written beside it) "
        "[default: the current folder].",
    ),
    town: str = typer.Option(None, "--town", help="Only this town's zones (a regional hub)."),
) -> None:
    """The situation report of a day, as HTML and PDF: people, reach, needs, stock, harm, evacuation, deaths.

    Counts from 1 to 4 are printed as <5.

    \b
    Example: frontaid report sitrep --date 2026-12-04 --lang en -o reports/
    """
    from frontaid.reports.pdf import html_to_pdf
    from frontaid.reports.sitrep import sitrep_html

    st = state(ctx)
    rep, day = st.replica(), _day(on)
    language = _lang(st, lang)
    town_id = None if town is None else check.town(rep, town)
    target = out or Path(".")
    if target.suffix.lower() in (".pdf", ".html", ".htm"):
        stem = target.with_suffix("")
    else:
        stem = target / f"sitrep-{day.isoformat()}{'-' + town_id if town_id else ''}-{language}"
    html = sitrep_html(rep, day, language, town=town_id)
    pdf = html_to_pdf(html)
    paths = [_write(stem.with_suffix(".html"), html.encode()), _write(stem.with_suffix(".pdf"), pdf)]
    _done(st, paths)


@report_app.command("list")
def registry_list(
    ctx: typer.Context,
    zone: str = typer.Option(None, "--zone", help="Only this zone (id or name)."),
    vulnerability: str = typer.Option(
        None, "--vulnerability", help=f"Only with someone: {', '.join(vocab.VULNERABILITIES)}."
    ),
    not_reached: int = typer.Option(
        None,
        "--not-reached",
        metavar="DAYS",
        help="Only those not reached (hand-out or visit) in the last DAYS days.",
    ),
    refused_evacuation: bool = typer.Option(
        False, "--refused-evacuation", help="Only those whose latest answer to evacuation is no."
    ),
    limit: int = typer.Option(500, "--limit", help="At most this many rows (about 7 a page)."),
    lang: str = LANG_OPTION,
    out: Path = typer.Option(None, "-o", "--output", help="The PDF file [default: households-LANG.pdf]."),
) -> None:
    """The registry's filter as a PDF list to carry: code, address, people, vulnerabilities, a box to tick.

    \b
    Example: frontaid report list --zone east-north --vulnerability immobile --not-reached 7 -o visits.pdf
    """
    from frontaid.reports.lists import registry_list_pdf

    st = state(ctx)
    rep = st.replica()
    language = _lang(st, lang)
    pdf = registry_list_pdf(
        rep,
        language,
        zone=check.zone(rep, zone) if zone else None,
        vulnerability=check.choice(vulnerability, vocab.VULNERABILITIES, "vulnerability")
        if vulnerability
        else None,
        not_reached_days=not_reached,
        refused_evacuation=refused_evacuation,
        limit=max(1, limit),
    )
    _done(st, [_write(out or Path(f"households-{language}.pdf"), pdf)])


@report_app.command("board")
def board(
    ctx: typer.Context,
    need: str = typer.Option(None, "--need", help=f"Only this need: {', '.join(vocab.NEEDS)}."),
    zone: str = typer.Option(None, "--zone", help="Only this zone (id or name)."),
    lang: str = LANG_OPTION,
    out: Path = typer.Option(None, "-o", "--output", help="The PDF file [default: requests-LANG.pdf]."),
) -> None:
    """The requests board (open, assigned, in progress) as a PDF, most urgent first.

    \b
    Example: frontaid report board --zone east-south -o requests.pdf
    """
    from frontaid.reports.lists import board_pdf

    st = state(ctx)
    rep = st.replica()
    language = _lang(st, lang)
    pdf = board_pdf(
        rep,
        language,
        need=check.choice(need, vocab.NEEDS, "need") if need else None,
        zone=check.zone(rep, zone) if zone else None,
    )
    _done(st, [_write(out or Path(f"requests-{language}.pdf"), pdf)])


@app.command("cards")
def cards(
    ctx: typer.Context,
    zone: str = typer.Option(
        None, "--zone", help="Every household in town in this zone (id or name) [default: the whole town]."
    ),
    household: list[str] = typer.Option(None, "--household", help="This household's card (repeat for more)."),
    limit: int = typer.Option(800, "--limit", help="At most this many cards (8 a page)."),
    skip: int = typer.Option(0, "--skip", help="Leave out the first N (to print a zone in batches)."),
    lang: str = LANG_OPTION,
    out: Path = typer.Option(None, "-o", "--output", help="The PDF file [default: cards-LANG.pdf]."),
) -> None:
    """Printable household cards, 8 to an A4 page: the code in large letters and as a QR code.

    A scanner at the desk reads the QR code into the search box and finds the household.

    \b
    Example: frontaid cards --household BXM-001-3 --household BXM-006-8 -o cards.pdf
    """
    from frontaid.reports.cards import card_households, cards_pdf

    st = state(ctx)
    rep = st.replica()
    language = _lang(st, lang)
    rows, total = card_households(
        rep,
        zone=check.zone(rep, zone) if zone else None,
        codes=list(household or []),
        limit=max(1, limit),
        offset=max(0, skip),
    )
    path = _write(out or Path(f"cards-{language}.pdf"), cards_pdf(rep, rows, language))

    def human(c: Console) -> None:
        c.print(
            ngettext("{n} card of {total}", "{n} cards of {total}", len(rows)).format(
                n=len(rows), total=total
            )
        )
        c.print(_("Written: {path}").format(path=path))

    emit(st, {"files": [str(path)], "cards": len(rows), "matching": total}, human)
