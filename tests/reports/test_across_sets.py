"""Reports across a change of criteria set or of units (issue 23, item 7): the year before is
compared only when judged under the same set, the progress line breaks at a change of set and
on 01/07/2025, tiers without a set in force are left out, the set's own properties decide
"near the standard" and the revocation rule, the 2026-2030 criteria are counted per commune
group, no empty district column is printed, and dossiers in progress are counted. In both
worlds: province 98 before the reform, province 96 after it."""

import datetime
import io
import re
import shutil
import subprocess

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from communes.models import Commune
from criteria.models import CriteriaSet
from dossiers.models import Dossier
from reports import charts
from reports.figures import report_figures
from tests.base import make_assessment, make_certification, make_unit
from tests.reports.conftest import login

pytestmark = pytest.mark.django_db


@pytest.fixture
def reform_report(reform_world):
    """Province 96 judged under the 2021-2025 set (19 criteria) until 2025 and under the
    10-criterion group set in 2026:

    - xã Đông 17 and xã Bắc 15 criteria in 2023 and 2024 (old units, district 961);
    - at the end of 2025 the new units under the 2021-2025 set: Đông Tây 18, Bắc Sơn 16;
    - xã Đông Tây (N2) all 10 criteria in 2026, certified 01/11/2026, its dossier completed;
    - xã Bắc Sơn (N3) criteria 1-6 in 2026, its dossier for 2026 in progress."""
    w = reform_world
    old_set = CriteriaSet.objects.get(code="xa-ntm-2021-2025")
    for year in (2023, 2024):
        make_assessment(w.old_dong, year, old_set, met=17)
        make_assessment(w.old_bac, year, old_set, met=15)
    make_assessment(w.dong_tay, 2025, old_set, met=18)
    make_assessment(w.bac_son, 2025, old_set, met=16)
    make_assessment(w.dong_tay, 2026, w.cset, met=10)
    make_assessment(w.bac_son, 2026, w.cset, met=6)
    certification = make_certification(w.dong_tay, w.cset, datetime.date(2026, 11, 1))
    Dossier.objects.create(commune=w.dong_tay, tier="ntm", year=2026, certification=certification)
    Dossier.objects.create(commune=w.bac_son, tier="ntm", year=2026)
    w.old_set = old_set
    return w


def figures_of(province, year, **kwargs):
    return report_figures(year, communes=Commune.objects.filter(province=province), **kwargs)


