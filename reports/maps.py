"""The province report's map: each unit of the report's day coloured by its standing, drawn as
inline SVG on the server from the shapes stored on upload (maps.UnitShape), so the page and the
PDF show the same drawing with no tile server, no request elsewhere and no JavaScript.

The statuses are the report's own figures, not a new rule: a unit is "certified" when its row
of the annex holds a tier, "not assessed" when no assessment counts for it (`not_assessed`),
"near the standard" when it is in the report's near-standard list (`near_standard`, the set's
`near_standard_missing`), "all criteria met" when it meets the set's every criterion without a
decision yet (the top band), otherwise "further"; units outside the programme (phường...) are
drawn apart. Colours go from dark to light with the standing (readable in greyscale and by
colour-blind readers), the two states without figures carry a pattern, and the legend counts
each status.

Only presentation attributes (no `style`), as in reports/charts.py, for the pages' strict
Content Security Policy.
"""

import functools
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from maps.models import UnitShape
from reports.charts import FONT
from reports.figures import ReportFigures

# The drawn width in CSS pixels (the viewBox keeps the file's frame).
DRAWN_WIDTH = 640
STROKE = "#343a40"
HATCH = "#6c757d"


@dataclass(frozen=True)
class Status:
    key: str
    fill: str
    pattern: str = ""  # "hatch" or "dots": drawn over `fill`


# In the legend's order, from the best standing down (ColorBrewer YlGn, dark to light).
STATUSES = {
    "certified": Status("certified", "#006837"),
    "all_met": Status("all_met", "#31a354"),
    "near": Status("near", "#78c679"),
    "far": Status("far", "#ffffcc"),
    "not_assessed": Status("not_assessed", "#ffffff", "hatch"),
    "outside": Status("outside", "#d9d9d9", "dots"),
}


def status_labels(figures: ReportFigures) -> dict[str, str]:
    n = figures.near_standard_missing
    return {
        "certified": _("Đạt chuẩn nông thôn mới"),
        "all_met": _("Đạt đủ tiêu chí, chưa có quyết định công nhận"),
        "near": _("Gần đạt chuẩn (thiếu 1–%(n)s tiêu chí)") % {"n": n},
        "far": (
            _("Còn thiếu trên %(n)s tiêu chí") % {"n": n}
            if n is not None
            else _("Chưa đạt đủ tiêu chí")
        ),
        "not_assessed": _("Chưa có đánh giá được tính"),
        "outside": _("Không thuộc chương trình (phường, đặc khu...)"),
    }


def unit_statuses(figures: ReportFigures) -> dict[str, str]:
    """The status of each programme unit of the report, by code, from the report's rows."""
    near = {c.code for c in figures.near_standard}
    out = {}
    for c in figures.communes:
        if c.certified:
            out[c.code] = "certified"
        elif c.met_year is None:
            out[c.code] = "not_assessed"
        elif c.met >= figures.criteria_count:
            out[c.code] = "all_met"
        elif c.code in near:
            out[c.code] = "near"
        else:
            out[c.code] = "far"
    return out


@dataclass(frozen=True)
class LegendRow:
    key: str
    label: str
    count: int
    swatch: SafeString


@dataclass(frozen=True)
class MapRow:
    name: str
    code: str
    status: str
    met: int | None


@dataclass(frozen=True)
class Drawing:
    svg: SafeString
    legend: list[LegendRow]
    rows: list[MapRow]  # the table beside the map, for screen readers
    source: str
    describes_on: object
    illustrative: bool
    without_shape: int  # programme units of the report with no shape in the file
    size: int  # bytes of the SVG


def _pattern(element_id: str, status: Status) -> str:
    if status.pattern == "hatch":
        mark = f'<path d="M0 0L0 6" stroke="{HATCH}" stroke-width="1.5"/>'
        transform = ' patternTransform="rotate(45)"'
    else:
        mark = f'<circle cx="3" cy="3" r="1.1" fill="{HATCH}"/>'
        transform = ""
    return (
        f'<pattern id="{element_id}" width="6" height="6" patternUnits="userSpaceOnUse"'
        f'{transform}><rect width="6" height="6" fill="{status.fill}"/>{mark}</pattern>'
    )


def _fill(status: Status, prefix: str) -> str:
    return f"url(#{prefix}-{status.key})" if status.pattern else status.fill


