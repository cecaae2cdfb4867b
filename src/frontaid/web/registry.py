"""The registry pages: households with filters, a household's page with its history, forms to add and edit.

Pages and the JSON API (under /api, documented at /docs) call the same functions here,
which call the same queries and actions as the CLI. The analyst sees lists and
household pages without names, addresses or notes (`without_names`).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from pydantic import BaseModel, Field

from frontaid.actions import registry as actions
from frontaid.actions.validate import WHAT
from frontaid.domain import vocab
from frontaid.domain.codes import is_canonical
from frontaid.domain.sensitive import keep_hidden
from frontaid.errors import BadInput, FrontaidError, NotFound, PossibleDuplicate, UnknownChoice
from frontaid.i18n import gettext
from frontaid.queries import log
from frontaid.queries import registry as queries
from frontaid.store.replica import Replica
from frontaid.web import desk
from frontaid.web.auth import language, need, need_post, sees_names, without_names
from frontaid.web.render import render
from frontaid.web.users import Session

router = APIRouter()  # HTML routes pass include_in_schema=False; JSON routes under /api are documented
HISTORY_LIMIT = 100

# The op log's field names, as people read them (msgids).
FIELD_LABELS = {
    "zone": "zone", "address": "address", "shelter": "shelter", "size": "household size",
    "animals": "animals", "animal_kinds": "animal_kinds", "utilities": "utilities", "status": "status",
    "displaced": "displaced", "lat": "latitude", "lon": "longitude", "note": "note", "name": "name",
    "born": "year of birth", "sex": "sex", "vulnerabilities": "vulnerabilities", "household": "household",
    "died_on": "Died on", "death_place": "Place of death", "death_cause": "Cause",
    "burial_place": "Burial place", "registered_on": "Registered on", "urgency": "urgency",
    "team": "team", "answer": "answer", "reason": "reason", "outcome": "outcome", "closed_at": "closed",
    "closed_on": "closed",
}
# The household's other records whose changes its history shows: (entity, list on the household page).
RECORDS = (("request", "requests"), ("handout", "handouts"), ("evac_offer", "evacuation"),
           ("referral", "referrals"))


# -- reading --------------------------------------------------------------------------------


def zones(rep: Replica, lang: str) -> list[dict[str, str]]:
    return [{"eid": z["eid"],
             "name": (z["name_en"] if lang == "en" and z["name_en"] else z["name"]) or z["eid"]}
            for z in queries.list_zones(rep)]


def _days(value: str | int | None) -> int | None:
    text = str(value if value is not None else "").strip()
    if not text:
        return None
    if not text.isdigit() or int(text) > 3650:
        raise BadInput("'{value}' is not a whole number ({what}).", value=text[:20], what="days")
    return int(text)


def filters_of(rep: Replica, params: Mapping[str, Any]) -> dict[str, Any]:
    """The list's filters from a query string, checked (a bad value is a BadInput, 400)."""
    zone = str(params.get("zone") or "").strip() or None
    if zone and zone not in {z["eid"] for z in queries.list_zones(rep)}:
        raise UnknownChoice(value=zone[:40], what="zone", choices=", ".join(
            z["eid"] for z in queries.list_zones(rep)))
    vuln = str(params.get("vulnerability") or "").strip() or None
    if vuln and vuln not in vocab.VULNERABILITIES:
        raise UnknownChoice(value=vuln[:40], what="vulnerability", choices=", ".join(vocab.VULNERABILITIES))
    refused = str(params.get("refused") or "").lower() in ("1", "true", "yes", "on")
    page = str(params.get("page") or "1").strip()
    return {"zone": zone, "vulnerability": vuln, "not_reached": _days(params.get("not_reached")),
            "refused": refused, "page": int(page) if page.isdigit() and int(page) > 0 else 1}


def list_page(rep: Replica, f: Mapping[str, Any], role: str,
              per_page: int = queries.PAGE_SIZE) -> dict[str, Any]:
    found = queries.households_page(rep, zone=f["zone"], vulnerability=f["vulnerability"],
                                    not_reached_days=f["not_reached"], refused_evacuation=f["refused"],
                                    page=f["page"], per_page=per_page)
    return found if sees_names(role) else without_names(found)


