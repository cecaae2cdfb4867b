"""`frontaid report ...` and `frontaid cards` as a coordinator runs them: files written, bad input refused."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from pdf_reading import pages, text

from frontaid.store.replica import Replica


def frontaid(db: Path, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "FRONTAID_LANG": "uk"}
    return subprocess.run(
        [str(Path(sys.executable).parent / "frontaid"), "--db", str(db), *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_bulletin_and_sitrep_files(demo_path: Path, tmp_path: Path) -> None:
    r = frontaid(demo_path, "report", "bulletin", "--date", "2026-12-04", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    made = tmp_path / "bulletin-2026-12-04-uk.pdf"
    assert str(made.name) in r.stdout and pages(made.read_bytes(), tmp_path) == 1
    r = frontaid(
        demo_path,
        "--json",
        "report",
        "sitrep",
        "--date",
        "2026-12-04",
        "--lang",
        "en",
        "-o",
        "out",
        cwd=tmp_path,
    )
    assert r.returncode == 0, r.stderr
    files = json.loads(r.stdout)["files"]
    assert files == ["out/sitrep-2026-12-04-en.html", "out/sitrep-2026-12-04-en.pdf"]
    assert "Situation report" in (tmp_path / files[0]).read_text(encoding="utf-8")
    assert "Situation report" in text((tmp_path / files[1]).read_bytes(), tmp_path)


def test_cards_list_and_board(demo_path: Path, tmp_path: Path) -> None:
    with Replica.open(demo_path) as rep:
        code = rep.conn.execute(
            "SELECT eid FROM households WHERE zone = 'west' ORDER BY eid LIMIT 1"
        ).fetchone()[0]
    r = frontaid(demo_path, "cards", "--household", code, "-o", "one.pdf", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert "1 картка з 1" in r.stdout and code in text((tmp_path / "one.pdf").read_bytes(), tmp_path)
    r = frontaid(
        demo_path, "cards", "--zone", "Західний берег", "--limit", "9", "-o", "west.pdf", cwd=tmp_path
    )
    assert r.returncode == 0 and "9 карток з" in r.stdout, r.stderr
    assert pages((tmp_path / "west.pdf").read_bytes(), tmp_path) == 2
    r = frontaid(
        demo_path, "report", "list", "--zone", "west", "--not-reached", "14", "-o", "l.pdf", cwd=tmp_path
    )
    assert r.returncode == 0, r.stderr
    assert "Домогосподарства: Бахмут" in text((tmp_path / "l.pdf").read_bytes(), tmp_path)
    r = frontaid(demo_path, "report", "board", "--need", "food", "-o", "b.pdf", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert "Дошка заявок" in text((tmp_path / "b.pdf").read_bytes(), tmp_path)


def test_bad_input_is_one_line_exit_2_and_writes_nothing(demo_path: Path, tmp_path: Path) -> None:
    for args in (
        ["cards", "--household", "BXM-001-0"],
        ["report", "list", "--zone", "nowhere"],
        ["report", "board", "--need", "cake"],
        ["report", "bulletin", "--date", "4.12.2026"],
    ):
        r = frontaid(demo_path, *args, "-o", "x.pdf", cwd=tmp_path)
        assert r.returncode == 2, (args, r.stderr)
        assert len(r.stderr.strip().splitlines()) == 1 and "Traceback" not in r.stderr
    assert not list(tmp_path.glob("*.pdf*"))
