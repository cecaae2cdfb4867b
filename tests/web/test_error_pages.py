"""The web's one error renderer: the tree's status for a FrontaidError, HTML or JSON as asked;
a bug logged without personal data and shown as a calm page in Ukrainian and English."""

from __future__ import annotations

import logging
import re
from typing import Any

import pytest
from fastapi import Request

from frontaid.errors import NotFound, Refused


def test_a_frontaid_error_answers_as_its_class_says(web: Any) -> None:
    c = web.page_login("coordinator")
    page = c.get("/registry/household/KMT-999-9/edit")
    assert page.status_code == NotFound.http_status == 404
    assert "text/html" in page.headers["content-type"] and 'role="alert"' in page.text
    # The same route asked for JSON: the same error as JSON.
    asked = c.get("/registry/household/KMT-999-9/edit", headers={"Accept": "application/json"})
    assert asked.status_code == 404 and asked.json()["kind"] in ("NotFound", "BadCode")
    api = c.get("/api/people/KMT-999-9")
    assert api.status_code == 404 and set(api.json()) == {"error", "kind"}


def test_refused_is_409_from_the_tree(web: Any) -> None:
    c, csrf = web.login("coordinator")
    r = c.post(f"/api/households/{web.town.anna}/people", headers={"X-CSRF-Token": csrf},
               json={"name": "Anna Kovalenko", "born": 1941, "sex": "f"})
    assert r.status_code == Refused.http_status == 409


def _boom(request: Request) -> None:
    raise KeyError("Ганна Коваленко, підвал на Чайковського 4")  # what a bug's text may carry


@pytest.mark.parametrize("path", ["/boom", "/api/boom"])
def test_a_bug_is_a_calm_bilingual_page_and_a_log_line_without_data(
        web: Any, caplog: pytest.LogCaptureFixture, path: str) -> None:
    web.app.add_api_route(path, _boom, methods=["POST"])
    c = web.client()
    with caplog.at_level(logging.ERROR, logger="frontaid.web"):
        r = c.post(path, data={"name": "Ганна Коваленко", "address": "Чайковського 4"})
    assert r.status_code == 500
    logged = "\n".join(rec.getMessage() for rec in caplog.records if rec.name == "frontaid.web")
    ident = re.search(r"incident ([0-9a-f]{8}): KeyError in POST " + re.escape(path), logged)
    assert ident, logged
    assert "test_error_pages.py" in logged  # where, as file:line
    for secret in ("Ганна", "Коваленко", "Чайковського", "підвал"):
        assert secret not in logged and secret not in r.text
    if path.startswith("/api/"):
        assert r.json()["kind"] == "InternalError" and r.json()["incident"] == ident[1]
    else:
        assert "text/html" in r.headers["content-type"]
        assert ident[1] in r.text
        assert "На хабі сталася помилка" in r.text and "Something went wrong on the hub" in r.text
        assert "Traceback" not in r.text and "KeyError" not in r.text
