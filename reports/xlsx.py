"""The report as an Excel workbook (openpyxl): a summary sheet, one sheet per table and the
per-commune annex as a real Excel table.

Numbers are stored as numbers (with number formats), never as text, so staff can paste and sum
them. Every cell is made by `ntm.lib.spreadsheet.safe_cell`: a commune or criterion name
starting with = + - @ is stored as text, never as a formula.

The workbook is written in openpyxl's write-only mode: rows go to the file as they are
appended, in time and memory linear in the rows (the national annex has 8,400), and nothing is
read back. So each cell is styled before its row is appended, and a sheet's column widths and
frozen panes are set before its first row (they are written at the top of the sheet).
"""

import datetime
import io
import warnings
from collections.abc import Iterable, Sequence
from decimal import Decimal

from django.utils.formats import date_format, number_format
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.table import Table, TableColumn, TableStyleInfo
from openpyxl.worksheet.worksheet import Worksheet

from criteria.naming import localized_name
from criteria.rescoring import Rescoring
from ntm.lib.spreadsheet import safe_cell
from reports.figures import ReportFigures

INT = "#,##0"
AVERAGE = "0.00"
PERCENT = "0.0%"
HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="198754")
HEADER_ALIGNMENT = Alignment(wrap_text=True, vertical="center")
TOTAL_FONT = Font(bold=True)
TITLE_FONT = Font(bold=True, size=14)
WARNING_FONT = Font(bold=True, color="B00020")


def _cell_value(value):
    if isinstance(value, Promise):  # lazy translations (choice labels)
        value = str(value)
    if isinstance(value, Decimal):
        return float(value)
    return value


def _fraction(part: int, whole: int) -> float:
    return part / whole if whole else 0.0


def _sheet(wb: Workbook, title: str, widths: Sequence[int], freeze: str) -> Worksheet:
    """A new write-only sheet with its column widths and frozen panes (before any row)."""
    ws = wb.create_sheet(title)
    for i, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.freeze_panes = freeze
    return ws


def _append(
    ws: Worksheet,
    values: Iterable,
    formats: Sequence[str | None] = (),
    *,
    font: Font | None = None,
    fill: PatternFill | None = None,
) -> None:
    """Append one row of cells, styled and formatted before they are written."""
    cells = []
    for i, value in enumerate(values):
        cell = safe_cell(ws, _cell_value(value))
        if i < len(formats) and formats[i]:
            cell.number_format = formats[i]
        if font is not None:
            cell.font = font
        if fill is not None:
            cell.fill = fill
            cell.alignment = HEADER_ALIGNMENT
        cells.append(cell)
    ws.append(cells)


def _header(ws: Worksheet, titles: Sequence[str]) -> None:
    _append(ws, titles, font=HEADER_FONT, fill=HEADER_FILL)


def _table_sheet(
    wb: Workbook,
    title: str,
    titles: Sequence[str],
    widths: Sequence[int],
    rows: Sequence[Sequence],
    formats: Sequence[str | None],
    *,
    total: Sequence | None = None,
) -> Worksheet:
    """A sheet of `rows` under `titles`, filterable, with a `total` row in bold after them
    (outside the filter: it is not data to filter)."""
    ws = _sheet(wb, title, widths, "A2")
    _header(ws, titles)
    for values in rows:
        _append(ws, values, formats)
    if total is not None:
        _append(ws, total, formats, font=TOTAL_FONT)
    if rows:
        ws.auto_filter.ref = f"A1:{get_column_letter(len(titles))}{len(rows) + 1}"
    return ws


