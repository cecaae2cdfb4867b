"""A real town's shapes: zone outlines and sites from GeoJSON, checked, recorded as ops at once.

`frontaid zone add|set --geojson FILE` gives one zone its outline; `frontaid town import FILE`
reads a FeatureCollection whose polygons are zones and whose points are sites, and creates or
updates them all in one transaction (a second import of the same file records nothing).

What a file must be (RFC 7946): JSON; a Polygon or MultiPolygon geometry, a Feature holding one,
or a FeatureCollection; positions in longitude, latitude order, in range; rings closed; outlines
that do not cross themselves. A file breaking any of these is refused with one line saying which
feature and why, and nothing is recorded. Files over `MAX_BYTES` are refused unread, and at most
`MAX_POINTS` positions are accepted, so a huge or hostile file costs bounded memory.

Order check: GeoJSON is lon,lat, and files written lat,lon are common. A shape is refused as
"in the wrong order" when it lies far (over `FAR_KM`) from the town's other places while its
swapped copy lies near them; before the town has any place, when its swapped copy lies inside
Ukraine and it does not.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from frontaid.actions import registry as reg
from frontaid.actions import validate as check
from frontaid.actions.fields import set_field
from frontaid.domain import vocab
from frontaid.errors import BadFile, BadInput, TooLarge
from frontaid.store.replica import Replica

MAX_BYTES = 20 * 1024 * 1024
MAX_POINTS = 200_000
MAX_FEATURES = 5_000
FAR_KM = 300.0
# Ukraine's bounding box (lon, lat): where a swapped shape is looked for before the town has places.
UKRAINE = (22.0, 44.3, 40.3, 52.4)
POLYGONS = ("Polygon", "MultiPolygon")
_SLUG = re.compile(r"[a-z0-9][a-z0-9-]{0,39}")


def read_file(path: str | Path) -> Any:
    """The JSON in `path`, refused unread past `MAX_BYTES`; not JSON is a BadFile."""
    p = Path(path)
    if p.stat().st_size > MAX_BYTES:
        raise TooLarge(mb=MAX_BYTES // (1024 * 1024))
    with p.open("rb") as fh:
        raw = fh.read(MAX_BYTES + 1)
    if len(raw) > MAX_BYTES:
        raise TooLarge(mb=MAX_BYTES // (1024 * 1024))
    try:
        return json.loads(raw.decode("utf-8-sig"))
    except (ValueError, UnicodeDecodeError, RecursionError):
        raise BadFile("'{path}' is not a JSON file.", path=p.name) from None


# -- geometry checks --------------------------------------------------------------------


class _Budget:
    """Counts positions across a file, so a huge one stops early."""

    def __init__(self) -> None:
        self.points = 0

    def take(self, n: int) -> None:
        self.points += n
        if self.points > MAX_POINTS:
            raise BadFile("The file has more than {n} points; simplify the outlines (QGIS: Simplify).",
                          n=MAX_POINTS)


def _position(p: Any, where: str) -> list[float]:
    if (not isinstance(p, list) or len(p) < 2
            or not all(isinstance(x, int | float) and not isinstance(x, bool) for x in p[:2])
            or not all(math.isfinite(x) for x in p[:2])):
        raise BadFile("{where}: a position is not a pair of numbers [longitude, latitude].", where=where)
    lon, lat = float(p[0]), float(p[1])
    if not -180 <= lon <= 180 or not -90 <= lat <= 90:
        raise BadFile("{where}: the position {lon}, {lat} is outside the Earth's range: GeoJSON is "
                      "longitude (-180..180), then latitude (-90..90).", where=where, lon=p[0], lat=p[1])
    return [round(lon, 7), round(lat, 7)]


def _ring(ring: Any, where: str, budget: _Budget) -> list[list[float]]:
    if not isinstance(ring, list) or len(ring) < 4:
        raise BadFile("{where}: an outline needs at least 4 positions, the last equal to the first.",
                      where=where)
    budget.take(len(ring))
    out = [_position(p, where) for p in ring]
    if out[0] != out[-1]:
        raise BadFile("{where}: an outline is not closed (its last position must repeat the first).",
                      where=where)
    return out


def _polygon(rings: Any, where: str, budget: _Budget) -> list[list[list[float]]]:
    if not isinstance(rings, list) or not rings:
        raise BadFile("{where}: a polygon has no outline.", where=where)
    return [_ring(r, where, budget) for r in rings]


def polygon(obj: Any, where: str, budget: _Budget | None = None) -> dict[str, Any]:
    """A checked Polygon or MultiPolygon geometry (from a geometry, a Feature, or a collection of one)."""
    budget = budget or _Budget()
    geom = _one_geometry(obj, where)
    kind = geom.get("type")
    if kind not in POLYGONS:
        raise BadFile("{where}: a zone's shape must be a Polygon or MultiPolygon, not {kind}.",
                      where=where, kind=str(kind)[:40])
    coords = geom.get("coordinates")
    if kind == "Polygon":
        out: dict[str, Any] = {"type": "Polygon", "coordinates": _polygon(coords, where, budget)}
    else:
        if not isinstance(coords, list) or not coords:
            raise BadFile("{where}: a polygon has no outline.", where=where)
        out = {"type": "MultiPolygon", "coordinates": [_polygon(c, where, budget) for c in coords]}
    _valid(out, where)
    return out


def _one_geometry(obj: Any, where: str) -> dict[str, Any]:
    if isinstance(obj, dict) and obj.get("type") == "FeatureCollection":
        feats = obj.get("features")
        if not isinstance(feats, list) or len(feats) != 1:
            raise BadFile("{where}: give one zone's shape (or use `frontaid town import` for a whole town).",
                          where=where)
        obj = feats[0]
    if isinstance(obj, dict) and obj.get("type") == "Feature":
        obj = obj.get("geometry")
    if not isinstance(obj, dict) or not isinstance(obj.get("type"), str):
        raise BadFile("{where}: not GeoJSON (no geometry with a type).", where=where)
    return obj


def _valid(geom: dict[str, Any], where: str) -> None:
    from shapely.geometry import shape
    from shapely.validation import explain_validity

    s = shape(geom)
    if s.is_valid:
        return
    why = explain_validity(s)
    near = re.search(r"\[(-?[\d.e+-]+) (-?[\d.e+-]+)\]", why)
    at = f"{float(near[2]):.5f}, {float(near[1]):.5f}" if near else "?"
    if why.startswith("Self-intersection"):
        raise BadFile("{where}: the outline crosses itself near {at} (lat, lon); redraw it there.",
                      where=where, at=at)
    raise BadFile("{where}: the outline is not a valid polygon near {at} (lat, lon): rings overlap or touch.",
                  where=where, at=at)


def _points(geom: dict[str, Any]) -> Iterable[list[float]]:
    if geom["type"] == "Point":
        yield geom["coordinates"]
    elif geom["type"] == "Polygon":
        yield from geom["coordinates"][0]
    else:
        for poly in geom["coordinates"]:
            yield from poly[0]


def _centre(points: Iterable[list[float]]) -> tuple[float, float] | None:
    pts = list(points)
    if not pts:
        return None
    return (sum(p[0] for p in pts) / len(pts), sum(p[1] for p in pts) / len(pts))


def _km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance between two (lon, lat), in km."""
    lon1, lat1, lon2, lat2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6371 * math.asin(min(1.0, math.sqrt(h)))


