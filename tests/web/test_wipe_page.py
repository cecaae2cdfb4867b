"""The web panic wipe: coordinators only, a one-second hold (no inline script), then nothing is left."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from frontaid.web.users import users_path


def test_the_web_wipe_needs_a_one_second_hold_then_destroys_everything(web: Any) -> None:
    db = web.town.rep.path
    client, token = web.login("coordinator")
    page = client.get("/wipe")
    assert page.status_code == 200 and 'src="/static/wipe.js"' in page.text and "<script>" not in page.text
    assert client.get("/static/wipe.js").status_code == 200
    desk, desk_token = web.login("desk")
    assert desk.post("/wipe", data={"csrf": desk_token, "held": "1000"}).status_code == 403
    short = client.post("/wipe", data={"csrf": token, "held": "300"})
    assert short.status_code == 400 and db.exists()
    done = client.post("/wipe", data={"csrf": token, "held": "1000"})
    assert done.status_code == 200 and 'id="wiped"' in done.text
    assert not db.exists() and not users_path(db).exists()
    assert not Path(f"{db}-wal").exists()
