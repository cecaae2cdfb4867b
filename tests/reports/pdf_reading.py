"""Reading printouts back as a person would: pages counted with poppler, text pulled out with
pdftotext, pages rendered to PNG with pdftoppm, Latin words and slugs looked for."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from frontaid.domain import vocab
from frontaid.store.replica import Replica


def pages(pdf: bytes, tmp: Path) -> int:
    f = tmp / "p.pdf"
    f.write_bytes(pdf)
    info = subprocess.run(["pdfinfo", str(f)], check=True, capture_output=True, text=True).stdout
    m = re.search(r"^Pages:\s+(\d+)", info, re.M)
    assert m, info
    return int(m[1])


def text(pdf: bytes, tmp: Path, layout: bool = False) -> str:
    f = tmp / "t.pdf"
    f.write_bytes(pdf)
    args = ["pdftotext", *(["-layout"] if layout else []), "-enc", "UTF-8", str(f), "-"]
    return subprocess.run(args, check=True, capture_output=True).stdout.decode("utf-8")


def png(pdf: bytes, tmp: Path, dpi: int = 60, first: int = 1, last: int = 1) -> list[Path]:
    f = tmp / "r.pdf"
    f.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", str(dpi), "-png", "-f", str(first), "-l", str(last), str(f),
                    str(tmp / "page")], check=True)
    out = sorted(tmp.glob("page-*.png"))
    assert out and all(p.stat().st_size > 1000 for p in out)
    return out


def fonts(pdf: bytes, tmp: Path) -> str:
    f = tmp / "f.pdf"
    f.write_bytes(pdf)
    return subprocess.run(["pdffonts", str(f)], check=True, capture_output=True, text=True).stdout


def slugs(rep: Replica) -> set[str]:
    """Every slug a Ukrainian page must never show: zones, sites, teams and the vocabularies'."""
    out = {z for (z,) in rep.conn.execute("SELECT eid FROM zones")}
    out |= {s for (s,) in rep.conn.execute("SELECT eid FROM sites")}
    out |= {t for (t,) in rep.conn.execute("SELECT eid FROM teams")}
    for name, table in vars(vocab).items():
        if name.isupper() and isinstance(table, dict):
            out |= {k for k in table if isinstance(k, str) and len(k) > 1}
    return out


LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z-]+")
CODE = re.compile(r"\b[A-Z]{3}-\d{3,}-\d\b")


def latin_words(page_text: str) -> set[str]:
    """Latin-letter words left on a Ukrainian page once card codes are taken out."""
    return set(LATIN_WORD.findall(CODE.sub(" ", page_text)))
