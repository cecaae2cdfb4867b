"""An evacuation answer recorded from the household page (issue 12), a refusal with its reason."""

from __future__ import annotations

import re


def _token(c, url: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', c.get(url).text).group(1)


def _offers(town) -> list[tuple[str, str | None]]:
    return [(r[0], r[1]) for r in town.rep.conn.execute(
        "SELECT answer, reason FROM evac_offers WHERE household = ? AND created = 1", (town.anna,))]


def test_a_refusal_with_its_reason_is_recorded_from_the_household_page(web) -> None:
    c = web.page_login("field")
    url = f"/registry/household/{web.town.anna}"
    page = c.get(url)
    assert 'id="evac-form"' in page.text and "Записати відповідь щодо евакуації" in page.text
    before = _offers(web.town)
    missing = c.post(f"{url}/evacuation", data={"csrf": _token(c, url), "answer": "refused"},
                     follow_redirects=False)
    assert missing.status_code == 400 and "Оберіть, чому відмовляються" in missing.text
    assert "--reason" not in missing.text
    assert _offers(web.town) == before
    data = {"csrf": _token(c, url), "answer": "refused", "reason": "animals"}
    done = c.post(f"{url}/evacuation", data=data, follow_redirects=False)
    assert done.status_code == 303
    assert _offers(web.town) == [*before, ("refused", "animals")]
    shown = c.get(done.headers["location"])
    assert "Відповідь щодо евакуації записано" in shown.text and "має тварин" in shown.text


def test_an_analyst_cannot_record_an_answer(web) -> None:
    c = web.page_login("analyst")
    url = f"/registry/household/{web.town.anna}"
    r = c.post(f"{url}/evacuation", data={"csrf": "x", "answer": "accepted"}, follow_redirects=False)
    assert r.status_code in (403, 404)
    assert 'id="evac-form"' not in c.get(url).text
