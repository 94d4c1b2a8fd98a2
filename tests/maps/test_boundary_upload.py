"""Uploading a province's boundary file: matching by code and day, bounds, refusals."""

import datetime
import io
import zipfile

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from maps import reading
from maps.geometry import douglas_peucker
from maps.models import BoundaryFile, UnitShape
from maps.services import boundary_upload
from tests.maps.files import VN2000_PRJ, geojson, zipped_shapefile

pytestmark = pytest.mark.django_db
DAY = datetime.date(2027, 1, 1)
REFORM_DAY = datetime.date(2025, 7, 1)


def upload(province, data, *, day=DAY, name="xa.geojson", **kwargs):
    return boundary_upload(
        province=province, name=name, data=data, describes_on=day, source="Sở NN&MT", **kwargs
    )


def test_it_matches_features_of_a_province_with_districts(world):
    boundary = upload(world.province, geojson(["98101", "98102", "99999"]), user=world.admin)
    shapes = {s.commune.code: s for s in UnitShape.objects.filter(boundary=boundary)}
    assert set(shapes) == {"98101", "98102"}
    assert shapes["98101"].commune == world.commune_a1
    assert shapes["98101"].path.startswith("M") and shapes["98101"].path.endswith("z")
    report = boundary.report
    assert report["features"] == 3
    assert report["matched"] == ["98101", "98102"]
    assert [(u["index"], u["code"]) for u in report["unmatched"]] == [(3, "99999")]
    # Units of the province on the day without a feature: B1 (the other province's is not).
    assert [m["code"] for m in report["missing"]] == ["98201"]
    assert boundary.code_property == "ma_xa" and boundary.uploaded_by == world.admin


def test_reused_codes_are_matched_to_the_unit_of_the_day(reform_world):
    w = reform_world
    after = upload(w.province, geojson(["96101", "96104", "96110"]), day=REFORM_DAY)
    assert {s.commune for s in after.shapes.all()} == {w.dong_tay, w.bac_son, w.ward}
    before = upload(
        w.province,
        geojson(["96101", "96104", "96110"]),
        day=REFORM_DAY - datetime.timedelta(days=1),
    )
    assert {s.commune for s in before.shapes.all()} == {w.old_dong, w.old_bac}
    assert [u["code"] for u in before.report["unmatched"]] == ["96110"]  # the ward came later
    assert {m["code"] for m in before.report["missing"]} == {"96102", "96103"}


def test_the_latest_file_with_units_of_the_day_is_drawn(reform_world):
    w = reform_world
    upload(w.province, geojson(["96101", "96104"]), day=REFORM_DAY - datetime.timedelta(days=1))
    new = upload(w.province, geojson(["96101", "96104", "96110"]), day=REFORM_DAY)
    shapes = UnitShape.objects.for_area_on(
        province_id=w.province.pk, day=datetime.date(2026, 12, 31)
    )
    assert {s.boundary for s in shapes} == {new}
    old_shapes = UnitShape.objects.for_area_on(
        province_id=w.province.pk, day=datetime.date(2024, 12, 31)
    )
    assert {s.commune for s in old_shapes} == {w.old_dong, w.old_bac}


def test_a_zipped_shapefile_with_numeric_codes_is_read(reform_world):
    w = reform_world
    boundary = upload(
        w.province,
        zipped_shapefile(["96101", "96104"], numeric=True),
        name="xa.zip",
        day=REFORM_DAY,
    )
    assert boundary.code_property == "MaXa"  # found among the defaults, whatever its case
    assert sorted(boundary.report["matched"]) == ["96101", "96104"]


def test_codes_written_as_numbers_get_their_leading_zero():
    assert reading.unit_code(6475) == "06475"
    assert reading.unit_code(6475.0) == "06475"
    assert reading.unit_code(" 06475 ") == "06475"


def test_the_form_names_the_property(world):
    boundary = upload(world.province, geojson(["98101"], key="XA_ID"), code_property="XA_ID")
    assert boundary.report["matched"] == ["98101"]


def test_without_a_code_property_it_lists_the_properties(world):
    with pytest.raises(reading.BoundaryFileError) as exc:
        upload(world.province, geojson(["98101"], key="XA_ID"))
    assert exc.value.code == "no_code_property"
    assert "XA_ID" in exc.value.messages[0]
    assert not BoundaryFile.objects.filter(province=world.province).exists()


@pytest.mark.parametrize(
    "data, code, words",
    [
        (b"{not json", "bad_json", "không phải GeoJSON"),
        (b'{"type": "Feature"}', "not_collection", "FeatureCollection"),
        (
            b'{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {},'
            b' "geometry": {"type": "Point", "coordinates": [106, 21]}}]}',
            "not_polygon",
            "không phải vùng",
        ),
        (
            b'{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {},'
            b' "geometry": {"type": "Polygon", "coordinates": [[[430000, 2400000], [431000,'
            b" 2400000], [431000, 2401000], [430000, 2400000]]]}}]}",
            "projected",
            "VN-2000",
        ),
        (b"PK\x03\x04garbage", "bad_zip", "bị hỏng"),
    ],
)
def test_a_malformed_file_is_refused_with_its_reason(world, data, code, words):
    with pytest.raises(reading.BoundaryFileError) as exc:
        upload(world.province, data)
    assert exc.value.code == code
    assert words in exc.value.messages[0]
    assert not BoundaryFile.objects.filter(province=world.province).exists()


