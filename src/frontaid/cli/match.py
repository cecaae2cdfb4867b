"""`frontaid dedup ...`: find people registered twice, review the pairs, merge or keep apart."""

from __future__ import annotations

from typing import Any

import typer
from rich.console import Console

from frontaid.actions import dedup as actions
from frontaid.cli.context import N_, code_of, done, emit, group, state, table
from frontaid.errors import UnknownChoice
from frontaid.i18n import gettext as _
from frontaid.match.dedup import FIELDS, LINK, REVIEW
from frontaid.queries import dedup as q
from frontaid.queries.dedup import AGREEMENT, FIELD_NAMES

dedup_app = group(
    "dedup", "Duplicates: find people registered twice, review the pairs, merge or keep apart.",
    "frontaid dedup run")

BANDS = {"link": N_("very likely the same"), "review": N_("maybe the same")}


RUN_HELP = f"""Compare everyone registered and fill the review queue (it replaces the last run's queue).

Pairs scoring at least {REVIEW:g} are queued; nothing is merged unless --merge-links is given.

\b
Example: frontaid dedup run
"""


@dedup_app.command("run", help=RUN_HELP)
def dedup_run(
    ctx: typer.Context,
    merge_links: bool = typer.Option(
        False, "--merge-links",
        help=f"Also merge the pairs scoring at least {LINK:g} (very likely the same); "
             "else nothing is merged."),
) -> None:
    st = state(ctx)
    result = actions.run(st.replica(), st.actor, merge_links=merge_links)

    def human(c: Console) -> None:
        c.print(_("{people} people compared: {link} pairs very likely the same, {review} maybe the same.")
                .format(**result))
        if result["merged"]:
            c.print(_("{merged} pairs merged.").format(merged=result["merged"]))
        if result["link"] + result["review"] - result["merged"]:
            c.print(_("Review them with: frontaid dedup review"))
    emit(st, result, human)


def _side(p: dict[str, Any]) -> str:
    parts = [p["eid"], p["name"] or "", str(p["born"] or ""), p["sex"] or "", p["household"] or "",
             p["address"] or ""]
    return " · ".join(x for x in parts if x)


@dedup_app.command("review")
def dedup_review(
    ctx: typer.Context,
    band: str = typer.Option(None, "--band", help="Only this band: link or review."),
    limit: int = typer.Option(20, "--limit", min=1, max=1000, help="How many pairs to show."),
) -> None:
    """The pairs waiting for a decision, most likely first, with the fields that agree and differ.

    \b
    Example: frontaid dedup review --band link --limit 5
    """
    st = state(ctx)
    if band is not None and band not in BANDS:
        raise UnknownChoice(value=band[:20], what="band", choices=", ".join(BANDS))
    pairs = q.queue(st.replica(), band=band, limit=limit)

    def human(c: Console) -> None:
        if not pairs:
            c.print(_("No pairs waiting. Run: frontaid dedup run"))
            return
        for p in pairs:
            c.print(f"[bold]{p['a']['eid']} ↔ {p['b']['eid']}[/bold]  {p['score']:g} · {_(BANDS[p['band']])}")
            how = p["fields"]
            c.print(table("", [_("Field"), p["a"]["eid"], p["b"]["eid"], _("Comparison")], [
                (_(FIELD_NAMES[f]), _value(p["a"], f), _value(p["b"], f), _(AGREEMENT[how[f]]))
                for f in FIELDS if f != "doc"]))
            c.print(_("Same person: frontaid dedup merge {b} {a}   Not the same: "
                      "frontaid dedup distinct {a} {b}").format(a=p["a"]["eid"], b=p["b"]["eid"]))
            c.print("")
    emit(st, pairs, human)


def _value(p: dict[str, Any], field: str) -> Any:
    return p.get(field) if field in p else None


@dedup_app.command("merge")
def dedup_merge(
    ctx: typer.Context,
    duplicate: str = typer.Argument(..., help="The person's code to merge away."),
    into: str = typer.Argument(..., help="The person's code to keep."),
) -> None:
    """One person registered twice: merge DUPLICATE into INTO (undo with `dedup unmerge`).

    \b
    Example: frontaid dedup merge KMT-043-1 KMT-042-6
    """
    st = state(ctx)
    a, b = actions.merge(st.replica(), st.actor, code_of(duplicate), code_of(into))
    done(st, _("{duplicate} merged into {into}.").format(duplicate=a, into=b), {"duplicate": a, "into": b})


@dedup_app.command("distinct")
def dedup_distinct(
    ctx: typer.Context,
    a: str = typer.Argument(..., help="One person's code."),
    b: str = typer.Argument(..., help="The other person's code."),
) -> None:
    """Two records are two people: the pair is never proposed again, on any replica.

    \b
    Example: frontaid dedup distinct KMT-043-1 KMT-042-6
    """
    st = state(ctx)
    x, y = actions.not_the_same(st.replica(), st.actor, code_of(a), code_of(b))
    done(st, _("{a} and {b} are recorded as two people.").format(a=x, b=y), {"a": x, "b": y})


@dedup_app.command("unmerge")
def dedup_unmerge(
    ctx: typer.Context,
    code: str = typer.Argument(..., help="The code of the person merged away."),
) -> None:
    """Undo a merge: the person's record stands on its own again.

    \b
    Example: frontaid dedup unmerge KMT-043-1
    """
    st = state(ctx)
    actions.unmerge(st.replica(), st.actor, code_of(code))
    done(st, _("Merge of {code} undone.").format(code=code_of(code)), {"code": code_of(code)})
