"""The report workbook's sheets of communes: the recognitions decided late, the certified
communes that ended, the units formed, and the per-commune lists (near the standard, changes,
keeping the standard, the annex as a real Excel table)."""

import warnings

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.table import Table, TableColumn, TableStyleInfo

from criteria.naming import localized_name
from reports.figures import ReportFigures
from reports.xlsx.sheets import INT, PERCENT, append_header, append_row, new_sheet, table_sheet


def not_comparable_text(f: ReportFigures) -> str:
    """Why the year before is not compared: it was judged under another set."""
    if f.previous_set is None:
        return _("Năm %(y)s không có bộ tiêu chí áp dụng: không so sánh.") % {"y": f.year - 1}
    return _("Năm %(y)s đánh giá theo bộ tiêu chí khác (%(set)s, %(basis)s): không so sánh.") % {
        "y": f.year - 1,
        "set": localized_name(f.previous_set),
        "basis": f.previous_set.legal_basis,
    }


def late_sheet(wb: Workbook, f: ReportFigures) -> None:
    table_sheet(
        wb,
        _("Công nhận sau năm"),
        [
            _("Mã xã"),
            _("Xã"),
            _("Hạng"),
            _("Số quyết định"),
            _("Ngày quyết định"),
            _("Năm được công nhận"),
            _("Thu hồi ngày"),
        ],
        [9, 24, 30, 18, 14, 12, 14],
        [
            [
                r.code,
                r.name,
                r.tier_label,
                r.decision_number,
                r.decision_date,
                f.year,
                r.revoked_on,
            ]
            for r in f.late_recognitions.rows
        ],
        [None, None, None, None, "dd/mm/yyyy", None, "dd/mm/yyyy"],
    )


def ended_sheet(wb: Workbook, f: ReportFigures) -> None:
    table_sheet(
        wb,
        _("Xã đã sáp nhập"),
        [_("Mã xã"), _("Xã"), _("Huyện"), _("Đạt chuẩn"), _("Ngày cuối"), _("Nay thuộc")],
        [9, 24, 22, 24, 12, 40],
        [
            [c.code, c.name, c.district, c.tier_label, c.valid_to, c.successors_text]
            for c in f.ended_certified
        ],
        [None, None, None, None, "dd/mm/yyyy", None],
    )


def new_units_sheet(wb: Workbook, f: ReportFigures) -> None:
    """Information only: a new unit inherits no criteria count and no certification."""
    rows = []
    for u in f.new_units:
        for r in u.profile.rows:
            rows.append(
                [
                    u.commune.code,
                    u.commune.name,
                    r.commune.code,
                    r.commune.name,
                    _("Có") if r.succession.is_partial else "",
                    r.tier_label,
                ]
            )
    table_sheet(
        wb,
        _("Xã mới"),
        [_("Mã xã mới"), _("Xã mới"), _("Mã xã cũ"), _("Xã cũ"), _("Một phần"), _("Đạt chuẩn")],
        [11, 24, 11, 24, 10, 24],
        rows,
        [None] * 6,
    )


def _district(f: ReportFigures, columns: list) -> list:
    """`columns` without the district one (the third) when no unit of the report has a
    district (two-tier units)."""
    return columns if f.has_districts else columns[:2] + columns[3:]


def near_sheet(wb: Workbook, f: ReportFigures) -> None:
    if f.near_standard_missing is None:
        ws = new_sheet(wb, _("Gần đạt chuẩn"), [100], "A1")
        append_row(
            ws,
            [
                _(
                    "%(set)s chưa có định nghĩa “gần đạt chuẩn” (số tiêu chí còn thiếu): chưa "
                    "xác nhận, nên báo cáo không lập danh sách này."
                )
                % {"set": localized_name(f.criteria_set)}
            ],
        )
        return
    table_sheet(
        wb,
        _("Gần đạt chuẩn"),
        _district(f, [_("Mã xã"), _("Xã"), _("Huyện"), _("Số TC đạt"), _("Tiêu chí còn thiếu")]),
        _district(f, [9, 24, 22, 11, 30]),
        [
            _district(f, [c.code, c.name, c.district, c.met, c.missing_text])
            for c in f.near_standard
        ],
        _district(f, [None, None, None, INT, None]),
    )


