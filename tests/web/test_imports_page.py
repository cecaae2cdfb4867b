"""The import page against a real `frontaid serve`: upload, columns, problems in Ukrainian, all or nothing."""

from __future__ import annotations

import io
import re
import socket
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import openpyxl
import pytest
from tests.serving import add_user, served

from frontaid.actions import registry
from frontaid.scenario.geography import ZONES
from frontaid.store.replica import Replica

FRONTAID = Path(sys.executable).parent / "frontaid"
PASSWORD = "correct horse 42"
GOOD = ("ПІБ,Рік народження,Стать,Адреса,Зона\n"
        "Коваленко Ганна Петрівна,1941,ж,\"вул. Миру, 3\",east-north\n"
        "Коваленко Іван Петрович,1939,ч,\"вул. Миру, 3\",east-north\n"
        "Бондар Олег,1980,ч,\"вул. Садова, 9\",west\n")


@pytest.fixture(scope="module")
def hub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """One served hub for the module: zones, a coordinator and a desk volunteer."""
    d = tmp_path_factory.mktemp("import-page")
    db = d / "hub.db"
    rep = Replica.create(db, "Бахмут")
    for z in ZONES:
        registry.add_zone(rep, "t", z.slug, z.name, z.name_en, bank=z.bank)
    rep.close()
    for name, role in (("olena", "coordinator"), ("petro", "desk")):
        add_user(db, name, role, PASSWORD)
    with served(db) as base:
        yield {"db": db, "base": base, "port": int(base.rsplit(":", 1)[1])}


def login(hub: dict[str, Any], name: str) -> tuple[httpx.Client, str]:
    c = httpx.Client(base_url=hub["base"], cookies={"frontaid_lang": "uk"}, timeout=30)
    r = c.post("/api/login", json={"name": name, "password": PASSWORD})
    assert r.status_code == 200, r.text
    return c, r.json()["csrf"]


def people(hub: dict[str, Any]) -> tuple[int, int]:
    with Replica.open(hub["db"]) as rep:
        return rep.conn.execute("SELECT COUNT(*) FROM people").fetchone()[0], rep.op_count()


def upload(c: httpx.Client, csrf: str, name: str, body: bytes) -> httpx.Response:
    return c.post("/import/upload", data={"csrf": csrf}, files={"file": (name, body)})


def message(page: str) -> str:
    """The error page's message: the paragraph before the way back."""
    m = re.search(r"<p[^>]*>([^<]+)</p>\s*<p><a href=\"/\">", page)
    assert m, page[-800:]
    return m.group(1)


def token(page: str) -> str:
    m = re.search(r'name="token" value="([^"]+)"', page)
    assert m, page[:500]
    return m.group(1)


def test_only_a_coordinator_imports(hub: dict[str, Any]) -> None:
    desk, csrf = login(hub, "petro")
    assert desk.get("/import").status_code == 403
    assert upload(desk, csrf, "a.csv", GOOD.encode()).status_code == 403
    coord, csrf = login(hub, "olena")
    page = coord.get("/import")
    assert page.status_code == 200 and "/static/import.js" in page.text
    assert "<script>" not in page.text and 'enctype="multipart/form-data"' in page.text
    assert "Імпорт списку" in page.text
    # No CSRF token: refused, nothing kept.
    assert coord.post("/import/upload", files={"file": ("a.csv", GOOD.encode())}).status_code == 403


def test_preview_then_all_rows(hub: dict[str, Any]) -> None:
    c, csrf = login(hub, "olena")
    before = people(hub)
    page = upload(c, csrf, "spysok.csv", GOOD.encode())
    assert page.status_code == 200, page.text
    # The columns as guessed, each editable; the rows; nothing written yet.
    assert 'name="col-0"' in page.text and re.search(r'<option value="full_name" selected>', page.text)
    counts = re.search(r'<p id="import-counts">([^<]+)</p>', page.text)
    assert counts and re.match(r"\D*3\D", counts.group(1)), counts
    assert "Коваленко Ганна Петрівна" in page.text and 'id="import-go"' in page.text
    assert people(hub) == before
    done = c.post("/import/confirm", data={"csrf": csrf, "token": token(page.text), "do": "import",
                                           **{f"col-{i}": f for i, f in
                                              enumerate(["full_name", "born", "sex", "address", "zone"])}})
    assert done.status_code == 200, done.text
    assert 'id="import-done"' in done.text
    after = people(hub)
    assert after[0] == before[0] + 3 and after[1] > before[1]
    # The same file again adds nobody (rows are keyed by their contents).
    again = upload(c, csrf, "spysok.csv", GOOD.encode())
    c.post("/import/confirm", data={"csrf": csrf, "token": token(again.text), "do": "import"})
    assert people(hub)[0] == after[0]


