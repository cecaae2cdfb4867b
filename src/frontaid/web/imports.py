"""Importing a list on the web: upload, see the columns and every bad row, then all rows or none.

The same steps as `frontaid import`: `imports.reader` reads the file, `actions.imports.check`
finds every problem, `actions.imports.apply` writes all or nothing (duplicates held back).
Only a coordinator may import. The upload is bounded (`MAX_UPLOAD`, refused by its declared
length before a byte is read); it is parsed and waits for the confirmation in memory, not on
disk (it holds names and shelters), and is written to a private temporary file (0600) only
while the readers read it.
No inline script: static/import.js checks the size before sending and greys the buttons.
"""

from __future__ import annotations

import os
import secrets
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from starlette.datastructures import FormData
from starlette.formparsers import MultiPartException, MultiPartParser

from frontaid.actions import imports as actions
from frontaid.errors import BadFile, NotFound, TooLarge, reason_text
from frontaid.i18n import gettext
from frontaid.imports import mapping as mapping_mod
from frontaid.imports import reader
from frontaid.web import auth, desk
from frontaid.web.auth import language
from frontaid.web.render import render
from frontaid.web.users import Session

MAX_UPLOAD = 32 * 1024 * 1024  # bytes: a 100,000-row list is about 6 MB as XLSX, 9 MB as CSV
KINDS = (".csv", ".xlsx", ".json")
PENDING_MINUTES = 30
PREVIEW_ROWS = 20
SHOWN_PROBLEMS = 500



def N_(msgid: str) -> str:
    return msgid


MISSING = {"name": N_("No column holds the names: choose which one does."),
           "zone": N_("No column holds the zone: choose which one does.")}

router = APIRouter()


@dataclass
class Upload:
    user: str
    name: str
    data: bytes
    at: float


def _pending(request: Request) -> dict[str, Upload]:
    store: dict[str, Upload] | None = getattr(request.app.state, "uploads", None)
    if store is None:
        store = request.app.state.uploads = {}
    now = time.time()
    for token in [t for t, u in store.items() if now - u.at > PENDING_MINUTES * 60]:
        del store[token]
    return store


@contextmanager
def _on_disk(upload: Upload) -> Iterator[Path]:
    """The upload as a private file (0600) for the readers, removed as soon as they are done."""
    suffix = Path(upload.name).suffix.lower()
    fd, name = tempfile.mkstemp(prefix="frontaid-import-", suffix=suffix)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(upload.data)
        yield Path(name)
    finally:
        Path(name).unlink(missing_ok=True)


def _mapping_from(form: Any, headers: list[str]) -> dict[str, str] | None:
    """The columns as the coordinator set them on the preview (None: not sent, use the guess)."""
    if f"col-{0}" not in form:
        return None
    out = {}
    for i, h in enumerate(headers):
        field = str(form.get(f"col-{i}", "") or "")
        if field and field not in mapping_mod.FIELDS:
            raise BadFile("The mapping names an unknown field '{field}' (column '{column}').",
                          field=field[:40], column=str(h)[:40])
        out[h] = field
    return out


def _preview(path: Path, name: str, columns: dict[str, str] | None, lang: str,
             request: Request) -> tuple[dict[str, Any], reader.Plan | None]:
    """What the page shows: the file's kind, its columns and fields, rows, problems in `lang`."""
    kind, tables = reader.inspect(path)
    headers = tables[0].headers if kind == "list" else []
    cols = columns if columns is not None else (mapping_mod.guess(headers) if kind == "list" else {})
    view: dict[str, Any] = {"file": name, "kind": kind, "headers": headers, "columns": cols,
                            "fields": [(f, gettext(mapping_mod.LABELS[f], lang)) for f in mapping_mod.FIELDS],
                            "missing": None, "problems": [], "rows": [], "counts": None}
    if kind == "list":
        missing = mapping_mod.missing_required(cols, zone_given=False)
        if missing:
            view["missing"] = gettext(MISSING[missing[0]], lang)
            return view, None
    plan = reader.read(path, columns=cols if kind == "list" else None)
    with desk.replica(request) as rep:
        problems = actions.check(rep, plan)
    view["problems"] = [{"line": p.line, "reason": reason_text(p.reason, p.params, lang)}
                        for p in problems[:SHOWN_PROBLEMS]]
    view["more_problems"] = max(0, len(problems) - SHOWN_PROBLEMS)
    view["bad"] = len(problems)
    view["counts"] = {"rows": plan.rows, "households": len(plan.households),
                      "people": sum(len(h.members) for h in plan.households)}
    for hh in plan.households[:PREVIEW_ROWS]:
        view["rows"].append({"line": hh.line, "zone": hh.zone, "address": hh.data.get("address") or "",
                             "people": ", ".join(str(m.data.get("name") or "") for m in hh.members)})
    return view, plan