def change_sheet(wb: Workbook, f: ReportFigures) -> None:
    if not f.comparable:
        ws = new_sheet(wb, _("Tăng giảm tiêu chí"), [100], "A1")
        append_row(ws, [not_comparable_text(f)])
        return
    rows = [
        _district(f, [c.code, c.name, c.district, c.met_before, c.met, c.gained_text, c.lost_text])
        for c in f.changed
    ]
    table_sheet(
        wb,
        _("Tăng giảm tiêu chí"),
        _district(
            f,
            [
                _("Mã xã"),
                _("Xã"),
                _("Huyện"),
                _("Số TC năm %(y)s") % {"y": f.year - 1},
                _("Số TC năm %(y)s") % {"y": f.year},
                _("Tiêu chí đạt thêm"),
                _("Tiêu chí không còn đạt"),
            ],
        ),
        _district(f, [9, 24, 22, 13, 13, 24, 24]),
        rows,
        _district(f, [None, None, None, INT, INT, None, None]),
    )


def keeping_sheet(wb: Workbook, f: ReportFigures) -> None:
    """Certified communes no longer meeting every criterion, with the set's revocation
    triggers (or "chưa xác nhận" where the set has no known rule)."""
    rule = f.criteria_set
    labels = {
        "half": _("Đã chạm: từ %(percent)s%% tiêu chí không đạt")
        % {"percent": rule.revocation_percent},
        "key": _("Đã chạm: %(key)s–%(percent)s%% tiêu chí không đạt, gồm tiêu chí trọng yếu")
        % {"key": rule.revocation_key_percent, "percent": rule.revocation_percent},
        "unconfirmed": _("Chưa xác nhận"),
        "": _("Chưa chạm"),
    }
    title = (
        _("Ngưỡng thu hồi (%(basis)s)") % {"basis": rule.revocation_basis}
        if rule.has_revocation_rule
        else _("Ngưỡng thu hồi (chưa xác nhận)")
    )
    table_sheet(
        wb,
        _("Giữ chuẩn"),
        _district(
            f,
            [
                _("Mã xã"),
                _("Xã"),
                _("Huyện"),
                _("Số TC đạt"),
                _("Tiêu chí không còn đạt"),
                _("Tỷ lệ không đạt"),
                title,
            ],
        ),
        _district(f, [9, 24, 22, 11, 30, 14, 44]),
        [
            _district(
                f,
                [
                    k.commune.code,
                    k.commune.name,
                    k.commune.district,
                    k.commune.met,
                    k.failing_text,
                    float(k.failing_share),
                    labels[k.trigger],
                ],
            )
            for k in f.keeping_standard
        ],
        _district(f, [None, None, None, INT, None, PERCENT, None]),
    )


def annex_sheet(wb: Workbook, f: ReportFigures) -> None:
    ws = new_sheet(
        wb,
        _("Phụ lục theo xã"),
        _district(f, [9, 24, 22, 11, 13, 14, 24, 40, 20, 24, 24]),
        "C2",
    )
    titles = [
        _("Mã xã"),
        _("Xã"),
        _("Huyện"),
        _("Số TC đạt"),
        _("Năm đánh giá"),
        _("Dùng KQ năm trước"),
        _("Đạt chuẩn"),
        _("Tiêu chí chưa đạt"),
        _("Bộ tiêu chí"),
        _("TC quyết định thủ công"),
        _("TC theo ngưỡng chưa xác nhận"),
    ]
    titles = _district(f, titles)
    append_header(ws, titles)
    set_codes = {u.criteria_set.pk: u.criteria_set.code for u in f.sets_used}
    for c in f.communes:
        append_row(
            ws,
            _district(
                f,
                [
                    c.code,
                    c.name,
                    c.district,
                    c.met,
                    c.met_year,
                    _("Có") if c.carried_forward else "",
                    c.tier_label,
                    c.missing_text if c.met_year else _("Chưa đánh giá"),
                    set_codes.get(c.set_id, ""),
                    c.manual_text,
                    c.unconfirmed_text,
                ],
            ),
            _district(f, [None, None, None, INT, "0", None, None, None]),
        )
    if f.communes:
        table = Table(
            displayName="PhuLucTheoXa",
            ref=f"A1:{get_column_letter(len(titles))}{len(f.communes) + 1}",
            # Write-only: the columns are named here, as openpyxl would from the header row.
            tableColumns=[TableColumn(id=i, name=str(t)) for i, t in enumerate(titles, start=1)],
        )
        table.tableStyleInfo = TableStyleInfo(name="TableStyleMedium2", showRowStripes=True)
        with warnings.catch_warnings():  # "you must add table columns manually": done above
            warnings.filterwarnings("ignore", "In write-only mode", UserWarning)
            ws.add_table(table)
