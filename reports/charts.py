"""Charts drawn on the server as SVG, so one drawing serves the web page and the PDF.

Only presentation attributes (no `style`), so the strict Content Security Policy of the pages
allows them inline; text is set in DejaVu Sans, which WeasyPrint embeds with every diacritic.
"""

import math
from collections.abc import Sequence
from decimal import Decimal

from django.utils.formats import date_format, number_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from communes.models import TWO_TIER_START
from reports.figures.counts import BandRow, Headline
from reports.figures.per_criterion import CriterionRow

FONT = "DejaVu Sans, sans-serif"
GREEN = "#198754"
AMBER = "#b7791f"
# Text colours reach 4.5:1 on white (WCAG AA); AMBER stays the line colour, AMBER_TEXT labels it.
GREY = "#5c636a"
AMBER_TEXT = "#8a5a12"
GRID = "#dee2e6"
BAND_COLOURS = ["#146c43", "#4f9d69", "#9bc53d", "#e0a800", "#c0392b"]


def _text(x, y, content, *, size=12, anchor="start", fill="#212529", weight="normal") -> str:
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" font-family="{FONT}" font-size="{size}" '
        f'text-anchor="{anchor}" fill="{fill}" font-weight="{weight}">{escape(content)}</text>'
    )


def _svg(width: int, height: int, title: str, body: list[str]) -> SafeString:
    return mark_safe(  # noqa: S308 - every text node above goes through escape()
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-label="{escape(title)}">'
        f"<title>{escape(title)}</title>{''.join(body)}</svg>"
    )


def _num(value, places: int | None = None) -> str:
    return number_format(value, decimal_pos=places, use_l10n=True)


def progress_chart(progress: Sequence[Headline], criteria_count: int) -> SafeString:
    """Certified communes per year as bars (left scale) and the average criteria per commune as
    a line (right scale, 0 to the set's criteria count). Under each bar, the number of
    communes behind it, so a change of units never passes silently, and a dashed line where
    the two-tier system began (01/07/2025) or the criteria set changed. The line of averages
    breaks there: no segment joins an average of 19 criteria to one of 10, or the old units to
    the new."""
    title = _("Tiến độ qua các năm")
    width, height = 640, 276
    left, right, top, bottom = 48, 48, 28, 60
    plot_w, plot_h = width - left - right, height - top - bottom
    body = [_text(left, 16, title, size=13, weight="bold")]
    if not progress:
        body.append(_text(width / 2, height / 2, _("Chưa có số liệu"), anchor="middle"))
        return _svg(width, height, title, body)
    max_communes = max(h.communes for h in progress) or 1
    # Earlier points may stand on a larger set (19 criteria before 2026).
    max_avg = max(criteria_count, math.ceil(max(h.average for h in progress)), 1)
    for i in range(5):
        y = top + plot_h * i / 4
        body.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{left + plot_w}" y2="{y:.1f}" stroke="{GRID}"/>'
        )
        body.append(
            _text(
                left - 6,
                y + 4,
                _num(round(max_communes * (4 - i) / 4)),
                anchor="end",
                size=12,
                fill=GREY,
            )
        )
        body.append(
            _text(left + plot_w + 6, y + 4, _num(round(max_avg * (4 - i) / 4)), size=12, fill=GREY)
        )
    slot = plot_w / len(progress)
    bar_w = min(48, slot * 0.5)
    segments: list[list[tuple[float, float, Decimal]]] = [[]]
    for i, h in enumerate(progress):
        cx = left + slot * (i + 0.5)
        bar_h = plot_h * h.certified / max_communes
        y = top + plot_h - bar_h
        body.append(
            f'<rect x="{cx - bar_w / 2:.1f}" y="{y:.1f}" width="{bar_w:.1f}" '
            f'height="{bar_h:.1f}" fill="{GREEN}"/>'
        )
        body.append(_text(cx, y - 4, f"{h.certified}/{h.communes}", anchor="middle", size=12))
        label = str(h.year) if h.is_year_end else date_format(h.day, "d/m/Y")
        body.append(_text(cx, top + plot_h + 16, label, anchor="middle"))
        body.append(
            _text(
                cx,
                top + plot_h + 30,
                _("%(n)s xã") % {"n": _num(h.communes)},
                anchor="middle",
                size=12,
                fill=GREY,
            )
        )
        units_changed = i and progress[i - 1].day < TWO_TIER_START <= h.day
        set_changed = i and progress[i - 1].set_code != h.set_code
        if units_changed or set_changed:
            mx = cx - slot / 2
            body.append(
                f'<line x1="{mx:.1f}" y1="{top - 6}" x2="{mx:.1f}" y2="{top + plot_h + 32}" '
                f'stroke="{GREY}" stroke-width="1.5" stroke-dasharray="4 3" data-break="1"/>'
            )
            label = date_format(TWO_TIER_START, "d/m/Y") if units_changed else _("Bộ tiêu chí mới")
            body.append(_text(mx, top - 8, label, anchor="middle", size=12))
            segments.append([])
        ay = top + plot_h - plot_h * float(h.average) / max_avg
        segments[-1].append((cx, ay, h.average))
    for segment in segments:
        if len(segment) > 1:
            path = " ".join(f"{x:.1f},{y:.1f}" for x, y, _a in segment)
            body.append(
                f'<polyline points="{path}" fill="none" stroke="{AMBER}" stroke-width="2.5"/>'
            )
    for x, y, avg in (p for segment in segments for p in segment):
        body.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{AMBER}"/>')
        body.append(_text(x + 7, y - 6, _num(avg, 2), size=12, fill=AMBER_TEXT, weight="bold"))
    legend_y = height - 8
    body.append(f'<rect x="{left}" y="{legend_y - 9}" width="10" height="10" fill="{GREEN}"/>')
    body.append(_text(left + 14, legend_y, _("Xã đạt chuẩn / tổng số xã"), size=12))
    body.append(f'<rect x="{left + 230}" y="{legend_y - 6}" width="14" height="3" fill="{AMBER}"/>')
    body.append(_text(left + 248, legend_y, _("Bình quân tiêu chí/xã (trục phải)"), size=12))
    return _svg(width, height, title, body)


