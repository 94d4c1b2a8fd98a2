"""Formula-like text in a commune name, a note and a decision number: written as text in the
template and the export, read back as the same text, and the export re-imports unchanged."""

import datetime
import io

import pytest
from openpyxl import load_workbook

from communes.models import Province
from criteria.applicable import criteria_set_for_year
from imports.services import import_assessments
from imports.writer import export_workbook, template_workbook
from tests.base import make_assessment, make_certification

pytestmark = pytest.mark.django_db

NAME = '=HYPERLINK("http://evil.example/","Bấm vào")'
NOTE = '+WEBSERVICE("http://evil.example/")'
DECISION = "@SUM(1+1)"


@pytest.fixture
def formula_world(world):
    world.commune_a1.name = NAME
    world.commune_a1.save()
    assessment = make_assessment(world.commune_a1, 2026, world.cset, met=3)
    assessment.note = NOTE
    assessment.save()
    make_certification(
        world.commune_a1, world.cset, datetime.date(2026, 11, 20), decision_number=DECISION
    )
    return world


def no_formulas(content: bytes):
    wb = load_workbook(io.BytesIO(content))
    cells = [c for ws in wb for row in ws.iter_rows() for c in row]
    assert [c.coordinate for c in cells if c.data_type == "f"] == []
    return wb


def test_the_export_keeps_formula_like_text_as_text_and_round_trips(formula_world, tmp_path):
    content = export_workbook(formula_world.province, 2026, 2026)
    ws = no_formulas(content).worksheets[0]
    row = {ws.cell(row=1, column=c).value: ws.cell(row=2, column=c) for c in range(1, 14)}
    assert (row["Tên xã"].value, row["Ghi chú"].value, row["Số QĐ công nhận"].value) == (
        NAME,
        NOTE,
        DECISION,
    )
    assert row["Tên xã"].quotePrefix and row["Số QĐ công nhận"].quotePrefix

    path = tmp_path / "export.xlsx"
    path.write_bytes(content)
    report = import_assessments(file=path, user=formula_world.province_staff)
    assert report.ok, report.lines()
    assert report.counts["unchanged"] == 1 and report.changes == 0


def test_the_template_keeps_formula_like_names_as_text(formula_world, tmp_path):
    content = template_workbook(2027, formula_world.cset, formula_world.province)
    ws = no_formulas(content).worksheets[0]
    assert NAME in [ws.cell(row=r, column=2).value for r in range(2, ws.max_row + 1)]
    path = tmp_path / "template.xlsx"
    path.write_bytes(content)
    report = import_assessments(file=path, user=formula_world.province_staff)
    assert report.ok and report.changes == 0


def test_the_demo_template_and_export_have_no_formula():
    province = Province.objects.get(code="20")
    no_formulas(template_workbook(2018, criteria_set_for_year(2018), province))
    no_formulas(export_workbook(province, 2018, 2018))
