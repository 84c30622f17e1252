"""Choropleth maps of France as inline SVG, drawn in Python from the outlines of data/geo/:
metropolitan France, the overseas départements and régions as insets beside it, a legend, one
shape per territory with a title (its name and count) and a link to its page when it has one."""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from converter.paths import RESOURCES
from converter.site.html import esc

GEO_DIR = RESOURCES / "data" / "geo"
# ColorBrewer "Blues", 5 classes; the darkest three take white text in the legend.
PALETTE = ("#deebf7", "#9ecae1", "#6baed6", "#3182bd", "#08519c")
NO_DATA = "#f2f2f2"
WIDTH, HEIGHT = 640, 600
INSET = 92  # side of an overseas inset
OVERSEAS_DEPARTEMENTS = ("971", "972", "973", "974", "976")
OVERSEAS_REGIONS = ("01", "02", "03", "04", "06")
Ring = list[list[float]]


@dataclass(frozen=True)
class Shape:
    code: str
    name: str
    polygons: list[list[Ring]]


@lru_cache(maxsize=4)
def outlines(name: str) -> tuple[Shape, ...]:
    """The features of ``data/geo/<name>.geojson``, by code."""
    data = json.loads(Path(GEO_DIR / f"{name}.geojson").read_text(encoding="utf-8"))
    return tuple(
        Shape(f["properties"]["code"], f["properties"]["nom"], f["geometry"]["coordinates"])
        for f in data["features"]
    )


def classes(counts: dict[str, int], most: int = len(PALETTE)) -> list[tuple[int, int]]:
    """Up to ``most`` classes (lowest, highest) of the non-zero counts: one per value when
    there are few, else quantiles. Same counts, same classes.

    >>> classes({"a": 1, "b": 3, "c": 3})
    [(1, 2), (3, 3)]
    >>> classes({str(i): i for i in range(1, 101)})
    [(1, 20), (21, 40), (41, 60), (61, 80), (81, 100)]
    """
    values = sorted(v for v in counts.values() if v > 0)
    if not values:
        return []
    distinct = sorted(set(values))
    if len(distinct) <= most:
        lows = distinct
    else:
        lows = sorted({values[len(values) * k // most] for k in range(most)})
    highs = [low - 1 for low in lows[1:]] + [values[-1]]
    return list(zip(lows, highs, strict=True))


def class_of(count: int, bins: list[tuple[int, int]]) -> int | None:
    """Index of the class of ``count``; None for no action."""
    for index, (low, high) in enumerate(bins):
        if low <= count <= high:
            return index
    return None


def colours(bins: list[tuple[int, int]]) -> list[str]:
    """The palette spread over the classes; below five, its lightest blue (too close to the
    grey of no action) is left out.

    >>> colours([(1, 1), (2, 2)])
    ['#9ecae1', '#08519c']
    """
    n = len(bins)
    shades = PALETTE if n >= len(PALETTE) else PALETTE[1:]
    if n <= 1:
        return [shades[len(shades) // 2]] if n else []
    return [shades[round(i * (len(shades) - 1) / (n - 1))] for i in range(n)]


def _bounds(shapes: list[Shape]) -> tuple[float, float, float, float]:
    xs = [p[0] for s in shapes for poly in s.polygons for ring in poly for p in ring]
    ys = [p[1] for s in shapes for poly in s.polygons for ring in poly for p in ring]
    return min(xs), min(ys), max(xs), max(ys)


def _projector(
    shapes: list[Shape], x0: float, y0: float, width: float, height: float
) -> Callable[[list[float]], tuple[float, float]]:
    west, south, east, north = _bounds(shapes)
    squash = math.cos(math.radians((south + north) / 2))
    scale = min(width / ((east - west) * squash), height / (north - south))
    dx = x0 + (width - (east - west) * squash * scale) / 2
    dy = y0 + (height - (north - south) * scale) / 2
    return lambda p: (dx + (p[0] - west) * squash * scale, dy + (north - p[1]) * scale)


def _path(shape: Shape, project: Callable[[list[float]], tuple[float, float]]) -> str:
    parts = []
    for polygon in shape.polygons:
        for ring in polygon:
            points = [project(p) for p in ring]
            parts.append("M" + "L".join(f"{x:.1f},{y:.1f}" for x, y in points) + "Z")
    return "".join(parts)


def choropleth(
    kind: str,
    counts: dict[str, int],
    links: dict[str, str],
    *,
    title: str,
    unit: str = "action",
) -> str:
    """An SVG map of ``kind`` ("departements" or "regions"), shapes coloured by ``counts``
    (by INSEE code), linked to ``links[code]`` (a relative URL) when given; then its legend."""
    shapes = list(outlines(kind))
    overseas = OVERSEAS_DEPARTEMENTS if kind == "departements" else OVERSEAS_REGIONS
    bins = classes({c: n for c, n in counts.items() if any(s.code == c for s in shapes)})
    fills = colours(bins)
    main = [s for s in shapes if s.code not in overseas]
    inset_shapes = [s for s in shapes if s.code in overseas]
    left = INSET + 24
    projectors = {s.code: _projector(main, left, 8, WIDTH - left - 8, HEIGHT - 16) for s in main}
    frames = []
    for index, shape in enumerate(inset_shapes):
        y = 8 + index * (INSET + 22)
        projectors[shape.code] = _projector([shape], 8, y + 16, INSET, INSET - 8)
        frames.append(
            f'<rect class="encart" x="4" y="{y}" width="{INSET + 8}" height="{INSET + 14}"/>'
            f'<text x="8" y="{y + 12}" class="encart-nom">{esc(shape.name)}</text>'
        )
    drawn = []
    for shape in shapes:
        count = counts.get(shape.code, 0)
        shade = class_of(count, bins)
        css = f"classe-{shade + 1}" if shade is not None else "classe-0"
        fill = fills[shade] if shade is not None else NO_DATA
        plural = "s" if count > 1 else ""
        what = f"{count} {unit}{plural}" if count else f"aucune {unit}"
        path = (
            f'<path class="territoire {css}" data-code="{esc(shape.code)}" data-actions="{count}" '
            f'fill="{fill}" d="{_path(shape, projectors[shape.code])}">'
            f"<title>{esc(shape.name)} ({esc(shape.code)}) : {what}</title></path>"
        )
        if shape.code in links:
            label = f"{esc(shape.name)} : {what}"
            path = f'<a href="{esc(links[shape.code])}" aria-label="{label}">{path}</a>'
        drawn.append(path)
    identifier = f"carte-{kind}"
    legend_items = "".join(
        f'<li><span class="pastille" style="background:{fill}"></span>'
        f"{low if low == high else f'{low} à {high}'} {unit}{'s' if high > 1 else ''}</li>"
        for (low, high), fill in zip(bins, fills, strict=True)
    )
    legend_items += (
        f'<li><span class="pastille" style="background:{NO_DATA}"></span>aucune {unit}</li>'
    )
    return (
        f'<figure class="carte" id="{identifier}">'
        f'<svg viewBox="0 0 {WIDTH} {HEIGHT}" role="group" aria-labelledby="{identifier}-titre">'
        f'<title id="{identifier}-titre">{esc(title)}</title>'
        + "".join(frames)
        + "".join(drawn)
        + f"</svg><figcaption><p>{esc(title)}. Chaque territoire mène à sa page.</p>"
        f'<ul class="legende" aria-label="Légende">{legend_items}</ul></figcaption></figure>'
    )
