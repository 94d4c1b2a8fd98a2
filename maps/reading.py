"""Reading a province's boundary file within bounds: GeoJSON (a FeatureCollection of Polygon
and MultiPolygon in lon/lat) or a zipped shapefile (.shp, .shx, .dbf, optional .prj and .cpg)
in WGS 84 lon/lat. Everything a user sends is bounded (size, zip members and their expanded
size, features, vertices, time); anything else is refused with its reason in Vietnamese
(BoundaryFileError, a ValidationError)."""

import io
import json
import math
import time
import zipfile
import zlib
from dataclasses import dataclass

import shapefile
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from maps.geometry import Ring

# The bounds (module constants, so tests can lower them).
MAX_BYTES = 20 * 1024 * 1024  # the uploaded file
MAX_MEMBERS = 20  # files in a zip
MAX_EXPANDED_BYTES = 100 * 1024 * 1024  # the zip's members, uncompressed
MAX_RATIO = 200  # uncompressed / compressed, above 1 MB: a zip bomb
MAX_FEATURES = 5000
MAX_VERTICES = 3_000_000
SECONDS = 20  # reading and simplifying, under gunicorn's 30 s worker timeout

# The properties holding a unit's code and name, tried in order when the form names none: the
# names GIS offices use (ma_xa, MaXa, MA_XA...), compared without case and underscores.
CODE_PROPERTIES = ("ma_xa", "maxa", "ma_dvhc", "madvhc", "ma", "code", "commune_code", "id_xa")
NAME_PROPERTIES = ("ten_xa", "tenxa", "ten_dvhc", "ten", "name", "commune_name")


class BoundaryFileError(ValidationError):
    pass


@dataclass
class Feature:
    index: int  # 1-based, as a person counts them in the file
    properties: dict
    rings: list[Ring]  # lon/lat, outer rings and holes alike (drawn even-odd)


def _deadline_check(deadline: float) -> None:
    if time.monotonic() > deadline:
        raise BoundaryFileError(
            _("Xử lý tệp quá %(s)s giây: tệp quá phức tạp, hãy giảm số đỉnh rồi tải lại.")
            % {"s": SECONDS},
            code="timeout",
        )


class _Counter:
    def __init__(self, deadline: float):
        self.vertices = 0
        self.deadline = deadline

    def add(self, n: int) -> None:
        self.vertices += n
        if self.vertices > MAX_VERTICES:
            raise BoundaryFileError(
                _("Tệp có quá nhiều đỉnh (tối đa %(n)s): hãy đơn giản hóa ranh giới rồi tải lại.")
                % {"n": f"{MAX_VERTICES:,}".replace(",", ".")},
                code="too_many_vertices",
            )
        _deadline_check(self.deadline)


def _lonlat_ring(raw, counter: _Counter, index: int) -> Ring:
    if not isinstance(raw, list) or len(raw) < 4:
        raise BoundaryFileError(
            _("Đối tượng thứ %(i)s có vòng ranh giới không hợp lệ (cần ít nhất 4 điểm).")
            % {"i": index},
            code="bad_ring",
        )
    counter.add(len(raw))
    ring = []
    for point in raw:
        if (
            not isinstance(point, list | tuple)
            or len(point) < 2
            or not all(isinstance(v, int | float) and math.isfinite(v) for v in point[:2])
        ):
            raise BoundaryFileError(
                _("Đối tượng thứ %(i)s có tọa độ không phải số.") % {"i": index},
                code="bad_coordinate",
            )
        lon, lat = float(point[0]), float(point[1])
        if not (-180 <= lon <= 180 and -90 <= lat <= 90):
            raise BoundaryFileError(
                _(
                    "Đối tượng thứ %(i)s có tọa độ (%(x)s; %(y)s) không phải kinh độ/vĩ độ: có "
                    "thể là tọa độ phẳng (VN-2000). Hãy xuất lại tệp theo WGS 84 kinh độ/vĩ độ "
                    "(EPSG:4326)."
                )
                % {"i": index, "x": round(lon, 3), "y": round(lat, 3)},
                code="projected",
            )
        ring.append((lon, lat))
    return ring


