"""Every report states the commune-level units of its day, how many are in the programme and
which are outside it. Lạng Sơn from 01/07/2025 (ntm-reference §17.3): 65 units, 61 xã and
4 phường; its 2026 report is under 51/2025/QĐ-TTg."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from communes.models import Commune, Province
from reports.figures import report_figures
from reports.figures.units import UnitCounts
from tests.reports.conftest import login

pytestmark = pytest.mark.django_db


def langson():
    return Province.objects.with_code("20").get()


def test_the_2026_figures_count_65_units_61_in_the_programme():
    f = report_figures(2026, communes=Commune.objects.filter(province=langson()))
    assert f.units == UnitCounts(total=65, in_programme=61, outside=(("phuong", 4),))
    assert f.units.outside_text == "4 phường"
    assert f.headline.communes == 61  # the programme's denominator
    assert f.criteria_set.legal_basis.startswith("Quyết định 51/2025/QĐ-TTg")
    # Independently: the units that exist on 31/12/2026.
    units = Commune.objects.valid_in(2026).filter(province=langson())
    assert units.count() == 65
    assert set(units.filter(in_programme=False).values_list("kind", flat=True)) == {"phuong"}


def test_the_2026_province_report_says_it_plainly(client, django_user_model):
    login(client, django_user_model, "province")
    response = client.get(reverse("reports:province_report", args=["20", 2026]))
    body = response.content.decode()
    assert 'Ngày 31/12/2026 có <strong data-figure="units">65</strong> đơn vị hành chính' in body
    assert '<strong data-figure="units-in-programme">61</strong> xã thuộc chương trình' in body
    assert "(Quyết định 51/2025/QĐ-TTg, Phụ lục I)" in body
    assert '<span data-figure="units-outside">4 phường</span> không thuộc chương trình' in body
    # Wards outside the programme after 01/07/2025: usual practice, not confirmed (§17.3).
    assert 'data-unconfirmed="outside-programme"' in body
    xlsx = client.get(reverse("reports:province_report_xlsx", args=["20", 2026]))
    texts = [
        c.value
        for c in load_workbook(io.BytesIO(xlsx.content))["Tổng hợp"]["A"]
        if isinstance(c.value, str)
    ]
    assert any(
        t.startswith("Ngày 31/12/2026 có 65 đơn vị hành chính cấp xã: 61 xã thuộc chương trình")
        and t.endswith("4 phường không thuộc chương trình.")
        for t in texts
    )


def test_the_2017_report_keeps_its_figures_and_names_its_units(client, django_user_model):
    f = report_figures(2017, communes=Commune.objects.filter(province=langson()))
    assert (f.headline.certified, f.headline.communes, str(f.headline.average)) == (
        36,
        207,
        "8.65",
    )
    assert f.units == UnitCounts(226, 207, (("phuong", 5), ("thi_tran", 14)))
    login(client, django_user_model, "province")
    body = client.get(reverse("reports:province_report", args=["20", 2017])).content.decode()
    assert "5 phường, 14 thị trấn</span> không thuộc chương trình" in body
    assert 'data-unconfirmed="outside-programme"' not in body  # before the two-tier system
