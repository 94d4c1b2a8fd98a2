from decimal import Decimal
from xml.etree import ElementTree

import pytest

from criteria.standing import Band
from reports.charts import bands_chart, criteria_chart, progress_chart
from reports.figures.counts import BandRow, Headline
from reports.figures.per_criterion import CriterionRow

SVG = "{http://www.w3.org/2000/svg}"
TRACK = "#f1f3f5"  # the grey 100 % track behind each horizontal bar


def shapes(svg: str, tag: str) -> list[dict]:
    root = ElementTree.fromstring(svg)  # noqa: S314 - the chart just drawn, not untrusted input
    return [e.attrib for e in root.iter(f"{SVG}{tag}")]


def test_progress_chart_draws_each_year():
    progress = [
        Headline(2016, 207, 28, 1708, 0, 0),
        Headline(2017, 207, 36, 1790, 0, 0),
    ]
    svg = progress_chart(progress, 19)
    assert svg.startswith('<svg xmlns="http://www.w3.org/2000/svg"')
    assert "36/207" in svg and "8,65" in svg and ">2016<" in svg
    assert "style=" not in svg


def test_progress_bars_and_line_are_proportional_to_the_figures():
    progress = [
        Headline(2016, 207, 18, 1000, 0, 0),  # average 4.83
        Headline(2017, 207, 36, 1790, 0, 0),  # average 8.65
        Headline(2018, 207, 54, 3933, 0, 0),  # average 19.00: every criterion
    ]
    svg = progress_chart(progress, 19)
    bars = [r for r in shapes(svg, "rect") if float(r["height"]) > 10]
    heights = [float(r["height"]) for r in bars]
    assert len(heights) == 3
    assert heights[0] / heights[2] == pytest.approx(18 / 54, abs=0.01)
    assert heights[1] / heights[2] == pytest.approx(36 / 54, abs=0.01)
    bottom = float(bars[0]["y"]) + heights[0]  # the bars stand on the baseline
    assert all(float(r["y"]) + float(r["height"]) == pytest.approx(bottom) for r in bars)
    # The average line: height above the baseline in proportion to the average, the set's
    # criteria count (19) level with the tallest bar's scale top.
    (line,) = shapes(svg, "polyline")
    ys = [float(p.split(",")[1]) for p in line["points"].split()]
    rises = [bottom - y for y in ys]
    assert rises[0] / rises[2] == pytest.approx(float(progress[0].average) / 19, abs=0.01)
    assert rises[1] / rises[2] == pytest.approx(float(progress[1].average) / 19, abs=0.01)


def test_progress_chart_without_data_says_so():
    assert "Chưa có số liệu" in progress_chart([], 19)


def test_bar_lengths_are_proportional_to_the_percentages():
    rows = [
        CriterionRow(1, "Quy hoạch", 3, Decimal("50.0")),
        CriterionRow(2, "Giao thông", 6, Decimal("100.0")),
        CriterionRow(3, "Thủy lợi", 1, Decimal("12.5")),
    ]
    svg = criteria_chart(rows)
    assert "TC 1" in svg and "3 (50,0%)" in svg
    rects = shapes(svg, "rect")
    tracks = [float(r["width"]) for r in rects if r["fill"] == TRACK]
    bars = [float(r["width"]) for r in rects if r["fill"] != TRACK]
    assert len(bars) == 3 and len(set(tracks)) == 1
    assert [bar / tracks[0] for bar in bars] == pytest.approx([0.5, 1.0, 0.125], abs=0.001)


def test_band_bars_fill_their_track_at_100_percent():
    svg = bands_chart(
        [
            BandRow(Band(19, 19, is_top=True), 2, Decimal("100.0")),
            BandRow(Band(15, 18), 0, Decimal("0.0")),
        ]
    )
    assert "19 tiêu chí" in svg
    rects = shapes(svg, "rect")
    tracks = [float(r["width"]) for r in rects if r["fill"] == TRACK]
    bars = [float(r["width"]) for r in rects if r["fill"] != TRACK]
    assert bars == pytest.approx([tracks[0], 0.0], abs=0.1)


def _contrast(hex_colour: str) -> float:
    """WCAG contrast ratio of a colour against white."""
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    r, g, b = (c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b
    return 1.05 / (luminance + 0.05)


def test_chart_text_is_at_least_12px_and_4_5_to_1():
    import re

    progress = [Headline(2016, 207, 28, 1708, 0, 0), Headline(2017, 207, 36, 1790, 0, 0)]
    svgs = [
        progress_chart(progress, 19),
        criteria_chart([CriterionRow(1, "Quy hoạch", 3, Decimal("50.0"))]),
        bands_chart([BandRow(Band(19, 19, is_top=True), 2, Decimal("100.0"))]),
    ]
    texts = [t for svg in svgs for t in re.findall(r"<text [^>]*>", svg)]
    assert texts
    for tag in texts:
        size = float(re.search(r'font-size="([\d.]+)"', tag).group(1))
        fill = re.search(r'fill="(#[0-9a-fA-F]{6})"', tag).group(1)
        assert size >= 12, tag
        assert _contrast(fill) >= 4.5, tag