def _swatch(status: Status) -> SafeString:
    defs = _pattern(f"map-legend-{status.key}", status) if status.pattern else ""
    return mark_safe(  # noqa: S308 - constants only
        '<svg xmlns="http://www.w3.org/2000/svg" width="18" height="14" viewBox="0 0 18 14" '
        f'aria-hidden="true" focusable="false"><defs>{defs}</defs><rect x="0.5" y="0.5" '
        f'width="17" height="13" fill="{_fill(status, "map-legend")}" stroke="{STROKE}"/></svg>'
    )


class ProvinceMap:
    """The map of a province report, drawn when a template first reads `drawing` (one query:
    the shapes of the units of the report's day): the workbook, which shows no map, and the
    issued reports' comparisons never run it."""

    def __init__(self, province_id: int, figures: ReportFigures):
        self.province_id = province_id
        self.figures = figures

    @functools.cached_property
    def drawing(self) -> Drawing | None:
        """None when no boundary file of the province has a unit of the report's day."""
        shapes = list(
            UnitShape.objects.for_area_on(province_id=self.province_id, day=self.figures.day)
        )
        if not shapes:
            return None
        return draw(shapes, self.figures)


def draw(shapes: list[UnitShape], figures: ReportFigures) -> Drawing:
    """The SVG, legend and table of `shapes` (of one boundary file) coloured by `figures`."""
    boundary = shapes[0].boundary
    statuses = unit_statuses(figures)
    labels = status_labels(figures)
    met = {c.code: c.met for c in figures.communes}
    scale = DRAWN_WIDTH / boundary.width
    width, height = DRAWN_WIDTH, round(boundary.height * scale)
    title = _("Bản đồ kết quả xây dựng nông thôn mới theo xã, %(day)s") % {
        "day": figures.day.strftime("%d/%m/%Y")
    }
    defs = "".join(_pattern(f"map-{s.key}", s) for s in STATUSES.values() if s.pattern)
    body, rows, drawn = [], [], set()
    for shape in shapes:
        commune = shape.commune
        key = statuses.get(commune.code, "outside")
        status = STATUSES[key]
        name = f"{commune.get_kind_display()} {commune.name}"
        body.append(
            f'<path d="{shape.path}" fill="{_fill(status, "map")}" fill-rule="evenodd" '
            f'data-unit="{escape(commune.code)}" data-status="{key}">'
            f"<title>{escape(name)} ({escape(commune.code)}): {escape(labels[key])}</title></path>"
        )
        rows.append(MapRow(name, commune.code, labels[key], met.get(commune.code)))
        drawn.add(commune.code)
    note = ""
    if boundary.is_illustrative:  # top left, outside the strokes of the shapes
        size = round(14 / scale)
        note = (
            f'<text x="4" y="{size + 4}" font-family="{FONT}" font-size="{size}" '
            f'fill="#842029" font-weight="bold">'
            f"{escape(_('Minh họa — không phải ranh giới thật'))}</text>"
        )
    svg = mark_safe(  # noqa: S308 - names and labels go through escape(), paths are ours
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart report-map-svg" '
        f'viewBox="0 0 {boundary.width} {boundary.height}" width="{width}" height="{height}" '
        f'role="img" aria-label="{escape(title)}"><title>{escape(title)}</title>'
        f"<defs>{defs}</defs>"
        f'<g stroke="{STROKE}" stroke-width="{0.8 / scale:.2f}" stroke-linejoin="round">'
        f"{''.join(body)}</g>{note}</svg>"
    )
    counts = dict.fromkeys(STATUSES, 0)
    for key in statuses.values():
        counts[key] += 1
    counts["outside"] = sum(1 for s in shapes if s.commune.code not in statuses)
    legend = [
        LegendRow(key, labels[key], counts[key], _swatch(status))
        for key, status in STATUSES.items()
        if not (key == "near" and figures.near_standard_missing is None)
        and not (key in ("all_met", "outside") and counts[key] == 0)
    ]
    return Drawing(
        svg=svg,
        legend=legend,
        rows=rows,
        source=boundary.source,
        describes_on=boundary.describes_on,
        illustrative=boundary.is_illustrative,
        without_shape=sum(1 for code in statuses if code not in drawn),
        size=len(svg.encode()),
    )
