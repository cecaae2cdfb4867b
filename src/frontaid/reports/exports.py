"""Exports for the cluster system: HXL-tagged CSV, an OCHA 5W activity report, XLSX, GeoJSON.

Each writer takes the rows a query gave and a file; none opens the database. Aggregate
tables (HXL, 5W) show no count of 1-4 people (`queries.exports.suppress`). The P-codes
follow OCHA's COD-AB for Ukraine (the KATOTTG codes cut to their level): Donetska oblast
UA14, Bakhmutskyi raion UA1402, Bakhmutska hromada UA1402001 (overridable).
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Final

from frontaid.queries.exports import suppress


@dataclass(frozen=True)
class Admin:
    adm1: str = "Donetska"
    adm1_code: str = "UA14"
    adm2: str = "Bakhmutskyi"
    adm2_code: str = "UA1402"
    adm3: str = "Bakhmutska"
    adm3_code: str = "UA1402001"


# (header people read, HXL hashtag) of the HXL export, in order.
HXL_COLUMNS: Final = (
    ("Oblast", "#adm1+name"), ("Oblast P-code", "#adm1+code"),
    ("Raion", "#adm2+name"), ("Raion P-code", "#adm2+code"),
    ("Hromada", "#adm3+name"), ("Hromada P-code", "#adm3+code"),
    ("Zone", "#loc+name"), ("Zone id", "#loc+code"),
    ("Cluster", "#sector+name"), ("Cluster code", "#sector+code"),
    ("People reached", "#reached+ind"), ("Women and girls reached", "#reached+f"),
    ("Men and boys reached", "#reached+m"), ("Older people (60+) reached", "#reached+elderly"),
    ("Children (under 18) reached", "#reached+children"),
    ("People in need", "#inneed+ind"), ("People affected", "#affected+ind"),
    ("From", "#date+start"), ("To", "#date+end"),
)


def _shown(n: int) -> int | str:
    """A count for an aggregate table: '' in place of 1-4 people."""
    v = suppress(n)
    return "" if v is None else v


def write_hxl(rows: list[dict[str, Any]], path: Path, since: date, until: date, admin: Admin) -> int:
    """HXL-tagged CSV: a header row, the hashtag row, one row per zone and cluster. Returns the rows."""
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow([h for h, _t in HXL_COLUMNS])
        w.writerow([t for _h, t in HXL_COLUMNS])
        for r in rows:
            reached = r["reached"]
            w.writerow([admin.adm1, admin.adm1_code, admin.adm2, admin.adm2_code, admin.adm3, admin.adm3_code,
                        r["zone_name"], r["zone"], r["sector"], r["sector_code"],
                        *(_shown(reached[k]) for k in ("ind", "f", "m", "elderly", "children")),
                        _shown(r["inneed"]), _shown(r["affected"]), since.isoformat(), until.isoformat()])
    return len(rows)


# The 5W activity report (Who, What, Where, When, for Whom), as the Ukraine clusters collect it.
FIVEW_COLUMNS: Final = (
    "Reporting organisation", "Implementing partner", "Cluster", "Activity", "Oblast", "Oblast P-code",
    "Raion", "Raion P-code", "Hromada", "Hromada P-code", "Settlement / zone", "Start date", "End date",
    "Status", "People reached", "Women (18-59)", "Men (18-59)", "Older women (60+)", "Older men (60+)",
    "Girls (<18)", "Boys (<18)", "People with disabilities",
)
ACTIVITIES: Final = {
    "FSL": "Distribution of in-kind food assistance", "WSH": "Distribution of water and hygiene kits",
    "HEA": "Provision of medicines and medical kits", "SHL": "Distribution of NFIs and winterisation items",
    "PRO": "Protection services and support for burials",
}


def write_5w(rows: list[dict[str, Any]], path: Path, since: date, until: date, admin: Admin,
             org: str) -> int:
    """The 5W as XLSX: one row per zone and cluster with people reached by sex and age ('<5' hidden)."""
    import openpyxl
    from openpyxl.styles import Font

    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "5W"
    ws.append(list(FIVEW_COLUMNS))
    for c in ws[1]:
        c.font = Font(bold=True)
    ongoing = until >= date.today()
    for r in rows:
        d = r["breakdown"]
        cells: list[Any] = [org, org, r["sector"], ACTIVITIES[r["sector_code"]], admin.adm1, admin.adm1_code,
                            admin.adm2, admin.adm2_code, admin.adm3, admin.adm3_code, r["zone_name"],
                            since.isoformat(), until.isoformat(), "Ongoing" if ongoing else "Completed"]
        for k in ("ind", "women", "men", "older_women", "older_men", "girls", "boys", "disabled"):
            v = suppress(d[k])
            cells.append("<5" if v is None else v)
        ws.append(cells)
    ws.freeze_panes = "A2"
    wb.save(path)
    return len(rows)


def write_xlsx(tables: dict[str, tuple[list[str], list[tuple[Any, ...]]]], path: Path) -> int:
    """One sheet per table, the first row its column names (the round trip reads them back)."""
    import openpyxl
    from openpyxl.cell import WriteOnlyCell

    wb = openpyxl.Workbook(write_only=True)
    n = 0
    for name, (cols, rows) in tables.items():
        ws = wb.create_sheet(name)
        ws.append([("zone" if name == "zones" else "code") if c == "eid" else c for c in cols])
        for row in rows:
            cells = []
            for v in row:
                cell = WriteOnlyCell(ws, value=v)
                if isinstance(v, str) and v.startswith("="):
                    cell.data_type = "s"  # never a formula: a note starting with "=" stays text
                cells.append(cell)
            ws.append(cells)
            n += 1
    wb.save(path)
    return n


def write_geojson(features: list[dict[str, Any]], path: Path) -> int:
    body = {"type": "FeatureCollection", "features": features}
    path.write_text(json.dumps(body, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return len(features)