def report_workbook(
    figures: ReportFigures, *, area, report_date: datetime.date | None, plans: Sequence = ()
) -> bytes:
    wb = Workbook(write_only=True)
    _summary_sheet(wb, figures, area, report_date)
    if plans:
        _plan_sheet(wb, plans)
    _bands_sheet(wb, figures)
    _criteria_sheet(wb, figures)
    # From 2026 the commune groups come first: the set's levels differ by group.
    if figures.group_areas:
        _areas_sheet(wb, figures, by_group=True)
    if figures.areas:
        _areas_sheet(wb, figures)
    _progress_sheet(wb, figures)
    if figures.late_recognitions and figures.late_recognitions.rows:
        _late_sheet(wb, figures)
    if figures.ended_certified:
        _ended_sheet(wb, figures)
    if figures.new_units:
        _new_units_sheet(wb, figures)
    if figures.has_communes:
        _near_sheet(wb, figures)
        _change_sheet(wb, figures)
        _keeping_sheet(wb, figures)
        _annex_sheet(wb, figures)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _summary_sheet(wb: Workbook, f: ReportFigures, area, report_date) -> None:
    h, p = f.headline, f.previous
    # The lines above the table, each (text, font): counted first, since the panes frozen
    # under the table's header are set before the first row.
    lines: list[tuple[str, Font | None]] = [
        (
            _("Báo cáo kết quả xây dựng nông thôn mới năm %(year)s – %(area)s")
            % {"year": f.year, "area": area.name},
            TITLE_FONT,
        )
    ]
    # The data's last change, not today: an unchanged report stays the same file.
    dated = report_date is not None
    lines.append(
        (
            _("Số liệu đến ngày %(date)s") % {"date": date_format(report_date, "d/m/Y")}
            if dated
            else "",
            None,
        )
    )
    lines.append(
        (
            _(
                "Đến %(day)s: %(certified)s/%(communes)s xã đạt chuẩn nông thôn mới "
                "(%(percent)s%%); bình quân %(average)s tiêu chí/xã."
            )
            % {
                "day": date_format(f.day, "d/m/Y"),
                "certified": h.certified,
                "communes": h.communes,
                "percent": number_format(h.certified_percent, 1, use_l10n=True),
                "average": number_format(h.average, 2, use_l10n=True),
            },
            None,
        )
    )
    if f.provisional:
        lines.append(
            (
                _("SỐ LIỆU TẠM THỜI: gồm cả đánh giá đã gửi duyệt, chưa được phê duyệt."),
                WARNING_FONT,
            )
        )
    else:
        lines.append((_("Chỉ tính đánh giá đã được phê duyệt."), None))
    lines.append((_("Bộ tiêu chí: %(set)s") % {"set": localized_name(f.criteria_set)}, None))
    lines.append((_units_text(f), None))
    if f.late_recognitions and f.late_recognitions.communes:
        lines.append((_late_text(f), None))
    if f.ended_certified:
        lines.append(
            (
                _("%(n)s xã đạt chuẩn đã sáp nhập (danh sách ở trang “Xã đã sáp nhập”).")
                % {"n": len(f.ended_certified)},
                None,
            )
        )
    if f.units_changed:
        lines.append(
            (
                _(
                    "Danh sách đơn vị đã thay đổi: ngày %(before)s có %(n_before)s xã, ngày "
                    "%(day)s có %(n)s xã."
                )
                % {
                    "before": date_format(f.previous_day, "d/m/Y"),
                    "n_before": p.communes,
                    "day": date_format(f.day, "d/m/Y"),
                    "n": h.communes,
                },
                None,
            )
        )
    for usage in f.sets_used:
        lines.append(
            (
                _("Bộ tiêu chí đã dùng: %(set)s – %(n)s xã được đánh giá theo bộ này")
                % {"set": localized_name(usage.criteria_set), "n": usage.communes},
                None,
            )
        )
    lines.append(
        (
            _(
                "Kết quả tiêu chí dựa trên quyết định thủ công: %(manual)s; dựa trên ngưỡng "
                "chưa xác nhận: %(unconfirmed)s (danh sách trong phụ lục theo xã)."
            )
            % {"manual": f.judgements.manual, "unconfirmed": f.judgements.unconfirmed},
            None,
        )
    )
    if not f.comparable:
        lines.append((_not_comparable_text(f), None))
    # The lines, an empty row, the header: the panes are frozen under it.
    header_row = len(lines) + 2
    ws = _sheet(wb, _("Tổng hợp"), [46, 14, 14, 14], f"A{header_row + 1}")
    for text, font in lines:
        _append(ws, [text], font=font)
    _append(ws, [])
    now_title = _("Năm %(y)s") % {"y": f.year} if f.is_year_end else date_format(f.day, "d/m/Y")
    if f.comparable:
        _header(ws, [_("Chỉ tiêu"), _("Năm %(y)s") % {"y": f.year - 1}, now_title, _("Tăng/giảm")])
    else:
        _header(ws, [_("Chỉ tiêu"), now_title])
    rows = [
        (_("Số xã trong chương trình"), p.communes, h.communes, INT),
        (_("Số xã đạt chuẩn nông thôn mới"), p.certified, h.certified, INT),
        (
            _("Tỷ lệ xã đạt chuẩn"),
            _fraction(p.certified, p.communes),
            _fraction(h.certified, h.communes),
            PERCENT,
        ),
        (_("Bình quân tiêu chí/xã"), p.average, h.average, AVERAGE),
        (_("Tổng số tiêu chí đạt"), p.criteria_total, h.criteria_total, INT),
        (_("Số xã dùng kết quả năm trước"), p.carried_forward, h.carried_forward, INT),
        (_("Số xã chưa từng được đánh giá"), p.not_assessed, h.not_assessed, INT),
        (
            _("Số xã chưa đánh giá theo bộ tiêu chí mới"),
            p.not_reassessed,
            h.not_reassessed,
            INT,
        ),
    ]
    for label, before, now, fmt in rows:
        if f.comparable:
            _append(
                ws,
                [label, before, now, _cell_value(now) - _cell_value(before)],
                [None, fmt, fmt, fmt],
            )
        else:
            _append(ws, [label, now], [None, fmt])
    _append(ws, [])
    _append(
        ws,
        [_("Đạt chuẩn theo hạng"), _("Số xã"), _("Tỷ lệ"), _("Đang hoàn thiện hồ sơ")],
        font=TOTAL_FONT,
    )
    for tier in f.tiers:
        _append(
            ws,
            [tier.label, tier.count, _fraction(tier.count, h.communes), tier.in_progress],
            [None, INT, PERCENT, INT],
        )


