"""Exports: HXL checked by libhxl, the 5W, XLSX (a sheet per table), GeoJSON; names only when allowed."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import hxl
import openpyxl
import pytest

from frontaid.actions import distribution, incidents, registry, requests
from frontaid.queries import exports as q
from frontaid.store.replica import Replica

FRONTAID = str(Path(sys.executable).parent / "frontaid")
DAY = "2025-01-10"


def cli(db: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "FRONTAID_LANG": "en"}
    return subprocess.run([FRONTAID, "--db", str(db), *args], capture_output=True, text=True, env=env,
                          timeout=120)


@pytest.fixture
def served(town: object) -> object:
    """The small town plus a street of ten people in the east who all got food, and a shelling."""
    rep: Replica = town.rep  # type: ignore[attr-defined]
    for i in range(5):
        hh = registry.add_household(rep, "tester", zone="east", address=f"Soborna {i}", lat=48.6 + i / 1000,
                                    lon=38.01)
        registry.add_person(rep, "tester", household=hh, name=f"Olha Melnyk{i}", born=1950 + i, sex="f")
        registry.add_person(rep, "tester", household=hh, name=f"Ivan Melnyk{i}", born=2015, sex="m",
                            vulnerabilities="disabled" if i == 0 else None)
        distribution.hand_out(rep, "tester", household=hh, item="food-kit", at="point-1", on=DAY)
        distribution.hand_out(rep, "tester", household=hh, item="bread", at="point-1", on=DAY)
    # Two people in the west got water: fewer than five, so never shown.
    distribution.hand_out(rep, "tester", household=town.ihor, item="water", at="point-1", on=DAY)  # type: ignore[attr-defined]
    requests.open_request(rep, "tester", need="medicine", household=town.anna, reported_by="Neighbour Petro")  # type: ignore[attr-defined]
    incidents.report_incident(rep, "tester", kind="shelling", zone="east", at=f"{DAY} 09:00", killed=0,
                              wounded=2,
                              lat=48.601, lon=38.012)
    return town


def test_hxl_export_passes_libhxl_with_the_standard_hashtags_and_hides_small_counts(served: object,
                                                                                     tmp_path: Path) -> None:
    rep: Replica = served.rep  # type: ignore[attr-defined]
    out = tmp_path / "x.csv"
    r = cli(rep.path, "export", "hxl", "--from", "2025-01-01", "--to", "2025-01-31", "-o", str(out))
    assert r.returncode == 0, r.stderr
    data = hxl.data(str(out), hxl.InputOptions(allow_local=True)).cache()
    tags = [c.display_tag for c in data.columns]
    for tag in ("#adm1+code", "#adm2+code", "#adm3+code", "#loc+name", "#sector+code", "#reached+ind",
                "#reached+f", "#reached+m", "#reached+elderly", "#reached+children", "#inneed+ind",
                "#affected+ind", "#date+start"):
        assert tag in tags, tag
    problems: list[object] = []
    schema = hxl.schema([
        ["#valid_tag", "#valid_value+list", "#valid_required", "#valid_datatype"],
        ["#adm1+code", "UA14", "true", ""],
        ["#adm2+code", "UA1402", "true", ""],
        ["#reached", "", "", "number"],
        ["#inneed", "", "", "number"],
        ["#date", "", "true", "date"],
    ], callback=problems.append)
    assert schema.validate(data), problems
    # The schema can fail: a row with a wrong P-code is caught.
    bad = hxl.data([[t.display_tag for t in data.columns], ["Donetska", "UA99", *([""] * (len(tags) - 2))]])
    assert not schema.validate(bad)
    rows = {(row.get("#loc+code"), row.get("#sector+code")): row for row in data}
    fsl = rows[("east", "FSL")]
    # Ten people reached in the east with food, each once though each household got two items.
    assert (fsl.get("#reached+ind"), fsl.get("#reached+f"), fsl.get("#reached+m")) == ("10", "5", "5")
    assert (fsl.get("#reached+elderly"), fsl.get("#reached+children")) == ("5", "5")
    assert rows[("west", "WSH")].get("#reached+ind") is None  # one person: suppressed (an empty cell)
    assert rows[("east", "HEA")].get("#inneed+ind") is None   # two people in need: suppressed
    assert rows[("east", "HEA")].get("#affected+ind") == "12"
    # No name or address anywhere in an aggregate export.
    text = out.read_text(encoding="utf-8")
    assert "Melnyk" not in text and "Soborna" not in text and "Kovalenko" not in text


def test_the_5w_reports_people_reached_by_sex_and_age_with_p_codes(served: object, tmp_path: Path) -> None:
    rep: Replica = served.rep  # type: ignore[attr-defined]
    out = tmp_path / "5w.xlsx"
    assert cli(rep.path, "export", "5w", "--from", "2025-01-01", "--to", "2025-01-31", "--org", "Proliska",
               "-o", str(out)).returncode == 0
    ws = openpyxl.load_workbook(out)["5W"]
    head = [c.value for c in ws[1]]
    rows = [dict(zip(head, [c.value for c in r], strict=True)) for r in ws.iter_rows(min_row=2)]
    fsl = next(r for r in rows
               if r["Cluster"] == "Food Security and Livelihoods" and r["Settlement / zone"] == "Схід")
    codes = (fsl["Reporting organisation"], fsl["Oblast P-code"], fsl["Raion P-code"], fsl["Hromada P-code"])
    assert codes == ("Proliska", "UA14", "UA1402", "UA1402001")
    assert (fsl["People reached"], fsl["Women (18-59)"], fsl["Older women (60+)"], fsl["Boys (<18)"],
            fsl["Girls (<18)"]) == (10, 0, 5, 5, 0)
    assert fsl["Start date"] == "2025-01-01" and fsl["Status"] == "Completed"
    assert fsl["People with disabilities"] == "<5"


def test_xlsx_has_a_sheet_per_table_and_names_only_when_asked(served: object, tmp_path: Path) -> None:
    rep: Replica = served.rep  # type: ignore[attr-defined]
    plain, named = tmp_path / "plain.xlsx", tmp_path / "named.xlsx"
    assert cli(rep.path, "export", "xlsx", "-o", str(plain)).returncode == 0
    wb = openpyxl.load_workbook(plain)
    assert set(wb.sheetnames) == set(q.REGISTRY_COLUMNS)
    assert wb["people"].max_row == 1 + rep.conn.execute("SELECT COUNT(*) FROM people").fetchone()[0]
    cells = {str(c) for ws in wb for row in ws.values for c in row}
    assert not any("Melnyk" in c or "Kovalenko" in c or "Soborna" in c or "Petro" in c for c in cells)
    exports_before = rep.conn.execute("SELECT COUNT(*) FROM exports").fetchone()[0]
    assert exports_before == 0
    r = cli(rep.path, "--actor", "olena", "export", "xlsx", "--with-names", "-o", str(named))
    assert r.returncode == 0, r.stderr
    cells = {str(c) for ws in openpyxl.load_workbook(named) for row in ws.values for c in row}
    assert "Anna Kovalenko" in cells and "Neighbour Petro" in cells
    rep2 = Replica.open(rep.path)
    try:
        fmt, rows, names = rep2.conn.execute("SELECT format, rows, names FROM exports").fetchone()
        assert (fmt, names) == ("xlsx", 1) and rows > 10
        assert [op.actor for op in rep2.ops("entity = 'export'")] == ["olena"]
    finally:
        rep2.close()


def test_names_are_refused_on_a_device_whose_role_may_not_see_them(tmp_path: Path) -> None:
    from nacl.signing import SigningKey
    db = tmp_path / "analyst.db"
    key = SigningKey.generate()
    rep = Replica._create(db, wall=lambda: 1_700_000_000_000, signing_key=bytes(key), origin="ab" * 8,
                          prefix="ANL", deployment_key=os.urandom(32), town="T", lang="uk",
                          epoch=date(2025, 1, 6),
                          device={"name": "oblast", "public": bytes(key.verify_key).hex(), "prefix": "ANL",
                                  "role": "analyst"})
    rep.close()
    r = cli(db, "export", "xlsx", "--with-names", "-o", str(tmp_path / "x.xlsx"))
    assert r.returncode == 2 and "analyst" in r.stderr and not (tmp_path / "x.xlsx").exists()
    assert cli(db, "export", "xlsx", "-o", str(tmp_path / "x.xlsx")).returncode == 0


def test_geojson_has_incidents_requests_and_sites_and_blurs_where_people_shelter(served: object,
                                                                                tmp_path: Path) -> None:
    rep: Replica = served.rep  # type: ignore[attr-defined]
    rep.conn.execute("SELECT 1")
    registry.set_household(rep, "tester", served.anna, "lat", 48.612345)  # type: ignore[attr-defined]
    registry.set_household(rep, "tester", served.anna, "lon", 38.016789)  # type: ignore[attr-defined]
    out = tmp_path / "map.geojson"
    assert cli(rep.path, "export", "geojson", "-o", str(out)).returncode == 0
    body = json.loads(out.read_text(encoding="utf-8"))
    assert body["type"] == "FeatureCollection"
    layers = {f["properties"]["layer"] for f in body["features"]}
    assert layers == {"incident", "request"} or layers >= {"incident", "request"}
    req = next(f for f in body["features"] if f["properties"]["layer"] == "request")
    assert req["geometry"]["coordinates"] == [38.017, 48.612] and "household" not in req["properties"]
    inc = next(f for f in body["features"] if f["properties"]["layer"] == "incident")
    assert inc["geometry"]["coordinates"] == [38.012, 48.601] and inc["properties"]["wounded"] == 2


def test_an_unknown_format_is_refused(served: object, tmp_path: Path) -> None:
    r = cli(served.rep.path, "export", "pdf")  # type: ignore[attr-defined]
    assert r.returncode == 2 and "hxl" in r.stderr and r.stderr.count("\n") == 1


def test_hxl_csv_reads_back_as_csv(served: object, tmp_path: Path) -> None:
    out = tmp_path / "x.csv"
    cli(served.rep.path, "export", "hxl", "-o", str(out))  # type: ignore[attr-defined]
    rows = list(csv.reader(out.open(encoding="utf-8")))
    assert rows[1][0] == "#adm1+name" and all(len(r) == len(rows[0]) for r in rows)