def _hbars(title: str, rows: list[tuple[str, int, Decimal, str]], label_w: int) -> SafeString:
    """Horizontal bars: (label, count, percent, colour) per row, scaled to 100 %."""
    width = 640
    row_h, top = 18, 4
    height = top + row_h * len(rows) + 4
    plot_w = width - label_w - 90
    # The section heading names the chart; the title stays for screen readers.
    body = []
    for i, (label, count, percent, colour) in enumerate(rows):
        y = top + i * row_h
        bar_w = plot_w * float(percent) / 100
        body.append(_text(label_w - 6, y + 12, label, anchor="end", size=12))
        body.append(
            f'<rect x="{label_w}" y="{y + 2}" width="{plot_w}" height="{row_h - 5}" '
            'fill="#f1f3f5"/>'
        )
        body.append(
            f'<rect x="{label_w}" y="{y + 2}" width="{bar_w:.1f}" height="{row_h - 5}" '
            f'fill="{colour}"/>'
        )
        body.append(
            _text(label_w + plot_w + 6, y + 12, f"{_num(count)} ({_num(percent, 1)}%)", size=12)
        )
    return _svg(width, height, title, body)


def bands_chart(bands: Sequence[BandRow]) -> SafeString:
    rows = [
        (
            _("%(band)s tiêu chí") % {"band": b.band.label},
            b.count,
            b.percent,
            BAND_COLOURS[min(i, len(BAND_COLOURS) - 1)],
        )
        for i, b in enumerate(bands)
    ]
    return _hbars(_("Số xã theo số tiêu chí đạt"), rows, label_w=110)


def criteria_chart(per_criterion: Sequence[CriterionRow]) -> SafeString:
    rows = [(_("TC %(n)s") % {"n": r.number}, r.count, r.percent, GREEN) for r in per_criterion]
    return _hbars(_("Số xã đạt từng tiêu chí"), rows, label_w=60)
