"""The headers every answer carries: CSP without inline script, no-store on personal data, no framing."""

from __future__ import annotations

import re
from pathlib import Path

from frontaid.web.app import CSP
from frontaid.web.render import HERE


def test_pages_and_api_carry_the_protective_headers(web) -> None:
    c = web.page_login("desk")
    api, _ = web.login("desk")
    for r in (c.get("/desk"), c.get(f"/desk/household/{web.town.anna}"), c.get("/map"), c.get("/login"),
              api.get(f"/api/households/{web.town.anna}"), api.get("/api/search", params={"q": "Anna"}),
              web.client().get("/api/households")):
        h = r.headers
        assert h["cache-control"] == "no-store", r.url
        assert h["content-security-policy"] == CSP
        assert h["x-content-type-options"] == "nosniff" and h["referrer-policy"] == "no-referrer"
        assert h["x-frame-options"] == "DENY"
        assert "strict-transport-security" not in h  # plain HTTP: HSTS would mean nothing
    script_src = re.search(r"script-src ([^;]+)", CSP).group(1)  # type: ignore[union-attr]
    assert script_src.strip() == "'self'" and "unsafe" not in script_src
    assert "frame-ancestors 'none'" in CSP
    # Static files may be cached: they carry no one's data.
    assert "no-store" not in web.client().get("/static/htmx.min.js").headers.get("cache-control", "")


def test_no_template_has_an_inline_script_or_event_handler() -> None:
    for path in sorted(Path(HERE, "templates").glob("*.html")):
        html = path.read_text(encoding="utf-8")
        for tag in re.findall(r"<script\b[^>]*>", html):
            assert "src=" in tag or 'type="application/json"' in tag, (path.name, tag)
        assert not re.search(r"\son[a-z]+\s*=", html), path.name
        assert "javascript:" not in html, path.name


def test_cookies_are_secure_on_https(web) -> None:
    from fastapi.testclient import TestClient

    c = TestClient(web.app, base_url="https://hub.local")
    web.clients.append(c)
    r = c.post("/api/login", json={"name": "desk", "password": "correct horse 42"})
    assert r.status_code == 200
    cookie = r.headers["set-cookie"].lower()
    assert "secure" in cookie and "httponly" in cookie and "samesite=strict" in cookie
    assert r.headers["strict-transport-security"].startswith("max-age=")
    page = c.get("/login")
    assert "secure" in page.headers["set-cookie"].lower()
    plain = web.client().post("/api/login", json={"name": "desk", "password": "correct horse 42"})
    assert "secure" not in plain.headers["set-cookie"].lower()
