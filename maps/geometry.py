"""Shapes made small once, on upload: lon/lat rings projected onto a plane, simplified and
written as SVG path data, so drawing a province's map is string concatenation.

The projection is equirectangular with the longitudes scaled by cos(mean latitude): within one
province (a few hundred kilometres) the distortion is invisible at the size of a report page.
Simplification is Douglas–Peucker per ring on the projected points, with a tolerance raised
until the whole file fits VERTEX_BUDGET; neighbouring units' shared borders are simplified
apart, which can leave slivers a pixel wide, unseen at this scale.
"""

import math
import time
from collections.abc import Sequence
from dataclasses import dataclass

Point = tuple[float, float]
Ring = list[Point]

# The drawing's width in SVG user units; the height follows the province's shape (capped).
WIDTH = 800
MAX_HEIGHT = 1000
# The vertices of the whole map after simplification (~65 units under 100 KB of SVG), and of
# each unit on average.
VERTEX_BUDGET = 9000
UNIT_VERTEX_BUDGET = 150
# The first tolerance, in user units (one unit ~ 0.2 km for Lạng Sơn).
FIRST_TOLERANCE = 0.6
# Rings smaller than this (square user units) are dropped, except a unit's largest one.
MIN_RING_AREA = 2.0


class GeometryTimeout(Exception):
    """The time budget ran out while simplifying."""


@dataclass(frozen=True)
class Frame:
    """The projection of one file: every unit of it is drawn in the same frame."""

    min_lon: float
    max_lat: float
    kx: float  # cos(mean latitude)
    scale: float
    width: int
    height: int

    def project(self, lon: float, lat: float) -> Point:
        return ((lon - self.min_lon) * self.kx * self.scale, (self.max_lat - lat) * self.scale)


def frame_for(rings: Sequence[Sequence[Point]]) -> Frame:
    """The frame holding every ring of the file (lon/lat pairs)."""
    lons = [p[0] for ring in rings for p in ring]
    lats = [p[1] for ring in rings for p in ring]
    min_lon, max_lon, min_lat, max_lat = min(lons), max(lons), min(lats), max(lats)
    kx = math.cos(math.radians((min_lat + max_lat) / 2))
    span_x = max((max_lon - min_lon) * kx, 1e-9)
    span_y = max(max_lat - min_lat, 1e-9)
    scale = min(WIDTH / span_x, MAX_HEIGHT / span_y)
    return Frame(
        min_lon, max_lat, kx, scale, math.ceil(span_x * scale), max(1, math.ceil(span_y * scale))
    )


def _perpendicular(p: Point, a: Point, b: Point) -> float:
    dx, dy = b[0] - a[0], b[1] - a[1]
    if dx == 0 and dy == 0:
        return math.hypot(p[0] - a[0], p[1] - a[1])
    return abs(dy * p[0] - dx * p[1] + b[0] * a[1] - b[1] * a[0]) / math.hypot(dx, dy)


def douglas_peucker(
    points: Sequence[Point], tolerance: float, deadline: float | None = None
) -> list[Point]:
    """The points of `points` kept by Douglas–Peucker at `tolerance` (iterative: a ring of
    100,000 points does not reach Python's recursion limit). The first and last points stay."""
    n = len(points)
    if n < 3:
        return list(points)
    keep = [False] * n
    keep[0] = keep[-1] = True
    stack = [(0, n - 1)]
    while stack:
        if deadline is not None and time.monotonic() > deadline:
            raise GeometryTimeout
        first, last = stack.pop()
        worst, index = 0.0, -1
        a, b = points[first], points[last]
        for i in range(first + 1, last):
            d = _perpendicular(points[i], a, b)
            if d > worst:
                worst, index = d, i
        if index != -1 and worst > tolerance:
            keep[index] = True
            stack.append((first, index))
            stack.append((index, last))
    return [p for p, k in zip(points, keep, strict=True) if k]


def simplify_ring(ring: Ring, tolerance: float, deadline: float | None = None) -> Ring:
    """A closed ring simplified: split at its farthest point from the start, so the two halves
    are open lines (Douglas–Peucker on a closed line keeps nothing but its ends)."""
    if ring and ring[0] == ring[-1]:
        ring = ring[:-1]
    if len(ring) < 4:
        return ring
    start = ring[0]
    far = max(
        range(len(ring)), key=lambda i: (ring[i][0] - start[0]) ** 2 + (ring[i][1] - start[1]) ** 2
    )
    first = douglas_peucker(ring[: far + 1], tolerance, deadline)
    second = douglas_peucker([*ring[far:], start], tolerance, deadline)
    return first[:-1] + second[:-1]


def ring_area(ring: Ring) -> float:
    return (
        abs(sum(a[0] * b[1] - b[0] * a[1] for a, b in zip(ring, [*ring[1:], ring[0]], strict=True)))
        / 2
    )


def path_data(rings: Sequence[Ring]) -> tuple[str, int]:
    """SVG path data of projected rings, on whole user units, relative moves after the first
    point of each ring (the deltas of rounded points: no drift), and its vertex count."""
    parts, count = [], 0
    for ring in rings:
        pts = []
        for x, y in ring:
            p = (round(x), round(y))
            if not pts or p != pts[-1]:
                pts.append(p)
        if len(pts) > 1 and pts[0] == pts[-1]:
            pts.pop()
        if len(pts) < 3:
            continue
        deltas = " ".join(
            f"{b[0] - a[0]} {b[1] - a[1]}" for a, b in zip(pts, pts[1:], strict=False)
        )
        parts.append(f"M{pts[0][0]} {pts[0][1]}l{deltas}z")
        count += len(pts)
    return "".join(parts), count


def simplify_units(
    units: dict[str, list[Ring]], frame: Frame, *, deadline: float | None = None
) -> dict[str, tuple[str, int]]:
    """Each unit's lon/lat rings as (path data, vertices), projected in `frame` and simplified
    with the smallest tolerance (from FIRST_TOLERANCE, doubling) whose total stays within
    the budget (UNIT_VERTEX_BUDGET a unit, VERTEX_BUDGET in all).
    GeometryTimeout past `deadline` (time.monotonic())."""
    projected = {
        key: [[frame.project(lon, lat) for lon, lat in ring] for ring in rings]
        for key, rings in units.items()
    }
    budget = min(VERTEX_BUDGET, UNIT_VERTEX_BUDGET * max(1, len(units)))
    tolerance = FIRST_TOLERANCE
    while True:
        out, total = {}, 0
        for key, rings in projected.items():
            if deadline is not None and time.monotonic() > deadline:
                raise GeometryTimeout
            simple = [simplify_ring(r, tolerance, deadline) for r in rings]
            simple = [r for r in simple if len(r) >= 3]
            if simple:
                largest = max(simple, key=ring_area)
                simple = [r for r in simple if r is largest or ring_area(r) >= MIN_RING_AREA]
            out[key] = path_data(simple)
            total += out[key][1]
        if total <= budget or tolerance > WIDTH:
            return out
        tolerance *= 2
