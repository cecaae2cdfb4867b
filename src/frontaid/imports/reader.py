"""A file to import, read into a `Plan`: households with their members, and every bad row.

Three kinds, told apart by their contents: KoBo/ODK submissions (JSON, or tables with `_uuid`
or `meta/instanceID`), frontaid's own XLSX export (sheets `zones`, `households`, `people`:
the round trip), and any other list (one row per person, columns mapped by `imports.mapping`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from frontaid.errors import BadFile
from frontaid.imports import kobo, mapping
from frontaid.imports.rows import Household, Member, Row, RowProblem, group_rows, parse_row
from frontaid.imports.tabular import Table, open_tables

NATIVE_SHEETS = ("zones", "households", "people")


@dataclass
class Plan:
    kind: str                                        # "list" | "kobo" | "frontaid"
    households: list[Household] = field(default_factory=list)
    zones: list[dict[str, Any]] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)
    rows: int = 0
    mapping: dict[str, str] = field(default_factory=dict)


def inspect(path: Path, encoding: str | None = None) -> tuple[str, list[Table]]:
    """The file's kind and tables (none for JSON); rows are read later, once."""
    if not path.is_file():
        raise BadFile("{file} does not exist.", file=path.name)
    if path.suffix.lower() == ".json":
        return "kobo", []
    tables = open_tables(path, encoding)
    names = {t.name.lower() for t in tables}
    if {"households", "people"} <= names:
        return "frontaid", tables
    if kobo.is_kobo(tables[0].headers):
        return "kobo", tables
    return "list", tables


def read(path: Path, *, columns: dict[str, str] | None = None, encoding: str | None = None,
         zone: str | None = None, tick: Callable[[int], None] | None = None) -> Plan:
    """Read and parse the whole file (no database); `columns` maps a list's headers to fields."""
    kind, tables = inspect(path, encoding)
    if kind == "kobo":
        households, problems = kobo.read_json(path) if not tables else kobo.read_tables(tables)
        return Plan("kobo", households, problems=problems, rows=len(households))
    if kind == "frontaid":
        return _native(tables)
    table = tables[0]
    cols = columns if columns is not None else mapping.guess(table.headers)
    missing = mapping.missing_required(cols, zone_given=bool(zone))
    if missing:
        raise BadFile("No column holds the {field}: map one (--mapping) or add it to the file.",
                      table.header_line, field=missing[0])
    plan = Plan("list", mapping=cols)
    index = [(i, cols.get(h, "")) for i, h in enumerate(table.headers)]
    rows: list[Row] = []
    for line, cells in table.rows:
        values = {f: cells[i] for i, f in index if f and i < len(cells)}
        if zone and not values.get("zone"):
            values["zone"] = zone
        plan.rows += 1
        try:
            rows.append(parse_row(values, line))
        except RowProblem as p:
            plan.problems.append(p)
        if tick is not None and plan.rows % 1000 == 0:
            tick(1000)
    plan.households = group_rows(rows)
    return plan


def _native(tables: list[Table]) -> Plan:
    """frontaid's XLSX export: zones, households by code, people by code under their household."""
    by = {t.name.lower(): t for t in tables}
    plan = Plan("frontaid")
    zt = by.get("zones")
    if zt is not None:
        for line, cells in zt.rows:
            z = dict(zip(zt.headers, cells, strict=False))
            if z.get("zone"):
                plan.zones.append({"line": line, **{k: v for k, v in z.items() if v not in (None, "")}})
    households: dict[str, Household] = {}
    ht = by["households"]
    for line, cells in ht.rows:
        values = {k: v for k, v in zip(ht.headers, cells, strict=False) if k}
        values["household_status"] = values.pop("status", None)
        plan.rows += 1
        try:
            row = parse_row(values, line, need_name=False)
        except RowProblem as p:
            plan.problems.append(p)
            continue
        if row.code is None:
            plan.problems.append(RowProblem(line, "The card code is empty."))
            continue
        hh = Household(line, f"code:{row.code}", row.household, row.zone, row.code)
        households[row.code] = hh
        plan.households.append(hh)
    pt = by["people"]
    for line, cells in pt.rows:
        values = {k: v for k, v in zip(pt.headers, cells, strict=False) if k}
        values["person_code"], values["code"] = values.pop("code", None), values.pop("household", None)
        values["full_name"] = values.pop("name", None)
        plan.rows += 1
        try:
            row = parse_row(values, line, need_address=False)
        except RowProblem as p:
            plan.problems.append(p)
            continue
        owner = households.get(row.code or "")
        if owner is None or row.person is None or row.person_code is None:
            plan.problems.append(RowProblem(line, "The person's household is not in the households sheet."))
            continue
        owner.members.append(Member(line, f"code:{row.person_code}", row.person, row.person_code))
    return plan
