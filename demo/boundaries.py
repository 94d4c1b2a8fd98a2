"""An illustrative boundary file for the demo: invented shapes (Voronoi cells of seeded points
inside an ellipse around Lạng Sơn), one per unit of 01/07/2025, so `make run` shows the
province report's map. They are NOT the real boundaries: the file is marked illustrative and
the map says "minh họa — không phải ranh giới thật"."""

import datetime
import json
import math
import random

from communes.models import TWO_TIER_START, Commune, Province
from maps.models import BoundaryFile
from maps.services import boundary_upload

SEED = "ntm-demo-boundaries"
# Around Lạng Sơn (lon 106.1-107.4, lat 21.3-22.5): the ellipse's centre and half-axes.
CENTRE = (106.75, 21.85)
HALF_AXES = (0.62, 0.55)
SOURCE = "Dữ liệu minh họa (demo) — không phải ranh giới thật"

Point = tuple[float, float]


def _clip(polygon: list[Point], a: float, b: float, c: float) -> list[Point]:
    """The part of a convex polygon where a*x + b*y <= c (Sutherland–Hodgman, one edge)."""
    out: list[Point] = []
    for i, p in enumerate(polygon):
        q = polygon[(i + 1) % len(polygon)]
        fp, fq = a * p[0] + b * p[1] - c, a * q[0] + b * q[1] - c
        if fp <= 0:
            out.append(p)
        if (fp < 0) != (fq < 0) and fp != fq:
            t = fp / (fp - fq)
            out.append((p[0] + t * (q[0] - p[0]), p[1] + t * (q[1] - p[1])))
    return out


def _outline(points: int = 48) -> list[Point]:
    cx, cy = CENTRE
    rx, ry = HALF_AXES
    return [
        (cx + rx * math.cos(2 * math.pi * k / points), cy + ry * math.sin(2 * math.pi * k / points))
        for k in range(points)
    ]


def voronoi_cells(n: int, seed: str = SEED) -> list[list[Point]]:
    """`n` convex cells tiling the ellipse, the same for the same seed."""
    rng = random.Random(seed)
    cx, cy = CENTRE
    rx, ry = HALF_AXES
    sites: list[Point] = []
    while len(sites) < n:
        x, y = rng.uniform(-1, 1), rng.uniform(-1, 1)
        if x * x + y * y < 0.85:
            sites.append((cx + rx * x, cy + ry * y))
    sites.sort(key=lambda s: (-round(s[1], 1), s[0]))  # north to south, west to east
    cells = []
    for i, s in enumerate(sites):
        cell = _outline()
        for j, t in enumerate(sites):
            if i == j or not cell:
                continue
            # Nearer to s than to t: (t - s)·p <= (|t|² - |s|²) / 2.
            a, b = t[0] - s[0], t[1] - s[1]
            cell = _clip(cell, a, b, (t[0] ** 2 + t[1] ** 2 - s[0] ** 2 - s[1] ** 2) / 2)
        cells.append(cell)
    return cells


def illustrative_geojson(units: list[Commune]) -> bytes:
    """A FeatureCollection with one invented cell per unit, its code in `ma_xa`."""
    features = []
    for unit, cell in zip(units, voronoi_cells(len(units)), strict=True):
        ring = [[round(x, 5), round(y, 5)] for x, y in cell]
        features.append(
            {
                "type": "Feature",
                "properties": {"ma_xa": unit.code, "ten_xa": unit.name},
                "geometry": {"type": "Polygon", "coordinates": [[*ring, ring[0]]]},
            }
        )
    return json.dumps({"type": "FeatureCollection", "features": features}).encode()


def seed_demo_boundaries(
    province_code: str = "20", day: datetime.date = TWO_TIER_START
) -> BoundaryFile | None:
    """Upload the illustrative file of the province's units of `day` once (None when one is
    there already, or when the units of that day are not loaded)."""
    province = Province.objects.with_code(province_code).first()
    if province is None or BoundaryFile.objects.filter(province=province, is_illustrative=True):
        return None
    units = list(Commune.objects.of_area(on=day, province=province).order_by("code"))
    if not units:
        return None
    return boundary_upload(
        province=province,
        name="ranh-gioi-minh-hoa.geojson",
        data=illustrative_geojson(units),
        describes_on=day,
        source=SOURCE,
        is_illustrative=True,
    )
