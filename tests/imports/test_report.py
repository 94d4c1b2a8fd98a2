"""The import report's types (imports.report): codes on errors, and stored reports read back."""

from django.core.exceptions import ValidationError

from imports.report import CellError, ImportReport, WorkbookError, report_from_data, report_to_data
from imports.services import _write_errors


def test_a_report_round_trips_through_its_stored_data_with_codes():
    report = ImportReport(
        errors=[CellError(row=3, column="Mã xã", message="…", code="unknown_commune", cell="A3")]
    )
    assert report_from_data(report_to_data(report)) == report


def test_a_report_stored_before_errors_had_codes_still_reads():
    data = report_to_data(ImportReport(errors=[CellError(row=2, column="", message="…", code="x")]))
    del data["errors"][0]["code"]
    assert report_from_data(data).errors[0].code == ""


def test_a_workbook_error_is_a_file_level_error_with_its_code():
    error = WorkbookError("row_cap", "Tệp có quá nhiều dòng").as_error()
    assert (error.row, error.column, error.code) == (0, "", "row_cap")


def test_a_refusal_while_writing_keeps_the_service_codes_and_the_row():
    refusal = ValidationError(
        [
            ValidationError("Quyết định này đã được ghi nhận.", code="duplicate"),
            ValidationError("Không rõ."),
        ]
    )
    refusal.import_row = 7
    assert [(e.row, e.code) for e in _write_errors(refusal)] == [
        (7, "duplicate"),
        (7, "not_written"),
    ]
    by_field = ValidationError({"1.2": ValidationError("Giá trị không được âm.", code="invalid")})
    assert [(e.row, e.code) for e in _write_errors(by_field)] == [(0, "invalid")]
