"""The re-scoring preview (criteria.rescoring, reports.rescoring) as a workbook."""

import io
from collections.abc import Sequence

from django.utils.translation import gettext as _
from openpyxl import Workbook

from criteria.naming import localized_name
from criteria.rescoring import Rescoring
from reports.xlsx.sheets import (
    INT,
    TITLE_FONT,
    WARNING_FONT,
    append_header,
    append_row,
    new_sheet,
    table_sheet,
)


def rescoring_workbook(result: Rescoring) -> bytes:
    """The re-scoring preview as a workbook: a summary, one row per commune with its totals now
    and under the chosen set, and one row per commune with each criterion's result."""
    wb = Workbook(write_only=True)
    _rescoring_summary_sheet(wb, result)
    _rescoring_communes_sheet(wb, result)
    _rescoring_criteria_sheet(wb, result)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _rescoring_summary_sheet(wb: Workbook, result: Rescoring) -> None:
    ws = new_sheet(wb, _("Tổng hợp"), (60, 14), "A1")
    append_row(
        ws,
        [
            _("Chấm lại theo bộ tiêu chí %(set)s – tỉnh %(province)s, năm %(year)s")
            % {
                "set": f"{localized_name(result.criteria_set)} ({result.revision_label})",
                "province": result.province.name,
                "year": result.year,
            }
        ],
        font=TITLE_FONT,
    )
    append_row(ws, [_("Bản xem trước: không ghi gì vào đánh giá của xã.")], font=WARNING_FONT)
    append_row(
        ws,
        [
            _(
                "Giá trị chỉ tiêu đã lưu năm %(year)s được so với mức của bộ tiêu chí áp dụng "
                "cho năm %(key_year)s; chỉ tiêu đối chiếu theo số tiêu chí và mã chỉ tiêu."
            )
            % {"year": result.year, "key_year": result.key_year}
        ],
    )
    append_row(ws, [])
    append_header(ws, [_("Chỉ số"), _("Số xã")])
    for label, value in (
        (_("Xã trong chương trình"), len(result.rows)),
        (_("Xã có đánh giá năm này"), len(result.assessed)),
        (_("Đạt đủ tiêu chí theo kết quả đã ghi"), result.meets_all_now),
        (_("Sẽ đạt đủ tiêu chí theo bộ đã chọn"), result.would_meet_all),
        (_("Chưa kết luận được (thiếu giá trị, không tính được)"), result.undecided),
        (_("Lượt tiêu chí có thêm"), result.gained),
        (_("Lượt tiêu chí bị mất"), result.lost),
    ):
        append_row(ws, [label, value], [None, INT])
    if result.whole:
        append_row(ws, [])
        append_row(
            ws,
            [
                _(
                    "Tiêu chí đánh giá cả tiêu chí (không có chỉ tiêu), giữ kết quả đã ghi: "
                    "%(numbers)s"
                )
                % {"numbers": ", ".join(str(n) for n in result.whole)}
            ],
        )


def _numbers(numbers: Sequence[int]) -> str:
    return ", ".join(str(n) for n in numbers)


def _rescoring_communes_sheet(wb: Workbook, result: Rescoring) -> None:
    titles = [
        _("Mã xã"),
        _("Tên xã"),
        _("Trạng thái đánh giá"),
        _("Bộ tiêu chí đã ghi"),
        _("Đạt hiện nay"),
        _("Trên số tiêu chí"),
        _("Đạt theo giá trị"),
        _("Giữ kết quả đã ghi: đạt"),
        _("Thiếu giá trị"),
        _("Không tính được"),
        _("Sẽ đạt (tổng)"),
        _("Trên số tiêu chí của bộ đã chọn"),
        _("Tiêu chí có thêm"),
        _("Tiêu chí bị mất"),
        _("Giá trị còn thiếu"),
    ]
    count = len(result.criteria)
    rows = []
    for r in result.rows:
        if r.assessment is None:
            rows.append([r.commune.code, r.commune.name, r.status_label] + [None] * 12)
            continue
        rows.append(
            [
                r.commune.code,
                r.commune.name,
                r.status_label,
                localized_name(r.assessment.criteria_set),
                r.now_met,
                r.now_of,
                r.would_met,
                r.carried_met,
                r.missing,
                r.uncomputable,
                r.would_total,
                count,
                _numbers(r.gained),
                _numbers(r.lost),
                ", ".join(r.missing_codes),
            ]
        )
    formats = [None, None, None, None] + [INT] * 8
    table_sheet(
        wb,
        _("Theo xã"),
        titles,
        (10, 24, 16, 30) + (10,) * 8 + (14, 14, 24),
        rows,
        formats,
    )


def _rescoring_criteria_sheet(wb: Workbook, result: Rescoring) -> None:
    titles = [_("Mã xã"), _("Tên xã")] + [
        _("TC %(number)s") % {"number": c.number} for c in result.criteria
    ]
    rows = [
        [r.commune.code, r.commune.name] + [c.label for c in r.criteria]
        for r in result.rows
        if r.assessment is not None
    ]
    table_sheet(wb, _("Theo tiêu chí"), titles, (10, 24) + (18,) * len(result.criteria), rows, ())