def _in_ukraine(p: tuple[float, float]) -> bool:
    return UKRAINE[0] <= p[0] <= UKRAINE[2] and UKRAINE[1] <= p[1] <= UKRAINE[3]


def town_centre(rep: Replica) -> tuple[float, float] | None:
    """(lon, lat) of the middle of the town's known places: zone outlines and sites."""
    pts: list[list[float]] = []
    for (g,) in rep.conn.execute("SELECT geometry FROM zones WHERE created = 1 AND geometry IS NOT NULL"):
        try:
            geom = json.loads(g)
            pts.extend(_points(geom))
        except (ValueError, KeyError, TypeError, IndexError):
            continue
    pts += [[lon, lat] for lon, lat in rep.conn.execute(
        "SELECT lon, lat FROM sites WHERE created = 1 AND lat IS NOT NULL AND lon IS NOT NULL")]
    return _centre(pts)


def check_order(geoms: list[dict[str, Any]], reference: tuple[float, float] | None, where: str) -> None:
    """Refuse shapes that look written latitude first (see the module's docstring)."""
    c = _centre(p for g in geoms for p in _points(g))
    if c is None:
        return
    swapped = (c[1], c[0])
    if reference is not None:
        wrong = _km(c, reference) > FAR_KM and _km(swapped, reference) <= FAR_KM
    else:
        wrong = not _in_ukraine(c) and _in_ukraine(swapped)
    if wrong:
        raise BadFile("{where}: the positions look like latitude, longitude; GeoJSON writes longitude "
                      "first (RFC 7946). Swap them and import again.", where=where)