def read_geojson(data: bytes, deadline: float) -> list[Feature]:
    try:
        doc = json.loads(data)
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        raise BoundaryFileError(
            _("Tệp không phải GeoJSON hợp lệ: %(error)s") % {"error": str(exc)[:200]},
            code="bad_json",
        ) from exc
    if not isinstance(doc, dict) or doc.get("type") != "FeatureCollection":
        raise BoundaryFileError(
            _("Tệp GeoJSON phải là một FeatureCollection (tập các đối tượng)."),
            code="not_collection",
        )
    raw_features = doc.get("features")
    if not isinstance(raw_features, list) or not raw_features:
        raise BoundaryFileError(_("Tệp GeoJSON không có đối tượng nào."), code="empty")
    _check_feature_count(len(raw_features))
    counter = _Counter(deadline)
    features = []
    for i, raw in enumerate(raw_features, start=1):
        geometry = raw.get("geometry") if isinstance(raw, dict) else None
        kind = geometry.get("type") if isinstance(geometry, dict) else None
        coordinates = geometry.get("coordinates") if isinstance(geometry, dict) else None
        if kind == "Polygon" and isinstance(coordinates, list):
            polygons = [coordinates]
        elif kind == "MultiPolygon" and isinstance(coordinates, list):
            polygons = coordinates
        else:
            raise BoundaryFileError(
                _("Đối tượng thứ %(i)s không phải vùng (Polygon hoặc MultiPolygon): %(kind)s.")
                % {"i": i, "kind": str(kind)[:40]},
                code="not_polygon",
            )
        rings = []
        for polygon in polygons:
            if not isinstance(polygon, list):
                raise BoundaryFileError(
                    _("Đối tượng thứ %(i)s có vùng không hợp lệ.") % {"i": i}, code="bad_polygon"
                )
            rings += [_lonlat_ring(r, counter, i) for r in polygon]
        properties = raw.get("properties") or {}
        features.append(Feature(i, properties if isinstance(properties, dict) else {}, rings))
    return features


def _check_feature_count(n: int) -> None:
    if n > MAX_FEATURES:
        raise BoundaryFileError(
            _("Tệp có %(n)s đối tượng, vượt giới hạn %(max)s.") % {"n": n, "max": MAX_FEATURES},
            code="too_many_features",
        )


def _read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, budget: list[int]) -> bytes:
    """A member's bytes, read in chunks against the remaining expanded budget (the sizes in
    a zip's directory can lie)."""
    out = io.BytesIO()
    with archive.open(info) as member:
        while chunk := member.read(1024 * 1024):
            budget[0] -= len(chunk)
            if budget[0] < 0:
                raise _zip_bomb()
            out.write(chunk)
    return out.getvalue()


