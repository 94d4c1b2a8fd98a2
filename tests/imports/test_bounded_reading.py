"""Reading costs what the data costs: caps on rows and columns, the declared dimension ignored,
trailing empty rows ending the sheet, and each upload parsed once."""

import pytest
from django.urls import reverse

import imports.views
from communes.models import Commune
from criteria.applicable import criteria_set_for_year
from criteria.models import Assessment
from imports import workbook
from imports.report import WorkbookError
from imports.services import import_assessments
from imports.workbook import build_sheet
from ops.crafted import declared_dimension_workbook, many_rows_workbook
from tests.base import make_assessment
from tests.imports.conftest import HEADER_19, fingerprint, write_xlsx

pytestmark = pytest.mark.django_db

ROW = ["06505", "Vạn Linh", 2019] + ["x"] * 19


def refused(path, user, **kwargs):
    before = fingerprint()
    report = import_assessments(file=path, user=user, dry_run=False, **kwargs)
    assert not report.applied and fingerprint() == before
    return report.errors


def test_a_declared_dimension_over_empty_rows_is_read_as_its_data(tmp_path, province_user):
    path = declared_dimension_workbook(tmp_path / "dimension.xlsx")
    assert path.stat().st_size < 100_000
    before = fingerprint()
    report = import_assessments(file=path, user=province_user)
    assert report.ok and report.counts["create"] == 1
    assert report.notices == [] and fingerprint() == before


def test_a_file_past_the_row_cap_is_refused(tmp_path, province_user, settings, no_time_budget):
    settings.NTM_IMPORT_MAX_ROWS = 20_000
    path = many_rows_workbook(tmp_path / "rows.xlsx", rows=20_001)
    errors = refused(path, province_user)
    assert [e.code for e in errors] == ["row_cap"]
    assert [e.message for e in errors] == [
        "Tệp có quá nhiều dòng: tối đa 20000 dòng dữ liệu (dòng 2 đến 20001). "
        "Hãy chia thành nhiều tệp."
    ]


def test_a_file_past_the_column_cap_is_refused(xlsx, province_user, settings):
    settings.NTM_IMPORT_MAX_COLUMNS = 10
    errors = refused(xlsx([HEADER_19, ROW]), province_user)
    assert [e.code for e in errors] == ["column_cap"]
    assert [e.message for e in errors] == ["Tệp có dữ liệu ở cột K: tối đa 10 cột."]


def rows_that_count(consumed: list, last: int):
    yield 1, dict(enumerate(["Mã xã", "Năm", "TC1"], start=1)), set()
    for number in range(2, last + 1):
        consumed.append(number)
        yield number, {1: "06505", 2: 2019, 3: "x"}, set()


def test_reading_stops_at_the_first_row_past_the_cap():
    consumed: list[int] = []
    with pytest.raises(WorkbookError) as refusal:
        build_sheet(rows_that_count(consumed, 10**6), max_rows=50, max_columns=10)
    assert refusal.value.code == "row_cap"
    assert consumed[-1] == 52  # row 52 is the 51st data row: nothing after it was read


def test_a_long_run_of_empty_rows_ends_the_sheet():
    rows = [
        (1, {1: "Mã xã", 2: "Năm"}, set()),
        (2, {1: "06505", 2: 2019}, set()),
        (5, {}, set()),
        (7, {1: "06628", 2: 2019}, set()),
        (7 + workbook.EMPTY_RUN_END + 1, {1: "06298", 2: 2019}, set()),
    ]
    sheet = build_sheet(iter(rows), max_rows=10**6, max_columns=10)
    assert [r.number for r in sheet.rows] == [2, 7]
    assert (sheet.blank_count, sheet.blank_rows) == (4, [3, 4, 5, 6])


def test_each_upload_is_parsed_once(client, province_user, tmp_path, monkeypatch):
    calls = []
    real = imports.views.read_source
    monkeypatch.setattr(
        imports.views, "read_source", lambda *, file: calls.append(file) or real(file=file)
    )
    client.force_login(province_user)
    path = tmp_path / "one.xlsx"
    write_xlsx(path, [HEADER_19 + ["Trạng thái"], ROW + ["Đã phê duyệt"]])
    with path.open("rb") as fh:
        preview_url = client.post(reverse("imports:import_upload"), {"file": fh})["Location"]
    for _ in range(3):
        assert client.get(preview_url).context["report"].counts["create"] == 1
    # Meanwhile somebody records the same assessment: the apply checks the database again.
    commune = Commune.objects.with_code("06505", 2019).get()
    make_assessment(commune, 2019, criteria_set_for_year(2019), met=19)
    token = client.get(preview_url).context["token"]
    response = client.post(reverse("imports:import_apply", args=[token]))
    assert response.status_code == 302
    assert len(calls) == 1
    assert Assessment.objects.filter(commune=commune, year=2019).count() == 1
