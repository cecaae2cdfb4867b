"""Reading lists as tables: CSV (UTF-8, or cp1251 when asked) and XLSX, with line numbers, bounded.

Each table is a header and rows `(line, values)`, line as a spreadsheet shows it (the first
line is 1). A file that cannot be read raises `BadFile` with the line: a wrong encoding, a
merged cell, a line or a cell far too long. Memory stays bounded by those limits.
"""

from __future__ import annotations

import codecs
import csv
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Final

from frontaid.errors import BadFile
from frontaid.imports.rows import MAX_CELL

MAX_LINE: Final = 1_000_000            # characters in one CSV line
MAX_UNZIPPED: Final = 2_000_000_000    # bytes an XLSX may expand to (a zip bomb is refused)
_MERGE = re.compile(rb'<(?:\w+:)?mergeCell ref="[A-Z]+(\d+)(?::[A-Z]+(\d+))?"')
HEADER_SEARCH: Final = 10  # rows looked at for the header (a title or a note may stand above it)


@dataclass
class Table:
    name: str
    headers: list[str]
    rows: Iterator[tuple[int, list[Any]]]
    header_line: int = 1


def open_tables(path: Path, encoding: str | None = None) -> list[Table]:
    """The tables of a file: one for CSV, one per non-empty sheet for XLSX."""
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return _xlsx(path)
    if suffix in (".csv", ".txt", ".tsv"):
        return [_csv(path, encoding)]
    raise BadFile("{file}: only CSV and XLSX lists (and KoBo JSON) can be imported.", file=path.name)


# -- CSV --------------------------------------------------------------------------------