def pdf_text(content: bytes, tmp_path) -> str:
    pdftotext = shutil.which("pdftotext")
    assert pdftotext, "poppler-utils (pdftotext) is needed to read the PDF back"
    path = tmp_path / "report.pdf"
    path.write_bytes(content)
    return subprocess.run(  # noqa: S603
        [pdftotext, "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


# --- After the reform (province 96, 2026) ---------------------------------------------------


def test_no_comparison_across_a_change_of_set(reform_report):
    figures = figures_of(reform_report.province, 2026)
    assert figures.criteria_set == reform_report.cset
    assert figures.previous_set == reform_report.old_set
    assert not figures.comparable
    # Đông Tây's 10 criteria are not "gained" over nothing: no list across sets.
    assert figures.gained == [] and figures.changed == []


def test_tiers_without_a_set_in_force_are_left_out_in_2026(reform_report):
    figures = figures_of(reform_report.province, 2026)
    # No national advanced or model set covers 2026 (ntm-reference §16.5); the modern pilot
    # of 51/2025/QĐ-TTg does.
    assert [(t.tier, t.count, t.in_progress) for t in figures.tiers] == [
        ("ntm", 1, 1),
        ("modern", 0, 0),
    ]


def test_criteria_are_counted_per_commune_group(reform_report):
    figures = figures_of(reform_report.province, 2026)
    assert [(g.code, g.headline.communes) for g in figures.group_areas] == [("N2", 1), ("N3", 1)]
    rows = {r.number: r for r in figures.per_criterion_by_group}
    assert [count for count, _percent in rows[1].cells] == [1, 1]
    assert [count for count, _percent in rows[7].cells] == [1, 0]
    assert (rows[7].count, str(rows[7].percent)) == (1, "50.0")
    # The whole-province rows (plans and issued reports read them) are unchanged.
    assert [(r.number, r.count) for r in figures.per_criterion][5:7] == [(6, 2), (7, 1)]


def test_near_standard_and_revocation_are_unconfirmed_for_a_set_without_them(reform_report):
    figures = figures_of(reform_report.province, 2026)
    assert figures.near_standard_missing is None and figures.near_standard == []
    assert not figures.criteria_set.has_revocation_rule
    assert not figures.has_districts


def test_the_2026_page_compares_nothing_across_sets_and_splits_by_group(
    reform_report, client, django_user_model
):
    login(client, django_user_model, "reform-province-staff")
    body = client.get(reverse("reports:province_report", args=["96", 2026])).content.decode()
    assert '<strong data-figure="certified">1/2</strong>' in body
    assert "Năm 2025 đánh giá theo bộ tiêu chí khác" in body
    assert "Tăng/giảm" not in body
    assert "không so sánh tiêu chí đạt thêm hay không còn đạt" in body
    assert 'data-tier="ntm"' in body and 'data-tier="modern"' in body
    assert "nâng cao" not in body and "kiểu mẫu" not in body
    assert re.search(r'data-figure="in-progress-ntm">\s*1<', body)
    assert 'data-table="criteria-by-group"' in body
    # The table by commune group comes before the table by former district.
    assert body.index('id="commune-groups"') < body.index('id="areas"')
    assert "<th>Huyện</th>" not in body
    assert 'data-unconfirmed="near-standard"' in body
    assert "Ngưỡng thu hồi (chưa xác nhận)" in body and "18/2022" not in body
    # No instruction meant for the administrator.
    assert "quản trị" not in body


def test_the_2026_pdf_and_workbook_say_the_same(
    reform_report, client, django_user_model, report_cache, tmp_path
):
    login(client, django_user_model, "reform-province-staff")
    text = pdf_text(
        client.get(reverse("reports:province_report_pdf", args=["96", 2026])).content, tmp_path
    )
    flat = " ".join(text.split())
    assert "Năm 2025 đánh giá theo bộ tiêu chí khác" in flat
    assert "Tăng/giảm" not in flat
    assert "nâng cao" not in flat and "kiểu mẫu" not in flat
    assert "đang hoàn thiện hồ sơ đề nghị công nhận" in flat
    assert "Xã nhóm 2 (1 xã)" in flat and "Xã nhóm 3 (1 xã)" in flat
    assert "quản trị" not in flat
    assert "18/2022" not in flat

    response = client.get(reverse("reports:province_report_xlsx", args=["96", 2026]))
    wb = load_workbook(io.BytesIO(response.content))
    names = wb.sheetnames
    assert names.index("Theo nhóm xã") < names.index("Theo huyện cũ")
    summary = [
        [c for c in row if c is not None] for row in wb["Tổng hợp"].iter_rows(values_only=True)
    ]
    assert any(
        row and str(row[0]).startswith("Năm 2025 đánh giá theo bộ tiêu chí khác") for row in summary
    )
    assert ["Chỉ tiêu", "Năm 2026"] in summary  # one column: nothing compared
    tiers = [row[0] for row in summary if row and str(row[0]).startswith("Đạt chuẩn NTM")]
    assert tiers == ["Đạt chuẩn NTM", "Đạt chuẩn NTM hiện đại (thí điểm)"]
    assert ["Đạt chuẩn NTM", 1, 0.5, 1] in summary  # certified, share, dossier in progress
    criteria = next(wb["Theo tiêu chí"].iter_rows(values_only=True))
    assert "Xã nhóm 2: số xã đạt" in criteria and "Xã nhóm 3: số xã đạt" in criteria
    for sheet in ("Giữ chuẩn", "Phụ lục theo xã"):
        assert "Huyện" not in next(wb[sheet].iter_rows(values_only=True))
    assert "chưa xác nhận" in wb["Gần đạt chuẩn"]["A1"].value
    assert "không so sánh" in wb["Tăng giảm tiêu chí"]["A1"].value
    progress = list(wb["Tiến độ"].iter_rows(values_only=True))
    assert progress[0][-1] == "Bộ tiêu chí"
    assert [(row[0], row[-1]) for row in progress[1:]] == [
        (2023, "xa-ntm-2021-2025"),
        (2024, "xa-ntm-2021-2025"),
        (2025, "xa-ntm-2021-2025"),
        (2026, "test-group-set"),
    ]


def test_the_progress_line_breaks_at_the_reform_and_at_a_change_of_set(reform_report):
    # 2025: 2023, 2024 and 30/06/2025 on the old units are joined; 31/12/2025 stands on the
    # new ones.
    figures = figures_of(reform_report.province, 2025)
    svg = str(charts.progress_chart(figures.progress, figures.criteria_count))
    assert [(h.year, h.day.isoformat()) for h in figures.progress] == [
        (2023, "2023-12-31"),
        (2024, "2024-12-31"),
        (2025, "2025-06-30"),
        (2025, "2025-12-31"),
    ]
    assert svg.count("<polyline") == 1
    assert len(re.search(r'<polyline points="([^"]*)"', svg).group(1).split()) == 3
    assert svg.count('data-break="1"') == 1
    # 2026: the set changed after 2025: no segment joins 19 criteria to 10.
    figures = figures_of(reform_report.province, 2026)
    assert [h.set_code for h in figures.progress][-2:] == [
        "xa-ntm-2021-2025",
        reform_report.cset.code,
    ]
    svg = str(charts.progress_chart(figures.progress, figures.criteria_count))
    # 2023-2024 joined; a break at 01/07/2025 and one at the new set: 2025 and 2026 alone.
    assert svg.count("<polyline") == 1
    assert len(re.search(r'<polyline points="([^"]*)"', svg).group(1).split()) == 2
    assert svg.count('data-break="1"') == 2
    assert "Bộ tiêu chí mới" in svg


def test_a_group_report_runs_a_fixed_number_of_queries(reform_report, django_assert_num_queries):
    # 17 of report_figures with the communes + the table by commune group.
    with django_assert_num_queries(19):
        figures_of(reform_report.province, 2026)
    unit = make_unit(reform_report.province, "96105", "Xã Nam")
    make_assessment(unit, 2026, reform_report.cset, met=3)
    Dossier.objects.create(commune=unit, tier="ntm", year=2026)
    with django_assert_num_queries(19):
        figures = figures_of(reform_report.province, 2026)
    assert figures.headline.communes == 3
    assert figures.tiers[0].in_progress == 2


# --- Before the reform (province 98) --------------------------------------------------------


def test_consecutive_years_of_the_same_set_are_still_compared(report_world):
    figures = figures_of(report_world.province, 2027)
    assert figures.comparable and figures.previous_set == report_world.cset
    assert [c.code for c in figures.changed] == [report_world.commune_a1.code]
    assert figures.has_districts
    svg = str(charts.progress_chart(figures.progress, figures.criteria_count))
    assert svg.count("<polyline") == 1 and 'data-break="1"' not in svg
    # 2026 follows 2025, judged under the 2021-2025 set: not compared.
    assert not figures_of(report_world.province, 2026).comparable


def test_the_pre_reform_page_compares_and_keeps_its_district_columns(
    report_world, client, django_user_model
):
    Dossier.objects.create(commune=report_world.commune_b1, tier="ntm", year=2027)
    login(client, django_user_model, "province-staff")
    body = client.get(reverse("reports:province_report", args=["98", 2027])).content.decode()
    assert "Tăng/giảm" in body and 'data-note="not-comparable"' not in body
    assert 'data-table="changes"' in body
    assert "<th>Huyện</th>" in body
    assert re.search(r'data-figure="in-progress-ntm">\s*1<', body)
    assert "nâng cao" not in body  # no advanced set in force in 2027 either


def test_a_dossier_decided_after_the_report_day_is_still_in_progress_on_it(report_world):
    w = report_world
    certification = make_certification(w.commune_b1, w.cset, datetime.date(2027, 6, 1))
    Dossier.objects.create(commune=w.commune_b1, tier="ntm", year=2027, certification=certification)
    on = {
        day: figures_of(w.province, 2027, as_at=day).tiers[0].in_progress
        for day in (datetime.date(2027, 5, 31), datetime.date(2027, 12, 31))
    }
    assert on == {datetime.date(2027, 5, 31): 1, datetime.date(2027, 12, 31): 0}


def test_langson_2017_keeps_its_figures_and_lists(client, django_user_model):
    """The set properties moved into the catalogue: 2017 still counts near the standard as
    missing 1 to 4 of 19, and still compares with 2016 (same set)."""
    figures = report_figures(2017, communes=Commune.objects.filter(province__code="20"))
    assert (figures.headline.certified, figures.headline.communes) == (36, 207)
    assert str(figures.headline.average) == "8.65"
    assert figures.near_standard_missing == 4 and figures.comparable
    assert all(15 <= c.met <= 18 for c in figures.near_standard)
    login(client, django_user_model, "province")
    body = client.get(reverse("reports:province_report", args=["20", 2017])).content.decode()
    assert '<strong data-figure="certified">36/207</strong>' in body
    assert "còn thiếu từ 1 đến 4 tiêu chí" in body


def test_langson_2026_compares_nothing_across_sets():
    """The demo's 2026 (illustrative baseline under 51/2025/QĐ-TTg, units of 01/07/2025): no
    "0,00 → 5,70", no advanced or model row, criteria per group, no district column."""
    figures = report_figures(2026, communes=Commune.objects.filter(province__code="20"))
    assert figures.criteria_set.code == "xa-ntm-2026-2030"
    assert not figures.comparable and figures.changed == []
    assert {t.tier for t in figures.tiers} <= {"ntm", "modern"}
    assert figures.group_areas and len(figures.per_criterion_by_group) == 10
    assert not figures.has_districts
    assert figures.near_standard_missing is None
