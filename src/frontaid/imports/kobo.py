"""KoBoToolbox / ODK submissions of the shipped household form (docs/forms/household.xlsx).

Three shapes, one result (a list of `Household`):

- JSON from the API (`/api/v2/assets/<uid>/data.json`: `{"results": [...]}`, or a bare list):
  keys are group paths ("location/address"), repeats are lists of dicts ("members");
- XLSX export: the main sheet, and a sheet per repeat linked by `_parent_index` → `_index`
  (or `_submission__uuid` → `_uuid`);
- CSV export (legacy, "wide"): repeats as indexed columns ("members[2]/name").

Select_multiple answers are space-separated slugs; a geopoint is "lat lon alt acc". A submission
is keyed by `meta/instanceID` (else `_uuid`); an edited one names the one it replaces in
`meta/deprecatedID`, and only the newest version of each is kept.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any, Final

from frontaid.errors import BadFile
from frontaid.imports import mapping
from frontaid.imports.rows import Household, Member, RowProblem, parse_row
from frontaid.imports.tabular import Table

MAX_JSON: Final = 200_000_000  # bytes
REPEAT: Final = "members"
_WIDE = re.compile(r"^(?P<repeat>[\w-]+)\[(?P<i>\d+)\]/(?P<field>.+)$")


def is_kobo(headers: Iterable[str]) -> bool:
    names = {h.split("/")[-1] for h in headers}
    return bool(names & {"_uuid", "instanceID"})


def _instance(values: dict[str, Any]) -> str:
    for k in ("meta/instanceID", "instanceID", "_uuid"):
        v = values.get(k)
        if v:
            text = str(v).strip()
            return text if text.startswith("uuid:") else f"uuid:{text}"
    return ""


def _deprecated(values: dict[str, Any]) -> str | None:
    v = values.get("meta/deprecatedID") or values.get("deprecatedID")
    return str(v).strip() if v else None


def _fields(values: dict[str, Any]) -> dict[str, Any]:
    """Form answers under frontaid's field names (metadata columns such as _id left out)."""
    keys = [k for k in values if not str(k).split("/")[-1].startswith("_")]
    guessed = mapping.guess(keys)
    return {guessed[k]: values[k] for k in keys if guessed[k]}


def submissions_to_households(subs: list[tuple[int, dict[str, Any], list[dict[str, Any]]]]
                              ) -> tuple[list[Household], list[RowProblem]]:
    """(line, answers, members' answers) of each submission → households, and the problems found."""
    replaced = {d for _l, v, _m in subs if (d := _deprecated(v))}
    out: list[Household] = []
    problems: list[RowProblem] = []
    seen: set[str] = set()
    for line, values, members in subs:
        iid = _instance(values)
        if not iid:
            problems.append(RowProblem(line, "The submission has no instanceID or _uuid."))
            continue
        if iid in replaced or iid in seen:
            continue  # an older version of an edited submission, or the same one twice
        seen.add(iid)
        try:
            row = parse_row(_fields(values), line, need_name=False)
            hh = Household(line, iid, row.household, row.zone, replaces=_deprecated(values))
            for i, m in enumerate(members, 1):
                mrow = parse_row(_fields(m), line, need_address=False)
                if mrow.person is not None:
                    hh.members.append(Member(line, f"{iid}#{REPEAT}/{i}", mrow.person))
        except RowProblem as p:
            problems.append(p)
            continue
        out.append(hh)
    return out, problems


def read_json(path: Path) -> tuple[list[Household], list[RowProblem]]:
    if path.stat().st_size > MAX_JSON:
        raise BadFile("{file} is larger than {limit} MB.", file=path.name, limit=MAX_JSON >> 20)
    try:
        data: Any = json.loads(path.read_text(encoding="utf-8-sig"))
    except UnicodeDecodeError:
        raise BadFile("The file is not UTF-8 text. Save it as CSV UTF-8.", 1) from None
    except json.JSONDecodeError as err:
        raise BadFile("The JSON cannot be read ({detail}).", err.lineno, detail=err.msg) from None
    results = data.get("results") if isinstance(data, dict) else data
    if not isinstance(results, list) or not all(isinstance(s, dict) for s in results):
        raise BadFile("{file} is not a KoBo or ODK export (a list of submissions).", file=path.name)
    subs = []
    for i, sub in enumerate(results, 1):
        members = sub.get(REPEAT) or []
        if not isinstance(members, list) or not all(isinstance(m, dict) for m in members):
            raise BadFile("Submission {n}: '{repeat}' is not a list of members.", i, n=i, repeat=REPEAT)
        subs.append((i, {k: v for k, v in sub.items() if k != REPEAT}, members))
    return submissions_to_households(subs)


def read_tables(tables: list[Table]) -> tuple[list[Household], list[RowProblem]]:
    """The XLSX export (main sheet + repeat sheets) or the wide CSV export."""
    main, *others = tables
    repeats: dict[str, list[dict[str, Any]]] = {}
    for t in others:
        for _line, cells in t.rows:
            rec = dict(zip(t.headers, cells, strict=False))
            parent = rec.get("_parent_index") or rec.get("_submission__uuid")
            if parent is not None:
                repeats.setdefault(str(parent).removesuffix(".0"), []).append(rec)
    subs = []
    for line, cells in main.rows:
        values = dict(zip(main.headers, cells, strict=False))
        wide: dict[int, dict[str, Any]] = {}
        plain: dict[str, Any] = {}
        for k, v in values.items():
            m = _WIDE.match(k)
            if m and m["repeat"] == REPEAT:
                if v not in (None, ""):
                    wide.setdefault(int(m["i"]), {})[m["field"]] = v
            else:
                plain[k] = v
        members = [wide[i] for i in sorted(wide)]
        if not members:
            for link in (values.get("_index"), values.get("_uuid")):
                if link is not None and str(link).removesuffix(".0") in repeats:
                    members = repeats[str(link).removesuffix(".0")]
                    break
        subs.append((line, plain, members))
    return submissions_to_households(subs)