def test_bad_rows_are_listed_in_ukrainian_and_nothing_is_written(hub: dict[str, Any]) -> None:
    c, csrf = login(hub, "olena")
    bad = GOOD + ("Шевченко Марія,2090,ж,\"вул. Миру, 5\",east-north\n"
                  "Ткач Ольга,1950,ж,\"вул. Лісна, 1\",Марс\n")
    before = people(hub)
    page = upload(c, csrf, "bad.csv", bad.encode())
    assert page.status_code == 422
    problems = re.findall(r"<li>(рядок \d+: [^<]+)</li>", page.text)
    assert len(problems) == 2, page.text
    assert "рядок 6" in problems[1] and "Марс" in problems[1]
    assert 'id="import-go"' not in page.text
    # Forcing the import anyway refuses the whole file.
    forced = c.post("/import/confirm", data={"csrf": csrf, "token": token(page.text), "do": "import"})
    assert forced.status_code == 400 and "Нічого не імпортовано" in forced.text
    assert people(hub) == before


def test_the_column_mapping_is_edited_on_the_page(hub: dict[str, Any]) -> None:
    c, csrf = login(hub, "olena")
    odd = "Хто,Рік народження,Адреса,Зона\nМельник Ігор,1970,\"вул. Шкільна, 2\",centre\n"
    page = upload(c, csrf, "odd.csv", odd.encode())
    assert page.status_code == 422 and 'id="import-missing"' in page.text
    fixed = c.post("/import/confirm", data={"csrf": csrf, "token": token(page.text), "do": "check",
                                            "col-0": "full_name", "col-1": "born", "col-2": "address",
                                            "col-3": "zone"})
    assert fixed.status_code == 200 and "Мельник Ігор" in fixed.text and 'id="import-go"' in fixed.text


def test_a_malformed_file_gets_one_clear_message(hub: dict[str, Any]) -> None:
    c, csrf = login(hub, "olena")
    before = people(hub)
    r = upload(c, csrf, "spysok.xlsx", b"PK\x03\x04 not really a workbook")
    assert r.status_code == 400 and "XLSX" in message(r.text) and "Нічого не імпортовано" in message(r.text)
    assert "Traceback" not in r.text
    merged = openpyxl.Workbook()
    ws = merged.active
    ws.append(["ПІБ", "Рік народження", "Адреса", "Зона"])
    ws.append(["Коваль Петро", 1950, "вул. Миру, 9", "west"])
    ws.append(["Коваль Ніна", 1952, "", "west"])
    ws.merge_cells("C2:C3")
    buf = io.BytesIO()
    merged.save(buf)
    r = upload(c, csrf, "merged.xlsx", buf.getvalue())
    assert r.status_code == 400 and "Рядок 2" in message(r.text), message(r.text)
    assert upload(c, csrf, "notes.pdf", b"%PDF-1.4").status_code == 400
    assert people(hub) == before


def test_an_oversized_upload_is_refused_before_it_is_read(hub: dict[str, Any]) -> None:
    c, csrf = login(hub, "olena")
    cookie = "; ".join(f"{k}={v}" for k, v in c.cookies.items())
    with socket.create_connection(("127.0.0.1", hub["port"]), timeout=10) as s:
        s.sendall((f"POST /import/upload HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: {cookie}\r\n"
                   "Content-Type: multipart/form-data; boundary=x\r\n"
                   "Content-Length: 900000000\r\n\r\n--x\r\n")
                  .encode())
        head = s.recv(4096).decode("utf-8", "replace")
    assert head.startswith("HTTP/1.1 413"), head[:200]


def test_a_kobo_export_needs_no_mapping(hub: dict[str, Any]) -> None:
    c, csrf = login(hub, "olena")
    data = (Path(__file__).parents[1] / "imports" / "data" / "kobo-household.json").read_bytes()
    page = upload(c, csrf, "kobo.json", data)
    assert page.status_code == 200, page.text[-800:]
    assert 'id="import-go"' in page.text
    assert 'name="col-0"' not in page.text and 'id="import-counts"' in page.text