def _not_comparable_text(f: ReportFigures) -> str:
    """Why the year before is not compared: it was judged under another set."""
    if f.previous_set is None:
        return _("Năm %(y)s không có bộ tiêu chí áp dụng: không so sánh.") % {"y": f.year - 1}
    return _("Năm %(y)s đánh giá theo bộ tiêu chí khác (%(set)s, %(basis)s): không so sánh.") % {
        "y": f.year - 1,
        "set": localized_name(f.previous_set),
        "basis": f.previous_set.legal_basis,
    }


def _plan_sheet(wb: Workbook, plans: Sequence) -> None:
    """Plan against result (plans.progress.PlanProgress rows): one row per target."""
    rows = []
    for p in plans:
        tier = p.plan.get_tier_display()
        if p.target_certified is not None:
            rows.append(
                [
                    tier,
                    _("Số xã đạt chuẩn trong năm"),
                    p.target_certified,
                    p.certified,
                    _fraction(p.certified, p.target_certified),
                ]
            )
        if p.plan.target_average is not None:
            rows.append(
                [
                    tier,
                    _("Bình quân tiêu chí/xã"),
                    p.plan.target_average,
                    p.average,
                    float(p.average / p.plan.target_average) if p.plan.target_average else 0.0,
                ]
            )
        for c in p.criteria:
            rows.append(
                [
                    tier,
                    _("Số xã đạt tiêu chí %(n)s") % {"n": c.number},
                    c.target,
                    c.actual,
                    _fraction(c.actual, c.target),
                ]
            )
    _table_sheet(
        wb,
        _("Kế hoạch"),
        [_("Hạng"), _("Chỉ tiêu"), _("Kế hoạch"), _("Thực hiện"), _("Đạt")],
        [22, 30, 12, 12, 10],
        rows,
        [None, None, "0.##", "0.##", PERCENT],
    )


def _bands_sheet(wb: Workbook, f: ReportFigures) -> None:
    _table_sheet(
        wb,
        _("Theo số tiêu chí"),
        [_("Số tiêu chí đạt"), _("Số xã"), _("Tỷ lệ")],
        [22, 12, 12],
        [[b.band.label, b.count, _fraction(b.count, f.headline.communes)] for b in f.bands],
        [None, INT, PERCENT],
    )


def _criteria_sheet(wb: Workbook, f: ReportFigures) -> None:
    if f.group_areas and f.per_criterion_by_group:
        _criteria_by_group_sheet(wb, f)
        return
    _table_sheet(
        wb,
        _("Theo tiêu chí"),
        [_("Tiêu chí"), _("Tên tiêu chí"), _("Số xã đạt"), _("Tỷ lệ"), _("Bộ tiêu chí")],
        [10, 44, 12, 12, 24],
        # One block per set used: criteria of different sets are never matched by number.
        [
            [
                r.number,
                r.name,
                r.count,
                _fraction(r.count, f.headline.communes),
                usage.criteria_set.code,
            ]
            for usage in f.sets_used
            for r in usage.per_criterion
        ],
        [INT, None, INT, PERCENT, None],
    )


