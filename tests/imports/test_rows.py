"""The row parser on messy input: a clean row or a reason with the line, never a crash."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from frontaid.errors import BadFile
from frontaid.imports import reader
from frontaid.imports.mapping import FIELDS
from frontaid.imports.rows import MAX_CELL, Row, RowProblem, born_year, parse_row

TODAY = date(2026, 12, 4)


@pytest.mark.parametrize("value,year", [
    ("1941", 1941), ("05.06.1957", 1957), ("1957-06-05", 1957), (" 1960 р.", 1960), (1939, 1939),
    (1939.0, 1939), (datetime(1950, 3, 1), 1950), (date(1948, 1, 2), 1948), ("", None), (None, None),
])
def test_a_birth_year_is_read_from_a_year_and_two_unambiguous_date_forms(value: object,
                                                                        year: int | None) -> None:
    assert born_year(value, 7, TODAY) == year


@pytest.mark.parametrize("value,word", [
    ("12/03/1960", "ambiguous"), ("3-4-60", "ambiguous"), ("1.2.50", "ambiguous"), ("31.02.1950", "date"),
    ("1850", "between"), ("2040", "between"), ("сорок", "year"), (1950.5, "year"),
])
def test_an_ambiguous_or_wrong_birth_date_is_refused_with_its_line(value: object, word: str) -> None:
    with pytest.raises(RowProblem) as info:
        born_year(value, 7, TODAY)
    assert info.value.line == 7 and word in info.value.reason


messy_text = st.one_of(
    st.text(max_size=40),
    st.sampled_from(["ж", "Ч", "female", "80+", "маломобільний, самотня", "підвал", "05.06.1957",
                     "1957-06-05",
                     "12/03/1960", "48.6 38.0 0 5", "48,6", "+380 67 123 45 67", "KMT-042-6", "вул. Миру, 22",
                     "", " ", "=SUM(A1)", "\x00", "1e309", "nan"]),
    st.integers(-10**6, 10**6), st.floats(allow_nan=True, allow_infinity=True), st.none(),
    st.datetimes(min_value=datetime(1800, 1, 1), max_value=datetime(2100, 1, 1)),
)


@settings(max_examples=400, deadline=None)
@given(values=st.dictionaries(st.sampled_from(sorted(FIELDS)), messy_text, max_size=12),
       line=st.integers(1, 10**6))
def test_any_messy_row_parses_cleanly_or_names_its_line(values: dict[str, object], line: int) -> None:
    try:
        row = parse_row(values, line, today=TODAY)
    except RowProblem as p:
        assert p.line == line and p.reason
        p.reason.format(**p.params)  # the message can be written
        return
    assert isinstance(row, Row) and row.line == line and row.key.startswith("row:")
    assert row.person is None or row.person["name"]
    for v in [*row.household.values(), *(row.person or {}).values()]:
        assert not isinstance(v, str) or len(v) <= MAX_CELL
    if "born" in (row.person or {}):
        assert 1900 <= row.person["born"] <= TODAY.year  # type: ignore[index]
    # The same row gives the same key: a re-import finds it.
    assert parse_row(values, line + 1, today=TODAY).key == row.key


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=st.one_of(st.binary(max_size=600), st.text(max_size=600).map(lambda t: t.encode("utf-8"))))
def test_any_bytes_as_a_csv_read_or_refuse_with_a_line(tmp_path: Path, body: bytes) -> None:
    f = tmp_path / "x.csv"
    f.write_bytes("ПІБ;Адреса;Зона\n".encode() + body)
    try:
        plan = reader.read(f, zone="east")
    except BadFile as err:
        assert err.line is None or err.line >= 1
        assert err.text("uk") and err.text("en")
        return
    lines = body.count(b"\n") + body.count(b"\r") + 2
    for p in plan.problems:
        assert 2 <= p.line <= lines
