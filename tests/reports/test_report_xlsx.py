import io

import pytest
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from ntm.lib.spreadsheet import XLSX_CONTENT_TYPE, safe_cell
from tests.reports.conftest import login

pytestmark = pytest.mark.django_db

URL = reverse("reports:province_report_xlsx", args=["20", 2017])


def workbook(response):
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX_CONTENT_TYPE
    return load_workbook(io.BytesIO(response.content))


def test_province_staff_download_the_2017_workbook(client, django_user_model):
    login(client, django_user_model, "province")
    response = client.get(URL)
    assert 'filename="bao-cao-ntm-tinh-20-2017.xlsx"' in response["Content-Disposition"]
    wb = workbook(response)
    assert wb.sheetnames[0] == "Tổng hợp"
    assert "Phụ lục theo xã" in wb.sheetnames and "Theo huyện" in wb.sheetnames
    summary = wb["Tổng hợp"]
    texts = [c.value for row in summary.iter_rows() for c in row if isinstance(c.value, str)]
    assert any("36/207" in t and "8,65" in t for t in texts)
    rows = {r[0]: r[1:] for r in summary.iter_rows(values_only=True) if r and r[0]}
    assert rows["Số xã đạt chuẩn nông thôn mới"][1] == 36
    assert rows["Số xã trong chương trình"][1] == 207
    assert rows["Bình quân tiêu chí/xã"][1] == pytest.approx(8.65)
    assert rows["Bình quân tiêu chí/xã"][0] == pytest.approx(8.25)


def test_district_total_row_equals_the_province(client, django_user_model):
    login(client, django_user_model, "province")
    ws = workbook(client.get(URL))["Theo huyện"]
    header = [c.value for c in ws[1]]
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    total, districts = rows[-1], rows[:-1]
    assert total[1] == "Tổng"
    assert len(districts) == 11
    col = {name: header.index(name) for name in ("Số xã", "Đạt chuẩn", "Tổng TC đạt")}
    assert (total[col["Số xã"]], total[col["Đạt chuẩn"]]) == (207, 36)
    for i in col.values():
        assert sum(r[i] for r in districts) == total[i]
    assert total[header.index("Bình quân TC/xã")] == pytest.approx(8.65)
    assert ws.auto_filter.ref == f"A1:{ws.cell(1, ws.max_column).column_letter}{ws.max_row - 1}"
    assert all(c.font.bold for c in ws[ws.max_row]) and not ws.cell(2, 2).font.bold


def test_the_summary_freezes_the_panes_under_its_table_header(client, django_user_model):
    login(client, django_user_model, "province")
    ws = workbook(client.get(URL))["Tổng hợp"]
    header = next(c.row for c in ws["A"] if c.value == "Chỉ tiêu")
    assert ws.freeze_panes == f"A{header + 1}"
    assert ws["A1"].font.bold and ws["A1"].font.size == 14
    assert ws.cell(header, 1).fill.fgColor.rgb.endswith("198754")
    assert ws.column_dimensions["A"].width == 46


def test_annex_is_a_real_table_of_numbers(client, django_user_model):
    login(client, django_user_model, "province")
    ws = workbook(client.get(URL))["Phụ lục theo xã"]
    assert ws.freeze_panes == "C2"
    assert ws.max_row == 208
    table = ws.tables["PhuLucTheoXa"]
    assert table.ref == "A1:K208"  # with the set and what the results rest on
    assert [c.name for c in table.tableColumns] == [c.value for c in ws[1]]
    assert [c.value for c in ws[1]][:4] == ["Mã xã", "Xã", "Huyện", "Số TC đạt"]
    met = [ws.cell(row=r, column=4) for r in range(2, 209)]
    assert all(isinstance(c.value, int) and c.data_type == "n" for c in met)
    assert sum(c.value for c in met) == 1790  # 8.65 x 207, the criteria met in 2017
    assert met[0].number_format == "#,##0"
    assert ws.column_dimensions["B"].width == 24
    certified = [ws.cell(row=r, column=7).value for r in range(2, 209)]
    assert sum(1 for v in certified if v) == 36


def test_percentages_are_numbers_with_a_percent_format(client, django_user_model):
    login(client, django_user_model, "province")
    ws = workbook(client.get(URL))["Theo tiêu chí"]
    assert ws.max_row == 20  # header + 19 criteria
    cell = ws.cell(row=2, column=4)
    assert isinstance(cell.value, float) and cell.number_format == "0.0%"
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref == "A1:E20"


def test_a_formula_looking_commune_name_comes_out_as_text(client, report_world):
    name = '=HYPERLINK("http://evil.example/","Bấm vào")'
    report_world.commune_a1.name = name
    report_world.commune_a1.save()
    report_world.commune_a2.name = "@SUM(1+1)"
    report_world.commune_a2.save()
    client.force_login(report_world.province_staff)
    wb = workbook(client.get(reverse("reports:province_report_xlsx", args=["98", 2027])))
    ws = wb["Phụ lục theo xã"]
    cells = {ws.cell(row=r, column=1).value: ws.cell(row=r, column=2) for r in range(2, 5)}
    a1 = cells[report_world.commune_a1.code]
    assert a1.data_type == "s" and a1.quotePrefix
    assert a1.value == name  # the text itself, stored as text
    assert cells[report_world.commune_a2.code].value == "@SUM(1+1)"
    formulas = [c for s in wb for row in s.iter_rows() for c in row if c.data_type == "f"]
    assert formulas == []


@pytest.mark.parametrize(
    ("text", "quoted"),
    [("=1+1", True), ("+84", True), ("-3", True), ("@x", True), ("\t=1", True), ("Xã", False)],
)
def test_safe_cell_keeps_text_as_text(text, quoted):
    cell = safe_cell(Workbook().active, text)
    assert (cell.value, cell.data_type, bool(cell.quotePrefix)) == (text, "s", quoted)


def test_district_official_gets_their_district_workbook(client, django_user_model):
    login(client, django_user_model, "district")
    wb = workbook(client.get(reverse("reports:district_report_xlsx", args=["187", 2017])))
    assert "Theo huyện" not in wb.sheetnames
    assert wb["Phụ lục theo xã"].max_row == 20


def test_query_count_is_fixed(client, django_user_model, django_assert_num_queries):
    login(client, django_user_model, "province")
    # session, user, membership + province, the province, the data version, the criteria set;
    # then the render task: the province and its version again, the figures, the plans, the
    # ended certified communes and the new units' lineage, what the
    # results rest on; the recognitions of the year decided later and the units by kind
    # (issue 13); the set of the year before and the dossiers in progress (issue 23); the
    # villages and the border communes (2, the province report's).
    # + the data versions of the chart's earlier years (issue 27).
    with django_assert_num_queries(30):
        workbook(client.get(URL))
    with django_assert_num_queries(6):  # stored: nothing computed
        workbook(client.get(URL))
