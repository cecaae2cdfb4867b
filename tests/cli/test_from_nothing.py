"""A real town from nothing (issue 12), as a coordinator would do it: the real `frontaid` command in
a fresh folder, `init` saying what to do next, the town's zones and sites from a GeoJSON file, a
household added by its zone's Ukrainian name, a team, stock, a hand-out, then `frontaid serve` on
loopback with the desk and the map showing what was set up."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import httpx
from tests.serving import add_user, served

FRONTAID = Path(sys.executable).parent / "frontaid"
EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "examples" / "town.geojson"
PASSWORD = "кава з цикорієм на світанку"


def frontaid(db: Path, *args: str, ok: bool = True) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "FRONTAID_LANG": "uk"}
    done = subprocess.run([str(FRONTAID), "--db", str(db), "--actor", "olena", *args], env=env,
                          capture_output=True, text=True, timeout=60)
    assert (done.returncode == 0) is ok, (args, done.stdout, done.stderr)
    return done


def test_a_town_from_nothing_to_the_desk_and_the_map(tmp_path: Path) -> None:
    db = tmp_path / "town.db"
    started = frontaid(db, "init", "--town", "Бахмут", "--no-encrypt").stdout
    assert "Далі:" in started and "frontaid town import" in started and "frontaid team add" in started
    # Before the zones exist, a household is refused with the command that fixes it.
    refused = frontaid(db, "household", "add", "--zone", "Східний берег", "--address", "вул. Миру, 3",
                       ok=False)
    assert refused.returncode == 2 and "frontaid zone add" in refused.stderr
    assert "Імпортовано: додано — 5" in frontaid(db, "town", "import", str(EXAMPLE)).stdout
    household = json.loads(frontaid(db, "--json", "household", "add", "--zone", "Східний берег",
                                    "--address", "вул. Миру, 3", "--shelter", "підвал").stdout)["code"]
    frontaid(db, "person", "add", "--household", household, "--name", "Микола Бондаренко", "--born", "1941")
    frontaid(db, "team", "add", "east-1", "--name", "Схід-1")
    frontaid(db, "stock", "receive", "--item", "продуктовий набір", "--at", "Склад на Миру", "--qty", "100")
    frontaid(db, "stock", "move", "--item", "food-kit", "--from", "warehouse", "--to", "school-5",
             "--qty", "40")
    handed = frontaid(db, "distribute", "--household", household, "--item", "food-kit", "--at", "Школа №5")
    assert "не обліковано" not in handed.stdout  # stock was recorded at the point
    add_user(db, "olha", "desk", PASSWORD)
    with served(db) as base, httpx.Client(base_url=base, timeout=10) as c:
        assert c.post("/api/login", json={"name": "olha", "password": PASSWORD}).status_code == 200
        card = c.get(f"/desk?household={household}").text
        assert "Микола Бондаренко" in card and "Східний берег" in card and "вул. Миру, 3" in card
        fc = c.get("/api/map.geojson").json()
        outlines = {f["properties"]["eid"]: f["geometry"]["type"] for f in fc["features"]
                    if f["properties"]["layer"] == "zone"}
        assert outlines == {"east": "Polygon", "west": "Polygon"}
        sites = {f["properties"]["eid"] for f in fc["features"] if f["properties"]["layer"] == "site"}
        assert sites == {"school-5", "warehouse", "ford"}