def _criteria_by_group_sheet(wb: Workbook, f: ReportFigures) -> None:
    """The year set's criteria per commune group (counts and shares of each group's communes),
    then the rows of any other set used."""
    groups = f.group_areas
    titles = [_("Tiêu chí"), _("Tên tiêu chí")]
    for g in groups:
        titles += [
            _("%(group)s: số xã đạt") % {"group": g.name},
            _("%(group)s: tỷ lệ") % {"group": g.name},
        ]
    titles += [_("Tổng: số xã đạt"), _("Tổng: tỷ lệ"), _("Bộ tiêu chí")]
    code = f.criteria_set.code
    rows = [
        [
            r.number,
            r.name,
            *[
                v
                for (count, _percent), g in zip(r.cells, groups, strict=True)
                for v in (count, _fraction(count, g.headline.communes))
            ],
            r.count,
            _fraction(r.count, f.headline.communes),
            code,
        ]
        for r in f.per_criterion_by_group
    ]
    blank = [None] * (2 * len(groups))
    for usage in f.sets_used:
        if usage.is_year_set:
            continue
        rows += [
            [
                r.number,
                r.name,
                *blank,
                r.count,
                _fraction(r.count, f.headline.communes),
                usage.criteria_set.code,
            ]
            for r in usage.per_criterion
        ]
    _table_sheet(
        wb,
        _("Theo tiêu chí"),
        titles,
        [10, 44, *[12] * (2 * len(groups)), 12, 12, 24],
        rows,
        [INT, None, *[INT, PERCENT] * len(groups), INT, PERCENT, None],
    )


def _areas_sheet(wb: Workbook, f: ReportFigures, *, by_group: bool = False) -> None:
    """The table by district, former district (province report) or province (national), or
    by commune group, with its total."""
    kind = "commune_group" if by_group else f.grouping.kind
    sheet, column = {
        "province": (_("Theo tỉnh"), _("Tỉnh")),
        "former_district": (_("Theo huyện cũ"), _("Huyện cũ")),
        "commune_group": (_("Theo nhóm xã"), _("Nhóm xã")),
    }.get(kind, (_("Theo huyện"), _("Huyện")))
    band_titles = [_("%(band)s TC") % {"band": b.band.label} for b in f.bands]

    def row(d) -> list:
        h = d.headline
        return [
            d.code,
            d.name,
            h.communes,
            h.certified,
            _fraction(h.certified, h.communes),
            h.average,
            h.criteria_total,
            *[b.count for b in d.bands],
            h.carried_forward,
        ]

    _table_sheet(
        wb,
        sheet,
        [
            _("Mã"),
            column,
            _("Số xã"),
            _("Đạt chuẩn"),
            _("Tỷ lệ"),
            _("Bình quân TC/xã"),
            _("Tổng TC đạt"),
            *band_titles,
            _("Dùng KQ năm trước"),
        ],
        [8, 26, 10, 11, 10, 12, 12, *[10] * len(band_titles), 12],
        [row(d) for d in (f.group_areas if by_group else f.areas)],
        [None, None, INT, INT, PERCENT, AVERAGE, INT, *[INT] * len(band_titles), INT],
        total=row(f.area_total),
    )


def _progress_sheet(wb: Workbook, f: ReportFigures) -> None:
    # The day of each point: 30/06/2025 and 31/12/2025 stand on different units; and the set
    # of its year: averages of two sets are not comparable.
    _table_sheet(
        wb,
        _("Tiến độ"),
        [
            _("Năm"),
            _("Số xã"),
            _("Đạt chuẩn"),
            _("Tỷ lệ"),
            _("Bình quân TC/xã"),
            _("Ngày"),
            _("Bộ tiêu chí"),
        ],
        [10, 10, 12, 10, 16, 12, 24],
        [
            [
                h.year,
                h.communes,
                h.certified,
                _fraction(h.certified, h.communes),
                h.average,
                h.day,
                h.set_code or "",
            ]
            for h in f.progress
        ],
        ["0", INT, INT, PERCENT, AVERAGE, "dd/mm/yyyy", None],
    )


def _units_text(f: ReportFigures) -> str:
    """The units in scope on the day, in the programme or not (as the page says it)."""
    text = _(
        "Ngày %(day)s có %(total)s đơn vị hành chính cấp xã: %(n)s xã thuộc chương trình nông "
        "thôn mới, đánh giá theo %(set)s (%(basis)s)"
    ) % {
        "day": date_format(f.day, "d/m/Y"),
        "total": f.units.total,
        "n": f.units.in_programme,
        "set": localized_name(f.criteria_set),
        "basis": f.criteria_set.legal_basis,
    }
    if f.units.outside:
        text += "; " + _("%(outside)s không thuộc chương trình") % {"outside": f.units.outside_text}
    return text + "."


