"""The printed report as an administrative document: small tables never split across pages, a
"Số: …/BC-BCĐ" line and a "Nơi nhận" block from the province's settings (admin-editable)."""

import re
import shutil
import subprocess

import pytest
from django.contrib.auth import get_user_model
from django.template.loader import render_to_string
from django.utils import translation

from communes.models import Province, ProvinceReportSettings
from issued.models import IssuedReport
from ntm.lib import pdf
from reports.areas import area_for
from reports.context import report_context
from tests.issued.conftest import issue, issued_world  # noqa: F401

pytestmark = pytest.mark.django_db

# A row of the 5-row table "Số xã theo số tiêu chí đạt": band, communes, percent.
BAND_ROW = re.compile(r"^\s*(19|15–18|10–14|5–9|dưới 5)\s+\d+\s+\d+,\d\s*$", re.MULTILINE)


def province_pdf_html(username: str = "province", code: str = "20", year: int = 2017) -> str:
    user = get_user_model().objects.get(username=username)
    with translation.override("vi"):  # whatever an earlier test left active in the thread
        ctx = report_context(area_for("province", code, user=user), year, provisional=False)
        return render_to_string("reports/report_pdf.html", ctx)


def text_pages(content: bytes, tmp_path) -> list[str]:
    path = tmp_path / "report.pdf"
    path.write_bytes(content)
    text = subprocess.run(  # noqa: S603
        [shutil.which("pdftotext"), "-layout", str(path), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return text.split("\f")


@pytest.fixture
def langson_settings():
    return ProvinceReportSettings.objects.create(
        province=Province.objects.with_code("20").get(),
        number_suffix="BC-BCĐNTM",
        recipients="- Ban Chỉ đạo Trung ương;\n- Thường trực Tỉnh ủy;\n\n- Lưu: VT, VPĐP.",
        signer_title="KT. TRƯỞNG BAN\nPHÓ TRƯỞNG BAN",
        signer_name="Nguyễn Văn Mẫu",
    )


def test_the_5_row_table_and_the_paperwork_in_the_pdf(langson_settings, tmp_path):
    """One real render (WeasyPrint, seconds): the demo province 2017."""
    pages = text_pages(pdf.render_pdf(province_pdf_html()), tmp_path)
    with_rows = [(i, BAND_ROW.findall(page)) for i, page in enumerate(pages)]
    with_rows = [(i, rows) for i, rows in with_rows if rows]
    assert len(with_rows) == 1, with_rows  # all five rows on one page
    page_no, rows = with_rows[0]
    assert rows == ["19", "15–18", "10–14", "5–9", "dưới 5"]
    assert re.search(r"Số tiêu chí đạt\s+Số xã", pages[page_no])  # with its header
    first, last = pages[0], "\n".join(pages[-3:])
    assert "Số: ……/BC-BCĐNTM" in first
    assert "Nơi nhận:" in last
    assert "- Thường trực Tỉnh ủy;" in last
    assert "PHÓ TRƯỞNG BAN" in last
    assert "Nguyễn Văn Mẫu" in last


def test_without_settings_the_number_is_left_blank_with_the_default_symbol():
    html = province_pdf_html()
    assert "Số: ……/BC-BCĐ<" in html
    assert "- Lưu: VT." in html
    assert "TM. BAN CHỈ ĐẠO" in html


def test_the_settings_are_read_without_an_extra_query(langson_settings, django_assert_num_queries):
    user = get_user_model().objects.get(username="province")
    ctx = report_context(area_for("province", "20", user=user), 2017, provisional=False)
    with django_assert_num_queries(0):
        assert ctx["area"].paper.recipient_lines() == [
            "- Ban Chỉ đạo Trung ương;",
            "- Thường trực Tỉnh ủy;",
            "- Lưu: VT, VPĐP.",
        ]


def test_an_issued_report_prints_its_number_with_the_province_symbol(
    client,
    issued_world,  # noqa: F811
    renders,
):
    w = issued_world
    ProvinceReportSettings.objects.create(province=w.province, number_suffix="BC-BCĐNTM")
    client.force_login(w.province_staff)
    issue(client)
    report = IssuedReport.objects.get()
    assert report.number_text == "1/BC-BCĐNTM"
    assert "Số: 1/BC-BCĐNTM<" in renders[-1]


def test_the_admin_edits_the_settings(admin_client):
    province = Province.objects.with_code("20").get()
    response = admin_client.post(
        "/admin/communes/provincereportsettings/add/",
        {
            "province": province.pk,
            "number_suffix": "BC-BCĐ",
            "recipients": "- UBND tỉnh;",
            "signer_title": "TRƯỞNG BAN",
            "signer_name": "",
        },
    )
    assert response.status_code == 302
    assert province.report_settings.recipient_lines() == ["- UBND tỉnh;"]