def _what(entry: dict[str, Any], lang: str) -> str:
    """One op as a line people read, in their language (field names, never values, except codes
    and vocabulary words)."""
    d, verb = entry["data"], entry["verb"]

    def field(name: Any) -> str:
        return gettext(FIELD_LABELS.get(str(name), str(name)), lang)

    if verb == "create" and entry["entity"] in ("household", "person"):
        return gettext("registered", lang)
    if verb == "create":
        return gettext("recorded: {what}", lang).format(what=gettext(WHAT.get(entry["entity"], ""), lang))
    if verb == "set":
        return gettext("changed: {field}", lang).format(field=field(d.get("f")))
    if verb in ("add", "remove"):
        values = ", ".join(gettext(_vocab_label(str(v)), lang) for v in d.get("v", []))
        msg = (gettext("added to {field}: {values}", lang) if verb == "add"
               else gettext("removed from {field}: {values}", lang))
        return msg.format(field=field(d.get("f")), values=values)
    if verb == "merge":
        return gettext("merged into {code}", lang).format(code=d.get("into", ""))
    if verb == "unmerge":
        return gettext("merge undone", lang)
    if verb == "retract":
        return gettext("a change was voided", lang)
    return str(verb)


def _vocab_label(slug: str) -> str:
    for table in (vocab.VULNERABILITIES, vocab.UTILITIES):
        if slug in table:
            return table[slug]
    return slug


def history(rep: Replica, hh: dict[str, Any], lang: str) -> list[dict[str, Any]]:
    """Who changed what and when, newest first: the household, its members, its requests,
    hand-outs, evacuation offers and referrals (field names, no values)."""
    found = log.entries(rep, entity="household", eid=hh["eid"], limit=HISTORY_LIMIT)
    for m in hh.get("members", []):
        found += log.entries(rep, entity="person", eid=m["eid"], limit=HISTORY_LIMIT)
    for entity, key in RECORDS:
        for record in hh.get(key, [])[:HISTORY_LIMIT]:
            found += log.entries(rep, entity=entity, eid=record["eid"], limit=20)
    # By the hybrid clock, as the log is: within one second the text of "when" ties, and
    # op ids compare as text ("…:10" before "…:9").
    found.sort(key=lambda e: (e["hlc"], e["id"].rpartition(":")[0]), reverse=True)
    return [{"when": e["when"], "actor": e["actor"], "device": e["device"], "entity": e["entity"],
             "eid": e["eid"], "verb": e["verb"], "what": _what(e, lang)} for e in found[:HISTORY_LIMIT]]


def household_view(rep: Replica, code: str, role: str, lang: str) -> dict[str, Any]:
    hh = desk.household(rep, code, role)
    hh["history"] = history(rep, hh, lang)  # who and what field, never a value: nothing to strip
    return hh


def person_of(rep: Replica, pid: str) -> dict[str, Any]:
    p = queries.person(rep, pid)
    if p is None:
        raise NotFound(what="person", code=pid)
    return p


# -- writing: one function per form, shared by the page and the JSON API ----------------------


def _text(form: Mapping[str, Any], key: str) -> str:
    value = form.get(key)
    return "" if value is None else str(value).strip()


def _list(form: Any, key: str) -> list[str]:
    if hasattr(form, "getlist"):
        return [str(v) for v in form.getlist(key) if str(v).strip()]
    value = form.get(key) or []
    return [str(v) for v in (value.split(",") if isinstance(value, str) else value) if str(v).strip()]


def _flag(value: Any) -> bool:
    return str(value or "").lower() in ("1", "true", "yes", "on")


def create_household(rep: Replica, actor: str, form: Any) -> str:
    # Numbers go to the action as typed: its checks say what is wrong with them.
    size: Any = _text(form, "size") or None
    animals: Any = _text(form, "animals") or 0
    return actions.add_household(
        rep, actor, zone=_text(form, "zone"), address=_text(form, "address"),
        shelter=_text(form, "shelter") or None, size=size, animals=animals,
        animal_kinds=_text(form, "animal_kinds") or None, utilities=_list(form, "utilities"),
        displaced=_flag(form.get("displaced")), note=_text(form, "note") or None)


def _given_of(form: Any, texts: tuple[str, ...], lists: tuple[str, ...],
              flags: tuple[str, ...]) -> dict[str, Any]:
    """The fields a form (or an API body as form values) gives, as the edit actions take them:
    text as typed, the lists and flags only when sent (a form's `<name>_sent` marks an empty one)."""
    given: dict[str, Any] = {k: _text(form, k) for k in texts if k in form}
    given.update({k: _list(form, k) for k in lists if k in form or form.get(f"{k}_sent")})
    given.update({k: _flag(form.get(k)) for k in flags if k in form or form.get(f"{k}_sent")})
    return given


