"""PDF reports. WeasyPrint costs seconds per render: one test renders a real PDF (the demo
province, 2017) and reads it back; the others replace the renderer with a cheap fake."""

import shutil
import subprocess

import pytest
from django.urls import reverse
from pypdf import PdfReader

from criteria.services import assessment_approve
from ntm.lib import pdf
from tests.reports.conftest import login

pytestmark = pytest.mark.django_db

URL = reverse("reports:province_report_pdf", args=["20", 2017])


def test_province_pdf_shows_the_figures_and_is_cached(
    client, django_user_model, report_cache, tmp_path, monkeypatch
):
    login(client, django_user_model, "province")
    response = client.get(URL)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert 'filename="bao-cao-ntm-tinh-20-2017.pdf"' in response["Content-Disposition"]
    path = tmp_path / "report.pdf"
    path.write_bytes(response.content)

    reader = PdfReader(path)
    assert reader.pages[0].mediabox.width == pytest.approx(595.28, abs=0.5)  # A4
    assert reader.pages[0].mediabox.height == pytest.approx(841.89, abs=0.5)
    fonts = {
        str(font["/BaseFont"])
        for page in reader.pages
        for font in page["/Resources"]["/Font"].values()
    }
    assert any("DejaVu-Sans" in f for f in fonts)

    pdftotext = shutil.which("pdftotext")
    assert pdftotext, "poppler-utils (pdftotext) is needed to read the PDF back"
    text = subprocess.run(  # noqa: S603
        [pdftotext, "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "36/207" in text
    assert "8,65" in text
    assert "UBND TỈNH LẠNG SƠN" in text
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert "Kết quả thực hiện Bộ tiêu chí quốc gia về xã nông thôn mới năm 2017" in text
    pages = len(reader.pages)
    assert f"Trang 1/{pages}" in text and f"Trang {pages}/{pages}" in text
    # The annex header is repeated on every page the annex runs over.
    assert text.count("Tiêu chí chưa đạt") >= 2

    # Cached on disk: the second download does not render.
    assert len(list(report_cache.glob("province-20-2017-approved-vi-*.pdf"))) == 1
    monkeypatch.setattr(pdf, "render_pdf", lambda html: pytest.fail("rendered again"))
    again = client.get(URL)
    assert again.content == response.content


def test_a_changed_assessment_is_never_served_stale(client, report_world, report_cache, renders):
    w = report_world
    client.force_login(w.province_staff)
    url = reverse("reports:province_report_pdf", args=["98", 2027])
    first = client.get(url).content
    assert client.get(url).content == first
    assert len(renders) == 1
    assert '"certified">1/3<' in renders[0]

    # B1's submitted assessment is approved: the figures change, so a new file is made and
    # the old one removed.
    b1 = w.commune_b1.assessments.get(year=2027)
    assessment_approve(assessment=b1, user=w.admin)
    second = client.get(url).content
    assert second != first
    assert len(renders) == 2
    assert len(list(report_cache.glob("province-98-2027-approved-*.pdf"))) == 1


def test_variants_are_cached_separately(client, report_world, report_cache, renders):
    client.force_login(report_world.province_staff)
    url = reverse("reports:province_report_pdf", args=["98", 2027])
    client.get(url)
    provisional = client.get(url, {"provisional": "1"})
    assert 'filename="bao-cao-ntm-tinh-98-2027-tam-thoi.pdf"' in provisional["Content-Disposition"]
    assert "SỐ LIỆU TẠM THỜI" in renders[1]
    client.cookies["django_language"] = "en"
    client.get(url)
    assert len(renders) == 3
    names = sorted(p.name.rsplit("-", 1)[0] for p in report_cache.iterdir())
    assert names == [
        "province-98-2027-approved-en",
        "province-98-2027-approved-vi",
        "province-98-2027-provisional-vi",
    ]


def test_district_official_downloads_their_district_pdf(
    client, django_user_model, report_cache, renders
):
    login(client, django_user_model, "district")
    response = client.get(reverse("reports:district_report_pdf", args=["187", 2017]))
    assert response.status_code == 200
    html = renders[0]
    assert "UBND HUYỆN CHI LĂNG" in html
    assert "Chi Lăng, ngày" in html
    assert "report-title" in html


def test_query_count_is_fixed(
    client, django_user_model, report_cache, renders, django_assert_num_queries
):
    login(client, django_user_model, "district")
    url = reverse("reports:district_report_pdf", args=["187", 2017])
    # session, user, membership + district + province, the district, the data version, the
    # criteria set; then the render task: the district and the version again, the figures, the
    # plans, the ended certified communes and the new units' lineage, what the
    # results rest on; the recognitions of the year decided later and the units by kind
    # (issue 13); the set of the year before and the dossiers in progress (issue 23).
    with django_assert_num_queries(29):
        client.get(url)
    with django_assert_num_queries(7):  # stored: nothing computed
        client.get(url)
    assert len(renders) == 1
