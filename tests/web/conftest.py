"""The web app over a real replica file (the small town), called in-process; one user per role."""

from __future__ import annotations

import time
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest

with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # starlette suggests httpx2; the in-process client is all we need
    from fastapi.testclient import TestClient

from frontaid.web.app import create_app
from frontaid.web.users import ROLES, Users, users_path

PASSWORD = "correct horse 42"


class Clock:
    """Wall time the test moves forward (session expiry, lockout)."""

    def __init__(self) -> None:
        self.now = time.time()

    def __call__(self) -> float:
        return self.now


@dataclass
class Web:
    town: Any
    clock: Clock
    app: Any
    clients: list[TestClient] = field(default_factory=list)

    def client(self) -> TestClient:
        c = TestClient(self.app, base_url="http://hub.local")
        self.clients.append(c)
        return c

    def login(self, role: str) -> tuple[TestClient, str]:
        """A client logged in through the JSON API as the user of `role`, and its CSRF token."""
        c = self.client()
        r = c.post("/api/login", json={"name": role, "password": PASSWORD})
        assert r.status_code == 200, r.text
        return c, r.json()["csrf"]

    def page_login(self, role: str) -> TestClient:
        """A client logged in through the login form, as a browser does."""
        c = self.client()
        page = c.get("/login")
        token = page.text.split('name="csrf" value="')[1].split('"')[0]
        r = c.post("/login", data={"name": role, "password": PASSWORD, "csrf": token, "next": "/desk"},
                   follow_redirects=False)
        assert r.status_code == 303, r.text
        return c


@pytest.fixture
def web(town: Any) -> Iterator[Web]:
    clock = Clock()
    users = Users(users_path(town.rep.path), clock=clock)
    for role in ROLES:
        users.add(role, role, PASSWORD)
    app = create_app(town.rep.path, users=users)
    w = Web(town, clock, app)
    yield w
    for c in w.clients:
        c.close()
    app.state.replicas.close()