def _looks_cp1251(raw: bytes) -> bool:
    try:
        text = raw.decode("cp1251")
    except UnicodeDecodeError:
        return False
    letters = sum(1 for ch in text if "\u0400" <= ch <= "\u04ff")
    return letters >= max(3, len(re.findall(rb"[\x80-\xff]", raw)) // 2)


def _lines(fh: IO[str], path: Path, encoding: str) -> Iterator[str]:
    """The file's lines, each bounded; a bad byte or an endless line stops it with the line number."""
    n = 0
    while True:
        try:
            line = fh.readline(MAX_LINE + 1)
        except UnicodeDecodeError as err:
            line_no = n + 1
            raw = err.object if isinstance(err.object, bytes) else b""
            if encoding.startswith("utf") and _looks_cp1251(raw[max(0, err.start - 200):err.end + 200]):
                raise BadFile("The file is not UTF-8 text; it looks like Windows-1251 (cp1251). Save it "
                              "as CSV UTF-8, or run again with --encoding cp1251.", line_no) from None
            raise BadFile("The file is not {encoding} text. Save it as CSV UTF-8.", line_no,
                          encoding=encoding) from None
        if not line:
            return
        n += line.count("\n") or 1
        if len(line) > MAX_LINE:
            raise BadFile("The line is longer than {limit} characters.", n, limit=MAX_LINE)
        yield line


def _csv(path: Path, encoding: str | None) -> Table:
    enc = (encoding or "utf-8-sig").lower()
    try:
        codecs.lookup(enc)
    except LookupError:
        raise BadFile("Unknown encoding '{encoding}'; use utf-8 or cp1251.", encoding=enc[:20]) from None
    with path.open("rb") as raw:
        head = raw.read(65536)
    sample = head.decode(enc, errors="ignore")
    first = sample.splitlines()[0] if sample else ""
    delimiter = max((";", ",", "\t"), key=first.count) if first else ","
    fh = path.open(encoding=enc, newline="")
    csv.field_size_limit(MAX_LINE)
    lines = _lines(fh, path, enc)
    reader = csv.reader(lines, delimiter=delimiter)

    def rows() -> Iterator[tuple[int, list[Any]]]:
        try:
            start = reader.line_num + 1
            for rec in reader:
                if any(c.strip() for c in rec):
                    for c in rec:
                        if len(c) > MAX_CELL:
                            raise BadFile("A cell is longer than {limit} characters.", start, limit=MAX_CELL)
                    yield start, rec
                start = reader.line_num + 1
        except csv.Error as err:
            raise BadFile("The line cannot be read as CSV ({detail}).", reader.line_num or 1,
                          detail=str(err)[:80]) from None
        finally:
            fh.close()

    try:
        line, headers, it = _header(rows())
    except StopIteration:
        fh.close()
        raise BadFile("{file} is empty.", file=path.name) from None
    return Table(path.stem, [str(h).strip() for h in headers], it, line)


# -- XLSX -------------------------------------------------------------------------------


def _merged_lines(path: Path) -> dict[str, list[tuple[int, int]]]:
    """sheet part → the (first, last) lines of its merged cells (a merged cell hides which row is whose)."""
    out: dict[str, list[tuple[int, int]]] = {}
    with zipfile.ZipFile(path) as z:
        for info in z.infolist():
            if not info.filename.startswith("xl/worksheets/") or not info.filename.endswith(".xml"):
                continue
            tail = b""
            with z.open(info) as fh:
                # <mergeCells> follows the rows: read through, keeping a little of each chunk's end.
                while chunk := fh.read(1 << 20):
                    text = tail + chunk
                    for m in _MERGE.finditer(text):
                        out.setdefault(info.filename, []).append((int(m[1]), int(m[2] or m[1])))
                    cut = text.rfind(b"<")
                    tail = text[cut:] if cut >= 0 and len(text) - cut < 400 else b""
    return out


def _header(rows: Iterator[tuple[int, list[Any]]]) -> tuple[int, list[Any], Iterator[tuple[int, list[Any]]]]:
    """The header among the first rows: the first that names two known fields, else the first row."""
    from itertools import chain

    from frontaid.imports.mapping import guess

    seen: list[tuple[int, list[Any]]] = []
    for line, cells in rows:
        seen.append((line, cells))
        names = [str(c).strip() for c in cells if c is not None and str(c).strip()]
        if sum(1 for f in guess(names).values() if f) >= 2:
            return line, cells, rows
        if len(seen) >= HEADER_SEARCH:
            break
    if not seen:
        raise StopIteration
    line, cells = seen[0]
    return line, cells, chain(seen[1:], rows)


def _check_zip(path: Path) -> None:
    try:
        with zipfile.ZipFile(path) as z:
            total = sum(i.file_size for i in z.infolist())
    except (zipfile.BadZipFile, OSError):
        raise BadFile("{file} is not an XLSX workbook.", file=path.name) from None
    if total > MAX_UNZIPPED:
        raise BadFile("{file} expands to more than {limit} MB.", file=path.name, limit=MAX_UNZIPPED >> 20)


def _xlsx(path: Path) -> list[Table]:
    import openpyxl

    _check_zip(path)
    merged = _merged_lines(path)
    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds on a damaged file
        raise BadFile("{file} is not an XLSX workbook.", file=path.name) from None
    tables = []
    for ws in wb.worksheets:
        part = str(getattr(ws, "_worksheet_path", "")).lstrip("/")
        try:
            line, headers, it = _header(_sheet_rows(ws))
        except StopIteration:
            continue
        # A title merged across the columns above the header is fine; a merge in the rows is not.
        inside = sorted(first for first, last in merged.get(part, []) if last >= line)
        if inside:
            raise BadFile("Sheet '{sheet}' has merged cells: unmerge them (each row needs its own "
                          "values) and try again.", max(inside[0], line), sheet=ws.title[:40])
        tables.append(Table(ws.title, [str(h).strip() if h is not None else "" for h in headers], it, line))
    if not tables:
        raise BadFile("{file} is empty.", file=path.name)
    return tables


_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_ROW, _CELL, _V, _T, _IS, _DATA = (_NS + t for t in ("row", "c", "v", "t", "is", "sheetData"))


def _column(ref: str) -> int:
    """0-based column of a cell reference ("C12" -> 2)."""
    n = 0
    for ch in ref:
        if ch.isdigit():
            break
        n = n * 26 + ord(ch) - 64
    return n - 1


def _sheet_rows(ws: Any) -> Iterator[tuple[int, list[Any]]]:
    """A sheet's rows as values, read straight from its XML with the workbook's strings and date styles.

    openpyxl's own row reader builds a dict per cell; this loop does what the import needs
    (values, shared and inline strings, dates by style, formulas' cached values) at about twice
    its speed on a 100,000-row list. Rows and cells the file leaves out are empty.
    """
    from xml.etree.ElementTree import iterparse

    from openpyxl.utils.datetime import from_excel, from_ISO8601

    wb = ws.parent
    strings, dates, epoch = ws._shared_strings, wb._date_formats, wb.epoch
    counter = 0
    with ws._get_source() as src:
        data = None
        for event, el in iterparse(src, events=("start", "end")):
            if event == "start":
                if el.tag == _DATA:
                    data = el
                continue
            if el.tag != _ROW:
                continue
            r = el.get("r")
            counter = int(r) if r else counter + 1
            values: list[Any] = []
            for c in el:
                if c.tag != _CELL:
                    continue
                ref = c.get("r")
                col = _column(ref) if ref else len(values)
                kind = c.get("t", "n")
                if kind == "inlineStr":
                    node = c.find(_IS)
                    value: Any = None if node is None else "".join(t.text or "" for t in node.iter(_T))
                else:
                    value = c.findtext(_V) or None
                    if value is not None:
                        if kind == "s":
                            value = str(strings[int(value)])
                        elif kind == "n":
                            try:
                                value = float(value) if any(x in value for x in ".eE") else int(value)
                            except ValueError:
                                raise BadFile("A cell cannot be read as a number.", counter) from None
                            style = c.get("s")
                            if style and int(style) in dates:
                                try:
                                    value = from_excel(value, epoch)
                                except (OverflowError, ValueError):
                                    value = None
                        elif kind == "b":
                            value = value == "1"
                        elif kind == "e":
                            value = None
                        elif kind == "d":
                            value = from_ISO8601(value)
                if isinstance(value, str) and len(value) > MAX_CELL:
                    raise BadFile("A cell is longer than {limit} characters.", counter, limit=MAX_CELL)
                while len(values) < col:
                    values.append(None)
                values.append(value)
            if data is not None:
                data.clear()  # rows read are dropped: memory stays flat however long the sheet
            if any(v is not None and str(v).strip() for v in values):
                yield counter, values
