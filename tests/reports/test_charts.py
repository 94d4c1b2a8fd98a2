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
