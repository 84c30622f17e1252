"""Makes ``departements.geojson`` from france-geojson's ``departements-avec-outre-mer.geojson``.

Run once, by hand: ``python data/geo/trim.py SOURCE.geojson > data/geo/departements.geojson``.
Only trimming, no editing: each outline is simplified with Douglas-Peucker (tolerance 0.01°,
about 1 km), coordinates are rounded to 4 decimals (about 10 m), and the polygons (islands)
whose simplified outer ring has fewer than 4 points are dropped, the largest one always kept.
Properties kept: ``code`` and ``nom``. Same input, same bytes.
"""

from __future__ import annotations

import json
import sys

TOLERANCE = 0.01
DECIMALS = 4
Point = tuple[float, float]


def _distance(p: Point, a: Point, b: Point) -> float:
    (x, y), (x1, y1), (x2, y2) = p, a, b
    dx, dy = x2 - x1, y2 - y1
    if dx == dy == 0:
        return float(((x - x1) ** 2 + (y - y1) ** 2) ** 0.5)
    return float(abs(dy * x - dx * y + x2 * y1 - y2 * x1) / (dx * dx + dy * dy) ** 0.5)


def simplify(points: list[Point]) -> list[Point]:
    """Douglas-Peucker, iterative (rings have tens of thousands of points)."""
    keep = {0, len(points) - 1}
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        best, index = 0.0, 0
        for i in range(first + 1, last):
            d = _distance(points[i], points[first], points[last])
            if d > best:
                best, index = d, i
        if best > TOLERANCE:
            keep.add(index)
            stack += [(first, index), (index, last)]
    return [points[i] for i in sorted(keep)]


def _ring(ring: list[list[float]]) -> list[list[float]]:
    out: list[list[float]] = []
    for x, y in simplify([(p[0], p[1]) for p in ring]):
        point = [round(x, DECIMALS), round(y, DECIMALS)]
        if not out or out[-1] != point:
            out.append(point)
    return out if len(out) >= 4 and out[0] == out[-1] else []


def _area(ring: list[list[float]]) -> float:
    return abs(sum(a[0] * b[1] - b[0] * a[1] for a, b in zip(ring, ring[1:], strict=False))) / 2


def trim(feature: dict[str, object]) -> dict[str, object]:
    geometry = feature["geometry"]
    assert isinstance(geometry, dict)
    polygons = (
        [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
    )
    largest = max(polygons, key=lambda p: _area(p[0]))
    kept = []
    for polygon in polygons:
        outer = _ring(polygon[0])
        if not outer and polygon is largest:
            outer = [[round(x, DECIMALS), round(y, DECIMALS)] for x, y in polygon[0]]
        if outer:
            kept.append([outer] + [r for r in map(_ring, polygon[1:]) if r])
    properties = feature["properties"]
    assert isinstance(properties, dict)
    return {
        "type": "Feature",
        "properties": {"code": properties["code"], "nom": properties["nom"]},
        "geometry": {"type": "MultiPolygon", "coordinates": kept},
    }


if __name__ == "__main__":
    source = json.loads(open(sys.argv[1], encoding="utf-8").read())
    features = sorted((trim(f) for f in source["features"]), key=lambda f: f["properties"]["code"])
    json.dump(
        {"type": "FeatureCollection", "features": features},
        sys.stdout,
        ensure_ascii=False,
        separators=(",", ":"),
    )
    sys.stdout.write("\n")
