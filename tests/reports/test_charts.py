from decimal import Decimal

from reports.charts import bands_chart, criteria_chart, progress_chart
from reports.figures import Band, BandRow, CriterionRow, Headline


def test_progress_chart_draws_each_year():
    progress = [
        Headline(2016, 207, 28, 1708, 0, 0),
        Headline(2017, 207, 36, 1790, 0, 0),
    ]
    svg = progress_chart(progress, 19)
    assert svg.startswith('<svg xmlns="http://www.w3.org/2000/svg"')
    assert svg.count("<rect") >= 2 and "<polyline" in svg
    assert "36/207" in svg and "8,65" in svg and ">2016<" in svg
    assert "style=" not in svg


def test_progress_chart_without_data_says_so():
    assert "Chưa có số liệu" in progress_chart([], 19)


def test_bar_charts_scale_to_100_percent():
    rows = [CriterionRow(1, "Quy hoạch", 3, Decimal("50.0"))]
    svg = criteria_chart(rows)
    assert "TC 1" in svg and "3 (50,0%)" in svg
    svg = bands_chart([BandRow(Band(19, 19, is_top=True), 2, Decimal("100.0"))])
    assert "19 tiêu chí" in svg and 'width="440.0"' in svg


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
