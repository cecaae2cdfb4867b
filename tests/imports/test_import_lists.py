"""Lists (CSV, XLSX): the column guess, every bad row by line, all or nothing, bad files refused;
crash-safe."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import openpyxl
import pytest

from frontaid.actions import imports as actions
from frontaid.actions import registry
from frontaid.imports import mapping, reader
from frontaid.queries import dedup as dq
from frontaid.queries import exports as q
from frontaid.store.replica import Replica

FRONTAID = str(Path(sys.executable).parent / "frontaid")


def cli(db: Path, *args: str, lang: str = "en") -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "FRONTAID_LANG": lang}
    if "--json" in args:  # a global option: before the command
        args = ("--json", *(a for a in args if a != "--json"))
    return subprocess.run([FRONTAID, "--db", str(db), *args], capture_output=True, text=True, env=env,
                          timeout=300)


@pytest.mark.parametrize("headers,expected", [
    (["Прізвище", "Ім'я", "По батькові", "Рік народження", "Адреса", "Зона", "Телефон", "Вразливість"],
     ["surname", "given", "patronymic", "born", "address", "zone", "phone", "vulnerabilities"]),
    (["Фамилия", "Имя", "Отчество", "Год рождения", "Адрес", "Район", "Телефон", "Пол"],
     ["surname", "given", "patronymic", "born", "address", "zone", "phone", "sex"]),
    (["Surname", "Name", "Born", "Address", "Zone", "Phone", "Vulnerability"],
     ["surname", "given", "born", "address", "zone", "phone", "vulnerabilities"]),
    (["ПІБ", "Рік народження*", "Адреса (як у паспорті)", "Зона", "Щось інше"],
     ["full_name", "born", "address", "zone", ""]),
    (["Name", "Address", "Zone"], ["full_name", "address", "zone"]),
])
def test_columns_are_guessed_from_ukrainian_russian_and_english_headers(headers: list[str],
                                                                       expected: list[str]) -> None:
    assert list(mapping.guess(headers).values()) == expected


def _csv(path: Path, rows: list[list[str]], encoding: str = "utf-8") -> Path:
    path.write_text("\n".join(";".join(r) for r in rows) + "\n", encoding=encoding)
    return path


HEAD = ["Прізвище", "Ім'я", "Рік народження", "Стать", "Адреса", "Зона", "Вразливість"]


def _town(rep: Replica) -> None:
    registry.add_zone(rep, "tester", "east", "Схід", "East bank")
    registry.add_zone(rep, "tester", "west", "Захід", "West bank")


def test_a_dry_run_reports_every_bad_row_with_its_line_and_the_import_refuses_them_all(
        tmp_path: Path, make_replica: object) -> None:
    db = tmp_path / "t.db"
    rep = Replica.create(db, "T")
    _town(rep)
    before = (rep.op_count(), q.registry_hash(rep))
    rep.close()
    f = _csv(tmp_path / "list.csv", [HEAD,
             ["Мельник", "Ганна", "1941", "ж", "вул. Миру, 22", "Схід", "80+, маломобільний"],
             ["Коваленко", "Ігор", "12/03/1960", "ч", "підвал, 22", "east", ""],
             ["Ткаченко", "Олена", "1950", "x", "вул. Миру, 24", "east", ""],
             ["Шевченко", "Петро", "1949", "ч", "", "east", ""],
             ["Бондаренко", "Олег", "1955", "ч", "вул. Миру, 30", "Нікуди", ""],
             ["Бондаренко", "Ольга", "05.06.1957", "ж", "вул. Миру, 30", "West bank", "самотня"],
             ["Бондаренко", "Ірина", "1957-06-05", "ж", "вул. Миру, 32", "west", ""]])
    dry = cli(db, "import", str(f), "--dry-run", "--json")
    assert dry.returncode == 2
    lines = [(p["line"], p["reason"]) for p in json.loads(dry.stdout)["problems"]]
    assert [line for line, _ in lines] == [3, 4, 5, 6]
    assert "ambiguous" in lines[0][1] and "sex" in lines[1][1] and "address" in lines[2][1]
    assert "Нікуди" in lines[3][1]
    done = cli(db, "import", str(f), "--yes")
    assert done.returncode == 2 and done.stderr.count("\n") == 1
    assert "line 3" in done.stderr.lower() and "nothing was imported" in done.stderr.lower()
    with Replica.open(db) as rep:
        assert (rep.op_count(), q.registry_hash(rep)) == before
    # In Ukrainian too: one line, the line number, nothing imported.
    uk = cli(db, "import", str(f), "--yes", lang="uk")
    assert uk.returncode == 2 and "рядок 3" in uk.stderr.lower()
    assert "нічого не імпортовано" in uk.stderr.lower()


def test_good_rows_import_once_with_the_three_date_forms_and_words_for_vulnerabilities(
        tmp_path: Path) -> None:
    db = tmp_path / "t.db"
    with Replica.create(db, "T") as rep:
        _town(rep)
    f = _csv(tmp_path / "list.csv", [HEAD,
             ["Мельник", "Ганна", "1941", "ж", "вул. Миру, 22", "Схід", "80+, маломобільний"],
             ["Бондаренко", "Ольга", "05.06.1957", "ж", "вул. Миру, 30", "West bank", "самотня"],
             ["Бондаренко", "Ірина", "1957-06-05", "ж", "вул. Миру, 32", "west", "щось своє"]])
    r = cli(db, "import", str(f), "--yes", "--json")
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["people"] == 3
    with Replica.open(db) as rep:
        rows = rep.conn.execute("SELECT name, born, sex, vulnerabilities, note FROM people "
                                "ORDER BY name").fetchall()
        assert rows == [("Бондаренко Ірина", 1957, "f", None, "щось своє"),
                        ("Бондаренко Ольга", 1957, "f", "alone", None),
                        ("Мельник Ганна", 1941, "f", "immobile,very-old", None)]
        ops = rep.op_count()
    again = cli(db, "import", str(f), "--yes", "--json")
    assert json.loads(again.stdout)["people"] == 0
    with Replica.open(db) as rep:
        assert rep.op_count() == ops


def test_the_mapping_is_saved_edited_and_used(tmp_path: Path) -> None:
    db = tmp_path / "t.db"
    with Replica.create(db, "T") as rep:
        _town(rep)
    f = _csv(tmp_path / "list.csv", [["Хто", "Де", "Район"], ["Мельник Ганна", "вул. Миру, 22", "east"]])
    m = tmp_path / "m.json"
    missing = cli(db, "import", str(f), "--yes")
    assert missing.returncode == 2 and "name" in missing.stderr and "line 1" in missing.stderr.lower()
    assert cli(db, "import", str(f), "--save-mapping", str(m)).returncode == 0
    body = json.loads(m.read_text(encoding="utf-8"))
    assert body["columns"] == {"Хто": "", "Де": "", "Район": "zone"}
    assert body["fields"]["full_name"] == "full name"  # each field a column may take, named
    body["columns"].update({"Хто": "full_name", "Де": "address"})
    m.write_text(json.dumps(body, ensure_ascii=False), encoding="utf-8")
    r = cli(db, "import", str(f), "--mapping", str(m), "--json")
    assert r.returncode == 0, r.stderr and json.loads(r.stdout)["people"] == 1
    assert cli(db, "import", str(f), "--mapping", str(tmp_path / "nope.json")).returncode == 2


def _refused(db: Path, f: Path, *words: str, extra: tuple[str, ...] = ()) -> str:
    with Replica.open(db) as rep:
        before = (rep.op_count(), q.registry_hash(rep))
    r = cli(db, "import", str(f), "--yes", *extra)
    assert r.returncode == 2, (r.stdout, r.stderr)
    assert r.stderr.count("\n") == 1, r.stderr
    for w in words:
        assert w.lower() in r.stderr.lower(), r.stderr
    with Replica.open(db) as rep:
        assert (rep.op_count(), q.registry_hash(rep)) == before
    return r.stderr


def test_bad_files_get_one_line_with_the_line_number_exit_2_and_change_nothing(tmp_path: Path) -> None:
    db = tmp_path / "t.db"
    with Replica.create(db, "T") as rep:
        _town(rep)
    rows = [HEAD] + [["Мельник", f"Ганна{i}", "1941", "ж", f"вул. Миру, {i}", "east", ""] for i in range(5)]
    rows.append(["Шевченко", "Олена", "1950", "ж", "вул. Степова, 3", "east", ""])
    # Windows-1251: named, and how to go on; with --encoding it imports.
    cp = _csv(tmp_path / "cp.csv", rows, encoding="cp1251")
    _refused(db, cp, "line 1", "cp1251")
    ok = cli(db, "import", str(cp), "--yes", "--encoding", "cp1251", "--no-dedup")
    assert ok.returncode == 0, ok.stderr
    # A merged cell.
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    for r in rows:
        ws.append(r)
    ws.merge_cells("F3:F4")
    merged = tmp_path / "merged.xlsx"
    wb.save(merged)
    _refused(db, merged, "line 3", "merged")
    # A missing required column (no zone, no --zone).
    nozone = _csv(tmp_path / "nozone.csv", [[c for c in HEAD if c != "Зона"], ["Мельник", "Іван", "1941", "ч",
                                                                                 "вул. Миру, 2", ""]])
    _refused(db, nozone, "line 1", "zone")
    # A 10 MB cell, in CSV and in XLSX.
    huge = tmp_path / "huge.csv"
    huge.write_text(";".join(HEAD) + "\nМельник;Ганна;1941;ж;вул. Миру, 1;east;\nКоваленко;Ігор;1950;ч;"
                    + "x" * 10_000_000 + ";east;\n", encoding="utf-8")
    _refused(db, huge, "line 3")
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(HEAD)
    ws.append(["Мельник", "Ганна", "1941", "ж", "вул. Миру, 1", "east", ""])
    ws.append(["Коваленко", "Ігор", "1950", "ч", "x" * 10_000_000, "east", ""])
    hx = tmp_path / "huge.xlsx"
    wb.save(hx)
    _refused(db, hx, "line 3")
    # Not a spreadsheet at all.
    junk = tmp_path / "junk.xlsx"
    junk.write_bytes(b"PK\x03\x04 not really")
    _refused(db, junk, "junk.xlsx")


def test_someone_already_registered_is_held_back_not_created_twice(tmp_path: Path, town: object) -> None:
    rep = town.rep  # type: ignore[attr-defined]
    f = _csv(tmp_path / "l.csv", [["ПІБ", "Рік народження", "Стать", "Адреса", "Зона"],
                                  ["Kovalenko Anna", "1941", "ж", "Chasiv Yar Rd 4", "east"],
                                  ["Коваленко Анна", "1941", "ж", "Chasiv Yar Rd 4", "east"],
                                  ["Ткаченко Марія", "1978", "ж", "вул. Миру, 5", "west"],
                                  ["Ткаченко Марiя", "1978", "ж", "вул. Миру, 5", "west"]])
    people = rep.conn.execute("SELECT COUNT(*) FROM people").fetchone()[0]
    result = actions.apply(rep, "tester", reader.read(f))
    assert result["held"] == 2 and result["people"] == 2
    assert rep.conn.execute("SELECT COUNT(*) FROM people").fetchone()[0] == people + 2
    held = q.held_rows(rep)
    assert {h["candidate"] for h in held} == {town.anna_p}  # type: ignore[attr-defined]
    # The two Ткаченко rows are both new, and may be one person: the review queue has them.
    assert dq.counts(rep)["link"] + dq.counts(rep)["review"] >= 1
    # Importing again adds and holds nothing more.
    again = actions.apply(rep, "tester", reader.read(f))
    assert (again["people"], again["held"]) == (0, 0)
    # Released: created once; dropped: gone from the list.
    code = actions.release(rep, "tester", held[0]["key"])
    assert rep.conn.execute("SELECT name FROM people WHERE eid = ?", (code,)).fetchone()[0]
    actions.drop(rep, held[1]["key"])
    assert q.held_rows(rep) == []


def test_export_then_import_into_an_empty_replica_gives_the_same_registry(tmp_path: Path,
                                                                          town: object) -> None:
    rep = town.rep  # type: ignore[attr-defined]
    registry.set_household(rep, "tester", town.anna, "note", "=SUM(A1)")  # type: ignore[attr-defined]
    registry.set_person(rep, "tester", town.ihor_p, "status", "evacuated")  # type: ignore[attr-defined]
    ring = [[38.0 + i / 1000, 48.6 + (i % 7) / 1000] for i in range(400)]  # a long shape: 400 corners
    registry.add_zone(rep, "tester", "north", "Північ", "North", population_estimate=120,
                      geometry={"type": "Polygon", "coordinates": [[*ring, ring[0]]]})
    registry.add_household(rep, "tester", zone="north", address="Заводська 1", size=1)
    out = tmp_path / "registry.xlsx"
    r = cli(Path(rep.path), "export", "xlsx", "--with-names", "-o", str(out))
    assert r.returncode == 0, r.stderr
    empty = tmp_path / "empty.db"
    Replica.create(empty, "T").close()
    r = cli(empty, "import", str(out), "--json")
    assert r.returncode == 0, r.stderr
    with Replica.open(empty) as b:
        assert q.registry_hash(b) == q.registry_hash(rep)
        ops = b.op_count()
    assert json.loads(cli(empty, "import", str(out), "--json").stdout)["people"] == 0
    with Replica.open(empty) as b:
        assert b.op_count() == ops


def test_a_sigkill_mid_import_leaves_nothing_and_the_import_then_succeeds(tmp_path: Path) -> None:
    db = tmp_path / "t.db"
    with Replica.create(db, "T") as rep:
        _town(rep)
        before = (rep.op_count(), q.registry_hash(rep))
    f = tmp_path / "big.csv"
    with f.open("w", encoding="utf-8") as fh:
        fh.write(";".join(HEAD) + "\n")
        for i in range(60_000):
            fh.write(f"Мельник{i % 97};Ганна{i};{1930 + i % 80};ж;вул. Миру, {i};east;\n")
    env = {**os.environ, "FRONTAID_LANG": "en"}
    proc = subprocess.Popen([FRONTAID, "--db", str(db), "import", str(f), "--yes", "--no-dedup"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    wal = Path(str(db) + "-wal")
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline and proc.poll() is None:
        if wal.exists() and wal.stat().st_size > 2_000_000:  # the transaction is writing
            break
        time.sleep(0.05)
    assert proc.poll() is None, "the import ended before it could be killed"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    with Replica.open(db) as rep:
        assert (rep.op_count(), q.registry_hash(rep)) == before
    r = cli(db, "import", str(f), "--yes", "--no-dedup", "--json")
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["people"] == 60_000


def test_a_title_above_the_header_is_skipped_even_merged(tmp_path: Path) -> None:
    db = tmp_path / "t.db"
    with Replica.create(db, "T") as rep:
        _town(rep)
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["Список мешканців вулиці Миру, станом на 20.11.2022"])
    ws.merge_cells("A1:G1")
    ws.append([])
    ws.append(HEAD)
    ws.append(["Мельник", "Ганна", "1941", "ж", "вул. Миру, 22", "east", "80+"])
    f = tmp_path / "titled.xlsx"
    wb.save(f)
    r = cli(db, "import", str(f), "--yes", "--json")
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["people"] == 1


def test_held_rows_are_listed_beside_the_person_they_may_be(tmp_path: Path) -> None:
    db = tmp_path / "t.db"
    with Replica.create(db, "T") as rep:
        _town(rep)
        hh = registry.add_household(rep, "tester", zone="east", address="вул. Миру, 22")
        registry.add_person(rep, "tester", household=hh, name="Мельник Ганна Петрівна", born=1941, sex="f")
    f = _csv(tmp_path / "l.csv", [["ПІБ", "Рік народження", "Стать", "Адреса", "Зона"],
                                  ["Мельник Анна Петровна", "1941", "ж", "вул. Миру, 22", "east"]])
    r = cli(db, "import", str(f), "--yes", "--json")
    assert json.loads(r.stdout)["held"] == 1
    (row,) = json.loads(cli(db, "held", "list", "--json").stdout)
    assert (row["name"], row["born"], row["candidate_name"], row["candidate_born"]) == (
        "Мельник Анна Петровна", 1941, "Мельник Ганна Петрівна", 1941)
    shown = cli(db, "held", "list", lang="uk")
    assert shown.returncode == 0 and "У файлі" in shown.stdout and "Мельник" in shown.stdout


def test_the_guessed_columns_are_shown_and_nothing_is_imported_unconfirmed(tmp_path: Path) -> None:
    db = tmp_path / "t.db"
    with Replica.create(db, "T") as rep:
        _town(rep)
        ops = rep.op_count()
    f = _csv(tmp_path / "l.csv", [HEAD, ["Мельник", "Ганна", "1941", "ж", "вул. Миру, 22", "east", ""]])
    r = cli(db, "import", str(f), lang="uk")  # no terminal to ask on, no --yes
    assert r.returncode == 1
    assert "Прізвище" in r.stdout and "рік або дата народження" in r.stdout
    assert "surname" not in r.stdout  # no English key on a Ukrainian screen
    assert "Нічого не імпортовано" in r.stdout
    with Replica.open(db) as rep:
        assert rep.op_count() == ops
