"""2026-2030 in the workbook: ten criterion columns, the commune's group, and the assessment's
tier (in every template); the import records a first group and refuses a conflicting one."""

import io

import pytest
from openpyxl import load_workbook

from communes.models import CommuneGroupAssignment, Province
from criteria.applicable import criteria_set_for_year
from criteria.models import Assessment
from imports.services import import_assessments
from imports.writer import template_workbook

pytestmark = pytest.mark.django_db

HEADER_2026 = ["Mã xã", "Tên xã", "Năm"] + [f"TC{n}" for n in range(1, 11)]


def header(content: bytes) -> list:
    return [c.value for c in load_workbook(io.BytesIO(content)).worksheets[0][1]]


def test_the_2026_template_has_ten_criteria_a_group_and_a_tier_column():
    province = Province.objects.get(code="20")
    content = template_workbook(2026, criteria_set_for_year(2026), province)
    ws = load_workbook(io.BytesIO(content)).worksheets[0]
    titles = [c.value for c in ws[1]]
    assert "TC10" in titles and "TC11" not in titles
    assert titles[-2:] == ["Hạng đánh giá", "Nhóm xã"]
    assert ws.max_row == 1 + 61  # the xã of 01/07/2025 (the 4 phường are outside the programme)
    rows = {
        ws.cell(row=r, column=1).value: ws.cell(row=r, column=len(titles)).value
        for r in range(2, 63)
    }
    # The demo's (illustrative) group of xã Bằng Mạc.
    bang_mac = CommuneGroupAssignment.objects.get(commune__code="06475", year_from=2026)
    assert rows["06475"] == bang_mac.group.code


def test_every_template_has_the_tier_column_and_only_2026_the_group():
    province = Province.objects.get(code="20")
    titles = header(template_workbook(2017, criteria_set_for_year(2017), province))
    assert titles[-1] == "Hạng đánh giá" and "Nhóm xã" not in titles


def test_an_untouched_2026_template_is_blank(tmp_path, province_user):
    province = Province.objects.get(code="20")
    path = tmp_path / "2026.xlsx"
    path.write_bytes(template_workbook(2026, criteria_set_for_year(2026), province))
    report = import_assessments(file=path, user=province_user)
    assert report.ok and report.counts["blank"] == 61 and report.changes == 0


def rows_2026(code: str, group: str, tier: str = "") -> list[dict]:
    row = {"Mã xã": code, "Năm": 2026, "Nhóm xã": group, "Hạng đánh giá": tier}
    row |= {f"TC{n}": "x" if n <= 4 else "" for n in range(1, 11)}
    return [row]


def test_the_import_records_a_first_group_and_refuses_another(province_user):
    CommuneGroupAssignment.objects.filter(commune__code="06475").delete()
    report = import_assessments(
        rows=rows_2026("06475", "Nhóm 2"), user=province_user, dry_run=False
    )
    assert report.ok, report.lines()[:3]
    assignment = CommuneGroupAssignment.objects.get(commune__code="06475")
    assert (assignment.group.code, assignment.year_from, assignment.note) == (
        "N2",
        2026,
        "Nhập từ Excel",
    )
    assessment = Assessment.objects.get(commune__code="06475", year=2026)
    assert (assessment.tier, assessment.criteria_met) == ("ntm", 4)
    refused = import_assessments(rows=rows_2026("06475", "3"), user=province_user)
    assert not refused.ok
    assert "Nhóm xã" in {e.column for e in refused.errors}


def test_advanced_assessments_are_not_imported(province_user):
    report = import_assessments(
        rows=rows_2026("06475", "", tier="NTM nâng cao"), user=province_user
    )
    assert not report.ok and {e.column for e in report.errors} == {"Hạng đánh giá"}


def test_the_tier_and_group_errors_have_codes(province_user):
    CommuneGroupAssignment.objects.filter(commune__code="06475").delete()
    import_assessments(rows=rows_2026("06475", "2"), user=province_user, dry_run=False)
    cases = {
        ("2", "NTM kiểu mẫu"): "tier_not_imported",
        ("2", "hạng lạ"): "invalid_tier",
        ("7", ""): "invalid_group",
        ("1", ""): "group_conflict",
    }
    for (group, tier), code in cases.items():
        report = import_assessments(rows=rows_2026("06475", group, tier), user=province_user)
        assert [e.code for e in report.errors] == [code], (group, tier)
    rows_2017 = [{"Mã xã": "06475", "Năm": 2017, "Nhóm xã": "1", "TC1": "x"}]
    report = import_assessments(rows=rows_2017, user=province_user)
    assert "group_not_used" in {e.code for e in report.errors}
