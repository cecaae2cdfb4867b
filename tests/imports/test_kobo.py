"""KoBo / ODK submissions of the shipped household form: JSON, wide CSV and XLSX exports."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest
from pyxform.xls2xform import convert

from frontaid.actions import imports as actions
from frontaid.imports import reader
from frontaid.queries import exports as q
from frontaid.store.replica import Replica

ROOT = Path(__file__).parents[2]
DATA = Path(__file__).parent / "data"
FORM = ROOT / "docs" / "forms" / "household.xlsx"


def test_the_shipped_form_converts_with_pyxform_and_has_what_the_import_reads() -> None:
    result = convert(xlsform=str(FORM), validate=False)  # ODK Validate needs Java; the structure is checked
    assert not result.warnings
    xform = result.xform
    for name in ("<members", "<zone", "<address", "<gps", "<utilities", "<born", "<vulnerabilities",
                 "instanceID"):
        assert name in xform, name
    assert 'type="geopoint"' in xform and "jr:template" in xform  # a geopoint and a repeat


def test_the_form_script_rebuilds_the_same_form(tmp_path: Path) -> None:
    import runpy
    out = tmp_path / "form.xlsx"
    runpy.run_path(str(ROOT / "scripts" / "household_form.py"), run_name="not-main")["build"](out)
    a, b = openpyxl.load_workbook(out), openpyxl.load_workbook(FORM)
    for sheet in ("survey", "choices", "settings"):
        assert [list(r) for r in a[sheet].values] == [list(r) for r in b[sheet].values]


def _people(rep: Replica) -> list[tuple[object, ...]]:
    return rep.conn.execute("SELECT p.name, p.born, p.sex, p.vulnerabilities, h.zone, h.address, h.source "
                            "FROM people p JOIN households h ON h.eid = p.household ORDER BY p.name, p.born"
                            ).fetchall()


U2, U4 = "uuid:0b1c2d3e-0000-4000-8000-000000000002", "uuid:0b1c2d3e-0000-4000-8000-000000000004"
EXPECTED = [
    ("Бондаренко Олена", 1951, "f", None, "east-south", "підвал, 26", U4),
    ("Бондаренко Петро", 1949, "m", None, "east-south", "підвал, 26", U4),
    ("Коваленко Ганна Петрівна", 1941, "f", "immobile,very-old", "east-north", "вул. Миру, 22",
     "uuid:0b1c2d3e-0000-4000-8000-000000000001"),
    ("Коваленко Микола Іванович", 1939, "m", None, "east-north", "вул. Миру, 22",
     "uuid:0b1c2d3e-0000-4000-8000-000000000001"),
    ("Шевченко Ігор", 1960, "m", "alone", "east-south", "підвал, 22", U2),
]


@pytest.mark.parametrize("name", ["kobo-household.json", "kobo-household.csv"])
def test_a_kobo_export_imports_with_repeats_geopoints_multiples_and_the_edited_version_only(
        zoned: Replica, name: str) -> None:
    plan = reader.read(DATA / name)
    assert plan.kind == "kobo"
    result = actions.apply(zoned, "tester", plan)
    assert (result["households"], result["people"], result["held"]) == (3, 5, 0)
    assert _people(zoned) == EXPECTED
    hh = zoned.conn.execute("SELECT lat, lon, utilities, animals, phone, shelter FROM households "
                            "WHERE address = 'вул. Миру, 22'").fetchone()
    assert hh == (48.6012, 38.0154, "gas,water", 2, "+380671234567", "basement")
    # The same export again adds nothing.
    before = zoned.op_count()
    again = actions.apply(zoned, "tester", reader.read(DATA / name))
    assert (again["households"], again["people"]) == (0, 0) and zoned.op_count() == before


def test_the_json_and_the_csv_export_give_the_same_registry(zoned: Replica, make_replica: object) -> None:
    other = make_replica("other")  # type: ignore[operator]
    from frontaid.actions import registry
    from frontaid.scenario.geography import ZONES
    for z in ZONES:
        registry.add_zone(other, "tester", z.slug, z.name, z.name_en, bank=z.bank)
    actions.apply(zoned, "tester", reader.read(DATA / "kobo-household.json"))
    actions.apply(other, "tester", reader.read(DATA / "kobo-household.csv"))
    assert _people(zoned) == _people(other)


def test_an_edited_submission_imported_later_updates_the_household_it_replaces(zoned: Replica,
                                                                                tmp_path: Path) -> None:
    data = json.loads((DATA / "kobo-household.json").read_text(encoding="utf-8"))
    first, edit = tmp_path / "first.json", tmp_path / "edit.json"
    first.write_text(json.dumps(data["results"][:3], ensure_ascii=False), encoding="utf-8")
    edit.write_text(json.dumps({"results": data["results"][3:]}, ensure_ascii=False), encoding="utf-8")
    actions.apply(zoned, "tester", reader.read(first))
    assert zoned.conn.execute("SELECT COUNT(*) FROM households").fetchone()[0] == 3
    result = actions.apply(zoned, "tester", reader.read(edit))
    assert result["updated"] == 1 and result["households"] == 0
    assert zoned.conn.execute("SELECT COUNT(*) FROM households").fetchone()[0] == 3
    assert _people(zoned) == EXPECTED


def test_the_xlsx_export_with_a_repeat_sheet_imports(zoned: Replica, tmp_path: Path) -> None:
    rows = list(__import__("csv").reader((DATA / "kobo-household.csv").open(encoding="utf-8"), delimiter=";"))
    head = rows[0]
    keep = [i for i, h in enumerate(head) if not h.startswith("members[")]
    wb = openpyxl.Workbook()
    main = wb.active
    assert main is not None
    main.title = "frontaid household"
    main.append([head[i] for i in keep])
    members = wb.create_sheet("members")
    members.append(["members/name", "members/born", "members/sex", "members/vulnerabilities", "_index",
                    "_parent_table_name", "_parent_index", "_submission__uuid"])
    n = 0
    for r in rows[1:]:
        main.append([r[i] for i in keep])
        for k in (1, 2):
            at = head.index(f"members[{k}]/name")
            if r[at]:
                n += 1
                members.append([r[at], int(r[at + 1]), r[at + 2], r[at + 3] or None, n, "frontaid household",
                                int(r[head.index("_index")]), r[head.index("_uuid")]])
    path = tmp_path / "kobo.xlsx"
    wb.save(path)
    result = actions.apply(zoned, "tester", reader.read(path))
    assert result["people"] == 5
    assert _people(zoned) == EXPECTED
    assert q.registry_hash(zoned)


def test_a_broken_or_foreign_json_is_refused_with_its_line(tmp_path: Path) -> None:
    from frontaid.errors import BadFile
    broken = tmp_path / "broken.json"
    broken.write_text('{"results": [\n{"_uuid": "a"},\n{"_uuid": \n', encoding="utf-8")
    with pytest.raises(BadFile) as info:
        reader.read(broken)
    assert info.value.line == 4 and "JSON" in info.value.text("en") and "Рядок 4" in info.value.text("uk")
    foreign = tmp_path / "foreign.json"
    foreign.write_text('{"hello": 1}', encoding="utf-8")
    with pytest.raises(BadFile):
        reader.read(foreign)
    nouuid = tmp_path / "nouuid.json"
    nouuid.write_text('[{"location/zone": "east-north", "location/address": "вул. Миру, 1"}]',
                      encoding="utf-8")
    plan = reader.read(nouuid)
    assert [(p.line, p.reason) for p in plan.problems] == [(1, "The submission has no instanceID or _uuid.")]
