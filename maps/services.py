"""Writing boundary files: the one entry point of the upload page, the admin and the demo."""

import datetime
import hashlib
import time

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import roles
from communes.models import Commune, Province
from communes.versions import bump_data_version
from maps import reading
from maps.geometry import GeometryTimeout, frame_for, simplify_units
from maps.models import BoundaryFile, UnitShape


def boundary_upload(
    *,
    province: Province,
    name: str,
    data: bytes,
    describes_on: datetime.date,
    source: str,
    user=None,
    code_property: str = "",
    name_property: str = "",
    is_illustrative: bool = False,
) -> BoundaryFile:
    """Read `data` (GeoJSON or a zipped shapefile), match each feature to the unit of
    `province` carrying its code on `describes_on` (codes were reused: the day picks the unit),
    simplify the matched shapes once and store them with the report of what matched. Raises
    BoundaryFileError (the reason in Vietnamese) and stores nothing when the file is refused;
    PermissionDenied when `user` may not (None: the operator or the demo seeder)."""
    if user is not None and not roles.can_manage_boundaries(user, province):
        raise PermissionDenied
    deadline = time.monotonic() + reading.SECONDS
    features = reading.read_boundary_file(name, data, deadline=deadline)
    code_key = reading.pick_property(features, code_property, reading.CODE_PROPERTIES)
    if code_key is None:
        raise reading.BoundaryFileError(
            _(
                "Không tìm thấy thuộc tính chứa mã xã%(asked)s. Các thuộc tính có trong tệp: "
                "%(names)s. Hãy chọn thuộc tính chứa mã xã rồi tải lại."
            )
            % {
                "asked": f" «{code_property}»" if code_property else "",
                "names": ", ".join(reading.property_names(features)[:30]) or "—",
            },
            code="no_code_property",
        )
    name_key = reading.pick_property(features, name_property, reading.NAME_PROPERTIES) or ""
    units = {
        c.code: c
        for c in Commune.objects.of_area(on=describes_on, province=province).order_by("code")
    }
    rings: dict[str, list] = {}
    unmatched = []
    for f in features:
        code = reading.unit_code(f.properties.get(code_key))
        label = str(f.properties.get(name_key, ""))[:100] if name_key else ""
        if code in units:
            rings.setdefault(code, []).extend(f.rings)
        else:
            unmatched.append(
                {"index": f.index, "code": code[:20], "name": label, "reason": _unmatched(code)}
            )
    if not rings:
        raise reading.BoundaryFileError(
            _(
                "Không đối tượng nào khớp với mã của các đơn vị của %(province)s ngày %(day)s "
                "(thuộc tính «%(key)s», ví dụ «%(example)s»): hãy kiểm tra thuộc tính mã xã và "
                "ngày của ranh giới."
            )
            % {
                "province": province,
                "day": describes_on.strftime("%d/%m/%Y"),
                "key": code_key,
                "example": unmatched[0]["code"] if unmatched else "",
            },
            code="nothing_matched",
        )
    frame = frame_for([r for unit_rings in rings.values() for r in unit_rings])
    try:
        shapes = simplify_units(rings, frame, deadline=deadline)
    except GeometryTimeout as exc:
        raise reading.BoundaryFileError(
            _("Xử lý tệp quá %(s)s giây: tệp quá phức tạp, hãy giảm số đỉnh rồi tải lại.")
            % {"s": reading.SECONDS},
            code="timeout",
        ) from exc
    report = {
        "features": len(features),
        "matched": sorted(rings),
        "unmatched": unmatched[:500],
        "unmatched_count": len(unmatched),
        "missing": [
            {"code": c.code, "name": str(c)} for code, c in units.items() if code not in rings
        ],
        "vertices": sum(v for _p, v in shapes.values()),
    }
    with transaction.atomic():
        boundary = BoundaryFile.objects.create(
            province=province,
            describes_on=describes_on,
            source=source,
            is_illustrative=is_illustrative,
            file_name=name[:200],
            file_size=len(data),
            sha256=hashlib.sha256(data).hexdigest(),
            code_property=code_key,
            name_property=name_key,
            width=frame.width,
            height=frame.height,
            report=report,
            uploaded_by=user,
            uploaded_at=timezone.now(),
        )
        UnitShape.objects.bulk_create(
            UnitShape(boundary=boundary, commune=units[code], path=path, vertices=n)
            for code, (path, n) in sorted(shapes.items())
        )
        # The province's reports draw the map: cached pages and files follow the new one.
        bump_data_version(province_ids=[province.pk])
    return boundary


def _unmatched(code: str) -> str:
    if not code:
        return _("không có mã")
    return _("không có đơn vị mang mã này vào ngày của ranh giới")