# -- zone shapes --------------------------------------------------------------------------


def shape_from_file(rep: Replica, path: str | Path) -> dict[str, Any]:
    """One zone's outline from a GeoJSON file, checked against the town's other places."""
    where = Path(path).name
    geom = polygon(read_file(path), where)
    check_order([geom], town_centre(rep), where)
    return geom


def set_zone(rep: Replica, actor: str, zone: str, *, name: str | None = None, name_en: str | None = None,
             geometry: dict[str, Any] | None = None, population_estimate: int | None = None) -> list[str]:
    """Change a zone's names, outline or population estimate; returns the fields that changed."""
    eid = check.zone(rep, zone)
    row = rep.rows("SELECT name, name_en, geometry, population_estimate FROM zones WHERE eid = ?", (eid,))[0]
    wanted: dict[str, Any] = {}
    if name is not None:
        wanted["name"] = check.text(name, "name", limit=120)
    if name_en is not None:
        wanted["name_en"] = check.text(name_en, "name", limit=120)
    if geometry is not None:
        wanted["geometry"] = geometry
    if population_estimate is not None:
        wanted["population_estimate"] = check.count(population_estimate, "people (estimate)", 0, 10_000_000)
    current = dict(row, geometry=json.loads(row["geometry"]) if row["geometry"] else None)
    changes = [set_field("zone", eid, f, v) for f, v in wanted.items() if current.get(f) != v]
    if changes:
        rep.record(changes, actor)
    return [c.data["f"] for c in changes]


# -- a whole town ---------------------------------------------------------------------------


def _slug(props: dict[str, Any], name_en: str, name: str, where: str) -> str:
    given = props.get("slug") or props.get("id")
    if given is not None:
        s = str(given).strip().lower()
    else:
        from translitua import translit

        s = re.sub(r"[^a-z0-9]+", "-", (name_en or str(translit(name))).lower()).strip("-")[:40].strip("-")
    if not _SLUG.fullmatch(s):
        raise BadFile("{where}: '{value}' is not a valid id: use lower-case Latin letters, digits "
                      "and dashes.", where=where, value=s[:40])
    return s


def _names(props: dict[str, Any], where: str) -> tuple[str, str]:
    name = str(props.get("name_uk") or props.get("name") or "").strip()
    if not name:
        raise BadFile("{where}: the feature has no name (property name or name_uk).", where=where)
    name_en = str(props.get("name_en") or "").strip()
    if not name_en:
        from translitua import translit

        name_en = str(translit(name))
    return name[:120], name_en[:120]


def _feature_kind(props: dict[str, Any], geom_type: Any) -> str:
    kind = str(props.get("kind") or "").strip().lower()
    if kind in ("zone", "site"):
        return kind
    if kind in vocab.SITE_KINDS or props.get("site_kind"):
        return "site"
    return "zone" if geom_type in POLYGONS else "site"


