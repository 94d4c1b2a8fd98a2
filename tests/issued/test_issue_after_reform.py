"""Issuing reports in the world after the reform: the province's 2026 report is frozen on the
units of 2026 (no district); a former district issues reports of its own years only."""

import datetime
import zoneinfo

import pytest

from criteria.models import CriteriaSet
from issued.models import IssuedReport
from tests.base import make_assessment
from tests.issued.conftest import issue

pytestmark = pytest.mark.django_db

# The province issues its 2026 report in January 2027, whatever day the suite runs.
ISSUING_DAY = datetime.datetime(2027, 1, 12, 9, tzinfo=zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh"))


@pytest.fixture
def issued_reform(reform_world, settings, tmp_path, time_machine):
    time_machine.move_to(ISSUING_DAY)
    settings.MEDIA_ROOT = tmp_path / "media"
    w = reform_world
    make_assessment(w.dong_tay, 2026, w.cset, met=8)
    make_assessment(w.bac_son, 2026, w.cset, met=5)
    old_set = CriteriaSet.objects.for_year(2024).first()  # the demo's 2021-2025 set
    make_assessment(w.old_dong, 2024, old_set, met=15)
    return w


def test_the_2026_province_report_is_frozen_on_the_units_of_2026(client, issued_reform, renders):
    w = issued_reform
    client.force_login(w.province_staff)
    response = issue(client, year=2026, issued_on="2027-01-10")
    report = IssuedReport.objects.get()
    assert response.status_code == 302 and response["Location"] == report.get_absolute_url()
    headline = report.figures["figures"]["headline"]
    assert (headline["communes"], headline["average"]) == (2, "6.50")
    assert (report.year, report.series_year, report.number) == (2026, 2027, 1)
    assert report.district is None
    page = client.get(report.get_absolute_url()).content.decode()
    assert "data-same" in page


def test_a_former_district_report_is_refused_for_a_year_after_the_district(
    client, issued_reform, renders
):
    w = issued_reform
    client.force_login(w.province_staff)
    response = issue(client, kind="district", district="961", year=2026, issued_on="2027-01-10")
    assert response.status_code == 400
    assert "Huyện Huyện Cũ đã kết thúc ngày 30/06/2025: không có báo cáo năm 2026." in (
        response.content.decode()
    )
    assert not IssuedReport.objects.exists()


def test_a_former_district_report_of_its_own_years_is_issued(client, issued_reform, renders):
    w = issued_reform
    client.force_login(w.province_staff)
    response = issue(client, kind="district", district="961", year=2024, issued_on="2025-01-10")
    assert response.status_code == 302
    report = IssuedReport.objects.get()
    assert (report.district, report.year) == (w.old_district, 2024)
    assert report.figures["figures"]["headline"]["communes"] == 3  # Đông, Tây, Bắc in 2024
