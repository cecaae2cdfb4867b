"""The registry pages and their JSON API: filters, pages, the household's page and history, the forms."""

from __future__ import annotations

import re
from datetime import date, timedelta
from html import unescape
from typing import Any

import pytest

from frontaid.actions import distribution, evacuation, referrals, requests
from frontaid.actions import registry as reg
from frontaid.queries import registry as regq

# What the analyst must never receive: names and addresses of the small town.
PERSONAL = ("Kovalenko", "Shevchuk", "Chasiv Yar", "Myru", "Anna", "Mykola", "Ihor")


def csrf_of(html: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', html).group(1)  # type: ignore[union-attr]


@pytest.fixture
def lived(web: Any) -> Any:
    """The small town after some weeks: Anna got food today and was offered evacuation twice
    (refused, then accepted), Ihor got food 30 days ago and refused, a team visited Olena today."""
    t, rep = web.town, web.town.rep
    today = date.today()
    distribution.hand_out(rep, "tester", household=t.anna, item="food-kit", at="point-1")
    distribution.hand_out(rep, "tester", household=t.ihor, item="food-kit", at="point-1",
                          on=(today - timedelta(days=30)).isoformat())
    visit = requests.open_request(rep, "tester", need="water", household=t.olena)
    requests.done(rep, "tester", visit)
    evacuation.offer(rep, "tester", household=t.anna, answer="refused", reason="home",
                     on=(today - timedelta(days=20)).isoformat())
    evacuation.offer(rep, "tester", household=t.anna, answer="accepted", on=today.isoformat())
    evacuation.offer(rep, "tester", household=t.ihor, answer="refused", reason="animals")
    web.request = requests.open_request(rep, "tester", need="medicine", household=t.anna, urgency="high")
    web.referral = referrals.open_referral(rep, "tester", household=t.anna, kind="pension", to="Pension fund")
    return t


def codes(c: Any, **params: Any) -> list[str]:
    r = c.get("/api/households", params=params)
    assert r.status_code == 200, r.text
    return [row["eid"] for row in r.json()["rows"]]


# -- filters and pages ---------------------------------------------------------------------


def test_filters_return_what_they_should(web: Any, lived: Any) -> None:
    c, _csrf = web.login("desk")
    t = lived
    assert sorted(codes(c)) == sorted([t.anna, t.ihor, t.olena])
    assert codes(c, zone="east") == [t.anna]
    assert sorted(codes(c, zone="west")) == sorted([t.ihor, t.olena])
    assert codes(c, vulnerability="immobile") == [t.anna]
    assert codes(c, vulnerability="alone") == [t.ihor]
    assert codes(c, vulnerability="pregnant") == []
    # Anna got food today, Olena was visited today, Ihor's last hand-out is 30 days old.
    assert codes(c, not_reached="7") == [t.ihor]
    assert codes(c, not_reached="60") == []
    # Anna refused, then accepted: only Ihor's latest answer is a refusal.
    assert codes(c, refused="true") == [t.ihor]
    assert codes(c, zone="east", refused="true") == []
    # The CLI's list keeps its own reading: any refusal ever, hand-outs only.
    rep = web.town.rep
    refused = regq.list_households(rep, refused_evacuation=True)
    assert sorted(h["eid"] for h in refused) == sorted([t.anna, t.ihor])
    not_handed = regq.list_households(rep, not_reached_days=7)
    assert sorted(h["eid"] for h in not_handed) == sorted([t.ihor, t.olena])


def test_filters_on_the_page(web: Any, lived: Any) -> None:
    c = web.page_login("desk")
    t = lived
    page = c.get("/registry", params={"not_reached": "7"})
    assert page.status_code == 200
    assert t.ihor in page.text and t.anna not in page.text and t.olena not in page.text
    page = c.get("/registry", params={"vulnerability": "immobile", "zone": "east"})
    assert t.anna in page.text and t.ihor not in page.text
    assert "Chasiv Yar Rd 4" in page.text  # the desk sees addresses
    page = c.get("/registry", params={"refused": "1"})
    assert t.ihor in page.text and t.anna not in page.text


def test_a_bad_filter_is_a_clear_400(web: Any) -> None:
    c = web.page_login("desk")
    c.cookies.set("frontaid_lang", "en")
    r = c.get("/registry", params={"zone": "north"})
    assert r.status_code == 400 and "'north' is not a valid zone" in unescape(r.text)
    r = c.get("/registry", params={"not_reached": "soon"})
    assert r.status_code == 400 and "'soon' is not a whole number (days)" in unescape(r.text)
    api, _csrf = web.login("desk")
    r = api.get("/api/households", params={"vulnerability": "tall"})
    assert r.status_code == 400 and r.json()["kind"] == "UnknownChoice"


def test_the_list_comes_50_a_page_with_the_total(web: Any) -> None:
    rep = web.town.rep
    with rep.transaction():
        for i in range(120):
            reg.add_household(rep, "tester", zone="east", address=f"Street {i}", size=1)
    c, _csrf = web.login("desk")
    seen: list[str] = []
    for n in (1, 2, 3):
        r = c.get("/api/households", params={"zone": "east", "page": n}).json()
        assert r["total"] == 121 and r["pages"] == 3 and r["page"] == n
        seen += [row["eid"] for row in r["rows"]]
    assert len(seen) == 121 == len(set(seen))
    page = web.page_login("desk").get("/registry", params={"zone": "east", "page": 2})
    assert page.text.count('href="/registry/household/') == 50
    assert 'rel="prev"' in page.text and 'rel="next"' in page.text
    assert "121" in page.text
    last = web.page_login("desk").get("/registry", params={"zone": "east", "page": 3})
    assert last.text.count('href="/registry/household/') == 21 and 'rel="next"' not in last.text


# -- the household's page ---------------------------------------------------------------------


def test_household_page_shows_everything_about_it(web: Any, lived: Any) -> None:
    t = lived
    reg.set_person(web.town.rep, "tester", t.anna_p, "vulnerabilities", ["very-old", "immobile", "alone"])
    c = web.page_login("coordinator")
    c.cookies.set("frontaid_lang", "en")
    page = c.get(f"/registry/household/{t.anna}")
    assert page.status_code == 200
    html = page.text
    assert "Anna Kovalenko" in html and "Mykola Kovalenko" in html and "Chasiv Yar Rd 4" in html
    assert web.request in html and "medicine" in html                       # requests
    assert 'id="handouts"' in html and "food kit" in html                  # hand-outs
    evac = html.split('id="evacuation"')[1].split("</table>")[0]
    assert "refused" in evac and "accepted" in evac and "will not leave home" in evac
    assert "pension" in html and "Pension fund" in html                     # referrals
    hist = html.split('id="history"')[1].split("</table>")[0]
    assert "tester" in hist and "registered" in hist
    assert "added to vulnerabilities: lives alone" in hist                  # a member's change
    assert t.anna_p in hist
    assert "recorded: hand-out" in hist and "recorded: referral" in hist and web.request in hist


def test_history_names_who_changed_what(web: Any) -> None:
    t = web.town
    c, csrf = web.login("desk")
    c.cookies.set("frontaid_lang", "en")
    r = c.patch(f"/api/households/{t.anna}", json={"shelter": "flat"}, headers={"x-csrf-token": csrf})
    assert r.status_code == 200 and r.json()["changed"] == ["shelter"]
    hist = c.get(f"/api/households/{t.anna}/history").json()["history"]
    assert hist[0]["actor"] == "desk" and hist[0]["what"] == "changed: shelter" and hist[0]["device"]
    assert hist[-1]["what"] == "registered" and hist[-1]["actor"] == "tester"
    assert [e["when"] for e in hist] == sorted((e["when"] for e in hist), reverse=True)
    code = requests.open_request(web.town.rep, "tester", need="food", household=t.anna)
    requests.done(web.town.rep, "tester", code)
    hist = c.get(f"/api/households/{t.anna}/history").json()["history"]
    assert {(e["eid"], e["what"]) for e in hist} >= {(code, "recorded: request"), (code, "changed: status")}


def test_unknown_household_is_404(web: Any) -> None:
    c = web.page_login("desk")
    assert c.get("/registry/household/KHA-999-9").status_code == 404
    api, _csrf = web.login("desk")
    assert api.get("/api/households/nothing/history").status_code == 404


# -- forms ----------------------------------------------------------------------------------


def test_register_a_household_and_a_person_through_the_forms(web: Any) -> None:
    rep = web.town.rep
    c = web.page_login("field")
    form = c.get("/registry/new")
    assert form.status_code == 200 and 'name="zone"' in form.text
    r = c.post("/registry/new", data={"csrf": csrf_of(form.text), "zone": "west", "address": "Soborna 7",
                                      "shelter": "house", "size": "3", "animals": "2",
                                      "utilities": ["gas", "water"], "utilities_sent": "1"},
               follow_redirects=False)
    assert r.status_code == 303, r.text
    code = r.headers["location"].split("/registry/household/")[1].split("?")[0]
    card = c.get(r.headers["location"])
    assert 'class="code cardcode">' + code in card.text
    hh = regq.household(rep, code)
    assert hh is not None and hh["address"] == "Soborna 7" and hh["zone"] == "west"
    assert hh["size"] == 3 and hh["animals"] == 2 and set(hh["utilities"].split(",")) == {"gas", "water"}

    page = c.get(f"/registry/household/{code}/person")
    r = c.post(f"/registry/household/{code}/person",
               data={"csrf": csrf_of(page.text), "name": "Petro Hnatiuk", "born": "1950", "sex": "m",
                     "vulnerabilities": ["elderly", "alone"]}, follow_redirects=False)
    assert r.status_code == 303, r.text
    found = [x for x in regq.search(rep, "Hnatiuk") if x["kind"] == "person"]
    assert len(found) == 1 and found[0]["household"] == code and found[0]["born"] == 1950
    assert set(regq.person(rep, found[0]["eid"])["vulnerabilities"].split(",")) == {"elderly", "alone"}
    assert "Petro Hnatiuk" in c.get(f"/registry/household/{code}").text


def test_a_person_who_may_already_be_registered_is_confirmed_first(web: Any) -> None:
    t, rep = web.town, web.town.rep
    c = web.page_login("desk")
    c.cookies.set("frontaid_lang", "en")
    path = f"/registry/household/{t.olena}/person"
    data = {"csrf": csrf_of(c.get(path).text), "name": "Ana Kovalenko", "born": "1941", "sex": "f"}
    before = rep.op_count()
    r = c.post(path, data=data, follow_redirects=False)
    assert r.status_code == 200 and rep.op_count() == before  # a warning, nothing added yet
    warning = r.text.split('id="duplicates"')[1].split("</div>")[0]
    assert "This person may already be registered as:" in warning and "Anna Kovalenko" in warning
    assert f'href="/registry/household/{t.anna}#person-{t.anna_p}"' in warning
    assert 'name="confirm" value="1"' in r.text and "Register anyway" in r.text
    assert 'value="Ana Kovalenko"' in r.text  # the form keeps what was typed
    r = c.post(path, data={**data, "confirm": "1"}, follow_redirects=False)
    assert r.status_code == 303
    olena = regq.household(rep, t.olena)
    assert [m["name"] for m in olena["members"]] == ["Ana Kovalenko"]

    api, csrf = web.login("desk")
    body = {"name": "Mykola Kovalenko", "born": 1939, "sex": "m"}
    url = f"/api/households/{t.ihor}/people"
    before = rep.op_count()
    r = api.post(url, json=body, headers={"x-csrf-token": csrf})
    assert r.status_code == 409 and r.json()["kind"] == "PossibleDuplicate"
    assert [x["eid"] for x in r.json()["candidates"]][0] == t.mykola_p and rep.op_count() == before
    r = api.post(url, json={**body, "confirm": True}, headers={"x-csrf-token": csrf})
    assert r.status_code == 201 and regq.person(rep, r.json()["person"])["household"] == t.ihor


def test_edit_a_household_and_a_person_and_record_a_death(web: Any) -> None:
    t, rep = web.town, web.town.rep
    c = web.page_login("desk")
    page = c.get(f"/registry/household/{t.ihor}/edit")
    assert 'value="Myru 12"' in page.text
    token = csrf_of(page.text)
    before = rep.op_count()
    r = c.post(f"/registry/household/{t.ihor}/edit",
               data={"csrf": token, "zone": "east", "address": "Myru 12", "size": "1", "animals": "0",
                     "utilities": ["radio"], "utilities_sent": "1", "displaced_sent": "1",
                     "status": "active", "note": ""}, follow_redirects=False)
    assert r.status_code == 303, r.text
    hh = regq.household(rep, t.ihor)
    assert hh["zone"] == "east" and hh["utilities"] == "radio" and hh["address"] == "Myru 12"
    assert rep.op_count() == before + 2  # the move and the utilities, nothing unchanged recorded

    r = c.post(f"/registry/person/{t.ihor_p}/edit",
               data={"csrf": token, "name": "Ihor Shevchuk", "born": "1961", "sex": "m",
                     "vulnerabilities_sent": "1", "status": "present"}, follow_redirects=False)
    assert r.status_code == 303, r.text
    p = regq.person(rep, t.ihor_p)
    assert p["born"] == 1961 and not p["vulnerabilities"]

    assert c.get(f"/registry/person/{t.ihor_p}/died").status_code == 200
    r = c.post(f"/registry/person/{t.ihor_p}/died",
               data={"csrf": token, "on": "2025-02-01", "place": "home"}, follow_redirects=False)
    assert r.status_code == 303
    p = regq.person(rep, t.ihor_p)
    assert p["status"] == "deceased" and p["died_on"] == "2025-02-01"


@pytest.mark.parametrize(("path", "data", "message"), [
    ("/registry/new", {"zone": "west", "address": "Soborna 7", "size": "many"},
     "'many' is not a whole number (household size)."),
    ("/registry/new", {"zone": "north", "address": "Soborna 7"}, "'north' is not a valid zone."),
    ("/registry/new", {"zone": "west", "address": ""}, "address is required."),
    ("/registry/household/{anna}/edit", {"address": "New street 1", "size": "99"},
     "household size must be between 1 and 50."),
    ("/registry/household/{anna}/person", {"name": "Old Man", "born": "1850"},
     "year of birth must be between 1900"),
    ("/registry/household/{anna}/person", {"name": "Kid", "vulnerabilities": ["tall"]},
     "'tall' is not a valid vulnerability."),
    ("/registry/person/{anna_p}/edit", {"name": "", "born": "1941"}, "name is required."),
    ("/registry/person/{anna_p}/died", {"on": "yesterday-ish"}, "'yesterday-ish' is not a date."),
])
def test_a_bad_form_value_is_a_clear_4xx_and_changes_nothing(web: Any, path: str, data: dict[str, Any],
                                                              message: str) -> None:
    t, rep = web.town, web.town.rep
    c = web.page_login("desk")
    c.cookies.set("frontaid_lang", "en")
    path = path.format(anna=t.anna, anna_p=t.anna_p)
    token = csrf_of(c.get(path).text)
    before = rep.op_count()
    r = c.post(path, data={"csrf": token, **data}, follow_redirects=False)
    assert 400 <= r.status_code < 500, r.text
    assert message in unescape(r.text)
    assert 'role="alert"' in r.text and '<form method="post"' in r.text  # the form again, with the message
    assert rep.op_count() == before
    assert regq.household(rep, t.anna)["address"] == "Chasiv Yar Rd 4"


def test_a_bad_form_keeps_what_was_typed(web: Any) -> None:
    c = web.page_login("desk")
    token = csrf_of(c.get("/registry/new").text)
    r = c.post("/registry/new", data={"csrf": token, "zone": "west", "address": "Soborna 9", "size": "0",
                                      "utilities": ["gas"]})
    assert r.status_code == 400
    assert 'value="Soborna 9"' in r.text and 'value="gas" checked' in r.text


def test_json_api_does_what_the_forms_do(web: Any) -> None:
    rep = web.town.rep
    c, csrf = web.login("coordinator")
    h = {"x-csrf-token": csrf}
    r = c.post("/api/households", json={"zone": "east", "address": "Vokzalna 3", "size": 2,
                                        "utilities": ["none"]}, headers=h)
    assert r.status_code == 201, r.text
    code = r.json()["household"]
    r = c.post(f"/api/households/{code}/people", json={"name": "Olha Bondar", "born": 1980, "sex": "f"},
               headers=h)
    assert r.status_code == 201, r.text
    pid = r.json()["person"]
    r = c.patch(f"/api/people/{pid}", json={"vulnerabilities": ["pregnant"]}, headers=h)
    assert r.json()["changed"] == ["vulnerabilities"]
    assert c.patch(f"/api/households/{code}", json={"zone": "west", "displaced": True},
                   headers=h).json()["changed"] == ["zone", "displaced"]
    assert c.get(f"/api/people/{pid}").json()["vulnerabilities"] == "pregnant"
    hh = regq.household(rep, code)
    assert hh["zone"] == "west" and hh["displaced"] == 1
    before = rep.op_count()
    r = c.patch(f"/api/households/{code}", json={"address": "Elsewhere 1", "shelter": "castle"}, headers=h)
    assert r.status_code == 400 and "castle" in r.json()["error"]
    assert rep.op_count() == before and regq.household(rep, code)["address"] == "Vokzalna 3"
    assert c.post(f"/api/people/{pid}/death", json={"on": "2025-03-01"}, headers=h).status_code == 200
    assert regq.person(rep, pid)["status"] == "deceased"
    paths = c.get("/openapi.json").json()["paths"]
    for path in ("/api/households", "/api/households/{code}/history", "/api/households/{code}/people",
                 "/api/people/{pid}", "/api/people/{pid}/death"):
        assert path in paths and all(op.get("summary") for op in paths[path].values())
    assert not any(p.startswith("/registry") for p in paths)
    docs = c.get("/docs").text
    assert "/api/households/{code}/people" in docs and "/api/people/{pid}/death" in docs


# -- who may -----------------------------------------------------------------------------------


def test_analyst_sees_no_names_or_addresses(web: Any, lived: Any) -> None:
    # Analysts get aggregates (figures, map, board) only: no household or person record at all.
    t = lived
    page_client = web.page_login("analyst")
    api, _csrf = web.login("analyst")
    answers = [
        page_client.get("/registry"),
        page_client.get("/registry", params={"zone": "east"}),
        page_client.get(f"/registry/household/{t.anna}"),
        page_client.get(f"/registry/household/{t.ihor}"),
        api.get("/api/households"),
        api.get(f"/api/households/{t.anna}/history"),
        api.get(f"/api/people/{t.anna_p}"),
    ]
    for r in answers:
        assert r.status_code == 403, r.url
        for word in PERSONAL:
            assert word not in r.text, word


def test_analyst_cannot_register_or_edit(web: Any) -> None:
    t, rep = web.town, web.town.rep
    c = web.page_login("analyst")
    token = csrf_of(c.get("/board").text)
    assert "/registry" not in c.get("/board").text
    before = rep.op_count()
    for path, data in (("/registry/new", {"zone": "east", "address": "X 1"}),
                       (f"/registry/household/{t.anna}/edit", {"address": "X 2"}),
                       (f"/registry/household/{t.anna}/person", {"name": "Someone"}),
                       (f"/registry/person/{t.anna_p}/edit", {"name": "Someone"}),
                       (f"/registry/person/{t.anna_p}/died", {"on": "2025-01-01"})):
        assert c.post(path, data={"csrf": token, **data}).status_code == 403, path
        assert c.get(path).status_code == 403, path
    api, csrf = web.login("analyst")
    assert api.post("/api/households", json={"zone": "east", "address": "X"},
                    headers={"x-csrf-token": csrf}).status_code == 403
    assert rep.op_count() == before


def test_a_form_without_the_csrf_token_is_refused(web: Any) -> None:
    t, rep = web.town, web.town.rep
    c = web.page_login("desk")
    before = rep.op_count()
    assert c.post("/registry/new", data={"zone": "east", "address": "X 1"}).status_code == 403
    forged = {"name": "X", "csrf": "forged"}
    assert c.post(f"/registry/household/{t.anna}/person", data=forged).status_code == 403
    api, _csrf = web.login("desk")
    assert api.post("/api/households", json={"zone": "east", "address": "X"}).status_code == 403
    assert rep.op_count() == before


def test_pages_in_both_languages(web: Any) -> None:
    t = web.town
    c = web.page_login("desk")
    uk = [c.get(p).text for p in ("/registry", f"/registry/household/{t.anna}", "/registry/new",
                                  f"/registry/household/{t.anna}/person")]
    assert all('lang="uk"' in html for html in uk)
    assert "Зареєструвати домогосподарство" in uk[0] and "Додати людину" in uk[1]
    c.cookies.set("frontaid_lang", "en")
    en = [c.get(p).text for p in ("/registry", f"/registry/household/{t.anna}", "/registry/new",
                                  f"/registry/household/{t.anna}/person")]
    assert all('lang="en"' in html for html in en)
    assert "Register a household" in en[0] and "Add a person" in en[1] and "Members" in en[1]
    assert "Which animals" in en[2] and "Vulnerabilities" in en[3]
