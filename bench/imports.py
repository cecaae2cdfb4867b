"""How long a 100,000-row list takes to import, against reading the same file with openpyxl alone.

    .venv/bin/python bench/imports.py                  # 100,000 rows (the issue's figure: < 60 s)
    .venv/bin/python bench/imports.py --rows 20000     # a quick run

The list is what a team brings: one row per person, columns in Ukrainian (ПІБ, рік або дата
народження, стать, адреса, зона, телефон, вразливість), names from bench/matchgen.py (common
surnames heavy at the head, Russian and Latin spellings, typos; a person sometimes listed
twice), addresses as written ("вул. Миру, 22", "підвал, 22", "Myru st 12"). Three timings in
one run: the plain openpyxl read (the floor), the import with the duplicate check off, and with
it on (every row compared with the registry and the rest of the file, in one transaction).
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from pathlib import Path

import openpyxl

sys.path.insert(0, str(Path(__file__).parent))

from frontaid.actions import imports, registry  # noqa: E402
from frontaid.imports import reader  # noqa: E402
from frontaid.imports.rows import RowProblem, born_year  # noqa: E402
from frontaid.scenario.geography import ZONES  # noqa: E402
from frontaid.store.replica import Replica  # noqa: E402
from matchgen import Config, generate  # noqa: E402

HEAD = ["ПІБ", "Рік народження", "Стать", "Адреса", "Зона", "Телефон", "Вразливість"]
VULNS = ["", "", "", "", "80+", "маломобільний", "самотня", "інвалідність", "80+, маломобільний", "дитина"]


def cpu() -> float:
    """CPU seconds of this process and its finished children (the duplicate finder's workers)."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def make_list(path: Path, rows: int, seed: int) -> int:
    ds = generate(Config(records=rows, seed=seed))
    rng = random.Random(seed)
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("Список")
    ws.append(HEAD)
    n = 0
    for r in ds.rows[:rows]:
        born = r.born
        if born and rng.random() < 0.3 and len(born) == 10:  # the desk wrote dd.mm.yyyy
            born = f"{born[8:10]}.{born[5:7]}.{born[:4]}"
        address = r.address or f"підвал, {rng.randint(1, 120)}"
        if rng.random() < 0.05:
            address = f"підвал, {address.split(',')[-1].strip() or rng.randint(1, 99)}"
        digits = (rng.randint(50, 99), rng.randint(100, 999), rng.randint(10, 99), rng.randint(10, 99))
        phone = "+380 {} {} {} {}".format(*digits) if rng.random() < 0.6 else ""
        try:  # a digit slip that gives a year to come: fixed after the dry run, as a team would
            born_year(born, 0)
        except RowProblem:
            born = ""
        sex = {"f": "ж", "m": "ч"}.get(r.sex, "")
        ws.append([r.name, born, sex, address, r.zone, phone, rng.choice(VULNS)])
        n += 1
    wb.save(path)
    return n


def fresh(path: Path) -> Replica:
    for p in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        p.unlink(missing_ok=True)
    rep = Replica.create(path, "Бахмут")
    for z in ZONES:
        registry.add_zone(rep, "bench", z.slug, z.name, z.name_en, bank=z.bank)
    return rep


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rows", type=int, default=100_000)
    ap.add_argument("--seed", type=int, default=14)
    ap.add_argument("--dir", type=Path, default=None, help="where the list and replicas go [a temp dir]")
    args = ap.parse_args()
    work = args.dir or Path(tempfile.mkdtemp(prefix="frontaid-bench-imports-"))
    work.mkdir(parents=True, exist_ok=True)
    xlsx = work / f"list-{args.rows}.xlsx"
    if not xlsx.exists():
        t = time.perf_counter()
        make_list(xlsx, args.rows, args.seed)
        size = xlsx.stat().st_size / 1e6
        print(f"  (made {xlsx}, {size:.1f} MB, in {time.perf_counter() - t:.0f} s)", flush=True)

    t, c = time.perf_counter(), cpu()
    wb = openpyxl.load_workbook(xlsx, read_only=True, data_only=True)
    cells = sum(1 for row in wb.worksheets[0].iter_rows(values_only=True) for _ in row)
    wb.close()
    floor, floor_cpu = time.perf_counter() - t, cpu() - c

    runs = []
    for dedup in (False, True):
        rep = fresh(work / f"import-{'dedup' if dedup else 'plain'}.db")
        t, c = time.perf_counter(), cpu()
        plan = reader.read(xlsx)
        t_read = time.perf_counter() - t
        result = imports.apply(rep, "bench", plan, file=xlsx.name, dedup=dedup)
        total, used = time.perf_counter() - t, cpu() - c
        people = rep.conn.execute("SELECT COUNT(*) FROM people").fetchone()[0]
        rep.close()
        runs.append((dedup, t_read, result, total, used, people))

    print(f"\nimport of a {args.rows:,}-row XLSX list ({cells:,} cells), one run each, same process")
    print(f"load average at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores "
          "(cpu s: user+system of this process and its workers)")
    print(f"{'what':<44}{'seconds':>9}{'cpu s':>8}{'x floor':>9}  detail")
    print(f"{'openpyxl read only (baseline)':<44}{floor:>9.1f}{floor_cpu:>8.1f}{1.0:>9.1f}")
    for dedup, t_read, result, total, used, people in runs:
        what = "frontaid import, duplicate check " + ("ON" if dedup else "off")
        s = result["seconds"]
        detail = (f"parse {t_read:.1f} s, check {s['read']:.1f}, dedup {s['dedup']:.1f}, "
                  f"write {s['write']:.1f}; "
                  f"{people:,} people made, {result['held']:,} held, {result['queued']:,} pairs queued")
        print(f"{what:<44}{total:>9.1f}{used:>8.1f}{total / floor:>9.1f}  {detail}")
    print(f"\ntarget: < 60 s with the duplicate check on -> {'met' if runs[1][3] < 60 else 'NOT met'}")


if __name__ == "__main__":
    main()
