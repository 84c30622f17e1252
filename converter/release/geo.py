"""Spatial coverage of the release: bounding box, centroid and outline of the départements.

data.gouv.fr (udata's ``spatial_from_rdf``) shows a coverage only from GeoJSON or WKT polygon
literals of the ``dct:spatial`` nodes, and merges every polygon it finds: the outline is given
as WKT (which udata, ckanext-dcat and DCAT-AP all read; ckanext-dcat ignores
``gsp:geoJSONLiteral``), the bounding box as GML so that udata does not draw a rectangle from
Guadeloupe to Alsace, the centroid of the whole coverage as a WKT point (udata ignores points;
ckanext-dcat keeps the first WKT centroid it meets, so the départements' centroids are GML).
Outlines: ``data/geo/``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache

from converter.errors import InputError, reason
from converter.paths import RESOURCES

GEO_FILE = RESOURCES / "data" / "geo" / "departements.geojson"
CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
Ring = list[list[float]]
Polygons = list[list[Ring]]


@cache
def outlines() -> dict[str, Polygons]:
    """The MultiPolygon coordinates of each département, by INSEE code.

    :raises InputError: the outline file is missing or unreadable.
    """
    try:
        features = json.loads(GEO_FILE.read_text(encoding="utf-8"))["features"]
    except (OSError, ValueError, KeyError) as error:
        raise InputError(f"contours illisibles ({reason(error)})", path=str(GEO_FILE)) from None
    return {f["properties"]["code"]: f["geometry"]["coordinates"] for f in features}


@dataclass(frozen=True)
class Shape:
    """The geometry literals of one ``dct:Location``."""

    bbox_gml: str
    centroid_wkt: str
    centroid_gml: str
    outline_wkt: str


def _signed(ring: Ring) -> tuple[float, float, float]:
    """Area and first moments of a ring (shoelace formula)."""
    area = cx = cy = 0.0
    for (x1, y1), (x2, y2) in zip(ring, ring[1:], strict=False):
        cross = x1 * y2 - x2 * y1
        area += cross
        cx += (x1 + x2) * cross
        cy += (y1 + y2) * cross
    return area / 2, cx / 6, cy / 6


def _number(value: float) -> str:
    return f"{value:.4f}".rstrip("0").rstrip(".")


def shape(polygons: Polygons) -> Shape:
    """Bounding box, area-weighted centroid and WKT MultiPolygon of ``polygons``."""
    points = [p for polygon in polygons for ring in polygon for p in ring]
    west, east = min(p[0] for p in points), max(p[0] for p in points)
    south, north = min(p[1] for p in points), max(p[1] for p in points)
    area = mx = my = 0.0
    for polygon in polygons:
        for index, ring in enumerate(polygon):
            a, x, y = _signed(ring)
            sign = (1 if index == 0 else -1) * (1 if a >= 0 else -1)  # holes count negative
            area, mx, my = area + sign * a, mx + sign * x, my + sign * y
    cx, cy = (mx / area, my / area) if area else ((west + east) / 2, (south + north) / 2)
    gml = (
        f'<gml:Envelope xmlns:gml="http://www.opengis.net/gml/3.2" srsName="{CRS84}">'
        f"<gml:lowerCorner>{_number(west)} {_number(south)}</gml:lowerCorner>"
        f"<gml:upperCorner>{_number(east)} {_number(north)}</gml:upperCorner></gml:Envelope>"
    )
    wkt = (
        "MULTIPOLYGON("
        + ",".join(
            "("
            + ",".join(
                "(" + ",".join(f"{_number(x)} {_number(y)}" for x, y in ring) + ")"
                for ring in polygon
            )
            + ")"
            for polygon in polygons
        )
        + ")"
    )
    point = (
        f'<gml:Point xmlns:gml="http://www.opengis.net/gml/3.2" srsName="{CRS84}">'
        f"<gml:pos>{_number(cx)} {_number(cy)}</gml:pos></gml:Point>"
    )
    return Shape(gml, f"POINT({_number(cx)} {_number(cy)})", point, wkt)


def coverage(codes: list[str]) -> tuple[dict[str, Shape], Shape | None]:
    """The shape of each département of ``codes`` that has an outline, and of all of them."""
    known = outlines()
    each = {code: shape(known[code]) for code in codes if code in known}
    merged = [polygon for code in sorted(each) for polygon in known[code]]
    return each, shape(merged) if merged else None
