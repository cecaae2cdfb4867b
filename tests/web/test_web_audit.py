"""Least data on the web: a note is shown only to the roles that may read it, and each time it is
shown to a person the read is recorded (who, which record, which class of field; never the value)."""

from __future__ import annotations

from typing import Any

from frontaid.actions import registry

NOTE = "каже, що чекає на сина з фронту"


def audit_data(rep: Any) -> list[bytes]:
    return [bytes(d) for (d,) in rep.conn.execute("SELECT data FROM ops WHERE entity = 'audit'")]


def test_a_note_is_hidden_from_the_desk_and_each_read_by_a_coordinator_is_audited(web: Any) -> None:
    rep, code = web.town.rep, web.town.anna
    registry.set_household(rep, "tester", code, "note", NOTE)
    before = len(audit_data(rep))

    desk = web.page_login("desk")
    page = desk.get(f"/registry/household/{code}")
    assert page.status_code == 200 and NOTE not in page.text
    assert "приховано" in page.text or "hidden" in page.text
    assert len(audit_data(rep)) == before  # nothing sensitive shown: nothing to record

    coordinator = web.page_login("coordinator")
    for n in (1, 2):
        page = coordinator.get(f"/registry/household/{code}")
        assert page.status_code == 200 and NOTE in page.text
        assert len(audit_data(rep)) == before + n  # every read, not the first only
    recorded = b"".join(audit_data(rep))
    assert code.encode() in recorded and NOTE.encode() not in recorded

    analyst = web.page_login("analyst")
    assert analyst.get(f"/registry/household/{code}").status_code == 403
    assert len(audit_data(rep)) == before + 2
