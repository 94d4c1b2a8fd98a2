"""The report as an Excel workbook (openpyxl): a summary sheet, one sheet per table and the
per-commune annex as a real Excel table.

Numbers are stored as numbers (with number formats), never as text, so staff can paste and sum
them. Every cell is made by `ntm.lib.spreadsheet.safe_cell`: a commune or criterion name
starting with = + - @ is stored as text, never as a formula.

The workbook is written in openpyxl's write-only mode: rows go to the file as they are
appended, in time and memory linear in the rows (the national annex has 8,400), and nothing is
read back. So each cell is styled before its row is appended, and a sheet's column widths and
frozen panes are set before its first row (they are written at the top of the sheet).

The summary and the tables are here, the sheets of communes in `commune_sheets`.
"""

import datetime
import io
from collections.abc import Sequence

from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from openpyxl import Workbook
from openpyxl.styles import Font

from criteria.naming import localized_name
from reports.figures import ReportFigures
from reports.xlsx.commune_sheets import (
    annex_sheet,
    change_sheet,
    ended_sheet,
    keeping_sheet,
    late_sheet,
    near_sheet,
    new_units_sheet,
    not_comparable_text,
)
from reports.xlsx.sheets import (
    AVERAGE,
    INT,
    PERCENT,
    TITLE_FONT,
    TOTAL_FONT,
    WARNING_FONT,
    append_header,
    append_row,
    cell_value,
    fraction,
    new_sheet,
    table_sheet,
)


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
    if figures.villages is not None or figures.border is not None:
        _villages_sheet(wb, figures)
    if figures.late_recognitions and figures.late_recognitions.rows:
        late_sheet(wb, figures)
    if figures.ended_certified:
        ended_sheet(wb, figures)
    if figures.new_units:
        new_units_sheet(wb, figures)
    if figures.has_communes:
        near_sheet(wb, figures)
        change_sheet(wb, figures)
        keeping_sheet(wb, figures)
        annex_sheet(wb, figures)
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
        lines.append((not_comparable_text(f), None))
    # The lines, an empty row, the header: the panes are frozen under it.
    header_row = len(lines) + 2
    ws = new_sheet(wb, _("Tổng hợp"), [46, 14, 14, 14], f"A{header_row + 1}")
    for text, font in lines:
        append_row(ws, [text], font=font)
    append_row(ws, [])
    now_title = _("Năm %(y)s") % {"y": f.year} if f.is_year_end else date_format(f.day, "d/m/Y")
    if f.comparable:
        append_header(
            ws, [_("Chỉ tiêu"), _("Năm %(y)s") % {"y": f.year - 1}, now_title, _("Tăng/giảm")]
        )
    else:
        append_header(ws, [_("Chỉ tiêu"), now_title])
    rows = [
        (_("Số xã trong chương trình"), p.communes, h.communes, INT),
        (_("Số xã đạt chuẩn nông thôn mới"), p.certified, h.certified, INT),
        (
            _("Tỷ lệ xã đạt chuẩn"),
            fraction(p.certified, p.communes),
            fraction(h.certified, h.communes),
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
            append_row(
                ws,
                [label, before, now, cell_value(now) - cell_value(before)],
                [None, fmt, fmt, fmt],
            )
        else:
            append_row(ws, [label, now], [None, fmt])
    append_row(ws, [])
    append_row(
        ws,
        [_("Đạt chuẩn theo hạng"), _("Số xã"), _("Tỷ lệ"), _("Đang hoàn thiện hồ sơ")],
        font=TOTAL_FONT,
    )
    for tier in f.tiers:
        append_row(
            ws,
            [tier.label, tier.count, fraction(tier.count, h.communes), tier.in_progress],
            [None, INT, PERCENT, INT],
        )


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
                    fraction(p.certified, p.target_certified),
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
                    fraction(c.actual, c.target),
                ]
            )
    table_sheet(
        wb,
        _("Kế hoạch"),
        [_("Hạng"), _("Chỉ tiêu"), _("Kế hoạch"), _("Thực hiện"), _("Đạt")],
        [22, 30, 12, 12, 10],
        rows,
        [None, None, "0.##", "0.##", PERCENT],
    )


def _villages_sheet(wb: Workbook, f: ReportFigures) -> None:
    """The province report's border line and village counts (reports.figures.villages)."""
    rows = []
    if f.border is not None:
        rows.append(
            [_("Xã biên giới đạt chuẩn"), f.border.certified, None, None, None, None, None, None]
        )
        rows.append([_("Số xã biên giới"), f.border.communes, None, None, None, None, None, None])
        rows.append([_("Tiêu chí bình quân xã biên giới"), f.border.average, *[None] * 6])
    if f.villages is not None:
        listed = f.villages.rows if f.villages.by_group else []
        for r in [*listed, f.villages.total]:
            label = _("Tổng") if r.group == "*" else (r.group or _("Chưa phân nhóm"))
            rows.append(
                [
                    label,
                    r.villages,
                    r.ntm,
                    r.model,
                    r.smart,
                    r.recognised_in_year,
                    r.disadvantaged,
                    r.left_disadvantaged,
                ]
            )
    table_sheet(
        wb,
        _("Thôn, xã biên giới"),
        [
            _("Nhóm xã / chỉ tiêu"),
            _("Số thôn"),
            _("Thôn đạt chuẩn NTM"),
            _("Khu dân cư NTM kiểu mẫu"),
            _("Thôn thông minh"),
            _("Công nhận cho năm báo cáo"),
            _("Thôn ĐBKK"),
            _("Ra khỏi danh sách ĐBKK trong năm"),
        ],
        [30, 10, 12, 12, 12, 12, 10, 14],
        rows,
        # Column B holds the border average too: General shows both 12 and 1.5 as they are.
        [None, None, INT, INT, INT, INT, INT, INT],
    )


def _bands_sheet(wb: Workbook, f: ReportFigures) -> None:
    table_sheet(
        wb,
        _("Theo số tiêu chí"),
        [_("Số tiêu chí đạt"), _("Số xã"), _("Tỷ lệ")],
        [22, 12, 12],
        [[b.band.label, b.count, fraction(b.count, f.headline.communes)] for b in f.bands],
        [None, INT, PERCENT],
    )


def _criteria_sheet(wb: Workbook, f: ReportFigures) -> None:
    if f.group_areas and f.per_criterion_by_group:
        _criteria_by_group_sheet(wb, f)
        return
    table_sheet(
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
                fraction(r.count, f.headline.communes),
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
                for v in (count, fraction(count, g.headline.communes))
            ],
            r.count,
            fraction(r.count, f.headline.communes),
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
                fraction(r.count, f.headline.communes),
                usage.criteria_set.code,
            ]
            for r in usage.per_criterion
        ]
    table_sheet(
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
            fraction(h.certified, h.communes),
            h.average,
            h.criteria_total,
            *[b.count for b in d.bands],
            h.carried_forward,
        ]

    table_sheet(
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
    table_sheet(
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
                fraction(h.certified, h.communes),
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
