"""Every route × every role: allowed or refused as web/auth.py PERMISSIONS says; no name for the analyst.

The routes are read from the app itself, so a page or an endpoint added later is
checked without touching this file. A route's permission is the one its
`need(...)` / `need_post(...)` dependency names (they carry it as `.permission`);
a route without one must be on the short public list below.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from itertools import product
from typing import Any

import pytest
from fastapi.routing import APIRoute

from frontaid.actions import evacuation, incidents, registry, requests
from frontaid.web.auth import PERMISSIONS
from frontaid.web.users import ROLES

# Open to anyone: logging in, health, language, static files, the API's documentation, and the
# device sync endpoints (each batch is checked against the device's signature, not a session).
PUBLIC = ("/login", "/api/login", "/health", "/lang/", "/static", "/docs", "/openapi.json", "/sync/v1/",
          "/ca.crt")
# A session but no particular permission: the home page (it sends each role to its page) and logging out.
ANY_USER = ("/", "/logout", "/api/logout")
# Names and addresses in the small town (tests/conftest.py) and in the records added below.
PERSONAL = ("Kovalenko", "Shevchuk", "Chasiv Yar", "Myru")


@dataclass(frozen=True)
class Endpoint:
    method: str
    path: str
    permissions: tuple[str, ...]
    queries: tuple[str, ...]
    params: tuple[str, ...]


def _permissions(dependant: Any) -> Iterator[str]:
    for sub in dependant.dependencies:
        if (perm := getattr(sub.call, "permission", None)) is not None:
            yield perm
        yield from _permissions(sub)


def endpoints(app: Any) -> list[Endpoint]:
    try:  # FastAPI ≥ 0.12x keeps included routers whole; this flattens them with their prefixes
        from fastapi.routing import iter_route_contexts
        contexts = [(rc.original_route, rc.path, rc.methods) for rc in iter_route_contexts(app.routes)]
    except ImportError:
        contexts = [(r, getattr(r, "path", ""), getattr(r, "methods", None)) for r in app.routes]
    out = []
    for route, path, methods in contexts:
        if not isinstance(route, APIRoute):
            assert path.startswith(PUBLIC), f"{path}: not a FastAPI route and not public"
            continue
        for method in sorted(methods or ()):
            out.append(Endpoint(method, path, tuple(sorted(set(_permissions(route.dependant)))),
                                tuple(q.name for q in route.dependant.query_params),
                                tuple(p.name for p in route.dependant.path_params)))
    return out


@pytest.fixture
def lived_in(web: Any) -> Any:
    """The small town with records on every page: a request, an incident, a death, an evacuation answer."""
    rep, town = web.town.rep, web.town
    web.request = requests.open_request(rep, "tester", need="medicine", household=town.anna,
                                        reported_by="Petro Shevchuk", note="Chasiv Yar Rd 4, ring twice")
    at = (datetime.now(UTC) - timedelta(hours=2)).strftime("%Y-%m-%d %H:%M")
    web.incident = incidents.report_incident(rep, "tester", kind="shelling", zone="east", killed=1,
                                             wounded=1, at=at, note="Kovalenko house hit, Myru 12")
    registry.person_died(rep, "tester", town.mykola_p, on="2025-01-07", place="Myru 12",
                         burial_place="garden, Chasiv Yar Rd 4")
    evacuation.offer(rep, "tester", household=town.ihor, answer="refused", reason="animals",
                     note="Shevchuk keeps two dogs")
    return web


def _values(web: Any, name: str) -> list[str]:
    """Real codes for a path parameter (so pages render their records), then one that matches nothing."""
    t = web.town
    by_name = {"code": [t.anna, t.ihor, web.request, web.incident], "pid": [t.anna_p, t.mykola_p, t.ihor_p],
               "household": [t.anna], "action": ["start"]}
    return by_name.get(name, ["nothing-1"])


def _path(e: Endpoint, values: dict[str, str]) -> str:
    path = e.path
    for p in e.params:
        path = path.replace("{" + p + "}", values[p])
    return path


def _call(client: Any, e: Endpoint, path: str, token: str | None, query: dict[str, str] | None = None) -> Any:
    headers = {"x-csrf-token": token} if token else {}
    if e.method in ("GET", "HEAD"):
        return client.request(e.method, path, params=query, headers=headers, follow_redirects=False)
    return client.request(e.method, path, json={}, headers=headers, follow_redirects=False)


def test_every_route_names_a_permission_or_is_public(lived_in: Any) -> None:
    eps = endpoints(lived_in.app)
    assert len(eps) > 15 and any(e.path == "/dashboard" for e in eps)
    for e in eps:
        if not e.permissions:
            assert e.path.startswith(PUBLIC) or e.path in ANY_USER, f"{e.method} {e.path} has no permission"
        for perm in e.permissions:
            assert perm in PERMISSIONS, f"{e.method} {e.path}: unknown permission {perm}"


def test_anonymous_is_sent_to_log_in(lived_in: Any) -> None:
    anon = lived_in.client()
    for e in endpoints(lived_in.app):
        if not e.permissions and e.path not in ANY_USER:
            continue
        path = _path(e, {p: _values(lived_in, p)[0] for p in e.params})
        r = _call(anon, e, path, None)
        if r.status_code == 303:
            assert r.headers["location"].startswith("/login"), f"{e.method} {path}"
        else:
            assert r.status_code == 401, f"{e.method} {path}: {r.status_code}"


@pytest.mark.parametrize("role", ROLES)
def test_each_role_is_allowed_or_refused_as_specified(lived_in: Any, role: str) -> None:
    client, token = lived_in.login(role)
    checked = 0
    for e in endpoints(lived_in.app):
        if not e.permissions:
            continue
        path = _path(e, {p: _values(lived_in, p)[0] for p in e.params})
        r = _call(client, e, path, token)
        allowed = all(role in PERMISSIONS[p] for p in e.permissions)
        if allowed:
            assert r.status_code not in (401, 403), f"{role} {e.method} {path}: {r.text[:200]}"
            assert r.status_code < 500, f"{role} {e.method} {path}: {r.status_code}"
        else:
            assert r.status_code == 403, f"{role} {e.method} {path} should be refused: {r.status_code}"
        checked += 1
    assert checked > 10
    assert client.get("/api/status").status_code == 200, "still logged in after every call"


def test_the_analyst_never_receives_a_name(lived_in: Any) -> None:
    client, token = lived_in.login("analyst")
    seen = 0
    for e in endpoints(lived_in.app):
        if e.method != "GET" or not all("analyst" in PERMISSIONS[p] for p in e.permissions):
            continue
        # Search-like parameters get the start of a name: a result would show the whole of it.
        query = {q: "Koval" for q in e.queries if q in ("q", "name", "search")}
        for combo in product(*(_values(lived_in, p) for p in e.params)):
            path = _path(e, dict(zip(e.params, combo, strict=True)))
            for headers in ({}, {"HX-Request": "true"}):
                r = client.get(path, params=query, headers=headers, follow_redirects=False)
                leaked = [n for n in PERSONAL if n.lower() in r.text.lower()]
                assert not leaked, f"analyst GET {path} ({r.status_code}) shows {leaked}"
                seen += r.status_code == 200
    assert seen >= 8  # the pages and answers were really there, not refused
    # The same pages for the desk do show them: the records above are on the pages checked.
    desk, _ = lived_in.login("coordinator")
    assert "Kovalenko" in desk.get(f"/api/households/{lived_in.town.anna}").text
