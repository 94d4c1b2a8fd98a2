"""An issued report takes its figures as at its own day, whatever `?as_at=` the issuing request
carries (N9: issued with `?as_at=` it froze another day's figures, 36/207 instead of 46/207),
states that day on its PDF and page, and is compared with today's data on that same day."""

import datetime
import shutil
import subprocess

import pytest
from django.urls import reverse

from issued.models import IssuedReport
from issued.services import figures_day
from tests.base import make_certification
from tests.issued import test_issue_after_reform
from tests.issued.conftest import issue

pytestmark = pytest.mark.django_db

issued_reform = test_issue_after_reform.issued_reform  # the fixture of the reform's issues


def issue_asking(client, as_at: str, **data):
    """Issue with a day in the issuing request's address, as a page reached with ?as_at= did."""
    payload = {"kind": "province", "year": 2027, "issued_on": "2027-12-20"} | data
    return client.post(f"{reverse('issued:issued_create')}?as_at={as_at}", payload)


def pdf_text(content: bytes, tmp_path) -> str:
    path = tmp_path / "issued.pdf"
    path.write_bytes(content)
    return subprocess.run(  # noqa: S603
        [shutil.which("pdftotext"), str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def test_the_day_is_the_issuing_day_or_the_reports_own_day_after_it():
    end = datetime.date(2026, 12, 31)
    assert figures_day(year=2026, issued_on=datetime.date(2026, 11, 20), report_day=end) == (
        datetime.date(2026, 11, 20)
    )
    assert figures_day(year=2026, issued_on=datetime.date(2027, 1, 10), report_day=end) == end
    # A former district's report of 2025 is taken on its last day.
    last = datetime.date(2025, 6, 30)
    assert figures_day(year=2025, issued_on=datetime.date(2026, 1, 5), report_day=last) == last


def test_a_report_issued_in_its_year_takes_the_figures_of_its_issuing_day(
    client, issued_world, tmp_path
):
    w = issued_world
    # Certified on 25/12/2027, after the report issued on 20/12/2027.
    make_certification(w.commune_a1, w.cset, datetime.date(2027, 12, 25))
    client.force_login(w.province_staff)
    response = issue_asking(client, "2027-12-31")
    report = IssuedReport.objects.get()
    assert response.status_code == 302
    assert report.figures["as_at"] == "2027-12-20"
    assert report.figures["figures"]["headline"]["certified"] == 0
    text = pdf_text(
        b"".join(client.get(reverse("issued:issued_pdf", args=[report.code])).streaming_content),
        tmp_path,
    )
    assert "Số liệu tại ngày 20/12/2027" in text
    page = client.get(report.get_absolute_url()).content.decode()
    # Compared on 20/12/2027: nothing changed, though 31/12 counts one more commune.
    assert "data-same" in page and "data-differs" not in page
    assert "data-figures-day>20/12/2027<" in page


def test_a_report_issued_after_its_year_takes_the_year_end_whatever_the_request_asks(
    client, issued_world, renders
):
    w = issued_world
    make_certification(w.commune_a1, w.cset, datetime.date(2027, 12, 25))
    client.force_login(w.province_staff)
    assert issue_asking(client, "2027-03-01", issued_on="2028-01-05").status_code == 302
    report = IssuedReport.objects.get()
    assert report.figures["as_at"] == "2027-12-31"
    assert report.figures["figures"]["headline"]["certified"] == 1
    assert "Số liệu tại ngày 31/12/2027" in renders[0]
    page = client.get(report.get_absolute_url()).content.decode()
    assert "data-same" in page


def test_a_report_cannot_be_issued_before_its_year(client, issued_world, renders):
    client.force_login(issued_world.province_staff)
    response = issue(client, issued_on="2026-12-30")
    assert response.status_code == 400
    assert "Báo cáo năm 2027 chỉ ban hành được từ ngày 01/01/2027." in response.content.decode()
    assert not IssuedReport.objects.exists()


def test_after_the_reform_the_issuing_day_rules_the_figures_too(client, issued_reform, renders):
    w = issued_reform
    make_certification(w.dong_tay, w.cset, datetime.date(2026, 12, 1))
    client.force_login(w.province_staff)
    issue_asking(client, "2026-12-31", year=2026, issued_on="2026-11-20")
    issue_asking(client, "2026-06-01", year=2026, issued_on="2027-01-10")
    early, late = IssuedReport.objects.order_by("pk")
    assert (early.figures["as_at"], early.figures["figures"]["headline"]["certified"]) == (
        "2026-11-20",
        0,
    )
    assert (late.figures["as_at"], late.figures["figures"]["headline"]["certified"]) == (
        "2026-12-31",
        1,
    )
    assert "data-same" in client.get(early.get_absolute_url()).content.decode()
