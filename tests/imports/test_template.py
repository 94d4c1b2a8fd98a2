"""The blank template: one row per programme commune, drop-down lists, an instructions sheet."""

import io

import pytest
from openpyxl import load_workbook

from communes.models import District, Province
from criteria.applicable import criteria_set_for_year
from imports.services import import_assessments
from imports.writer import template_workbook

pytestmark = pytest.mark.django_db


def test_the_province_template_lists_every_programme_commune():
    province = Province.objects.get(code="20")
    wb = load_workbook(io.BytesIO(template_workbook(2017, criteria_set_for_year(2017), province)))
    ws = wb.worksheets[0]
    assert [c.value for c in ws[1]][:6] == ["Mã xã", "Tên xã", "Huyện", "Năm", "TC1", "TC2"]
    assert "TC19" in [c.value for c in ws[1]] and "TC20" not in [c.value for c in ws[1]]
    assert ws.max_row == 1 + 207
    assert ws["A2"].value == "05986" and ws["D2"].value == 2017
    lists = {dv.formula1: str(dv.sqref) for dv in ws.data_validations.dataValidation}
    assert lists['"x,Đạt,Chưa đạt"'] == "E2:W208"
    guide = wb["Hướng dẫn"]
    texts = " ".join(str(c.value) for row in guide.iter_rows() for c in row if c.value)
    assert "Criterion met: x, X, 1" in texts and "Tiêu chí đạt: x, X, 1" in texts


def test_the_district_template_has_only_its_communes(tmp_path, province_user):
    province = Province.objects.get(code="20")
    district = District.objects.get(code="187")
    content = template_workbook(2019, criteria_set_for_year(2019), province, district)
    ws = load_workbook(io.BytesIO(content)).worksheets[0]
    rows = ws.max_row - 1
    assert rows > 0 and ws["B2"].value
    # A blank template is a valid file that changes nothing: every row is blank, skipped.
    path = tmp_path / "chi-lang.xlsx"
    path.write_bytes(content)
    report = import_assessments(file=path, user=province_user)
    assert report.ok, report.lines()[:3]
    assert report.counts["blank"] == rows and report.changes == 0