class _InMemory(MultiPartParser):
    """Starlette's form parser keeping the file in memory up to the upload limit (its default
    spills anything over 1 MB to a temporary file on disk: a list of names and shelters)."""

    spool_max_size = MAX_UPLOAD + 64 * 1024


async def _read_form(request: Request) -> FormData:
    if not request.headers.get("content-type", "").startswith("multipart/form-data"):
        return FormData()
    try:
        return await _InMemory(request.headers, request.stream(), max_files=1, max_fields=8).parse()
    except MultiPartException:
        raise BadFile("The upload was cut short or is not a file form: choose the file and send it "
                      "again.") from None


@router.get("/import", response_class=HTMLResponse, include_in_schema=False)
def import_page(request: Request, sess: Session = Depends(auth.need("import"))) -> Response:
    return render(request, "import.html", sess, view=None, token="", max_bytes=MAX_UPLOAD,
                  max_mb=MAX_UPLOAD >> 20, result=None)


@router.post("/import/upload", response_class=HTMLResponse, include_in_schema=False)
async def upload(request: Request, sess: Session = Depends(auth.need("import"))) -> Response:
    # The size is checked on the declared length before the body is read (the server then reads
    # no more than that), so an oversized upload costs neither memory nor disk.
    length = request.headers.get("content-length", "")
    if not length.isdigit() or int(length) > MAX_UPLOAD + 64 * 1024:
        raise TooLarge(mb=MAX_UPLOAD >> 20)
    form = await _read_form(request)
    token = request.headers.get(auth.CSRF_HEADER) or form.get(auth.CSRF_FIELD)
    auth.check_csrf(sess, token if isinstance(token, str) else None)
    file = form.get("file")
    if file is None or isinstance(file, str) or not file.filename:
        raise BadFile("Choose a file to import (CSV, XLSX or a KoBo JSON export).")
    name = Path(file.filename).name[:120]
    if Path(name).suffix.lower() not in KINDS:
        raise BadFile("{file} is not a CSV, XLSX or KoBo JSON file.", file=name)
    data = await file.read(MAX_UPLOAD + 1)
    await form.close()
    if len(data) > MAX_UPLOAD:
        raise TooLarge(mb=MAX_UPLOAD >> 20)
    up = Upload(sess.name, name, data, time.time())
    store = _pending(request)
    for old in [t for t, u in store.items() if u.user == sess.name]:
        del store[old]  # one file waiting per coordinator
    key = secrets.token_urlsafe(18)
    store[key] = up
    return _show(request, sess, key, up, None)


def _show(request: Request, sess: Session, key: str, up: Upload, columns: dict[str, str] | None,
          status: int = 200) -> Response:
    lang = language(request)
    with _on_disk(up) as path:
        view, _plan = _preview(path, up.name, columns, lang, request)
    if view["missing"] or view["problems"]:
        status = 422 if status == 200 else status
    return render(request, "import.html", sess, status_code=status, view=view, token=key,
                  max_bytes=MAX_UPLOAD, max_mb=MAX_UPLOAD >> 20, result=None)


@router.post("/import/confirm", response_class=HTMLResponse, include_in_schema=False)
async def confirm(request: Request, sess: Session = Depends(auth.need_post("import"))) -> Response:
    form = await request.form(max_files=0, max_fields=200)
    key = str(form.get("token", ""))
    up = _pending(request).get(key)
    if up is None or up.user != sess.name:
        raise NotFound(what="upload", code=key[:8] or "-")
    with _on_disk(up) as path:
        kind, tables = reader.inspect(path)
        columns = _mapping_from(form, tables[0].headers) if kind == "list" else None
        if form.get("do") != "import":
            return _show(request, sess, key, up, columns)
        if columns is not None:
            missing = mapping_mod.missing_required(columns, zone_given=False)
            if missing:
                return _show(request, sess, key, up, columns)
        plan = reader.read(path, columns=columns)
        with desk.writer(request) as rep:
            # All or nothing: any bad row refuses the whole file (BadRows, 400), nothing written.
            result = actions.apply(rep, sess.name, plan, file=up.name)
    del _pending(request)[key]
    return render(request, "import.html", sess, view=None, token="", max_bytes=MAX_UPLOAD,
                  max_mb=MAX_UPLOAD >> 20, result=result)
