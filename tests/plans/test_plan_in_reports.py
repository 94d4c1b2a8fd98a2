"""Plan against result in the province and district reports: HTML, PDF and workbook, each
checked against the figures computed independently in conftest.expected_progress."""

import io
import shutil
import subprocess

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from plans.models import Plan
from reports.plan_progress import plan_progress
from tests.plans.conftest import expected_progress

pytestmark = pytest.mark.django_db


def _line(e) -> str:
    return f"Kế hoạch 3 xã, thực hiện {e['certified']} xã, đạt {e['percent']} %"


def test_the_independent_computation_is_what_the_fixture_says(plan_world):
    e = expected_progress(plan_world)
    assert e["certified"] == 1  # only A1: B1 revoked, A2 earlier / other tier
    assert e["percent"] == 33
    assert str(e["average"]) == "2.00"


def test_progress_matches_the_independent_computation(plan_world):
    e = expected_progress(plan_world)
    progress = plan_progress(plan_world.plan)
    assert progress.certified == e["certified"]
    assert progress.certified_percent == e["percent"]
    assert progress.certified_gap == 3 - e["certified"]
    assert progress.average == e["average"]
    assert {c.number: c.actual for c in progress.criteria} == {
        1: e["per_criterion"].get(1, 0),
        3: e["per_criterion"].get(3, 0),
    }


def test_province_report_html_shows_plan_against_result(client, plan_world):
    e = expected_progress(plan_world)
    client.force_login(plan_world.province_staff)
    response = client.get(reverse("reports:province_report", args=["98", 2027]))
    text = response.content.decode()
    assert _line(e) in text
    assert "còn thiếu 2 xã" in text
    average = str(e["average"]).replace(".", ",")
    assert f"Bình quân tiêu chí/xã: kế hoạch 2,50, thực hiện {average}" in text


def test_provisional_report_shows_no_plan(client, plan_world):
    client.force_login(plan_world.province_staff)
    url = reverse("reports:province_report", args=["98", 2027]) + "?provisional=1"
    assert "data-plan-progress" not in client.get(url).content.decode()


def test_district_report_shows_the_district_plan_only(client, plan_world):
    w = plan_world
    Plan.objects.create(province=w.province, district=w.district_a, year=2027, target_certified=2)
    client.force_login(w.official_a)
    text = client.get(reverse("reports:district_report", args=["981", 2027])).content.decode()
    assert "Kế hoạch 2 xã, thực hiện 1 xã, đạt 50 %" in text
    assert "Kế hoạch 3 xã" not in text


def test_province_report_xlsx_has_the_plan_sheet(client, plan_world):
    e = expected_progress(plan_world)
    client.force_login(plan_world.province_staff)
    response = client.get(reverse("reports:province_report_xlsx", args=["98", 2027]))
    ws = load_workbook(io.BytesIO(response.content))["Kế hoạch"]
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    certified = next(r for r in rows if r[1] == "Số xã đạt chuẩn trong năm")
    assert certified[2:4] == (3, e["certified"])
    assert certified[4] == pytest.approx(e["certified"] / 3)
    average = next(r for r in rows if r[1] == "Bình quân tiêu chí/xã")
    assert average[2:4] == (2.5, float(e["average"]))
    criterion_1 = next(r for r in rows if r[1] == "Số xã đạt tiêu chí 1")
    assert criterion_1[2:4] == (3, e["per_criterion"][1])


def test_province_report_pdf_shows_plan_against_result(client, plan_world, settings, tmp_path):
    settings.REPORT_CACHE_DIR = tmp_path / "cache"
    e = expected_progress(plan_world)
    client.force_login(plan_world.province_staff)
    response = client.get(reverse("reports:province_report_pdf", args=["98", 2027]))
    path = tmp_path / "r.pdf"
    path.write_bytes(response.content)
    text = subprocess.run(  # noqa: S603
        [shutil.which("pdftotext"), str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert _line(e) in " ".join(text.split())


def test_home_shows_progress_against_this_years_plan(client, plan_world, monkeypatch):
    import datetime

    from django.utils import timezone

    monkeypatch.setattr(timezone, "localdate", lambda *a: datetime.date(2027, 11, 1))
    client.force_login(plan_world.province_staff)
    text = client.get(reverse("home")).content.decode()
    assert "data-home-plan" in text
    assert _line(expected_progress(plan_world)) in text
