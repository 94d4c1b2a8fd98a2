"""Every kind of bad file: an error code, a clear Vietnamese message, and nothing written.

Tests compare codes; each message's wording is checked once, in the first test that meets it."""

import io
import re
import zipfile

import pytest
from openpyxl import Workbook

from imports.services import import_assessments
from tests.imports.conftest import HEADER_19, fingerprint

pytestmark = pytest.mark.django_db

ROW = ["06505", "Vạn Linh", 2019] + ["x"] * 19


def run(path, user, **kwargs):
    before = fingerprint()
    report = import_assessments(file=path, user=user, dry_run=False, **kwargs)
    assert not report.applied
    assert fingerprint() == before
    return report


def messages(report):
    return [e.message for e in report.errors]


def codes(report):
    return [e.code for e in report.errors]


def test_it_rejects_a_file_that_is_not_a_workbook(tmp_path, province_user):
    path = tmp_path / "data.xlsx"
    path.write_text("Mã xã,Năm\n06505,2019\n")
    report = run(path, province_user)
    assert codes(report) == ["not_xlsx"]
    assert messages(report) == ["Tệp không phải là bảng tính Excel .xlsx."]


def test_it_rejects_a_renamed_zip_that_is_not_a_workbook(tmp_path, province_user):
    path = tmp_path / "letter.xlsx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("word/document.xml", "<w:document/>")
    assert codes(run(path, province_user)) == ["not_xlsx"]


def test_it_rejects_an_encrypted_workbook(tmp_path, province_user):
    path = tmp_path / "secret.xlsx"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 2000)
    report = run(path, province_user)
    assert codes(report) == ["encrypted"]
    assert "đặt mật khẩu" in messages(report)[0]


def test_it_rejects_a_truncated_workbook(xlsx, province_user):
    path = xlsx([HEADER_19, ROW])
    path.write_bytes(path.read_bytes()[:1500])
    report = run(path, province_user)
    assert codes(report) == ["damaged"]
    assert messages(report) == ["Tệp Excel bị hỏng, không đọc được."]


def test_it_rejects_a_workbook_with_damaged_xml(tmp_path, province_user):
    path = tmp_path / "damaged.xlsx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types")
        zf.writestr("xl/workbook.xml", "not xml at all")
    assert codes(run(path, province_user)) == ["damaged"]


def test_it_rejects_a_file_over_the_size_limit(xlsx, province_user, settings):
    settings.NTM_IMPORT_MAX_BYTES = 2000
    path = xlsx([HEADER_19, ROW])
    assert path.stat().st_size > 2000
    report = run(path, province_user)
    assert codes(report) == ["file_too_large"]
    assert re.match(r"Tệp quá lớn \([\d.]+ MB\); giới hạn là 0 MB\.", messages(report)[0])


