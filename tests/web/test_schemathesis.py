"""Fuzz the JSON API from its own /openapi.json (schemathesis): no input makes the server fail (5xx).

In process (ASGI), logged in as the coordinator (who may call everything), with the
session cookie and the CSRF header on every call, a few valid and a few invalid
examples per operation so the whole run stays under a minute. The device sync
endpoints are in: garbage must be refused there too, not crash. Left out, each for a reason:

- POST /api/login: every attempt costs an Argon2 hash, and wrong attempts lock an
  account (a stateful path tests/web/test_auth.py covers with real values);
- POST /api/logout: it would end the session the other calls use.
"""

from __future__ import annotations

from typing import Any

import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis.checks import not_a_server_error

from frontaid.web.auth import CSRF_HEADER, SESSION_COOKIE

LEFT_OUT = {("POST", "/api/login"), ("POST", "/api/logout")}
EXAMPLES = 10  # per operation and mode (valid, then invalid inputs): the run stays near a minute


def test_no_input_makes_the_server_fail(web: Any) -> None:
    client, token = web.login("coordinator")
    cookies = {SESSION_COOKIE: client.cookies[SESSION_COOKIE]}
    headers = {CSRF_HEADER: token}
    schema = schemathesis.openapi.from_asgi("/openapi.json", web.app)
    # (schemathesis' own pytest plugin, `from_fixture`, fails on pytest 9: the cases are drawn here.)
    failures: list[str] = []
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) > 10
    for op in operations:
        if (op.method.upper(), op.path) in LEFT_OUT:
            continue
        for mode in (schemathesis.GenerationMode.POSITIVE, schemathesis.GenerationMode.NEGATIVE):

            @given(case=op.as_strategy(mode))
            @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
                      suppress_health_check=list(HealthCheck))
            def call(case: Any) -> None:
                response = case.call(cookies=cookies, headers=headers)
                assert response.status_code < 500, (
                    f"{case.method} {case.formatted_path} {case.query} {case.body!r}: {response.status_code}")
                case.validate_response(response, checks=[not_a_server_error])

            try:
                call()
            except Unsatisfiable:
                pass  # no invalid input exists for it (no parameters, or a free-text path segment)
            except Exception as exc:  # noqa: BLE001 - collected, so one run shows every failing operation
                failures.append(f"{op.method.upper()} {op.path} ({mode.value}): {str(exc)[:400]}")
    assert client.get("/api/status").status_code == 200, "the session lasted the whole run"
    assert not failures, "\n".join(failures)