def edit_household(rep: Replica, actor: str, code: str, form: Any, role: str = "coordinator") -> list[str]:
    """Change the fields the form gives that differ from the record, all or none; returns them
    (a field the role cannot read is left as it is: its form showed "hidden")."""
    given = _given_of(form, ("zone", "address", "shelter", "size", "animals", "animal_kinds", "status",
                             "note"), ("utilities",), ("displaced",))
    shown = keep_hidden(role, queries.household(rep, code) or {}, given)
    return actions.edit_household(rep, actor, code, shown)


def add_person(rep: Replica, actor: str, code: str, form: Any,
               confirmed: bool = False) -> tuple[str | None, list[dict[str, Any]]]:
    """Register the person of the form: (their code, []); or (None, the people they may already be)
    when some are found and the user has not confirmed."""
    born: Any = _text(form, "born") or None
    try:
        pid = actions.add_person(rep, actor, household=code, name=_text(form, "name"), born=born,
                                 sex=_text(form, "sex") or None, note=_text(form, "note") or None,
                                 vulnerabilities=_list(form, "vulnerabilities"), confirmed=confirmed)
    except PossibleDuplicate as err:
        return None, [{k: c.get(k) for k in ("eid", "name", "born", "household", "score")}
                      for c in err.candidates]
    return pid, []


def edit_person(rep: Replica, actor: str, pid: str, form: Any, role: str = "coordinator") -> list[str]:
    """Change the person's fields the form gives that differ, all or none; returns them (a field the
    role cannot read is left as it is, and so are hidden health vulnerabilities)."""
    given = _given_of(form, ("name", "born", "sex", "status", "note"), ("vulnerabilities",), ())
    return actions.edit_person(rep, actor, pid, keep_hidden(role, queries.person(rep, pid) or {}, given))


def record_death(rep: Replica, actor: str, pid: str, form: Any) -> None:
    actions.person_died(rep, actor, pid, on=_text(form, "on") or None, place=_text(form, "place") or None,
                        burial_place=_text(form, "burial_place") or None, cause=_text(form, "cause") or None)


# -- pages ----------------------------------------------------------------------------------


def _ctx(rep: Replica, lang: str) -> dict[str, Any]:
    def vl(table: Mapping[str, str], slug: str | None) -> str:
        return gettext(table.get(slug, slug), lang) if slug else ""

    def many(table: Mapping[str, str], slugs: str | list[str] | None) -> str:
        items = slugs.split(",") if isinstance(slugs, str) else (slugs or [])
        return ", ".join(vl(table, s) for s in items if s)

    zs = zones(rep, lang)
    sites = {s["eid"]: (s["name_en"] if lang == "en" and s["name_en"] else s["name"]) or s["eid"]
             for s in queries.list_sites(rep)}
    return {"zones": zs, "zone_names": {z["eid"]: z["name"] for z in zs}, "site_names": sites,
            "vl": vl, "many": many}


def _page_url(f: Mapping[str, Any], page: int) -> str:
    q = {k: v for k, v in (("zone", f["zone"]), ("vulnerability", f["vulnerability"]),
                           ("not_reached", f["not_reached"]), ("refused", "1" if f["refused"] else None))
         if v not in (None, "")}
    q["page"] = page
    return "/registry?" + urlencode(q)


@router.get("/registry", response_class=HTMLResponse, include_in_schema=False)
def registry_page(request: Request, sess: Session = Depends(need("household"))) -> Response:
    lang = language(request)
    with desk.replica(request) as rep:
        ctx = _ctx(rep, lang)
        try:
            f = filters_of(rep, request.query_params)
        except FrontaidError as err:
            f = {"zone": None, "vulnerability": None, "not_reached": None, "refused": False, "page": 1}
            return render(request, "registry.html", sess, status_code=err.http_status, error=err.text(lang),
                          f=f, found=None, names=sees_names(sess.role), **ctx)
        found = list_page(rep, f, sess.role)
    pages = {"prev": _page_url(f, found["page"] - 1) if found["page"] > 1 else None,
             "next": _page_url(f, found["page"] + 1) if found["page"] < found["pages"] else None}
    return render(request, "registry.html", sess, f=f, found=found, links=pages, names=sees_names(sess.role),
                  **ctx)