def test_a_projected_shapefile_is_refused(world):
    with pytest.raises(reading.BoundaryFileError) as exc:
        upload(world.province, zipped_shapefile(["98101"], prj=VN2000_PRJ), name="xa.zip")
    assert exc.value.code == "projected"
    assert "VN_2000_TM_3_Lang_Son" in exc.value.messages[0]
    assert "EPSG:4326" in exc.value.messages[0]


def test_a_shapefile_without_its_dbf_is_refused(world):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("a.shp", b"x")
        z.writestr("a.shx", b"x")
    with pytest.raises(reading.BoundaryFileError) as exc:
        upload(world.province, out.getvalue(), name="a.zip")
    assert exc.value.code == "shp_incomplete" and ".dbf" in exc.value.messages[0]


def test_a_zip_bomb_is_refused(world):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("a.shp", b"\0" * (30 * 1024 * 1024))  # 30 MB of zeros: ~30 KB compressed
        z.writestr("a.shx", b"x")
        z.writestr("a.dbf", b"x")
    assert len(out.getvalue()) < 100_000
    with pytest.raises(reading.BoundaryFileError) as exc:
        upload(world.province, out.getvalue(), name="a.zip")
    assert exc.value.code == "zip_bomb"
    assert "giải nén ra quá lớn" in exc.value.messages[0]


def test_too_many_features_and_vertices_are_refused(world, monkeypatch):
    monkeypatch.setattr(reading, "MAX_FEATURES", 2)
    with pytest.raises(reading.BoundaryFileError) as exc:
        upload(world.province, geojson(["98101", "98102", "98201"]))
    assert exc.value.code == "too_many_features"
    monkeypatch.setattr(reading, "MAX_VERTICES", 100)
    with pytest.raises(reading.BoundaryFileError) as exc:
        upload(world.province, geojson(["98101"], points=200))
    assert exc.value.code == "too_many_vertices"


def test_the_time_budget_is_kept(world, monkeypatch):
    monkeypatch.setattr(reading, "SECONDS", -1)
    with pytest.raises(reading.BoundaryFileError) as exc:
        upload(world.province, geojson(["98101"]))
    assert exc.value.code == "timeout"


def test_shapes_are_simplified_once_on_upload(world):
    boundary = upload(world.province, geojson(["98101", "98102"], points=5000), user=world.admin)
    shapes = list(boundary.shapes.all())
    assert sum(s.vertices for s in shapes) <= 300  # from 10,000
    assert boundary.report["vertices"] == sum(s.vertices for s in shapes)


def test_douglas_peucker_keeps_the_corners_only():
    line = [(float(x), 0.0) for x in range(10)] + [(9.0, float(y)) for y in range(1, 10)]
    assert douglas_peucker(line, 0.5) == [(0.0, 0.0), (9.0, 0.0), (9.0, 9.0)]


# --- The pages ------------------------------------------------------------------------------


def test_province_staff_upload_and_read_the_report(client, world):
    client.force_login(world.province_staff)
    url = reverse("maps:boundary_list", args=["98"])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "file": SimpleUploadedFile("xa.geojson", geojson(["98101", "99999"])),
            "describes_on": "2027-01-01",
            "source": "Sở NN&MT",
        },
    )
    boundary = BoundaryFile.objects.get(province=world.province)
    assert response.status_code == 302 and response["Location"] == boundary.get_absolute_url()
    body = client.get(boundary.get_absolute_url()).content.decode()
    assert "Số xã khớp (đã lưu hình, đơn giản hóa một lần): 1" in body
    assert "99999" in body and "Xã Hai" in body  # unmatched feature, unit without a feature


def test_an_oversized_file_is_refused_by_the_page(client, world, monkeypatch):
    monkeypatch.setattr(reading, "MAX_BYTES", 100)
    client.force_login(world.province_staff)
    response = client.post(
        reverse("maps:boundary_list", args=["98"]),
        {
            "file": SimpleUploadedFile("xa.geojson", geojson(["98101"])),
            "describes_on": "2027-01-01",
            "source": "Sở NN&MT",
        },
    )
    assert response.status_code == 400
    assert "Tệp quá lớn" in response.content.decode()
    assert not BoundaryFile.objects.filter(province=world.province).exists()


def test_a_malformed_file_is_refused_by_the_page(client, world):
    client.force_login(world.province_staff)
    response = client.post(
        reverse("maps:boundary_list", args=["98"]),
        {
            "file": SimpleUploadedFile("xa.geojson", b"{oops"),
            "describes_on": "2027-01-01",
            "source": "Sở NN&MT",
        },
    )
    assert response.status_code == 400
    assert "Tệp không phải GeoJSON hợp lệ" in response.content.decode()


def test_other_province_staff_cannot_upload(client, world):
    client.force_login(world.other_province_staff)
    assert client.get(reverse("maps:boundary_list", args=["98"])).status_code == 404
    with pytest.raises(PermissionDenied):
        upload(world.province, geojson(["98101"]), user=world.other_province_staff)
