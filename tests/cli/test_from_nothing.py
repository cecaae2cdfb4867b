"""A real town from nothing, with the command line alone: init (which says what to do next), the town's
zones and sites from GeoJSON, a household by its zone's Ukrainian name, a site, stock, a hand-out, then
`frontaid serve` on loopback: the desk shows the household and its hand-out on the town's clock, and the
map's GeoJSON carries the imported outlines."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from serving import add_user, served  # noqa: E402

FRONTAID = Path(sys.executable).parent / "frontaid"
EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "examples" / "town.geojson"
PASSWORD = "a long desk password 42"
# "5 груд. 2026, 14:05": the one Ukrainian form of a moment.
UK_MOMENT = re.compile(r"\b\d{1,2} (?:січ|лют|бер|квіт|трав|черв|лип|серп|вер|жовт|лист|груд)\. "
                       r"\d{4}, \d\d:\d\d\b")


def cli(db: Path, *args: str, lang: str = "uk") -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "FRONTAID_LANG": lang, "FRONTAID_ACTOR": "coordinator"}
    res = subprocess.run([str(FRONTAID), "--db", str(db), *args], capture_output=True, text=True, env=env,
                         timeout=60, cwd=db.parent)
    assert res.returncode == 0, (args, res.stdout, res.stderr)
    return res


def data(db: Path, *args: str) -> Any:
    return json.loads(cli(db, "--json", *args).stdout)


def test_a_town_from_nothing_to_a_working_desk_and_map(tmp_path: Path) -> None:
    db = tmp_path / "town.db"
    first = cli(db, "init", "--town", "Тихоріччя", "--no-encrypt").stdout
    assert "Що далі" in first and "town import" in first and "user add" in first and "serve" in first

    counts = data(db, "town", "import", str(EXAMPLE))
    assert counts["zones_added"] == 4 and counts["sites_added"] == 5

    household = data(db, "household", "add", "--zone", "Схід-північ", "--address", "Садова 3",
                     "--shelter", "підвал", "--size", "2")["code"]
    cli(db, "site", "add", "pharmacy", "--kind", "heating-point", "--name", "Аптека на Садовій",
        "--name-en", "Sadova pharmacy", "--zone", "Схід-південь")
    cli(db, "stock", "receive", "--item", "food-kit", "--qty", "40", "--at", "depot")
    cli(db, "stock", "move", "--item", "food-kit", "--qty", "20", "--from", "depot", "--to", "school-2")
    cli(db, "distribute", "--household", household, "--item", "food-kit", "--at", "school-2")
    add_user(db, "olha", "desk", PASSWORD)

    with served(db) as base, httpx.Client(base_url=base, cookies={"frontaid_lang": "uk"}, timeout=30) as c:
        assert c.post("/api/login", json={"name": "olha", "password": PASSWORD}).status_code == 200
        desk = c.get("/desk", params={"household": household})
        assert desk.status_code == 200
        assert household in desk.text and "Садова 3" in desk.text
        assert "Схід-північ" in desk.text and "east-north" not in desk.text  # the zone by its name
        assert UK_MOMENT.search(desk.text), "the hand-out's moment in the one Ukrainian form"
        shapes = c.get("/api/map.geojson").json()
    zones = {f["properties"]["eid"]: f["geometry"] for f in shapes["features"]
             if f["properties"].get("layer") == "zone"}
    assert set(zones) == {"west", "east-north", "east-south", "islands"}
    assert zones["islands"]["type"] == "MultiPolygon" and zones["west"]["type"] == "Polygon"
    sites = {f["properties"]["eid"] for f in shapes["features"] if f["properties"].get("layer") == "site"}
    assert {"school-2", "well-sadova", "pharmacy"} <= sites