@router.get("/registry/household/{code}", response_class=HTMLResponse, include_in_schema=False)
def household_page(request: Request, code: str, new: str = "", evac: str = "", opened: str = "",
                   sess: Session = Depends(need("household"))) -> Response:
    lang = language(request)
    with desk.replica(request) as rep:
        hh = household_view(rep, code, sess.role, lang)
        ctx = _ctx(rep, lang)
    return render(request, "household.html", sess, hh=hh, new=bool(new), names=sees_names(sess.role),
                  evac_saved=bool(evac), opened=opened if is_canonical(opened) else "", **ctx)


def _form(request: Request, sess: Session, rep: Replica, template: str, status_code: int = 200,
          **values: Any) -> Response:
    return render(request, template, sess, status_code=status_code, **_ctx(rep, language(request)), **values)


def _values(form: Any) -> dict[str, Any]:
    """What the user typed, to fill the form again after an error."""
    out: dict[str, Any] = {k: str(v) for k, v in form.items()}
    for key in ("utilities", "vulnerabilities"):
        out[key] = _list(form, key)
    return out


@router.get("/registry/new", response_class=HTMLResponse, include_in_schema=False)
def new_household_form(request: Request, sess: Session = Depends(need("register"))) -> Response:
    with desk.replica(request) as rep:
        return _form(request, sess, rep, "household_form.html", v={"utilities": []}, hh=None)


@router.post("/registry/new", response_class=HTMLResponse, include_in_schema=False)
async def new_household(request: Request, sess: Session = Depends(need_post("register"))) -> Response:
    form = await request.form()
    with desk.replica(request) as rep:
        try:
            code = create_household(rep, sess.name, form)
        except FrontaidError as err:
            return _form(request, sess, rep, "household_form.html", status_code=err.http_status,
                         error=err.text(language(request)), v=_values(form), hh=None)
    return RedirectResponse(f"/registry/household/{code}?new=1", status_code=303)


@router.get("/registry/household/{code}/edit", response_class=HTMLResponse, include_in_schema=False)
def edit_household_form(request: Request, code: str, sess: Session = Depends(need("register"))) -> Response:
    with desk.replica(request) as rep:
        hh = desk.household(rep, code, sess.role)
        v = {**hh, "utilities": [u for u in (hh["utilities"] or "").split(",") if u]}
        return _form(request, sess, rep, "household_form.html", v=v, hh=hh)


@router.post("/registry/household/{code}/edit", response_class=HTMLResponse, include_in_schema=False)
async def edit_household_post(request: Request, code: str,
                              sess: Session = Depends(need_post("register"))) -> Response:
    form = await request.form()
    with desk.replica(request) as rep:
        try:
            edit_household(rep, sess.name, code, form, sess.role)
        except FrontaidError as err:
            if isinstance(err, NotFound) and err.params.get("what") == "household":
                raise
            hh = queries.household(rep, code)
            return _form(request, sess, rep, "household_form.html", status_code=err.http_status,
                         error=err.text(language(request)), v=_values(form), hh=hh)
    return RedirectResponse(f"/registry/household/{code}", status_code=303)


@router.get("/registry/household/{code}/person", response_class=HTMLResponse, include_in_schema=False)
def new_person_form(request: Request, code: str, sess: Session = Depends(need("register"))) -> Response:
    with desk.replica(request) as rep:
        hh = desk.household(rep, code, sess.role)
        return _form(request, sess, rep, "household_person.html", v={"vulnerabilities": []}, hh=hh, p=None)


@router.post("/registry/household/{code}/person", response_class=HTMLResponse, include_in_schema=False)
async def new_person(request: Request, code: str, sess: Session = Depends(need_post("register"))) -> Response:
    form = await request.form()
    with desk.replica(request) as rep:
        hh = desk.household(rep, code, sess.role)
        try:
            pid, found = add_person(rep, sess.name, hh["eid"], form, confirmed=_flag(form.get("confirm")))
        except FrontaidError as err:
            return _form(request, sess, rep, "household_person.html", status_code=err.http_status,
                         error=err.text(language(request)), v=_values(form), hh=hh, p=None)
        if pid is None:
            return _form(request, sess, rep, "household_person.html", v=_values(form), hh=hh, p=None,
                         candidates=found)
    return RedirectResponse(f"/registry/household/{hh['eid']}#person-{pid}", status_code=303)