def test_it_rejects_a_zip_bomb_before_opening_it(xlsx, province_user):
    path = xlsx([HEADER_19, ROW])
    with zipfile.ZipFile(path, "a", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("xl/media/padding.bin", b"\0" * (30 * 1024 * 1024))
    assert path.stat().st_size < 200_000
    report = run(path, province_user)
    assert codes(report) == ["zip_bomb"]
    assert messages(report)[0].startswith("Tệp bị từ chối: dung lượng khi giải nén")


def test_it_reports_missing_required_columns(xlsx, province_user):
    path = xlsx([["Mã xã", "Tên xã"] + [f"TC{n}" for n in range(1, 20)], ["06505", "Vạn Linh"]])
    report = run(path, province_user)
    assert codes(report) == ["missing_column"]
    assert messages(report) == ["Thiếu cột bắt buộc: Năm."]


def test_it_reports_unknown_and_duplicate_columns(xlsx, province_user):
    unknown = xlsx([HEADER_19 + ["Điểm"], ROW + [5]])
    report = run(unknown, province_user)
    assert codes(report) == ["unknown_column"]
    assert messages(report)[0].startswith("Không nhận ra cột: Điểm.")
    duplicate = run(xlsx([HEADER_19 + ["c1"], ROW + ["x"]]), province_user)
    assert codes(duplicate) == ["duplicate_column"]
    assert messages(duplicate) == ["Cột bị lặp: c1."]


def test_it_reports_unknown_commune_codes(xlsx, province_user):
    report = run(xlsx([HEADER_19, ROW, ["99999", "", 2019] + ["x"] * 19]), province_user)
    assert [(e.row, e.column, e.cell, e.code) for e in report.errors] == [
        (3, "Mã xã", "A3", "unknown_commune")
    ]
    assert messages(report) == ["Không có xã nào mang mã 99999 trong năm 2019."]


def test_it_reports_duplicate_commune_years(xlsx, province_user):
    report = run(xlsx([HEADER_19, ROW, ROW]), province_user)
    assert [(e.row, e.code) for e in report.errors] == [(3, "duplicate_row")]
    assert messages(report) == ["Trùng xã 06505 năm 2019 với dòng 2."]


def test_it_refuses_communes_outside_the_province(xlsx, province_user, world):
    report = run(
        xlsx([HEADER_19[:3] + ["TC1", "TC2", "TC3"], ["98101", "Xã Một", 2026, "x", "", ""]]),
        province_user,
    )
    assert codes(report) == ["out_of_scope"]
    assert messages(report) == ["Xã mã 98101 không thuộc phạm vi quản lý của bạn (Lạng Sơn)."]
    other = run(xlsx([HEADER_19, ROW]), world.province_staff)
    assert codes(other) == ["out_of_scope"]


def test_district_officials_may_not_import(xlsx, django_user_model):
    district = django_user_model.objects.get(username="district")
    report = run(xlsx([HEADER_19, ROW]), district)
    assert codes(report) == ["district_may_not_import"]
    assert messages(report) == [
        "Cán bộ huyện không nhập đánh giá từ Excel; hãy gửi tệp cho Ban Chỉ đạo tỉnh."
    ]


def test_it_reports_years_outside_every_criteria_set(xlsx, province_user):
    # 2011-2015 has a set (491/QĐ-TTg); 2009 has none.
    report = run(xlsx([HEADER_19, ["06505", "Vạn Linh", 2009] + ["x"] * 19]), province_user)
    assert codes(report) == ["no_criteria_set"]
    assert messages(report) == ["Năm 2009 không thuộc giai đoạn của bộ tiêu chí nào."]


def test_it_reports_values_outside_the_vocabulary(xlsx, province_user):
    report = run(
        xlsx([HEADER_19, ["06505", "Vạn Linh", 2019, "có lẽ"] + ["x"] * 18]), province_user
    )
    assert (report.errors[0].cell, report.errors[0].code) == ("D2", "invalid_met")
    assert messages(report)[0].startswith("Giá trị “có lẽ” không hợp lệ")


def test_it_rejects_formulas_without_a_cached_value(xlsx, province_user):
    path = xlsx([HEADER_19, ["06505", "Vạn Linh", "=2018+1"] + ["x"] * 19])
    report = run(path, province_user)
    assert [(e.row, e.cell, e.code) for e in report.errors] == [(2, "C2", "formula_without_value")]
    assert messages(report)[0].startswith("Ô chứa công thức chưa có giá trị tính sẵn")


def test_it_uses_the_cached_value_of_a_formula(xlsx, province_user):
    path = xlsx([HEADER_19, ["06505", "Vạn Linh", "=2018+1"] + ["x"] * 19])
    # What Excel writes when it saves: the formula and the value it last computed.
    with zipfile.ZipFile(path) as zf:
        parts = {name: zf.read(name) for name in zf.namelist()}
    sheet = parts["xl/worksheets/sheet1.xml"].decode()
    sheet, n = re.subn(r"<f>2018\+1</f>(<v\s*/>|<v></v>)?", "<f>2018+1</f><v>2019</v>", sheet)
    assert n == 1
    parts["xl/worksheets/sheet1.xml"] = sheet.encode()
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
    report = import_assessments(file=path, user=province_user, dry_run=True)
    assert report.ok, report.lines()
    assert report.outcomes[0].year == 2019


def test_it_rejects_merged_header_cells(tmp_path, province_user):
    wb = Workbook()
    ws = wb.active
    ws.append(HEADER_19)
    ws.append(ROW)
    ws.merge_cells("A1:B1")
    path = tmp_path / "merged.xlsx"
    wb.save(path)
    report = run(path, province_user)
    assert codes(report) == ["merged_header"]
    assert messages(report) == [
        "Dòng tiêu đề có ô gộp (merge): mỗi cột cần một tiêu đề riêng ở dòng 1."
    ]


def test_it_skips_blank_rows_in_the_middle_and_says_so(xlsx, province_user):
    second = ["06628", "Đình Lập", 2019] + ["x"] * 19
    path = xlsx([HEADER_19, ROW, [None] * 5, second, [], []])
    report = import_assessments(file=path, user=province_user, dry_run=True)
    assert report.ok
    assert [o.row for o in report.outcomes] == [2, 4]
    assert report.notices == ["Đã bỏ qua 1 dòng trống ở giữa bảng: 3."]


def test_a_criterion_column_the_set_lacks_is_an_error(xlsx, province_user):
    report = run(xlsx([HEADER_19 + ["TC20"], ROW + ["x"]]), province_user)
    assert codes(report) == ["unknown_criterion"]
    assert messages(report) == ["Bộ tiêu chí năm 2019 chỉ có 19 tiêu chí: không có tiêu chí 20."]


def test_a_missing_criterion_column_is_an_error(xlsx, province_user):
    report = run(xlsx([HEADER_19[:-1], ROW[:-1]]), province_user)
    assert codes(report) == ["missing_criterion_column"]
    assert messages(report) == ["Thiếu cột cho tiêu chí TC19 của bộ tiêu chí năm 2019."]


def test_a_name_that_does_not_match_the_code_is_an_error(xlsx, province_user):
    report = run(xlsx([HEADER_19, ["06505", "Đình Lập"] + ROW[2:]]), province_user)
    assert codes(report) == ["name_mismatch"]
    assert messages(report) == ["Tên “Đình Lập” không khớp với mã 06505 (Vạn Linh)."]


def test_one_bad_row_among_good_ones_writes_nothing(xlsx, province_user):
    good = [[f"{c}", "", 2019] + ["x"] * 19 for c in ("06505", "06628", "06298")]
    report = run(xlsx([HEADER_19] + good + [["06235", "", 2019, "?"] + ["x"] * 18]), province_user)
    assert [(e.row, e.code) for e in report.errors] == [(5, "invalid_met")]


def test_certification_of_a_commune_missing_criteria_is_an_error(xlsx, province_user):
    header = HEADER_19 + ["Trạng thái", "Số QĐ công nhận", "Ngày công nhận"]
    row = ["06505", "", 2019] + ["x"] * 18 + ["", "Đã phê duyệt", "99/QĐ-UBND", "15/11/2019"]
    report = run(xlsx([header, row]), province_user)
    # The certification page's rule and wording (criteria.certifications.certification_eligibility).
    assert [(e.code, e.column) for e in report.errors] == [
        ("criteria_not_all_met", "Số QĐ công nhận")
    ]


def test_certification_of_an_assessment_left_unapproved_is_an_error(xlsx, province_user):
    header = HEADER_19 + ["Số QĐ công nhận", "Ngày công nhận"]
    row = ["06505", "", 2019] + ["x"] * 19 + ["99/QĐ-UBND", "15/11/2019"]
    assert codes(run(xlsx([header, row]), province_user)) == ["no_approved_assessment"]


@pytest.mark.parametrize(
    ("value", "code"),
    [("85,5", None), ("85%", None), ("1.000,5", "value_not_number"), ("1e3", "value_not_number")],
)
def test_indicator_numbers_follow_the_one_decimal_rule(xlsx, province_user, value, code):
    # 17.6 is a percentage of the 2016-2020 set: "85%" reads as 85.
    report = import_assessments(
        file=xlsx([HEADER_19 + ["17.6"], ROW + [value]]), user=province_user, dry_run=True
    )
    assert [e.code for e in report.errors if e.column == "17.6"] == ([code] if code else [])


def test_upload_bytes_are_read_the_same_as_a_path(xlsx, province_user):
    path = xlsx([HEADER_19, ROW])
    report = import_assessments(file=io.BytesIO(path.read_bytes()), user=province_user)
    assert report.ok and report.counts["create"] == 1