def _late_text(f: ReportFigures) -> str:
    """The note on the recognitions of the year decided later (the list is a sheet)."""
    late = f.late_recognitions
    values = {"n": late.communes, "y": f.year, "next": f.year + 1}
    if late.all_next_year:
        text = ngettext(
            "Ngoài ra, %(n)s xã được công nhận đạt chuẩn năm %(y)s theo quyết định ban hành "
            "năm %(next)s",
            "Ngoài ra, %(n)s xã được công nhận đạt chuẩn năm %(y)s theo quyết định ban hành "
            "năm %(next)s",
            late.communes,
        )
    else:
        text = ngettext(
            "Ngoài ra, %(n)s xã được công nhận đạt chuẩn năm %(y)s theo quyết định ban hành "
            "sau năm %(y)s",
            "Ngoài ra, %(n)s xã được công nhận đạt chuẩn năm %(y)s theo quyết định ban hành "
            "sau năm %(y)s",
            late.communes,
        )
    suffix = _(" (danh sách ở trang “Công nhận sau năm”)") if late.rows else ""
    return (text % values) + suffix + "."


def _late_sheet(wb: Workbook, f: ReportFigures) -> None:
    _table_sheet(
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


def _ended_sheet(wb: Workbook, f: ReportFigures) -> None:
    _table_sheet(
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


def _new_units_sheet(wb: Workbook, f: ReportFigures) -> None:
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
    _table_sheet(
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


def _near_sheet(wb: Workbook, f: ReportFigures) -> None:
    if f.near_standard_missing is None:
        ws = _sheet(wb, _("Gần đạt chuẩn"), [100], "A1")
        _append(
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
    _table_sheet(
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


def _change_sheet(wb: Workbook, f: ReportFigures) -> None:
    if not f.comparable:
        ws = _sheet(wb, _("Tăng giảm tiêu chí"), [100], "A1")
        _append(ws, [_not_comparable_text(f)])
        return
    rows = [
        _district(f, [c.code, c.name, c.district, c.met_before, c.met, c.gained_text, c.lost_text])
        for c in f.changed
    ]
    _table_sheet(
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


def _keeping_sheet(wb: Workbook, f: ReportFigures) -> None:
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
    _table_sheet(
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


def _annex_sheet(wb: Workbook, f: ReportFigures) -> None:
    ws = _sheet(
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
    _header(ws, titles)
    set_codes = {u.criteria_set.pk: u.criteria_set.code for u in f.sets_used}
    for c in f.communes:
        _append(
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


# --- The re-scoring preview (reports.rescoring) ------------------------------------------------


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
    ws = _sheet(wb, _("Tổng hợp"), (60, 14), "A1")
    _append(
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
    _append(ws, [_("Bản xem trước: không ghi gì vào đánh giá của xã.")], font=WARNING_FONT)
    _append(
        ws,
        [
            _(
                "Giá trị chỉ tiêu đã lưu năm %(year)s được so với mức của bộ tiêu chí áp dụng "
                "cho năm %(key_year)s; chỉ tiêu đối chiếu theo số tiêu chí và mã chỉ tiêu."
            )
            % {"year": result.year, "key_year": result.key_year}
        ],
    )
    _append(ws, [])
    _header(ws, [_("Chỉ số"), _("Số xã")])
    for label, value in (
        (_("Xã trong chương trình"), len(result.rows)),
        (_("Xã có đánh giá năm này"), len(result.assessed)),
        (_("Đạt đủ tiêu chí theo kết quả đã ghi"), result.meets_all_now),
        (_("Sẽ đạt đủ tiêu chí theo bộ đã chọn"), result.would_meet_all),
        (_("Chưa kết luận được (thiếu giá trị, không tính được)"), result.undecided),
        (_("Lượt tiêu chí có thêm"), result.gained),
        (_("Lượt tiêu chí bị mất"), result.lost),
    ):
        _append(ws, [label, value], [None, INT])
    if result.whole:
        _append(ws, [])
        _append(
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
    _table_sheet(
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
    _table_sheet(wb, _("Theo tiêu chí"), titles, (10, 24) + (18,) * len(result.criteria), rows, ())