def _zip_bomb() -> BoundaryFileError:
    return BoundaryFileError(
        _("Tệp nén giải nén ra quá lớn (tối đa %(mb)s MB): không xử lý.")
        % {"mb": MAX_EXPANDED_BYTES // (1024 * 1024)},
        code="zip_bomb",
    )


def read_zipped_shapefile(data: bytes, deadline: float) -> list[Feature]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as exc:
        raise BoundaryFileError(
            _("Tệp .zip bị hỏng hoặc không phải tệp nén."), code="bad_zip"
        ) from exc
    with archive:
        infos = [i for i in archive.infolist() if not i.is_dir()]
        if len(infos) > MAX_MEMBERS:
            raise BoundaryFileError(
                _("Tệp nén có %(n)s tệp, tối đa %(max)s.") % {"n": len(infos), "max": MAX_MEMBERS},
                code="too_many_members",
            )
        expanded = sum(i.file_size for i in infos)
        if expanded > MAX_EXPANDED_BYTES or (
            expanded > 1024 * 1024
            and expanded > MAX_RATIO * max(1, sum(i.compress_size for i in infos))
        ):
            raise _zip_bomb()
        by_ext: dict[str, list[zipfile.ZipInfo]] = {}
        for info in infos:
            name = info.filename.rsplit("/", 1)[-1]
            if name.startswith(".") or info.filename.startswith("__MACOSX/"):
                continue
            stem, _dot, ext = name.rpartition(".")
            by_ext.setdefault(ext.lower(), []).append(info)
        shps = by_ext.get("shp", [])
        if len(shps) != 1:
            raise BoundaryFileError(
                _("Tệp nén phải chứa đúng một tệp .shp (có %(n)s).") % {"n": len(shps)},
                code="shp_count",
            )
        stem = shps[0].filename.rsplit(".", 1)[0].lower()

        def sibling(ext: str) -> zipfile.ZipInfo | None:
            return next(
                (i for i in by_ext.get(ext, []) if i.filename.rsplit(".", 1)[0].lower() == stem),
                None,
            )

        missing = [ext for ext in ("shx", "dbf") if sibling(ext) is None]
        if missing:
            raise BoundaryFileError(
                _("Thiếu tệp %(files)s đi kèm tệp .shp.")
                % {"files": ", ".join(f".{m}" for m in missing)},
                code="shp_incomplete",
            )
        try:
            return _read_shapefile_members(archive, shps[0], sibling, deadline)
        except (zipfile.BadZipFile, zlib.error, NotImplementedError, RuntimeError, EOFError) as exc:
            # A damaged member, an unsupported compression, an encrypted member.
            raise BoundaryFileError(
                _("Không giải nén được tệp .zip: %(error)s") % {"error": str(exc)[:200]},
                code="bad_zip",
            ) from exc


def _read_shapefile_members(archive, shp_info, sibling, deadline: float) -> list[Feature]:
    budget = [MAX_EXPANDED_BYTES]
    prj = sibling("prj")
    if prj is not None:
        _check_prj(_read_member(archive, prj, budget).decode("latin-1"))
    cpg = sibling("cpg")
    encoding = "utf-8"
    if cpg is not None:
        declared = _read_member(archive, cpg, budget).decode("latin-1").strip().lower()
        encoding = {"65001": "utf-8", "utf8": "utf-8", "1258": "cp1258"}.get(declared, declared)
        try:
            "".encode(encoding)
        except LookupError:
            encoding = "utf-8"
    shp, shx, dbf = (
        _read_member(archive, i, budget) for i in (shp_info, sibling("shx"), sibling("dbf"))
    )
    return _shapes(shp, shx, dbf, encoding, deadline)


def _check_prj(wkt: str) -> None:
    """Lon/lat only: a projected system (PROJCS: VN-2000 / TM-3, UTM...) is refused."""
    head = wkt.lstrip().upper()
    if head.startswith("PROJCS") or head.startswith("PROJCRS"):
        name = wkt.split('"')[1] if '"' in wkt else "?"
        raise BoundaryFileError(
            _(
                "Tệp dùng hệ tọa độ phẳng (%(name)s), chưa được hỗ trợ. Hãy xuất lại tệp theo "
                "WGS 84 kinh độ/vĩ độ (EPSG:4326), ví dụ trong QGIS: Xuất → Lưu đối tượng "
                "thành… → Hệ tọa độ EPSG:4326."
            )
            % {"name": name[:80]},
            code="projected",
        )


def _shapes(shp: bytes, shx: bytes, dbf: bytes, encoding: str, deadline: float) -> list[Feature]:
    try:
        reader = shapefile.Reader(
            shp=io.BytesIO(shp),
            shx=io.BytesIO(shx),
            dbf=io.BytesIO(dbf),
            encoding=encoding,
            encodingErrors="replace",
        )
    except Exception as exc:  # pyshp raises its own and struct errors on bad headers
        raise BoundaryFileError(
            _("Không đọc được shapefile: %(error)s") % {"error": str(exc)[:200]}, code="bad_shp"
        ) from exc
    with reader:
        if reader.shapeType not in (shapefile.POLYGON, shapefile.POLYGONZ, shapefile.POLYGONM):
            raise BoundaryFileError(
                _("Shapefile phải chứa vùng (polygon), không phải %(kind)s.")
                % {"kind": reader.shapeTypeName},
                code="not_polygon",
            )
        _check_feature_count(len(reader))
        counter = _Counter(deadline)
        features = []
        try:
            for i, record in enumerate(reader.iterShapeRecords(), start=1):
                shape = record.shape
                points = [list(p) for p in shape.points]
                bounds = [*shape.parts, len(points)]
                rings = [
                    _lonlat_ring(points[a:b], counter, i)
                    for a, b in zip(bounds, bounds[1:], strict=False)
                ]
                features.append(Feature(i, record.record.as_dict(), rings))
        except BoundaryFileError:
            raise
        except Exception as exc:
            raise BoundaryFileError(
                _("Shapefile bị hỏng ở đối tượng thứ %(i)s: %(error)s")
                % {"i": len(features) + 1, "error": str(exc)[:200]},
                code="bad_shp",
            ) from exc
    if not features:
        raise BoundaryFileError(_("Shapefile không có đối tượng nào."), code="empty")
    return features


def read_boundary_file(name: str, data: bytes, *, deadline: float) -> list[Feature]:
    """The features of an uploaded file, by its content: a zip (shapefile) or GeoJSON."""
    if len(data) > MAX_BYTES:
        raise file_too_large(len(data))
    if data[:4] == b"PK\x03\x04":
        return read_zipped_shapefile(data, deadline)
    if name.lower().endswith((".zip", ".shp")):
        raise BoundaryFileError(
            _("Shapefile phải được nén thành một tệp .zip gồm .shp, .shx, .dbf (và .prj)."),
            code="bad_zip",
        )
    return read_geojson(data, deadline)


def file_too_large(size: int) -> BoundaryFileError:
    return BoundaryFileError(
        _("Tệp quá lớn (%(size)s MB; tối đa %(max)s MB).")
        % {"size": round(size / 1024 / 1024, 1), "max": MAX_BYTES // (1024 * 1024)},
        code="too_large",
    )


def property_names(features: list[Feature]) -> list[str]:
    names: dict[str, None] = {}
    for f in features[:50]:
        names.update(dict.fromkeys(f.properties))
    return list(names)


def pick_property(features: list[Feature], asked: str, candidates: tuple[str, ...]) -> str | None:
    """The property the form named (which must exist), else the first of `candidates` present
    (compared without case and underscores), else None."""
    names = property_names(features)
    if asked:
        return asked if asked in names else None
    folded = {n.lower().replace("_", ""): n for n in names}
    for candidate in candidates:
        if candidate.replace("_", "") in folded:
            return folded[candidate.replace("_", "")]
    return None


def unit_code(value) -> str:
    """A code as the GSO writes it: five digits (a shapefile's number 6475 is "06475")."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value if value is not None else "").strip()
    if text.endswith(".0") and text[:-2].isdigit():
        text = text[:-2]
    return text.zfill(5) if text.isdigit() and len(text) < 5 else text
