"""The requests board: open from the desk or the API, columns by status, filters, assignment, roles."""

from __future__ import annotations

import re

import pytest

from frontaid.actions import registry, requests

NAMES = ("Kovalenko", "Shevchuk", "Chasiv Yar Rd", "Myru 1")


@pytest.fixture
def teams(web):
    registry.add_team(web.town.rep, "tester", "team-east", "Team East", "Oleh, Sveta")
    registry.add_team(web.town.rep, "tester", "team-west", "Team West")
    return web


def _csrf(page: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', page).group(1)


def _column(html: str, status: str) -> str:
    """The HTML of one board column."""
    return html.split(f'id="col-{status}"')[1].split("</section>")[0]


def _status(web, code: str) -> tuple[str, str | None]:
    return web.town.rep.conn.execute("SELECT status, team FROM requests WHERE eid = ?", (code,)).fetchone()


def test_open_from_the_desk_then_it_is_on_the_board(web) -> None:
    c = web.page_login("desk")
    desk = c.get(f"/desk?household={web.town.anna}")
    assert 'action="/board/open"' in desk.text
    r = c.post("/board/open", data={"csrf": _csrf(desk.text), "household": web.town.anna, "need": "medicine",
                                    "urgency": "high", "reported_by": "daughter by phone", "note": "insulin"},
               follow_redirects=False)
    assert r.status_code == 303
    code = r.headers["location"].split("opened=")[1]
    page = c.get(r.headers["location"])
    assert page.status_code == 200
    open_col = _column(page.text, "open")
    assert f'id="req-{code}"' in open_col and web.town.anna in open_col
    assert "ліки" in open_col and "daughter by phone" in open_col  # need in Ukrainian, reporter shown
    assert _status(web, code) == ("open", None)


def test_api_open_assign_start_done_moves_the_card(teams) -> None:
    web = teams
    c, csrf = web.login("coordinator")
    h = {"X-CSRF-Token": csrf}
    r = c.post("/api/requests", json={"need": "water", "zone": "west", "reported_by": "neighbour"}, headers=h)
    assert r.status_code == 201, r.text
    code = r.json()["request"]

    def column_of(code: str) -> str:
        cols = c.get("/api/requests/board").json()["columns"]
        return next(col["status"] for col in cols if any(q["eid"] == code for q in col["requests"]))

    assert column_of(code) == "open"
    assert c.post(f"/api/requests/{code}/assign", json={"team": "team-west"}, headers=h).status_code == 200
    assert column_of(code) == "assigned" and _status(web, code) == ("assigned", "team-west")
    assert c.post(f"/api/requests/{code}/start", headers=h).status_code == 200
    assert column_of(code) == "in-progress"
    assert c.post(f"/api/requests/{code}/done", json={"note": "10 l brought"}, headers=h).status_code == 200
    assert column_of(code) == "done"
    again = c.post(f"/api/requests/{code}/start", headers=h)
    assert again.status_code == 409 and again.json()["kind"] == "BadTransition"
    assert "team-east" in [t["eid"] for t in c.get("/api/teams").json()["teams"]]


def test_assign_on_the_page_moves_the_card_and_shows_the_team(teams) -> None:
    web = teams
    code = requests.open_request(web.town.rep, "tester", need="food", household=web.town.ihor)
    c = web.page_login("coordinator")
    page = c.get("/board")
    assert f'action="/board/{code}/assign"' in _column(page.text, "open")
    r = c.post(f"/board/{code}/assign", data={"csrf": _csrf(page.text), "team": "team-west"},
               follow_redirects=False)
    assert r.status_code == 303
    page = c.get("/board")
    assigned = _column(page.text, "assigned")
    assert f'id="req-{code}"' in assigned and "Team West" in assigned
    assert f'id="req-{code}"' not in _column(page.text, "open")
    r = c.post(f"/board/{code}/start", data={"csrf": _csrf(page.text)}, follow_redirects=False)
    assert r.status_code == 303 and _status(web, code)[0] == "in-progress"


def test_after_assigning_the_coordinator_is_told_and_the_card_says_where(teams) -> None:
    web = teams
    code = requests.open_request(web.town.rep, "tester", need="water", household=web.town.ihor)
    c = web.page_login("coordinator")
    page = c.get("/board")
    card = _column(page.text, "open")
    assert "Myru 12" in card and "Захід" in card  # the household's address and its zone, no slug
    # A plain form: back to the board, which says what was done.
    r = c.post(f"/board/{code}/assign", data={"csrf": _csrf(page.text), "team": "team-west"})
    assert r.status_code == 200 and f"Заявку {code} доручено команді «Team West»." in r.text
    # Through htmx: the hub says where to go, the board marks the card in its new column.
    r = c.post(f"/board/{code}/start", data={"csrf": _csrf(page.text)}, headers={"HX-Request": "true"})
    assert r.status_code == 200 and r.headers["HX-Redirect"] == f"/board?changed={code}&did=start"
    page = c.get(r.headers["HX-Redirect"])
    assert f"Заявка {code} тепер: виконується." in page.text
    assert f'class="card normal opened" id="req-{code}"' in _column(page.text, "in-progress")
    # An unknown team is refused in words and changes nothing.
    other = requests.open_request(web.town.rep, "tester", need="food", zone="east")
    bad = c.post(f"/board/{other}/assign", data={"csrf": _csrf(page.text), "team": "nobody"},
                 headers={"HX-Request": "true"})
    assert bad.status_code == 400 and "nobody" in bad.text and _status(web, other)[0] == "open"
    # The analyst sees the card without the address.
    assert "Myru 12" not in web.page_login("analyst").get("/board").text


def test_filters_by_need_and_zone(web) -> None:
    rep = web.town.rep
    food_east = requests.open_request(rep, "tester", need="food", household=web.town.anna)
    food_west = requests.open_request(rep, "tester", need="food", zone="west")
    water_east = requests.open_request(rep, "tester", need="water", zone="east")
    c = web.page_login("field")
    page = c.get("/board", params={"need": "food", "zone": "east"}).text
    assert food_east in page and food_west not in page and water_east not in page
    cols = c.get("/api/requests/board", params={"need": "food"}).json()["columns"]
    shown = {q["eid"] for col in cols for q in col["requests"]}
    assert shown == {food_east, food_west}
    assert cols[0]["status"] == "open" and cols[0]["count"] == 2
    bad = c.get("/api/requests/board", params={"need": "caviar"})
    assert bad.status_code == 400 and "caviar" in bad.json()["error"]
    page = c.get("/board", params={"need": "caviar"})
    assert page.status_code == 400 and water_east in page.text  # says so, shows the whole board


def test_roles_and_csrf_are_enforced(teams) -> None:
    web = teams
    code = requests.open_request(web.town.rep, "tester", need="food", zone="east")
    before = web.town.rep.op_count()
    desk, desk_csrf = web.login("desk")
    r = desk.post(f"/api/requests/{code}/assign", json={"team": "team-east"},
                  headers={"X-CSRF-Token": desk_csrf})
    assert r.status_code == 403 and r.json()["kind"] == "NotAllowed"
    r = desk.post(f"/api/requests/{code}/start", headers={"X-CSRF-Token": desk_csrf})
    assert r.status_code == 403
    analyst, a_csrf = web.login("analyst")
    r = analyst.post("/api/requests", json={"need": "food", "zone": "east"}, headers={"X-CSRF-Token": a_csrf})
    assert r.status_code == 403
    coord, _csrf_token = web.login("coordinator")
    r = coord.post(f"/api/requests/{code}/assign", json={"team": "team-east"},
                   headers={"X-CSRF-Token": "forged"})
    assert r.status_code == 403 and r.json()["kind"] == "BadCsrf"
    r = coord.post(f"/api/requests/{code}/assign", json={"team": "team-east"})
    assert r.status_code == 403
    page = web.page_login("coordinator")
    r = page.post(f"/board/{code}/assign", data={"csrf": "forged", "team": "team-east"})
    assert r.status_code == 403
    assert web.town.rep.op_count() == before
    assert web.client().get("/api/requests/board").status_code == 401


def test_bad_team_or_need_changes_nothing(teams) -> None:
    web = teams
    code = requests.open_request(web.town.rep, "tester", need="food", zone="east")
    before = web.town.rep.op_count()
    c, csrf = web.login("coordinator")
    h = {"X-CSRF-Token": csrf}
    r = c.post(f"/api/requests/{code}/assign", json={"team": "team-nowhere"}, headers=h)
    assert r.status_code == 400 and "team-nowhere" in r.json()["error"]
    r = c.post("/api/requests", json={"need": "caviar", "zone": "east"}, headers=h)
    assert r.status_code == 400 and r.json()["kind"] == "UnknownChoice"
    r = c.post("/api/requests", json={"need": "food"}, headers=h)
    assert r.status_code == 400  # says where: nothing given
    r = c.post("/api/requests/R-NOPE/assign", json={"team": "team-east"}, headers=h)
    assert 400 <= r.status_code < 500
    page = web.page_login("coordinator")
    board = page.get("/board")
    r = page.post(f"/board/{code}/assign", data={"csrf": _csrf(board.text), "team": "team-nowhere"})
    assert r.status_code == 400 and "team-nowhere" in r.text and 'id="col-open"' in r.text
    desk = web.page_login("desk")
    panel = desk.get(f"/desk?household={web.town.anna}")
    r = desk.post("/board/open",
                  data={"csrf": _csrf(panel.text), "household": web.town.anna, "need": "caviar"})
    assert r.status_code == 400 and "caviar" in r.text and web.town.anna in r.text
    assert web.town.rep.op_count() == before


def test_the_analyst_sees_the_board_without_names(teams) -> None:
    web = teams
    rep = web.town.rep
    requests.open_request(rep, "tester", need="food", household=web.town.anna, reported_by="Mykola Kovalenko",
                          note="at Chasiv Yar Rd 4, ask for Anna Kovalenko")
    requests.open_request(rep, "tester", need="heating", household=web.town.ihor, reported_by="Ihor Shevchuk")
    c, _ = web.login("analyst")
    data = c.get("/api/requests/board").text
    page = web.page_login("analyst").get("/board")
    # Households by a pseudonymous id: counted and followed, never their card code.
    from frontaid.web.auth import pseudonym
    assert page.status_code == 200 and web.town.anna not in page.text and web.town.anna not in data
    assert pseudonym(web.town.anna) in data
    for name in NAMES:
        assert name not in data and name not in page.text
    assert "reported_by" not in data
    assert 'action="/board/' not in page.text  # no buttons for a role that may not press them


def test_columns_are_capped_with_a_count(web) -> None:
    rep = web.town.rep
    for i in range(105):
        at = f"2025-01-{1 + i // 24:02d}T{i % 24:02d}:00"
        requests.open_request(rep, "tester", need="food", zone="east", at=at)
    c = web.page_login("desk")
    cols = c.get("/api/requests/board").json()["columns"]
    assert cols[0]["count"] == 105 and len(cols[0]["requests"]) == 100
    column = _column(c.get("/board").text, "open")
    # The page shows a screenful per column and a link for more, up to every card.
    assert column.count('id="req-') == 10 and "10 з 105" in column
    assert 'href="/board?shown=20#col-open"' in column
    more = _column(c.get("/board?shown=20").text, "open")
    assert more.count('id="req-') == 20 and 'href="/board?shown=30#col-open"' in more
    every = _column(c.get("/board?shown=200").text, "open")
    assert every.count('id="req-') == 105 and "show-more" not in every


def test_the_board_is_documented(web) -> None:
    spec = web.client().get("/openapi.json").json()["paths"]
    for path in ("/api/requests", "/api/requests/board", "/api/requests/{code}/assign", "/api/teams"):
        assert path in spec
    assert "/board" not in spec
