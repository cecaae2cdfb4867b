"""Zone shapes and a town's layout from GeoJSON (issue 12): `zone add|set --geojson`, `town import`.

GeoJSON (RFC 7946) writes positions as [longitude, latitude]. A zone is a Polygon or a
MultiPolygon; a site is a Point. A file is read whole, checked whole, and recorded in one
transaction, or not at all; importing the same file again changes nothing.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from frontaid.actions import registry
from frontaid.actions import validate as check
from frontaid.actions.fields import set_field
from frontaid.domain import vocab
from frontaid.errors import BadFile, FrontaidError
from frontaid.store.replica import Change, Replica

MAX_BYTES = 20 * 1024 * 1024  # a town's boundaries are kilobytes; a whole oblast's a few megabytes
MAX_POSITIONS = 500_000
# Ukraine, generously: a file whose "longitudes" all fall in its latitudes and "latitudes" in its
# longitudes has them the wrong way round (a common mistake with [lat, lon] from a phone).
UA_LON, UA_LAT = (22.0, 40.5), (44.0, 52.5)


def read(path: Path) -> Any:
    """The JSON of a GeoJSON file, or one clear refusal (missing, too large, not JSON)."""
    try:
        size = path.stat().st_size
    except OSError:
        raise BadFile("'{path}' cannot be read.", path=str(path)) from None
    if size > MAX_BYTES:
        raise BadFile("'{path}' is larger than {mb} MB: a town's zones are far smaller.",
                      path=str(path), mb=MAX_BYTES // (1024 * 1024))
    try:
        return json.loads(path.read_bytes())
    except (ValueError, UnicodeDecodeError):
        raise BadFile("'{path}' is not GeoJSON (not even JSON).", path=str(path)) from None


def _positions(coords: Any, depth: int) -> list[tuple[float, float]]:
    """Every [lon, lat] at nesting `depth` (0: one position), checked to be two finite numbers."""
    if depth == 0:
        if (not isinstance(coords, list) or len(coords) < 2
                or not all(isinstance(v, int | float) and not isinstance(v, bool) for v in coords[:2])
                or not all(math.isfinite(v) for v in coords[:2])):
            raise BadFile("A position is not [longitude, latitude].")
        return [(float(coords[0]), float(coords[1]))]
    if not isinstance(coords, list) or not coords:
        raise BadFile("A shape has no coordinates.")
    out: list[tuple[float, float]] = []
    for c in coords:
        out += _positions(c, depth - 1)
        if len(out) > MAX_POSITIONS:
            raise BadFile("A shape has more than {n} points.", n=MAX_POSITIONS)
    return out


def _check_positions(points: list[tuple[float, float]]) -> None:
    if any(not (-180 <= lon <= 180 and -90 <= lat <= 90) for lon, lat in points):
        raise BadFile("A position is outside the Earth's longitudes and latitudes.")
    if points and all(UA_LAT[0] <= lon <= UA_LAT[1] and UA_LON[0] <= lat <= UA_LON[1]
                      for lon, lat in points):
        raise BadFile("The positions look like [latitude, longitude]; GeoJSON writes [longitude, latitude].")


def geometry_of(obj: Any) -> dict[str, Any]:
    """A zone's shape from a geometry, a Feature or a one-feature FeatureCollection: a valid
    Polygon or MultiPolygon, as GeoJSON, coordinates to 6 decimals (about 10 cm)."""
    if isinstance(obj, dict) and obj.get("type") == "FeatureCollection":
        feats = obj.get("features") or []
        if len(feats) != 1:
            raise BadFile("A zone takes one shape; this file has {n}.", n=len(feats))
        obj = feats[0]
    if isinstance(obj, dict) and obj.get("type") == "Feature":
        obj = obj.get("geometry")
    if not isinstance(obj, dict) or obj.get("type") not in ("Polygon", "MultiPolygon"):
        raise BadFile("A zone's shape must be a Polygon or a MultiPolygon.")
    depth = 2 if obj["type"] == "Polygon" else 3
    points = _positions(obj.get("coordinates"), depth)
    _check_positions(points)
    from shapely.geometry import shape

    try:
        geom = shape(obj)
    except (ValueError, TypeError, AttributeError):
        raise BadFile("A zone's shape is not a closed ring of at least four positions.") from None
    if geom.is_empty or not geom.is_valid:
        raise BadFile("A zone's shape is not valid: its outline crosses itself or is not closed.")

    def rounded(c: Any) -> Any:
        return [round(c[0], 6), round(c[1], 6)] if isinstance(c[0], int | float) else [rounded(x) for x in c]

    return {"type": obj["type"], "coordinates": rounded(obj["coordinates"])}


def set_zone_shape(rep: Replica, actor: str, zone: str, geometry: dict[str, Any]) -> str:
    eid = check.zone(rep, zone)
    rep.record([set_field("zone", eid, "geometry", geometry)], actor)
    return eid


def _text(props: dict[str, Any], *keys: str) -> str:
    for k in keys:
        v = props.get(k)
        if isinstance(v, str | int) and str(v).strip():
            return str(v).strip()
    return ""


def import_town(rep: Replica, actor: str, path: Path) -> dict[str, int]:
    """Zones (polygons) and sites (points) of a FeatureCollection, created or updated in one go.

    A zone's properties: slug (or id), name (Ukrainian; or name_uk), name_en, population.
    A site's: slug, name, name_en, kind (food-point, warehouse, shelter, crossing, ...), zone
    (else the zone its point lies in). Returns how many were added, changed and left as they were.
    """
    doc = read(path)
    if not isinstance(doc, dict) or doc.get("type") != "FeatureCollection" or not isinstance(
            doc.get("features"), list):
        raise BadFile("'{path}' is not a GeoJSON FeatureCollection.", path=str(path))
    zones: list[tuple[int, dict[str, Any], dict[str, Any]]] = []
    sites: list[tuple[int, dict[str, Any], tuple[float, float]]] = []
    for n, feat in enumerate(doc["features"], 1):
        props = feat.get("properties") or {} if isinstance(feat, dict) else {}
        geom = feat.get("geometry") if isinstance(feat, dict) else None
        kind = geom.get("type") if isinstance(geom, dict) else None
        try:
            if kind in ("Polygon", "MultiPolygon"):
                zones.append((n, props, geometry_of(geom)))
            elif kind == "Point":
                [point] = _positions(geom.get("coordinates"), 0) if isinstance(geom, dict) else []
                _check_positions([point])
                sites.append((n, props, point))
            else:
                raise BadFile("Only polygons (zones) and points (sites) can be imported.")
        except BadFile as err:
            raise BadFile(err.reason, line=n, **err.reason_params) from None
    counts = {"added": 0, "changed": 0, "unchanged": 0}
    with rep.transaction():
        for n, props, geom in zones:
            _zone(rep, actor, n, props, geom, counts)
        shapes = _zone_shapes(rep)
        for n, props, point in sites:
            _site(rep, actor, n, props, point, shapes, counts)
    return counts


@contextmanager
def on_feature(n: int) -> Iterator[None]:
    """An action's refusal (a bad slug, an unknown kind) said with the feature's number in the file."""
    try:
        yield
    except BadFile as err:
        if err.line is not None:
            raise
        raise BadFile(err.reason, line=n, **err.reason_params) from None
    except FrontaidError as err:
        raise BadFile(err.template, line=n, **err.params) from None


def _zone(rep: Replica, actor: str, n: int, props: dict[str, Any], geom: dict[str, Any],
          counts: dict[str, int]) -> None:
    slug = _text(props, "slug", "id")
    name, name_en = _text(props, "name", "name_uk"), _text(props, "name_en")
    if not slug or not name:
        raise BadFile("A zone needs a slug and a name in its properties.", line=n)
    population = props.get("population")
    row = rep.conn.execute("SELECT name, name_en, geometry, population_estimate FROM zones "
                           "WHERE eid = ? AND created = 1", (slug,)).fetchone()
    if row is None:
        with on_feature(n):
            registry.add_zone(rep, actor, slug, name, name_en or name, geometry=geom,
                              population_estimate=population if isinstance(population, int) else None)
        counts["added"] += 1
        return
    want = {"name": name, "name_en": name_en or row[1], "geometry": _canonical(geom)}
    have = {"name": row[0], "name_en": row[1], "geometry": _canonical(json.loads(row[2])) if row[2] else None}
    changes = [set_field("zone", slug, k, geom if k == "geometry" else want[k])
               for k in ("name", "name_en", "geometry") if want[k] != have[k]]
    if isinstance(population, int) and population != row[3]:
        with on_feature(n):
            changes.append(set_field("zone", slug, "population_estimate",
                                     check.count(population, "population")))
    if changes:
        rep.record(changes, actor)
        counts["changed"] += 1
    else:
        counts["unchanged"] += 1


def _canonical(geom: Any) -> str:
    return json.dumps(geom, separators=(",", ":"), sort_keys=True)


def _zone_shapes(rep: Replica) -> list[tuple[str, Any]]:
    from shapely.geometry import shape

    return [(eid, shape(json.loads(g))) for eid, g in rep.conn.execute(
        "SELECT eid, geometry FROM zones WHERE created = 1 AND geometry IS NOT NULL ORDER BY eid")]


def _site(rep: Replica, actor: str, n: int, props: dict[str, Any], point: tuple[float, float],
          shapes: list[tuple[str, Any]], counts: dict[str, int]) -> None:
    from shapely.geometry import Point

    slug = _text(props, "slug", "id")
    name, name_en = _text(props, "name", "name_uk"), _text(props, "name_en")
    kind = _text(props, "kind", "site_kind")
    if not slug or not name or not kind:
        raise BadFile("A site needs a slug, a name and a kind in its properties.", line=n)
    zone = _text(props, "zone") or next((eid for eid, g in shapes if g.covers(Point(point))), "")
    if not zone:
        raise BadFile("The site '{slug}' lies in no zone; give it a zone in its properties.", line=n,
                      slug=slug)
    lon, lat = point
    row = rep.conn.execute("SELECT name, name_en, kind, zone, lat, lon FROM sites "
                           "WHERE eid = ? AND created = 1", (slug,)).fetchone()
    with on_feature(n):
        if row is None:
            registry.add_site(rep, actor, slug, kind, name, name_en or name, zone, lat=lat, lon=lon)
            counts["added"] += 1
            return
        want = {"name": name, "name_en": name_en or row[1],
                "kind": check.choice(kind, vocab.SITE_KINDS, "site kind"),
                "zone": check.zone(rep, zone), "lat": round(lat, 6), "lon": round(lon, 6)}
    have = dict(zip(("name", "name_en", "kind", "zone", "lat", "lon"), row, strict=True))
    changes = [set_field("site", slug, k, v) for k, v in want.items()
               if (round(have[k], 6) if isinstance(have[k], float) else have[k]) != v]
    if changes:
        rep.record(changes, actor)
        counts["changed"] += 1
    else:
        counts["unchanged"] += 1


__all__ = ["Change", "geometry_of", "import_town", "read", "set_zone_shape"]
