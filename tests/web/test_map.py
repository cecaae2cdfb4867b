"""The map: the town's own GeoJSON (zones by danger, sites, requests, bodies), vendored Leaflet, no names
for the analyst, nothing loaded from outside."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import frontaid.web
from frontaid.actions import incidents, registry, requests

TEMPLATES = Path(frontaid.web.__file__).parent / "templates"
NAMES = ("Kovalenko", "Shevchuk", "Chasiv Yar", "Myru 1")
SQUARE = {"type": "Polygon", "coordinates": [[[38.0, 48.59], [38.01, 48.59], [38.01, 48.6], [38.0, 48.6],
                                              [38.0, 48.59]]]}


@pytest.fixture
def mapped(web):
    """The small town with a third zone drawn, shelling in the east, a death and open requests."""
    rep = web.town.rep
    registry.add_zone(rep, "tester", "north", "Північ", "North", geometry=SQUARE)
    registry.add_site(rep, "tester", "shelter-1", "shelter", "Укриття", "Shelter", "north",
                      lat=48.595, lon=38.005)
    registry.set_site_state(rep, "tester", "bridge", "damaged")
    registry.set_household(rep, "tester", web.town.anna, "lat", 48.5961)
    registry.set_household(rep, "tester", web.town.anna, "lon", 38.0123)
    for _ in range(3):
        incidents.report_incident(rep, "tester", kind="shelling", zone="east", killed=2, wounded=3,
                                  lat=48.597, lon=38.011)
    web.food = requests.open_request(rep, "tester", need="food", household=web.town.anna,
                                     reported_by="Mykola Kovalenko")
    web.body = requests.open_request(rep, "tester", need="body-recovery", urgency="high", zone="north",
                                     lat=48.5951, lon=38.0051, note="under the rubble, Myru 14")
    web.closed = requests.open_request(rep, "tester", need="water", zone="west")
    requests.cancel(rep, "tester", web.closed)
    registry.person_died(rep, "tester", web.town.ihor_p, on="2025-01-08", place="Myru 12")
    return web


def _features(fc, layer):
    return {f["properties"]["eid"]: f for f in fc["features"] if f["properties"]["layer"] == layer}


def test_geojson_has_zones_by_danger_sites_requests_and_bodies(mapped) -> None:
    web = mapped
    c, _ = web.login("coordinator")
    r = c.get("/api/map.geojson")
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/geo+json")
    fc = r.json()
    assert fc["type"] == "FeatureCollection"
    zones = _features(fc, "zone")
    assert set(zones) == {"east", "west", "north"}
    east, west = zones["east"]["properties"], zones["west"]["properties"]
    assert (east["incidents"], east["killed"], east["wounded"]) == (3, 6, 9)
    assert east["danger"] == "high" and west["danger"] == "none" and east["colour"] != west["colour"]
    assert re.fullmatch(r"#[0-9a-f]{6}", east["colour"])
    assert zones["north"]["geometry"] == SQUARE and zones["north"]["properties"]["bodies"] == 1
    assert east["open_requests"] == 1  # the food request; the cancelled water one is not open

    sites = _features(fc, "site")
    assert sites["bridge"]["properties"]["state"] == "damaged"
    assert sites["shelter-1"]["properties"]["kind"] == "shelter"
    assert sites["shelter-1"]["geometry"]["coordinates"] == [38.005, 48.595]

    reqs = _features(fc, "request")
    assert set(reqs) == {web.food}  # the cancelled one is not on the map; the body is on its own layer
    assert reqs[web.food]["geometry"]["coordinates"] == [38.0123, 48.5961]  # the household's position
    assert reqs[web.food]["properties"]["reported_by"] == "Mykola Kovalenko"
    bodies = _features(fc, "body")
    assert set(bodies) == {web.body} and bodies[web.body]["geometry"]["coordinates"] == [38.0051, 48.5951]
    deaths = _features(fc, "death")
    assert set(deaths) == {web.town.ihor_p}
    assert len(_features(fc, "incident")) == 3


def test_a_request_without_a_position_is_drawn_at_its_zone(mapped) -> None:
    web = mapped
    code = requests.open_request(web.town.rep, "tester", need="water", zone="north")
    fc = web.login("field")[0].get("/api/map.geojson").json()
    f = _features(fc, "request")[code]
    assert f["geometry"]["coordinates"] == pytest.approx([38.005, 48.595])
    assert f["properties"]["approximate"] is True


def test_danger_levels_step_with_harm() -> None:
    from frontaid.web.geo import danger

    def level(incidents: int, killed: int = 0, wounded: int = 0) -> str:
        return danger({"incidents": incidents, "killed": killed, "wounded": wounded})[0]

    assert [level(0), level(1), level(9), level(10), level(2, killed=2), level(39), level(40)] == [
        "none", "low", "low", "medium", "medium", "medium", "high"]
    assert len({danger({"incidents": n, "killed": 0, "wounded": 0})[1] for n in (0, 1, 10, 40)}) == 4


def test_the_danger_window_can_look_back(mapped) -> None:
    c, _ = mapped.login("desk")
    fc = c.get("/api/map.geojson", params={"until": "2020-01-01 00:00"}).json()
    assert _features(fc, "zone")["east"]["properties"]["danger"] == "none"
    assert c.get("/api/map.geojson", params={"until": "someday"}).status_code == 400


def test_the_page_lists_zones_and_loads_leaflet_from_the_app(mapped) -> None:
    c = mapped.page_login("field")
    page = c.get("/map")
    assert page.status_code == 200
    assert 'src="/static/leaflet/leaflet.js"' in page.text
    assert 'href="/static/leaflet/leaflet.css"' in page.text
    assert 'data-src="/api/map.geojson"' in page.text
    row = page.text.split('id="zone-east"')[1].split("</tr>")[0]
    assert 'data-danger="high"' in page.text.split('id="zone-east"')[1][:30] and "дуже небезпечно" in row
    for asset in ("/static/leaflet/leaflet.js", "/static/leaflet/leaflet.css",
                  "/static/leaflet/images/marker-icon.png", "/static/leaflet/images/layers.png"):
        assert c.get(asset).status_code == 200, asset


def test_the_analyst_gets_no_names_and_no_peoples_positions(mapped) -> None:
    web = mapped
    c, _ = web.login("analyst")
    body = c.get("/api/map.geojson").text
    fc = c.get("/api/map.geojson").json()
    page = web.page_login("analyst").get("/map").text
    for text in (body, page):
        for name in NAMES:
            assert name not in text
    layers = {f["properties"]["layer"] for f in fc["features"]}
    assert layers == {"zone", "site", "incident"}
    assert "38.0123" not in body and "Mykola" not in body  # no household position, no reporter
    assert _features(fc, "zone")["north"]["properties"]["bodies"] == 1  # counts per zone instead


def test_roles_need_a_login(web) -> None:
    assert web.client().get("/api/map.geojson").status_code == 401
    assert web.client().get("/map", follow_redirects=False).status_code == 303


def test_no_template_loads_anything_from_outside(web) -> None:
    pattern = re.compile(r'(?:src|href)\s*=\s*["\']?\s*(?:https?:)?//', re.I)
    for path in TEMPLATES.glob("*.html"):
        text = path.read_text(encoding="utf-8")
        assert not pattern.search(text), path.name
        assert "http://" not in text and "https://" not in text, path.name
    c = web.page_login("coordinator")
    for url in ("/map", "/board", "/incidents"):
        html = c.get(url).text
        assert "http://" not in html and "https://" not in html, url


def test_the_map_is_documented(web) -> None:
    spec = web.client().get("/openapi.json").json()["paths"]
    assert "/api/map.geojson" in spec and "/map" not in spec


def test_the_map_opens_on_the_middle_of_the_zones() -> None:
    from frontaid.web.geo import map_centre

    square = {"type": "Polygon", "coordinates": [[[37.9, 48.5], [38.1, 48.5], [38.1, 48.7], [37.9, 48.5]]]}
    far = {"type": "Polygon", "coordinates": [[[38.1, 48.7], [38.3, 48.7], [38.3, 48.9], [38.1, 48.7]]]}
    lat, lon = map_centre([{"geometry": square}, {"geometry": far}, {"geometry": None}])
    assert (round(lat, 6), round(lon, 6)) == (48.7, 38.1)
    assert map_centre([]) == (0.0, 0.0)


def _focus(page: str) -> dict[str, str]:
    return dict(re.findall(r'data-focus(?:-(\w+))?="([^"]*)"', page))


def test_the_map_finds_a_card_code_a_zone_an_address_and_an_incident(mapped) -> None:
    rep, town = mapped.town.rep, mapped.town
    ihor_north = registry.add_household(rep, "tester", zone="north", address="вул. Свободи, 6")
    c = mapped.page_login("coordinator")
    # A card code: Anna's household has its own point.
    page = c.get(f"/map?q={town.anna.replace('-', '')}").text
    f = _focus(page)
    assert f[""] == "48.5961,38.0123" and f["eid"] == town.anna and f["approximate"] == "0"
    assert 'id="map-found"' in page and town.anna in page
    # An address without a point: drawn at its zone's centre, and the page says so.
    page = c.get("/map?q=Свободи 6").text
    f = _focus(page)
    assert f["eid"] == ihor_north and f["approximate"] == "1"
    assert f[""] == "48.595,38.005"  # the middle of the north square
    assert "Позначено в центрі зони" in page
    # A zone by its Ukrainian name, an incident by the link from the incidents page.
    assert _focus(c.get("/map?q=Північ").text)["eid"] == "north"
    inc = next(iter(_features(c.get("/api/map.geojson").json(), "incident")))
    assert _focus(c.get(f"/map?focus=incident:{inc}").text)[""] == "48.597,38.011"
    assert f'/map?focus=incident:{inc}' in c.get("/incidents").text
    assert f"/map?focus=household:{town.anna}" in c.get(f"/registry/household/{town.anna}").text
    assert f"/map?focus=request:{mapped.food}" in c.get("/board").text
    # Nothing found is said, not a blank map.
    page = c.get("/map?q=nowhere-at-all").text
    assert "нічого не знайдено" in page and "data-focus=" not in page


def test_the_analyst_finds_places_but_never_a_household_or_a_request(mapped) -> None:
    c = mapped.page_login("analyst")
    page = c.get(f"/map?focus=household:{mapped.town.anna}").text
    assert "data-focus=" not in page and "48.5961" not in page
    assert "data-focus=" not in c.get(f"/map?focus=request:{mapped.food}").text
    assert _focus(c.get("/map?q=Північ").text)["eid"] == "north"


def test_points_with_no_position_of_their_own_are_marked_approximate(mapped) -> None:
    rep = mapped.town.rep
    vague = requests.open_request(rep, "tester", need="water", zone="north", reported_by="сусід")
    far = incidents.report_incident(rep, "tester", kind="shelling", zone="north")
    fc = mapped.page_login("coordinator").get("/api/map.geojson").json()
    body = _features(fc, "body")[mapped.body]["properties"]
    assert body["approximate"] is False and not any("центрі зони" in p for p in body["popup"])
    for feature in (_features(fc, "request")[vague], _features(fc, "incident")[far]):
        assert feature["properties"]["approximate"] is True
        assert feature["geometry"]["coordinates"] == [38.005, 48.595]
        assert any("Позначено в центрі зони" in p for p in feature["properties"]["popup"])
