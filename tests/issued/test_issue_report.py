"""Issuing a report freezes its figures and its PDF; later data changes never alter them."""

import shutil
import subprocess

import pytest
from django.urls import reverse

from criteria.services import AssessmentInput, assessment_reopen, assessment_save
from issued.models import IssuedReport
from tests.issued.conftest import issue

pytestmark = pytest.mark.django_db


def _lower_a2(w):
    """A late correction: A2 loses criterion 2 (2 -> 1 criteria met), approved again."""
    assessment_reopen(assessment=w.a2, user=w.province_staff, reason="Sửa số liệu")
    w.a2.refresh_from_db()
    flags = {c.pk: c.number == 1 for c in w.cset.criteria.all()}
    assessment_save(assessment=w.a2, data=AssessmentInput(entries={}, criterion_flags=flags))
    type(w.a2).objects.filter(pk=w.a2.pk).update(status="approved")


def test_issued_pdf_and_figures_never_change_and_the_page_says_what_did(
    client, issued_world, tmp_path
):
    w = issued_world
    client.force_login(w.province_staff)
    response = issue(client)
    report = IssuedReport.objects.get()
    assert response.status_code == 302 and response["Location"] == report.get_absolute_url()
    assert report.number_text == "1/BC-BCĐ"
    assert report.issued_by == w.province_staff
    assert report.figures["figures"]["headline"]["average"] == "2.00"
    pdf_url = reverse("issued:issued_pdf", args=[report.code])
    pdf_before = b"".join(client.get(pdf_url).streaming_content)
    assert pdf_before.startswith(b"%PDF-")
    figures_before = report.figures

    # The hash printed on the PDF's pages is the stored one, and so is the look-up code.
    path = tmp_path / "issued.pdf"
    path.write_bytes(pdf_before)
    text = subprocess.run(  # noqa: S603
        [shutil.which("pdftotext"), str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    pages = text.split("\f")
    assert all(report.figures_sha256 in page for page in pages if page.strip())
    assert report.code in text
    assert "Số: 1/BC-BCĐ" in text
    assert "20/12/2027" in text or "ngày 20 tháng 12 năm 2027" in text

    page = client.get(report.get_absolute_url()).content.decode()
    assert "data-same" in page

    _lower_a2(w)

    report.refresh_from_db()
    assert report.figures == figures_before
    assert b"".join(client.get(pdf_url).streaming_content) == pdf_before
    page = client.get(report.get_absolute_url()).content.decode()
    assert "data-differs" in page
    assert "Xã Hai (98102)" in page
    assert "Xã Một (98101)" not in page  # unchanged communes are not listed


def test_numbers_run_on_per_province_and_year(client, issued_world, renders):
    client.force_login(issued_world.province_staff)
    issue(client)
    issue(client, kind="district", district="981", year=2024)  # districts ended 30/06/2025
    issue(client, issued_on="2028-01-05")
    numbers = list(IssuedReport.objects.order_by("pk").values_list("series_year", "number"))
    assert numbers == [(2027, 1), (2027, 2), (2028, 1)]


@pytest.mark.parametrize("day", ["0001-01-01", "2009-12-31", "2030-01-01", "9999-12-31"])
def test_an_issue_date_outside_the_programme_is_refused(client, issued_world, renders, day):
    """N6: 0001-01-01 was accepted. The programme began in 2010; the latest day is the end of
    the year after today (10/01/2028 here)."""
    client.force_login(issued_world.province_staff)
    response = issue(client, issued_on=day)
    assert response.status_code == 400
    assert "nằm ngoài thời gian của chương trình" in response.content.decode()
    assert not IssuedReport.objects.exists()


def test_an_entered_number_already_used_is_refused(client, issued_world, renders):
    client.force_login(issued_world.province_staff)
    issue(client, number=12)
    response = issue(client, number=12)
    assert response.status_code == 400
    assert "Số 12 năm 2027 đã được dùng." in response.content.decode()
    assert IssuedReport.objects.count() == 1


def test_district_officials_cannot_issue_but_see_their_districts_reports(
    client, issued_world, renders
):
    w = issued_world
    client.force_login(w.province_staff)
    issue(client)
    issue(client, kind="district", district="981", year=2024)  # districts ended 30/06/2025
    client.force_login(w.official_a)
    assert issue(client).status_code == 404
    listed = client.get(reverse("issued:issued_list")).context["reports"]
    assert [r.kind for r in listed] == ["district"]
    province_report = IssuedReport.objects.get(kind="province")
    assert client.get(province_report.get_absolute_url()).status_code == 404


def test_another_province_gets_404(client, issued_world, renders):
    client.force_login(issued_world.province_staff)
    issue(client)
    report = IssuedReport.objects.get()
    client.force_login(issued_world.other_province_staff)
    assert client.get(report.get_absolute_url()).status_code == 404
    assert client.get(reverse("issued:issued_pdf", args=[report.code])).status_code == 404


def test_a_report_is_found_by_its_code(client, issued_world, renders):
    client.force_login(issued_world.province_staff)
    issue(client)
    report = IssuedReport.objects.get()
    response = client.get(reverse("issued:issued_list") + f"?code={report.code.lower()}")
    assert response.status_code == 302 and response["Location"] == report.get_absolute_url()


def test_of_two_withdrawals_at_once_the_second_is_refused_and_keeps_the_first_reason(
    client, issued_world, renders
):
    """N10: both succeeded, the second overwriting the first one's reason. Two people opened
    the page before either withdrew: the second works from a copy that is not withdrawn."""
    from django.core.exceptions import ValidationError

    from issued.services import report_withdraw

    client.force_login(issued_world.province_staff)
    issue(client)
    first, second = IssuedReport.objects.get(), IssuedReport.objects.get()
    report_withdraw(report=first, user=issued_world.province_staff, reason="Lý do thứ nhất")
    with pytest.raises(ValidationError) as exc:
        report_withdraw(report=second, user=issued_world.admin, reason="Lý do thứ hai")
    assert exc.value.code == "already_withdrawn"
    stored = IssuedReport.objects.get()
    assert (stored.withdrawal_reason, stored.withdrawn_by) == (
        "Lý do thứ nhất",
        issued_world.province_staff,
    )


def test_withdrawing_needs_a_reason_and_keeps_the_report(client, issued_world, renders):
    client.force_login(issued_world.province_staff)
    issue(client)
    report = IssuedReport.objects.get()
    url = reverse("issued:issued_withdraw", args=[report.code])
    assert client.get(url).status_code == 405
    client.post(url, {"reason": ""})
    report.refresh_from_db()
    assert not report.is_withdrawn
    client.post(url, {"reason": "Số liệu của huyện B nhập sai"})
    report.refresh_from_db()
    assert report.is_withdrawn and report.withdrawn_by == issued_world.province_staff
    assert IssuedReport.objects.count() == 1
    assert "Số liệu của huyện B nhập sai" in client.get(report.get_absolute_url()).content.decode()


def test_the_admin_cannot_delete_or_change_issued_reports(client, issued_world, renders):
    client.force_login(issued_world.province_staff)
    issue(client)
    report = IssuedReport.objects.get()
    client.force_login(issued_world.admin)
    url = reverse("admin:issued_issuedreport_delete", args=[report.pk])
    assert client.post(url, {"post": "yes"}).status_code == 403
    assert IssuedReport.objects.filter(pk=report.pk).exists()


def test_the_comparison_is_kept_until_the_data_changes(
    client, issued_world, renders, django_assert_max_num_queries
):
    """Today's figures beside the frozen ones cost a whole report: computed once for the data
    as it stands (its version), not on every view."""
    w = issued_world
    client.force_login(w.province_staff)
    issue(client)
    report = IssuedReport.objects.get()
    first = client.get(report.get_absolute_url()).content.decode()
    assert "data-same" in first
    with django_assert_max_num_queries(12):
        again = client.get(report.get_absolute_url()).content.decode()
    assert "data-same" in again
    _lower_a2(w)  # a new data version: compared again
    page = client.get(report.get_absolute_url()).content.decode()
    assert "data-differs" in page and "Xã Hai (98102)" in page