@router.get("/registry/person/{pid}/edit", response_class=HTMLResponse, include_in_schema=False)
def edit_person_form(request: Request, pid: str, sess: Session = Depends(need("register"))) -> Response:
    with desk.replica(request) as rep:
        p = person_of(rep, pid)
        v = {**p, "vulnerabilities": [x for x in (p["vulnerabilities"] or "").split(",") if x]}
        return _form(request, sess, rep, "household_person.html", v=v, hh=None, p=p)


@router.post("/registry/person/{pid}/edit", response_class=HTMLResponse, include_in_schema=False)
async def edit_person_post(request: Request, pid: str,
                           sess: Session = Depends(need_post("register"))) -> Response:
    form = await request.form()
    with desk.replica(request) as rep:
        p = person_of(rep, pid)
        try:
            edit_person(rep, sess.name, pid, form, sess.role)
        except FrontaidError as err:
            return _form(request, sess, rep, "household_person.html", status_code=err.http_status,
                         error=err.text(language(request)), v=_values(form), hh=None, p=p)
    return RedirectResponse(f"/registry/household/{p['household']}", status_code=303)


@router.get("/registry/person/{pid}/died", response_class=HTMLResponse, include_in_schema=False)
def death_form(request: Request, pid: str, sess: Session = Depends(need("register"))) -> Response:
    with desk.replica(request) as rep:
        p = person_of(rep, pid)
        return _form(request, sess, rep, "household_death.html", v={"on": date.today().isoformat()}, p=p)


@router.post("/registry/person/{pid}/died", response_class=HTMLResponse, include_in_schema=False)
async def death_post(request: Request, pid: str, sess: Session = Depends(need_post("register"))) -> Response:
    form = await request.form()
    with desk.replica(request) as rep:
        p = person_of(rep, pid)
        try:
            record_death(rep, sess.name, p["eid"], form)
        except FrontaidError as err:
            return _form(request, sess, rep, "household_death.html", status_code=err.http_status,
                         error=err.text(language(request)), v=_values(form), p=p)
    return RedirectResponse(f"/registry/household/{p['household']}", status_code=303)


# -- JSON API -------------------------------------------------------------------------------


class HouseholdIn(BaseModel):
    zone: str = Field(description="Zone id or name.")
    address: str
    shelter: str | None = Field(None, description="One of: " + ", ".join(vocab.SHELTERS))
    size: int | None = Field(None, description="People living there (1-50).")
    animals: int = 0
    animal_kinds: str | None = None
    utilities: list[str] = Field(default_factory=list, description="Any of: " + ", ".join(vocab.UTILITIES))
    displaced: bool = False
    note: str | None = None


class HouseholdChange(BaseModel):
    zone: str | None = Field(None, description="A new zone: the household moved.")
    address: str | None = None
    shelter: str | None = None
    size: int | None = None
    animals: int | None = None
    animal_kinds: str | None = None
    utilities: list[str] | None = None
    displaced: bool | None = None
    status: str | None = Field(None, description="One of: " + ", ".join(vocab.HOUSEHOLD_STATES))
    note: str | None = None


class PersonIn(BaseModel):
    name: str
    born: int | None = Field(None, description="Year of birth.")
    sex: str | None = Field(None, description="f or m.")
    vulnerabilities: list[str] = Field(default_factory=list,
                                       description="Any of: " + ", ".join(vocab.VULNERABILITIES))
    note: str | None = None
    confirm: bool = Field(False, description="Register even if the person may already be registered.")


class PersonChange(BaseModel):
    name: str | None = None
    born: int | None = None
    sex: str | None = None
    vulnerabilities: list[str] | None = None
    status: str | None = Field(None, description="One of: " + ", ".join(vocab.PERSON_STATES))
    note: str | None = None


class Death(BaseModel):
    on: str | None = Field(None, description="The day (YYYY-MM-DD); today if omitted.")
    place: str | None = None
    burial_place: str | None = Field(None, description="A burial site's id or name, or a place.")
    cause: str | None = None


