"""Boundary files built in code for the tests: squares in lon/lat around Lạng Sơn."""

import io
import json
import math
import zipfile

import shapefile

WGS84_PRJ = (
    'GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984",SPHEROID["WGS_1984",6378137.0,298.257223563]],'
    'PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]]'
)
VN2000_PRJ = (
    'PROJCS["VN_2000_TM_3_Lang_Son",GEOGCS["GCS_VN_2000",DATUM["D_Vietnam_2000",'
    'SPHEROID["WGS_1984",6378137.0,298.257223563]],PRIMEM["Greenwich",0.0],'
    'UNIT["Degree",0.0174532925199433]],PROJECTION["Transverse_Mercator"]]'
)


def square(i: int, size: float = 0.1, points: int = 4) -> list[list[float]]:
    """The i-th cell of a row of squares (or of circles with `points` > 4), closed."""
    lon, lat = 106.2 + (i % 8) * size, 21.5 + (i // 8) * size
    if points <= 4:
        ring = [[lon, lat], [lon + size, lat], [lon + size, lat + size], [lon, lat + size]]
    else:
        r = size / 2
        ring = [
            [
                lon + r + r * math.cos(2 * math.pi * k / points) * (1 + 0.05 * math.sin(k)),
                lat + r + r * math.sin(2 * math.pi * k / points) * (1 + 0.05 * math.cos(3 * k)),
            ]
            for k in range(points)
        ]
    return [*ring, ring[0]]


def geojson(codes, *, key="ma_xa", points=4, geometry="Polygon") -> bytes:
    features = []
    for i, code in enumerate(codes):
        coordinates = [square(i, points=points)]
        if geometry == "MultiPolygon":
            coordinates = [coordinates]
        features.append(
            {
                "type": "Feature",
                "properties": {key: code, "ten_xa": f"Xã {code}"},
                "geometry": {"type": geometry, "coordinates": coordinates},
            }
        )
    return json.dumps({"type": "FeatureCollection", "features": features}).encode()


def zipped_shapefile(codes, *, prj=WGS84_PRJ, numeric=False) -> bytes:
    shp, shx, dbf = io.BytesIO(), io.BytesIO(), io.BytesIO()
    with shapefile.Writer(shp=shp, shx=shx, dbf=dbf, shapeType=shapefile.POLYGON) as w:
        if numeric:
            w.field("MaXa", "N", 10)
        else:
            w.field("MaXa", "C", 10)
        w.field("TenXa", "C", 50)
        for i, code in enumerate(codes):
            w.poly([[tuple(p) for p in square(i)]])
            w.record(int(code) if numeric else code, f"Xã {code}")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xa/ranh_gioi.shp", shp.getvalue())
        z.writestr("xa/ranh_gioi.shx", shx.getvalue())
        z.writestr("xa/ranh_gioi.dbf", dbf.getvalue())
        if prj:
            z.writestr("xa/ranh_gioi.prj", prj)
    return out.getvalue()