def parse_town(data: Any, reference: tuple[float, float] | None,
               name: str = "town") -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The zones and sites a town file holds, every feature checked; (zones, sites)."""
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection" or not isinstance(
            data.get("features"), list):
        raise BadFile("The file is not a GeoJSON FeatureCollection (\"type\": \"FeatureCollection\").")
    feats = data["features"]
    if len(feats) > MAX_FEATURES:
        raise BadFile("The file has more than {n} features.", n=MAX_FEATURES)
    budget = _Budget()
    zones: list[dict[str, Any]] = []
    sites: list[dict[str, Any]] = []
    for i, f in enumerate(feats, 1):
        try:
            _feature(i, f, budget, zones, sites)
        except BadFile:
            raise
        except BadInput as err:  # a value's own check (a site kind, a number): said with the feature
            raise BadFile("{where}: {problem}", where=f"#{i}", problem=err.text()) from None
    for rows in (zones, sites):
        seen: set[str] = set()
        for r in rows:
            if r["slug"] in seen:
                raise BadFile("{where}: the id '{value}' is used twice in the file.", where=r["where"],
                              value=r["slug"])
            seen.add(r["slug"])
    shapes = [z["geometry"] for z in zones] + [{"type": "Point", "coordinates": [s["lon"], s["lat"]]}
                                              for s in sites]
    check_order(shapes, reference, name)
    return zones, sites


def _feature(i: int, f: Any, budget: _Budget, zones: list[dict[str, Any]],
             sites: list[dict[str, Any]]) -> None:
    """One feature of a town file, checked, appended to `zones` or `sites`."""
    where = f"#{i}"
    if not isinstance(f, dict) or f.get("type") != "Feature":
        raise BadFile("{where}: not a GeoJSON Feature.", where=where)
    props = f.get("properties") or {}
    geom = f.get("geometry")
    if not isinstance(props, dict) or not isinstance(geom, dict):
        raise BadFile("{where}: not GeoJSON (no geometry with a type).", where=where)
    name, name_en = _names(props, where)
    slug = _slug(props, name_en, name, where)
    where = f"#{i} ({slug})"
    if _feature_kind(props, geom.get("type")) == "zone":
        pop = props.get("population")
        zones.append({"slug": slug, "name": name, "name_en": name_en,
                      "geometry": polygon(geom, where, budget),
                      "population_estimate": None if pop in (None, "") else check.count(
                          pop, "people (estimate)", 0, 10_000_000), "where": where})
        return
    if geom.get("type") != "Point":
        raise BadFile("{where}: a site must be a Point.", where=where)
    budget.take(1)
    lon, lat = _position(geom.get("coordinates"), where)
    kind_word = props.get("site_kind") or (props.get("kind") if props.get("kind") != "site" else None)
    if not kind_word:
        raise BadFile("{where}: say what the site is (property site_kind: food-point, shelter, ...).",
                      where=where)
    kind = check.choice(str(kind_word), vocab.SITE_KINDS, "site kind")
    sites.append({"slug": slug, "name": name, "name_en": name_en, "kind": kind, "lat": lat, "lon": lon,
                  "zone": props.get("zone"), "where": where,
                  "note": check.text(props.get("note"), "note", required=False)})


def _zone_of(rep: Replica, site: dict[str, Any]) -> str:
    """The zone a site names, else the zone whose outline holds it."""
    if site["zone"]:
        return check.zone(rep, str(site["zone"]))
    from shapely.geometry import Point, shape

    pt = Point(site["lon"], site["lat"])
    for eid, g in rep.conn.execute("SELECT eid, geometry FROM zones WHERE created = 1 "
                                   "AND geometry IS NOT NULL ORDER BY eid"):
        try:
            if shape(json.loads(g)).covers(pt):
                return str(eid)
        except (ValueError, TypeError, KeyError, AttributeError):
            continue
    raise BadFile("{where}: the site is outside every zone's outline; give its zone (property zone).",
                  where=site["where"])


def import_town(rep: Replica, actor: str, path: str | Path) -> dict[str, int]:
    """Create or update every zone and site of a town file in one transaction; counts of what changed."""
    zones, sites = parse_town(read_file(path), town_centre(rep), Path(path).name)
    out = {"zones_added": 0, "zones_changed": 0, "sites_added": 0, "sites_changed": 0, "unchanged": 0}
    with rep.transaction():
        for z in zones:
            if rep.conn.execute("SELECT 1 FROM zones WHERE eid = ? AND created = 1", (z["slug"],)).fetchone():
                changed = set_zone(rep, actor, z["slug"], name=z["name"], name_en=z["name_en"],
                                   geometry=z["geometry"], population_estimate=z["population_estimate"])
                out["zones_changed" if changed else "unchanged"] += 1
            else:
                reg.add_zone(rep, actor, z["slug"], z["name"], z["name_en"], geometry=z["geometry"],
                             population_estimate=z["population_estimate"])
                out["zones_added"] += 1
        for s in sites:
            zone = _zone_of(rep, s)
            row = rep.rows("SELECT kind, name, name_en, zone, lat, lon, note FROM sites "
                           "WHERE eid = ? AND created = 1", (s["slug"],))
            if not row:
                reg.add_site(rep, actor, s["slug"], s["kind"], s["name"], s["name_en"], zone,
                             lat=s["lat"], lon=s["lon"], note=s["note"])
                out["sites_added"] += 1
                continue
            wanted = {"kind": s["kind"], "name": s["name"], "name_en": s["name_en"], "zone": zone,
                      "lat": s["lat"], "lon": s["lon"], **({"note": s["note"]} if s["note"] else {})}
            changes = [set_field("site", s["slug"], f, v) for f, v in wanted.items() if row[0].get(f) != v]
            if changes:
                rep.record(changes, actor)
            out["sites_changed" if changes else "unchanged"] += 1
    return out
