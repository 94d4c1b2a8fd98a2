"""Issue 11's journey: province staff download the template for huyện Chi Lăng, 2019, fill three
rows, upload, and only those three assessments are written; every other commune's figure and
the district and province figures for them stay as they were."""

import io

import pytest
from openpyxl import load_workbook
from playwright.sync_api import Page, expect

from communes.models import Commune
from criteria.models import Assessment
from reports.figures import headline, programme_communes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

YEAR = 2019


def standings(**scope) -> dict[str, int | None]:
    """Each programme commune's figure in YEAR: its latest approved assessment up to YEAR."""
    approved = {}
    for code, met in (
        Assessment.objects.filter(status="approved", year__lte=YEAR, commune__in=scope_of(**scope))
        .order_by("year")
        .values_list("commune__code", "criteria_met")
    ):
        approved[code] = met
    return {c.code: approved.get(c.code) for c in scope_of(**scope)}


def scope_of(**scope):
    return programme_communes(Commune.objects.filter(**scope), YEAR)


def test_three_filled_rows_of_the_template_write_three_assessments(
    live_server, page: Page, tmp_path, demo_database
):
    # demo_database: the demo again after the transactional tests' flush
    province_before = standings(district__province__code="20")
    district_figures = headline(YEAR, communes=Commune.objects.filter(district__code="187"))
    assert not Assessment.objects.filter(year=YEAR).exists()

    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "province")
    page.fill("#id_password", "demo12345")
    page.click("button[type=submit]")
    page.goto(f"{live_server.url}/imports/")
    page.select_option("#id_district", "187")
    page.fill("#id_year", str(YEAR))
    with page.expect_download() as download:
        page.get_by_role("button", name="Tải tệp mẫu").click()
    template = tmp_path / "mau.xlsx"
    download.value.save_as(template)

    wb = load_workbook(template)
    ws = wb.worksheets[0]
    header = [c.value for c in ws[1]]
    assert ws.max_row - 1 == 19
    filled = []
    for row in (2, 3, 4):
        for column, title in enumerate(header, start=1):
            if title.startswith("TC"):
                ws.cell(row=row, column=column, value="x")
            elif title == "Trạng thái":
                ws.cell(row=row, column=column, value="Đã phê duyệt")
        filled.append(ws.cell(row=row, column=1).value)
    buffer = io.BytesIO()
    wb.save(buffer)
    upload = tmp_path / "da-dien.xlsx"
    upload.write_bytes(buffer.getvalue())

    page.set_input_files("#id_file", str(upload))
    page.get_by_role("button", name="Kiểm tra tệp").click()
    expect(page.locator('[data-count="create"]')).to_have_text("3")
    expect(page.locator('[data-count="blank"]')).to_have_text("16")
    expect(page.locator('[data-count="errors"]')).to_have_text("0")
    expect(page.locator('#import-rows tr[data-action="blank"]').first).to_contain_text(
        "Dòng trống: bỏ qua"
    )
    expect(page.locator('#import-rows tr[data-action="create"]').first).to_contain_text(
        "Đã phê duyệt"
    )
    page.get_by_role("button", name="Xác nhận và ghi dữ liệu").click()
    expect(page.get_by_text("Đã nhập dữ liệu.", exact=False)).to_be_visible()

    written = Assessment.objects.filter(year=YEAR)
    assert sorted(written.values_list("commune__code", flat=True)) == sorted(filled)
    assert set(written.values_list("criteria_met", "status")) == {(19, "approved")}
    after = standings(district__province__code="20")
    changed = {code for code in after if after[code] != province_before[code]}
    assert changed <= set(filled)  # every other commune of the province as it was
    district_after = headline(YEAR, communes=Commune.objects.filter(district__code="187"))
    assert district_after.communes == district_figures.communes
    gained = sum(19 - (province_before[code] or 0) for code in filled)
    assert district_after.criteria_total == district_figures.criteria_total + gained
