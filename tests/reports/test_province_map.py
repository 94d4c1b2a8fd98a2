"""The province report's map: statuses from the report's own figures, legend counts, the page,
the PDF, its size, and the page without a boundary file."""

import datetime
import re

import pytest
from django.urls import reverse

from communes.models import Commune
from maps.services import boundary_upload
from reports import rendering
from reports.areas import area_for
from reports.context import report_context
from reports.figures import report_figures
from reports.maps import ProvinceMap
from tests.base import make_assessment, make_commune, make_province, make_unit
from tests.maps.files import geojson
from tests.reports.test_across_sets import pdf_text

pytestmark = pytest.mark.django_db
URL = reverse("reports:province_report", args=["98", 2027])


def upload(province, codes, day=datetime.date(2027, 1, 1), **kwargs):
    return boundary_upload(
        province=province,
        name="xa.geojson",
        data=geojson(codes, **kwargs),
        describes_on=day,
        source="Sở NN&MT tỉnh Thử",
    )


@pytest.fixture
def mapped(report_world):
    """The report world with a near-standard band (missing 1 of 3) and two more communes of
    district B: one near the standard (2 met), one further (1 met), and a boundary file of
    every unit of 2027."""
    w = report_world
    w.cset.near_standard_missing = 1
    w.cset.save()
    w.near = make_commune(w.district_b, "98202", "Xã Gần")
    w.far = make_commune(w.district_b, "98203", "Xã Xa")
    make_assessment(w.near, 2027, w.cset, met=2)
    make_assessment(w.far, 2027, w.cset, met=1)
    w.boundary = upload(w.province, ["98101", "98102", "98201", "98202", "98203", "98109"])
    return w


def statuses(body: str) -> dict[str, str]:
    return dict(re.findall(r'data-unit="(\d+)" data-status="(\w+)"', body))


def legend(body: str) -> dict[str, int]:
    return {
        k: int(n)
        for k, n in re.findall(
            r'data-legend-status="(\w+)">.*?<strong data-count>(\d+)</strong>', body
        )
    }


def test_the_map_colours_each_unit_by_the_reports_figures(client, mapped):
    client.force_login(mapped.province_staff)
    response = client.get(URL)
    body = response.content.decode()
    assert statuses(body) == {
        "98101": "certified",
        "98102": "all_met",  # 3 of 3, its decision revoked
        "98201": "not_assessed",  # only a submitted assessment: not in the official report
        "98202": "near",
        "98203": "far",
        "98109": "outside",  # a ward
    }
    f = response.context["figures"]
    counts = legend(body)
    # The legend counts are the report's own figures.
    assert counts["certified"] == f.headline.certified == 1
    assert counts["near"] == len(f.near_standard) == 1
    assert counts["not_assessed"] == f.headline.not_assessed == 1
    assert counts["far"] == 1 and counts["all_met"] == 1 and counts["outside"] == 1
    assert sum(v for k, v in counts.items() if k != "outside") == f.headline.communes
    # Accessible: an image with a name, a title per shape, a table for screen readers.
    assert 'role="img" aria-label="Bản đồ kết quả' in body
    assert "<title>Xã Xã Gần (98202): Gần đạt chuẩn (thiếu 1–1 tiêu chí)</title>" in body
    assert 'data-table="map"' in body
    # The shapes are the stored ones, not the file's.
    shape = mapped.boundary.shapes.get(commune=mapped.commune_a1)
    assert f'd="{shape.path}"' in body


def test_the_provisional_report_colours_by_its_own_figures(client, mapped):
    client.force_login(mapped.province_staff)
    body = client.get(URL + "?provisional=1").content.decode()
    assert statuses(body)["98201"] == "far"  # its submitted assessment counts: 1 of 3


def test_the_map_is_in_the_pdf(mapped, tmp_path):
    ctx = report_context(area_for("province", "98"), 2027, provisional=False)
    text = pdf_text(rendering.render_file(ctx, "pdf"), tmp_path)
    assert "Bản đồ kết quả theo xã, ngày 31/12/2027" in text
    assert "Đạt chuẩn nông thôn mới: 1" in text
    assert "Gần đạt chuẩn (thiếu 1–1 tiêu chí): 1" in text
    assert "Không thuộc chương trình (phường, đặc khu...): 1" in text


def test_the_map_stays_small_for_a_province_of_65_units(world):
    province = make_province(code="95", name="Tỉnh Lớn")
    codes = [f"95{n:03d}" for n in range(1, 66)]
    for code in codes:
        make_unit(province, code, f"Xã {code}", valid_from=datetime.date(2025, 7, 1))
    upload(province, codes, day=datetime.date(2026, 1, 1), points=3000)  # 195,000 vertices
    figures = report_figures(2027, communes=Commune.objects.filter(province=province))
    drawing = ProvinceMap(province.pk, figures).drawing
    assert drawing.svg.count("data-unit=") == 65
    assert drawing.size < 100_000


def test_the_map_follows_the_units_of_the_reports_day(client, reform_world):
    w = reform_world
    upload(w.province, ["96101", "96104", "96110"], day=datetime.date(2025, 7, 1))
    client.force_login(w.province_staff)
    body = client.get(reverse("reports:province_report", args=["96", 2026])).content.decode()
    assert set(statuses(body)) == {"96101", "96104", "96110"}
    assert statuses(body)["96110"] == "outside"
    # 2024: the old units, which this file does not draw.
    body = client.get(reverse("reports:province_report", args=["96", 2024])).content.decode()
    assert 'data-note="no-map"' in body and "data-unit=" not in body


def test_without_a_boundary_file_the_report_says_how_to_add_one(client, report_world):
    client.force_login(report_world.province_staff)
    body = client.get(URL).content.decode()
    assert "Chưa có bản đồ" in body
    assert reverse("maps:boundary_list", args=["98"]) in body
    # Admins upload too.
    client.force_login(report_world.admin)
    assert reverse("maps:boundary_list", args=["98"]) in client.get(URL).content.decode()


def test_a_new_boundary_file_changes_the_cached_page(client, report_world):
    client.force_login(report_world.province_staff)
    assert "data-unit=" not in client.get(URL).content.decode()
    upload(report_world.province, ["98101"])
    assert 'data-unit="98101"' in client.get(URL).content.decode()


def test_the_illustrative_map_says_so(client, report_world):
    boundary = upload(report_world.province, ["98101"])
    boundary.is_illustrative = True
    boundary.save()
    client.force_login(report_world.province_staff)
    body = client.get(URL).content.decode()
    assert "Minh họa — không phải ranh giới thật" in body


def test_the_province_home_page_shows_the_reports_map(client, mapped):
    client.force_login(mapped.province_staff)
    body = client.get("/", {"year": 2027}).content.decode()
    assert "data-home-map" in body
    assert statuses(body) == statuses(client.get(URL).content.decode())
    assert legend(body)["certified"] == 1
    # A district official's home has no province map.
    client.force_login(mapped.official_a)
    assert "data-home-map" not in client.get("/", {"year": 2027}).content.decode()


def test_the_home_page_of_a_province_after_the_reform_shows_its_map(client, reform_world):
    upload(reform_world.province, ["96101", "96104", "96110"], day=datetime.date(2025, 7, 1))
    client.force_login(reform_world.province_staff)
    body = client.get("/", {"year": 2026}).content.decode()
    assert set(statuses(body)) == {"96101", "96104", "96110"}
