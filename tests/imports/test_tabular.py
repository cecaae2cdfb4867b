"""The XLSX row reader gives what openpyxl gives: strings, numbers, dates by style, gaps, formulas."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import openpyxl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from frontaid.imports.tabular import _sheet_rows, open_tables

cell = st.one_of(
    st.none(), st.text(alphabet=st.characters(blacklist_categories=["Cs", "Cc"]), max_size=20),
    st.integers(-10**9, 10**9), st.floats(-1e9, 1e9, allow_nan=False), st.booleans(),
    st.datetimes(min_value=datetime(1901, 1, 1), max_value=datetime(2099, 1, 1)).map(
        lambda d: d.replace(microsecond=0)),
)


def _trim(values: list[Any]) -> list[Any]:
    while values and values[-1] is None:
        values.pop()
    return values


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.lists(cell, max_size=6), min_size=1, max_size=12))
def test_the_lean_reader_agrees_with_openpyxl(tmp_path: Path, rows: list[list[Any]]) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    for r in rows:
        ws.append([v.strip() or None if isinstance(v, str) else v for v in r])
    ws["H3"] = "=1+2"  # a formula: its cached value (none here) is read, never the formula
    path = tmp_path / "x.xlsx"
    wb.save(path)
    ro = openpyxl.load_workbook(path, read_only=True, data_only=True)
    sheet = ro.worksheets[0]
    expected = [(i, _trim(list(r))) for i, r in enumerate(sheet.iter_rows(values_only=True), 1)
                if any(v is not None and str(v).strip() for v in r)]
    got = [(i, _trim(r)) for i, r in _sheet_rows(sheet)]
    assert got == expected


def test_a_list_table_has_its_header_and_numbered_rows(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["ПІБ", "Адреса", "Зона"])
    ws.append([None, None, None])
    ws.append(["Мельник Ганна", "вул. Миру, 22", "east"])
    path = tmp_path / "l.xlsx"
    wb.save(path)
    (table,) = open_tables(path)
    assert table.headers == ["ПІБ", "Адреса", "Зона"] and table.header_line == 1
    assert list(table.rows) == [(3, ["Мельник Ганна", "вул. Миру, 22", "east"])]