def _given(body: BaseModel) -> dict[str, Any]:
    """A change body as form values: only the fields sent, lists kept as lists."""
    out: dict[str, Any] = {}
    for k, v in body.model_dump(exclude_unset=True).items():
        if v is None:
            continue
        out[k] = ("1" if v else "0") if isinstance(v, bool) else v if isinstance(v, list) else str(v)
    if "utilities" in out:
        out["utilities_sent"] = "1"
    if "vulnerabilities" in out:
        out["vulnerabilities_sent"] = "1"
    if "displaced" in out:
        out["displaced_sent"] = "1"
        out["displaced"] = "1" if out["displaced"] == "1" else ""
    return out


@router.get("/api/households", tags=["registry"],
            summary="Households still in town, filtered, 50 a page (no addresses for analysts)")
def api_households(request: Request, zone: str = "", vulnerability: str = "", not_reached: str = "",
                   refused: bool = False, page: int = 1,
                   sess: Session = Depends(need("household"))) -> dict[str, Any]:
    """`not_reached`: no hand-out nor visit (a request done there) in that many days.
    `refused`: the latest evacuation answer is a refusal."""
    with desk.replica(request) as rep:
        f = filters_of(rep, {"zone": zone, "vulnerability": vulnerability, "not_reached": not_reached,
                             "refused": "1" if refused else "", "page": str(page)})
        return list_page(rep, f, sess.role)


@router.get("/api/households/{code}/history", tags=["registry"],
            summary="Who changed the household and its members, what and when, newest first")
def api_history(request: Request, code: str, sess: Session = Depends(need("household"))) -> dict[str, Any]:
    with desk.replica(request) as rep:
        hh = household_view(rep, code, sess.role, language(request))
    return {"household": hh["eid"], "history": hh["history"]}


@router.post("/api/households", tags=["registry"], status_code=201,
             summary="Register a household; returns its card code")
def api_add_household(body: HouseholdIn, request: Request,
                      sess: Session = Depends(need_post("register"))) -> dict[str, Any]:
    with desk.replica(request) as rep:
        code = create_household(rep, sess.name, body.model_dump())
    return {"household": code}


@router.patch("/api/households/{code}", tags=["registry"],
              summary="Change a household's fields (all or none); a new zone records a move")
def api_edit_household(code: str, body: HouseholdChange, request: Request,
                       sess: Session = Depends(need_post("register"))) -> dict[str, Any]:
    with desk.replica(request) as rep:
        changed = edit_household(rep, sess.name, code, _given(body), sess.role)
    return {"household": code, "changed": changed}


@router.post("/api/households/{code}/people", tags=["registry"], status_code=201,
             summary="Register a person in a household (409 with the candidates if they may already be)")
def api_add_person(code: str, body: PersonIn, request: Request,
                   sess: Session = Depends(need_post("register"))) -> Response:
    """Without `confirm`, a person who may already be registered is not added: the answer is
    409 with `candidates` (eid, name, born, household, score); send again with `confirm: true`."""
    lang = language(request)
    with desk.replica(request) as rep:
        hh = desk.household(rep, code, sess.role)
        pid, found = add_person(rep, sess.name, hh["eid"], body.model_dump(), confirmed=body.confirm)
    if pid is None:
        return JSONResponse({"error": gettext("This person may already be registered as:", lang),
                             "kind": "PossibleDuplicate", "candidates": found}, status_code=409)
    return JSONResponse({"person": pid}, status_code=201)


@router.get("/api/people/{pid}", tags=["registry"], summary="One person (no names for analysts)")
def api_person(pid: str, request: Request, sess: Session = Depends(need("household"))) -> dict[str, Any]:
    with desk.replica(request) as rep:
        p = person_of(rep, pid)
    return p if sees_names(sess.role) else without_names(p)


@router.patch("/api/people/{pid}", tags=["registry"], summary="Change a person's fields (all or none)")
def api_edit_person(pid: str, body: PersonChange, request: Request,
                    sess: Session = Depends(need_post("register"))) -> dict[str, Any]:
    with desk.replica(request) as rep:
        changed = edit_person(rep, sess.name, pid, _given(body), sess.role)
    return {"person": pid, "changed": changed}


@router.post("/api/people/{pid}/death", tags=["registry"], summary="Record a person's death")
def api_death(pid: str, body: Death, request: Request,
              sess: Session = Depends(need_post("register"))) -> dict[str, Any]:
    with desk.replica(request) as rep:
        record_death(rep, sess.name, pid, body.model_dump())
    return {"person": pid, "status": "deceased"}
