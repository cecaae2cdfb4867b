"""The duplicates page and its JSON API: the queue side by side, merge, not the same, who may."""

from __future__ import annotations

import re
from typing import Any

import pytest

from frontaid.actions import registry as reg
from frontaid.actions.dedup import run as run_dedup
from frontaid.queries import registry as regq


def csrf_of(html: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', html).group(1)  # type: ignore[union-attr]


@pytest.fixture
def twice(web: Any) -> Any:
    """Anna Kovalenko registered a second time in Cyrillic at another door, and Ihor's son."""
    t, rep = web.town, web.town.rep
    t.anna_again = reg.add_person(rep, "tester", household=t.olena, name="Ганна Коваленко", born=1941,
                                  sex="f")
    t.son = reg.add_person(rep, "tester", household=t.ihor, name="Ihor Shevchuk", born=1988, sex="m")
    return t


def _pairs(c: Any) -> list[dict[str, Any]]:
    r = c.get("/api/dedup")
    assert r.status_code == 200, r.text
    return list(r.json()["pairs"])


def test_run_fills_the_queue_and_the_page_shows_the_pair_side_by_side(web: Any, twice: Any) -> None:
    c = web.page_login("coordinator")
    page = c.get("/dedup")
    assert page.status_code == 200 and 'id="empty"' in page.text
    r = c.post("/dedup/run", data={"csrf": csrf_of(page.text)})
    assert r.status_code == 200 and 'id="done"' in r.text
    assert twice.anna_p in r.text and twice.anna_again in r.text
    assert "Anna Kovalenko" in r.text and "Ганна Коваленко" in r.text
    assert twice.son not in r.text  # the son (born 1988) is not his father
    assert 'class="agree"' in r.text and 'class="disagree"' in r.text  # the household differs
    # Ukrainian by default.
    assert "Та сама людина" in r.text or "Same person" not in r.text


def test_merge_and_not_the_same_from_the_page(web: Any, twice: Any) -> None:
    c = web.page_login("coordinator")
    page = c.post("/dedup/run", data={"csrf": csrf_of(c.get("/dedup").text)})
    r = c.post("/dedup/decide", data={"csrf": csrf_of(page.text), "a": twice.anna_p, "b": twice.anna_again,
                                      "decision": "merge-b"})
    assert r.status_code == 200, r.text
    assert regq.person(web.town.rep, twice.anna_again)["merged_into"] == twice.anna_p
    queue = r.text.split('action="/dedup/run"')[1].split("</form>", 1)[1]
    assert twice.anna_again not in queue  # gone from the queue
    # A stranger's decision word, a stranger's code: 4xx, nothing changes.
    before = web.town.rep.digest()
    bad = c.post("/dedup/decide", data={"csrf": csrf_of(r.text), "a": twice.anna_p, "b": twice.ihor_p,
                                        "decision": "burn"})
    assert bad.status_code == 400 and 'id="error"' in bad.text
    bad = c.post("/dedup/decide", data={"csrf": csrf_of(r.text), "a": twice.anna_p, "b": "KMT-999-9",
                                        "decision": "distinct"})
    assert bad.status_code in (400, 404)
    assert web.town.rep.digest() == before
    # Without the CSRF token: refused.
    assert c.post("/dedup/decide", data={"a": twice.anna_p, "b": twice.ihor_p,
                                         "decision": "distinct"}).status_code == 403
    assert web.town.rep.digest() == before


def test_json_api_round_trip(web: Any, twice: Any) -> None:
    c, token = web.login("coordinator")
    h = {"x-csrf-token": token}
    assert c.post("/api/dedup/run", headers=h).json()["people"] == 5
    pairs = _pairs(c)
    found = {frozenset((p["a"]["eid"], p["b"]["eid"])) for p in pairs}
    assert frozenset((twice.anna_p, twice.anna_again)) in found
    pair = next(p for p in pairs if {p["a"]["eid"], p["b"]["eid"]} == {twice.anna_p, twice.anna_again})
    assert pair["fields"]["name"] == "agree" and pair["fields"]["born"] == "agree"
    assert pair["band"] in ("link", "review") and pair["score"] >= 12
    r = c.post("/api/dedup/distinct", json={"a": twice.anna_p, "b": twice.anna_again}, headers=h)
    assert r.status_code == 200, r.text
    assert all({p["a"]["eid"], p["b"]["eid"]} != {twice.anna_p, twice.anna_again} for p in _pairs(c))
    c.post("/api/dedup/run", headers=h)  # a new run remembers the decision
    assert all({p["a"]["eid"], p["b"]["eid"]} != {twice.anna_p, twice.anna_again} for p in _pairs(c))
    r = c.post("/api/dedup/merge", json={"duplicate": twice.son, "into": twice.ihor_p}, headers=h)
    assert r.status_code == 200 and r.json() == {"duplicate": twice.son, "into": twice.ihor_p}
    r = c.post("/api/dedup/unmerge", json={"person": twice.son}, headers=h)
    assert r.status_code == 200
    assert regq.person(web.town.rep, twice.son)["merged_into"] is None
    assert c.post("/api/dedup/unmerge", json={"person": twice.son}, headers=h).status_code == 409
    assert c.get("/api/dedup", params={"band": "maybe"}).status_code == 400
    assert c.post("/api/dedup/merge", json={"duplicate": twice.son}, headers=h).status_code in (400, 422)


@pytest.mark.parametrize("role", ["desk", "field", "analyst"])
def test_only_coordinators_see_or_decide(web: Any, twice: Any, role: str) -> None:
    c, token = web.login(role)
    assert c.get("/api/dedup").status_code == 403
    assert c.post("/api/dedup/run", headers={"x-csrf-token": token}).status_code == 403
    assert c.post("/api/dedup/distinct", json={"a": twice.anna_p, "b": twice.anna_again},
                  headers={"x-csrf-token": token}).status_code == 403
    page = web.page_login(role).get("/dedup")
    assert page.status_code == 403 and "Kovalenko" not in page.text


def test_the_page_shows_groups_in_words(web: Any) -> None:
    rep = web.town.rep
    homes = [reg.add_household(rep, "tester", zone="east", address=f"вул. Польова, {i}") for i in (3, 5, 9)]
    for h, n in zip(homes, ("Ярослава Шевчишин", "Yaroslava Shevchyshyn", "Ярослава Шевчішин"), strict=True):
        reg.add_person(rep, "tester", household=h, name=n, born=1938, sex="f")
    run_dedup(rep, "tester")
    page = web.page_login("coordinator").get("/dedup").text
    assert "Можливо, одна людина: 3 записи" in page
