"""The distribution desk: search as you type, entitlements, one-tap hand-out, the second-time warning."""

from __future__ import annotations

import re

HX = {"HX-Request": "true"}


def test_search_by_part_of_a_name_and_by_card_code(web) -> None:
    c = web.page_login("desk")
    r = c.get("/desk/search", params={"q": "kovalen"}, headers=HX)
    assert r.status_code == 200
    assert "Anna Kovalenko" in r.text and "Mykola Kovalenko" in r.text
    assert f"/desk/household/{web.town.anna}" in r.text
    assert "<html" not in r.text  # a fragment for htmx, not a page
    r = c.get("/desk/search", params={"q": web.town.ihor}, headers=HX)
    assert web.town.ihor in r.text
    r = c.get("/desk/search", params={"q": "nobody-at-all-9"}, headers=HX)
    assert "нікого не знайдено" in r.text


def test_search_without_javascript_renders_the_page(web) -> None:
    c = web.page_login("desk")
    r = c.get("/desk", params={"q": "Shevchuk"})
    assert "<html" in r.text and "Ihor Shevchuk" in r.text


def test_household_shows_entitlements_due(web) -> None:
    c = web.page_login("desk")
    r = c.get(f"/desk/household/{web.town.anna}", headers=HX)
    assert "продуктовий набір" in r.text and "можна видати" in r.text
    assert "Anna Kovalenko" in r.text


def _hand_out(c, town, item="food-kit", override=None, csrf=None):
    page = c.get(f"/desk?household={town.anna}")
    token = csrf or re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)
    data = {"csrf": token, "household": town.anna, "item": item, "at": "point-1"}
    if override:
        data["override"] = override
    return c.post("/desk/hand-out", data=data, headers=HX)


def test_a_hand_out_where_no_stock_is_recorded_is_kept_and_the_desk_says_so(web) -> None:
    c = web.page_login("desk")
    fed = _hand_out(c, web.town)  # food kits were received at the point
    assert fed.status_code == 200 and 'id="no-stock"' not in fed.text
    watered = _hand_out(c, web.town, item="water")  # water never was
    assert watered.status_code == 200 and "Видано: питна вода" in watered.text
    assert 'id="no-stock"' in watered.text and "залишок" in watered.text and "не обліковано" in watered.text


def test_hand_out_then_second_time_warns_and_needs_a_reason(web) -> None:
    c = web.page_login("desk")
    first = _hand_out(c, web.town)
    assert first.status_code == 200
    assert "Видано: продуктовий набір" in first.text
    assert "наступна" in first.text  # food kit is no longer due: "next on ..."

    second = _hand_out(c, web.town)
    assert 'id="warning"' in second.text
    assert f"Household {web.town.anna}" not in second.text  # in Ukrainian, not English
    assert web.town.anna in second.text and "override" in second.text
    count = web.town.rep.conn.execute(
        "SELECT count(*) FROM handouts WHERE household = ? AND item = 'food-kit'",
        (web.town.anna,)).fetchone()
    assert count[0] == 1

    third = _hand_out(c, web.town, override="card was lost, second kit agreed by coordinator")
    assert "Видано" in third.text and 'id="warning"' not in third.text
    rows = web.town.rep.conn.execute(
        "SELECT override FROM handouts WHERE household = ? AND item = 'food-kit' ORDER BY \"on\"",
        (web.town.anna,)).fetchall()
    assert [r[0] for r in rows] == [None, "card was lost, second kit agreed by coordinator"]


def test_warning_in_english_after_switching_language(web) -> None:
    c = web.page_login("desk")
    r = c.get("/lang/en?next=/desk", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/desk"
    _hand_out(c, web.town)
    second = _hand_out(c, web.town)
    assert f"{web.town.anna} already received food kit in this round" in second.text
    assert "--override" not in second.text and "write why and confirm" in second.text


def test_the_point_is_remembered(web) -> None:
    c = web.page_login("desk")
    r = _hand_out(c, web.town, item="water")
    assert r.cookies.get("frontaid_point") == "point-1" or c.cookies.get("frontaid_point") == "point-1"
    at = web.town.rep.conn.execute("SELECT at FROM handouts WHERE item = 'water'").fetchone()[0]
    assert at == "point-1"


def test_api_does_what_the_desk_does(web) -> None:
    c, csrf = web.login("desk")
    found = c.get("/api/search", params={"q": "Anna"}).json()["results"]
    assert any(r.get("name") == "Anna Kovalenko" for r in found)
    ents = c.get(f"/api/households/{web.town.anna}/entitlements").json()["entitlements"]
    food = next(e for e in ents if e["item"] == "food-kit")
    assert food["due"] is True
    body = {"household": web.town.anna, "item": "food-kit", "at": "point-1"}
    h = {"X-CSRF-Token": csrf}
    assert c.post("/api/handouts", json=body, headers=h).status_code == 201
    again = c.post("/api/handouts", json=body, headers=h)
    assert again.status_code == 409 and again.json()["kind"] == "AlreadyHandedOut"
    assert "вже отрима" in again.json()["error"]
    ok = c.post("/api/handouts", json={**body, "override": "second child arrived"}, headers=h)
    assert ok.status_code == 201
    assert c.get(f"/api/households/{web.town.anna}/entitlements").json()["entitlements"][0]["due"] is False
    assert c.get("/api/households/NOPE1").status_code == 404


def test_docs_and_static_are_served_locally(web) -> None:
    c = web.client()
    docs = c.get("/docs")
    assert docs.status_code == 200 and "/api/handouts" in docs.text
    assert "cdn" not in docs.text.lower() and "https://" not in docs.text
    spec = c.get("/openapi.json").json()
    assert "/api/handouts" in spec["paths"]
    for asset in ("/static/htmx.min.js", "/static/simple.min.css", "/static/frontaid.css"):
        assert c.get(asset).status_code == 200
    page = c.get("/login").text
    assert "https://" not in page and "http://" not in page



def test_pages_compress_and_sync_envelopes_do_not(web, tmp_path) -> None:
    from frontaid.sync import devices
    from frontaid.sync.http import SyncClient

    c = web.page_login("desk")
    page = c.get("/static/htmx.min.js", headers={"accept-encoding": "gzip"})
    assert page.status_code == 200 and page.headers.get("content-encoding") == "gzip"
    # A real pull through the app: the sealed envelope goes out as it is.
    code = devices.enroll(web.town.rep, "tester", "laptop-2")
    field = devices.join(tmp_path / "field.db", code)
    seen: list[tuple[int, str | None]] = []
    client = SyncClient(field, "http://hub.local", transport=c._transport)
    client.http.event_hooks["response"] = [lambda r: seen.append((r.status_code,
                                                                  r.headers.get("content-encoding")))]
    try:
        client.sync()
    finally:
        client.close()
        field.close()
    assert seen and all(status == 200 and enc is None for status, enc in seen), seen
