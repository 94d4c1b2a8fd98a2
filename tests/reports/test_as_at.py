"""Reports and the commune list as at a day (issue 12): the units and certifications of that
day, the certified communes that ended listed, the new units' lineage, and the 2016-2018
figures exactly as before."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.exceptions import BadRequest
from django.http import Http404
from django.test import RequestFactory
from django.urls import reverse
from openpyxl import load_workbook

from communes.models import Commune, Province, Succession
from criteria.models import Certification
from ntm.lib.years import date_from_query
from reports.charts import progress_chart
from reports.figures import Headline, report_figures
from tests.base import make_certification, make_commune
from tests.reports.conftest import login

pytestmark = pytest.mark.django_db

REPORT_2025 = reverse("reports:province_report", args=["20", 2025])


def langson():
    return Province.objects.with_code("20").get()


@pytest.mark.parametrize(
    "raw",
    ["2025-6-30", "30/06/2025", "２０２５-06-30", "2025-02-30", "0000-01-01", "x", "2025-06-30 "],
)
def test_a_day_that_is_not_an_ascii_iso_date_is_not_found(raw):
    request = RequestFactory().get("/", {"as_at": raw})
    with pytest.raises(Http404):
        date_from_query(request, year=2025)


def test_a_day_outside_the_pages_year_is_a_bad_request():
    request = RequestFactory().get("/", {"as_at": "2024-12-31"})
    with pytest.raises(BadRequest):
        date_from_query(request, year=2025)
    assert date_from_query(request) == datetime.date(2024, 12, 31)
    assert date_from_query(RequestFactory().get("/")) is None


def test_the_report_as_at_30_june_2025_counts_the_old_units(client, django_user_model):
    login(client, django_user_model, "province")
    response = client.get(REPORT_2025, {"as_at": "2025-06-30"})
    assert response.status_code == 200
    f = response.context["figures"]
    # 38 with an illustrative decision of 2016-2018, and xã Chi Lăng (Tràng Định), advanced by
    # 99/QĐ-UBND of 26/01/2023, transcribed (its standard decision is not entered). Xã Sơn Hà
    # (103/QĐ-UBND) ended on 30/11/2024; xã Bắc Lãng (105/QĐ-UBND) is among the 38.
    assert (f.headline.communes, f.headline.certified) == (175, 39)
    assert f.grouping.kind == "district" and len(f.areas) == 11
    assert not f.ended_certified and not f.new_units
    body = response.content.decode()
    assert "Đến 30/06/2025:" in body and '"certified">39/175<' in body
    # The downloads carry the day.
    assert 'href="/reports/province/20/2025.pdf?as_at=2025-06-30"' in body
    assert 'href="/reports/province/20/2025.xlsx?as_at=2025-06-30"' in body
    assert 'href="/reports/province/20/2025/?provisional=1&amp;as_at=2025-06-30"' in body


def test_the_report_at_the_end_of_2025_counts_the_new_units(client, django_user_model):
    login(client, django_user_model, "province")
    response = client.get(REPORT_2025)
    f = response.context["figures"]
    # 65 units on 01/07/2025: the 61 xã are the programme's denominator, the 4 phường not.
    assert Commune.objects.valid_on(f.day).filter(province=langson()).count() == 65
    assert (f.headline.communes, f.headline.certified, f.headline.average) == (
        61,
        0,
        Decimal("0.00"),
    )
    # No district table: the units grouped by former district, adding up to the total.
    assert f.grouping.kind == "former_district"
    assert sum(a.headline.communes for a in f.areas) == 61
    # The 39 certified xã of 30/06/2025 left the denominator and are listed, none dropped.
    assert len(f.ended_certified) == 39
    assert {c.valid_to for c in f.ended_certified} == {datetime.date(2025, 6, 30)}
    body = response.content.decode()
    assert "39 xã đạt chuẩn đã sáp nhập" in body
    assert "Hoàng Đồng" in body  # certified, absorbed into phường Tam Thanh
    # Every new xã shows where it came from (information, no inherited figures).
    assert len(f.new_units) == 61
    bang_mac = next(u for u in f.new_units if u.commune.code == "06475")
    assert sorted(r.commune.name for r in bang_mac.profile.rows) == [
        "Bằng Hữu",
        "Bằng Mạc",
        "Gia Lộc",
        "Thượng Cường",
    ]
    # The chart keeps both states of 2025 apart and marks the reform.
    assert [(h.day, h.communes) for h in f.progress][-2:] == [
        (datetime.date(2025, 6, 30), 175),
        (datetime.date(2025, 12, 31), 61),
    ]
    chart = str(response.context["charts"]["progress"])
    assert ">01/07/2025<" in chart and ">175 xã<" in chart and ">61 xã<" in chart


def test_a_certified_commune_that_merged_away_is_counted_until_its_end_date():
    # Tân Việt (06130), certified, merged on 31/12/2019 into Bắc Hùng and Bắc Việt.
    tan_viet = Commune.objects.with_code("06130", 2019).get()
    assert Certification.objects.in_force_on(tan_viet.valid_to).filter(commune=tan_viet)
    on_last_day = report_figures(2019, communes=Commune.objects.filter(province=langson()))
    assert "06130" in {c.code for c in on_last_day.communes}
    assert not on_last_day.ended_certified
    after = report_figures(2020, communes=Commune.objects.filter(province=langson()))
    assert "06130" not in {c.code for c in after.communes}
    ended = {c.code: c for c in after.ended_certified}
    assert ended["06130"].successors == ["Xã Bắc Hùng (06139)", "Xã Bắc Việt (06154)"]
    # 46 certified at the end of 2018; what left is listed, not lost.
    assert after.headline.certified + len(after.ended_certified) >= 46
    assert after.previous.certified - after.headline.certified <= len(after.ended_certified)


def test_a_commune_that_ends_mid_year_counts_up_to_that_day(report_world):
    w = report_world
    ending = make_commune(w.district_a, "98107", "Xã Bảy", valid_to=datetime.date(2027, 6, 30))
    make_certification(ending, w.cset, datetime.date(2026, 5, 1))
    heir = w.commune_a1
    Succession.objects.create(
        predecessor=ending, successor=heir, effective_on=datetime.date(2027, 7, 1)
    )
    before = report_figures(
        2027, as_at=datetime.date(2027, 6, 30), communes=Commune.objects.filter(province=w.province)
    )
    after = report_figures(
        2027, as_at=datetime.date(2027, 7, 1), communes=Commune.objects.filter(province=w.province)
    )
    assert before.headline.communes == after.headline.communes + 1
    assert before.headline.certified == after.headline.certified + 1
    assert [c.code for c in after.ended_certified] == ["98107"]
    assert after.ended_certified[0].successors == ["Xã Xã Một (98101)"]
    # The certification stays with the commune that received it.
    assert heir.certifications.count() == 1  # A1's own, from 06/2027


def test_the_2016_to_2018_figures_are_unchanged():
    expected = {2016: (28, 207), 2017: (36, 207), 2018: (46, 207)}
    for year, (certified, communes) in expected.items():
        f = report_figures(year, communes=Commune.objects.filter(province=langson()))
        assert (f.headline.certified, f.headline.communes) == (certified, communes)
        assert not f.ended_certified and not f.new_units and f.grouping.kind == "district"
    assert report_figures(
        2017, communes=Commune.objects.filter(province=langson())
    ).headline.average == Decimal("8.65")


def test_the_workbook_as_at_a_day_says_which_day(client, django_user_model):
    login(client, django_user_model, "province")
    url = reverse("reports:province_report_xlsx", args=["20", 2025])
    response = client.get(url, {"as_at": "2025-06-30"})
    assert "bao-cao-ntm-tinh-20-2025-ngay-2025-06-30.xlsx" in response["Content-Disposition"]
    wb = load_workbook(io.BytesIO(response.content))
    summary = wb["Tổng hợp"]
    assert summary["A3"].value.startswith("Đến 30/06/2025: 39/175 xã")
    # At the year's end: the new units, the certified xã that left on their own sheet.
    wb = load_workbook(io.BytesIO(client.get(url).content))
    assert wb["Tổng hợp"]["A3"].value.startswith("Đến 31/12/2025: 0/61 xã")
    assert "Theo huyện cũ" in wb.sheetnames and "Theo huyện" not in wb.sheetnames
    assert wb["Xã đã sáp nhập"].max_row == 39 + 1


def test_the_pdf_as_at_a_day_is_cached_apart(client, django_user_model, report_cache, monkeypatch):
    from ntm.lib import pdf

    rendered = []
    monkeypatch.setattr(pdf, "render_pdf", lambda html: rendered.append(html) or b"%PDF-fake")
    login(client, django_user_model, "province")
    url = reverse("reports:province_report_pdf", args=["20", 2025])
    client.get(url, {"as_at": "2025-06-30"})
    client.get(url)
    assert "39/175" in rendered[0] and "0/61" in rendered[1]
    # One stored file each: the day is part of the key (reports.rendering.REPORT_PARAMS).
    assert len(list(report_cache.rglob("province-20-2025-2025-06-30-approved-vi-*.pdf"))) == 1
    assert len(list(report_cache.rglob("province-20-2025-approved-vi-*.pdf"))) == 1


def test_a_bad_or_foreign_day_is_refused(client, django_user_model):
    login(client, django_user_model, "province")
    assert client.get(REPORT_2025, {"as_at": "2025-13-01"}).status_code == 404
    assert client.get(REPORT_2025, {"as_at": "2024-06-30"}).status_code == 400


def test_a_district_report_of_2025_stops_on_the_districts_last_day(client, django_user_model):
    login(client, django_user_model, "province")
    response = client.get(reverse("reports:district_report", args=["187", 2025]))
    assert response.status_code == 200
    assert response.context["figures"].day == datetime.date(2025, 6, 30)
    assert response.context["figures"].headline.communes > 0


def test_the_commune_list_shows_the_units_of_the_day(client, django_user_model):
    login(client, django_user_model, "province")
    response = client.get(reverse("pages:commune_list"), {"year": "2026"})
    assert response.context["page"].paginator.count == 61
    assert response.context["outside_programme"] == 4
    assert "4 phường, thị trấn không thuộc chương trình" in response.content.decode()
    response = client.get(reverse("pages:commune_list"), {"as_at": "2025-06-30"})
    assert response.context["year"] == 2025
    assert response.context["page"].paginator.count == 175
    assert 'href="/reports/province/20/2025/?as_at=2025-06-30"' in response.content.decode()
    bad = client.get(reverse("pages:commune_list"), {"year": "2026", "as_at": "2025-06-30"})
    assert bad.status_code == 400


def test_the_chart_states_the_units_behind_each_year():
    progress = [
        Headline(2018, 207, 46, 1900, 0, 0),
        Headline(2025, 61, 0, 0, 0, 0, as_at=datetime.date(2025, 12, 31)),
    ]
    svg = progress_chart(progress, 19)
    assert ">207 xã<" in svg and ">61 xã<" in svg
    assert ">01/07/2025<" in svg and 'stroke-dasharray="4 3"' in svg
    # No mark when every year lies on one side of the reform.
    assert "01/07/2025" not in progress_chart(progress[:1], 19)
