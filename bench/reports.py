"""How long the printouts take on the demo town, and what they look like.

    .venv/bin/python bench/reports.py                       # the issue's figures: 100k-household town
    .venv/bin/python bench/reports.py --households 5000     # a quick run

The demo town (`scenario.build_demo`, cached under --cache as bench/sync.py does) is
opened read-only in spirit: every printout only reads. Baselines in the same run:
weasyprint laying out and writing a trivial page (what any PDF costs), the sitrep's
figures alone (the queries), and the sitrep's HTML with its charts but no PDF.
Each row is the best of --repeat runs (default 1: the machine is shared).

The rendered pages go to bench/out/ as PNG (pdftoppm, 80 dpi): the bulletin and the
sitrep in Ukrainian and English, and the first page of the cards, to look at.

Targets (issue #14): the sitrep of the 100k town in under 10 s, the bulletin in under 3 s.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from _common import cached_demo  # noqa: E402  (bench/ is the script's own folder)
from frontaid.queries.paper import card_households
from frontaid.queries.sitrep import sitrep as sitrep_figures
from frontaid.reports.bulletin import bulletin_pdf
from frontaid.reports.cards import cards_pdf
from frontaid.reports.lists import board_pdf, registry_list_pdf
from frontaid.reports.pdf import html_to_pdf
from frontaid.reports.sitrep import sitrep_html
from frontaid.store.replica import Replica

OUT = Path(__file__).parent / "out"
TARGETS = {"sitrep PDF (uk)": 10.0, "bulletin PDF (uk)": 3.0}


def best(fn: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    times, result = [], None
    for _ in range(repeat):
        t = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t)
    return min(times), result


def pages_of(pdf: bytes) -> int:
    path = OUT / "_count.pdf"
    path.write_bytes(pdf)
    info = subprocess.run(["pdfinfo", str(path)], check=True, capture_output=True, text=True).stdout
    path.unlink()
    return int(next(line.split()[1] for line in info.splitlines() if line.startswith("Pages:")))


def to_png(pdf: bytes, name: str, last: int | None = None) -> list[Path]:
    path = OUT / f"{name}.pdf"
    path.write_bytes(pdf)
    for old in OUT.glob(f"{name}-*.png"):
        old.unlink()
    args = ["pdftoppm", "-r", "80", "-png", *(["-l", str(last)] if last else []), str(path), str(OUT / name)]
    subprocess.run(args, check=True)
    return sorted(OUT.glob(f"{name}-*.png"))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--households", type=int, default=100_000)
    ap.add_argument("--cache", type=Path, default=Path("/tmp/frontaid-bench"))
    ap.add_argument("--day", default=None, help="The report's day (default: the demo's last day).")
    ap.add_argument("--cards", type=int, default=800, help="Cards printed for one zone (8 a page).")
    ap.add_argument("--repeat", type=int, default=1)
    args = ap.parse_args()
    args.cache.mkdir(parents=True, exist_ok=True)
    OUT.mkdir(exist_ok=True)
    rep = Replica.open(cached_demo(args.cache, args.households))
    last = rep.conn.execute("SELECT max(substr(at, 1, 10)) FROM incidents").fetchone()[0]
    day = date.fromisoformat(args.day or last)
    zone = "east-north"
    rows: list[tuple[str, float, str]] = []

    def row(name: str, fn: Callable[[], Any], what: Callable[[Any], str] = lambda _r: "") -> Any:
        seconds, result = best(fn, args.repeat)
        rows.append((name, seconds, what(result)))
        print(f"  {name}: {seconds:.2f} s", file=sys.stderr, flush=True)
        return result

    trivial = "<html><body><p>Привіт, Бахмут.</p></body></html>"
    # The first PDF of a process loads weasyprint, pango and the fonts: a cost of its own, paid once.
    row(
        "first PDF in a process (imports, fonts)",
        lambda: html_to_pdf(trivial),
        lambda p: f"{pages_of(p)} page",
    )
    row("baseline: weasyprint, trivial page", lambda: html_to_pdf(trivial), lambda p: f"{pages_of(p)} page")
    row("baseline: sitrep figures (queries)", lambda: sitrep_figures(rep, day))
    row(
        "baseline: sitrep HTML + charts, no PDF",
        lambda: sitrep_html(rep, day, "uk"),
        lambda h: f"{len(h) // 1024} KiB HTML",
    )
    outputs: dict[str, bytes] = {}
    for lang in ("uk", "en"):
        outputs[f"sitrep-{lang}"] = row(
            f"sitrep PDF ({lang})",
            lambda lang=lang: html_to_pdf(sitrep_html(rep, day, lang)),
            lambda p: f"{pages_of(p)} pages",
        )
        outputs[f"bulletin-{lang}"] = row(
            f"bulletin PDF ({lang})",
            lambda lang=lang: bulletin_pdf(rep, day, lang),
            lambda p: f"{pages_of(p)} page",
        )
    cards, total = card_households(rep, zone=zone, limit=args.cards)
    outputs["cards-uk"] = row(
        f"cards PDF, {len(cards)} of {total} in {zone}",
        lambda: cards_pdf(rep, cards, "uk"),
        lambda p: f"{pages_of(p)} pages",
    )
    outputs["list-uk"] = row(
        "registry list PDF (zone, immobile)",
        lambda: registry_list_pdf(rep, "uk", zone=zone, vulnerability="immobile"),
        lambda p: f"{pages_of(p)} pages",
    )
    outputs["board-uk"] = row(
        "requests board PDF (open, assigned, in progress)",
        lambda: board_pdf(rep, "uk"),
        lambda p: f"{pages_of(p)} pages",
    )

    pngs: list[Path] = []
    for name, pdf in outputs.items():
        pngs += to_png(pdf, name, last=None if name.startswith(("sitrep", "bulletin")) else 1)

    width = max(len(r[0]) for r in rows)
    print(
        f"\nPrintouts of the {args.households:,}-household demo town, report day {day} "
        f"(best of {args.repeat})\n"
    )
    print(f"{'what':<{width}}  {'seconds':>8}  {'target':>14}  result")
    for name, seconds, what in rows:
        target = TARGETS.get(name)
        mark = "" if target is None else f"< {target:g} s" + (" ok" if seconds < target else " MISSED")
        print(f"{name:<{width}}  {seconds:8.2f}  {mark:>14}  {what}")
    per_card = next(s for n, s, _w in rows if n.startswith("cards PDF")) / max(len(cards), 1)
    print(
        f"\ncards: {per_card * 1000:.1f} ms a card; the whole zone ({total:,}) would take about "
        f"{per_card * total / 60:.0f} min, printed in batches with --limit/--skip"
    )
    print("\nPNG pages written:")
    for p in pngs:
        print(f"  {p}")


if __name__ == "__main__":
    main()
