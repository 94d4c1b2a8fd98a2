"""Giữ chuẩn: certified communes whose approved assessment of the year no longer meets every
criterion of the set in force, with the 18/2022 revocation triggers shown as a warning."""

import datetime
import io

import pytest
from openpyxl import load_workbook

from communes.models import Commune
from criteria.models import Certification
from reports.figures import report_figures
from tests.base import make_assessment, make_certification, make_commune
from tests.reports.conftest import login

pytestmark = pytest.mark.django_db


@pytest.fixture
def slipping(report_world):
    """Two communes of district A certified in 2026 (all 3 criteria met) that slip in 2027:
    Xã Bốn misses criterion 3 (1 of 3, 33%), Xã Năm misses 2 and 3 (67%)."""
    w = report_world
    for code, name, met in (("98103", "Xã Bốn", 2), ("98104", "Xã Năm", 1)):
        commune = make_commune(w.district_a, code, name)
        make_assessment(commune, 2026, w.cset, met=3)
        make_certification(commune, w.cset, datetime.date(2026, 11, 1))
        make_assessment(commune, 2027, w.cset, met=met)
    return w


def by_code(figures):
    return {k.commune.code: k for k in figures.keeping_standard}


def test_it_lists_certified_communes_that_no_longer_meet_every_criterion(slipping):
    rows = by_code(
        report_figures(2027, communes=Commune.objects.filter(district__province=slipping.province))
    )
    # A1 (certified, 3/3 in 2027) keeps the standard; A2's recognition was revoked; B1 is not
    # certified.
    assert set(rows) == {"98103", "98104"}
    assert (rows["98104"].failing, rows["98104"].trigger) == ([2, 3], "half")
    # 33% failing, but criterion 3 is not one the rule names: listed, no trigger.
    assert (rows["98103"].failing, rows["98103"].trigger) == ([3], "")
    # The year before, all of them met every criterion.
    assert (
        report_figures(
            2026, communes=Commune.objects.filter(district__province=slipping.province)
        ).keeping_standard
        == []
    )


def test_30_to_50_percent_including_income_reaches_the_trigger(slipping):
    slipping.cset.criteria.filter(number=3).update(name_vi="Thu nhập")
    rows = by_code(
        report_figures(2027, communes=Commune.objects.filter(district__province=slipping.province))
    )
    assert (rows["98103"].key_failing, rows["98103"].trigger) == (["Thu nhập"], "key")


def test_a_carried_forward_assessment_is_not_judged_again(slipping):
    """Keeping the standard is judged on the year's own assessment only."""
    commune = make_commune(slipping.district_a, "98105", "Xã Sáu")
    make_assessment(commune, 2026, slipping.cset, met=2)
    make_certification(commune, slipping.cset, datetime.date(2026, 3, 1))
    assert "98105" not in by_code(
        report_figures(2027, communes=Commune.objects.filter(district__province=slipping.province))
    )


def test_the_report_pages_show_the_list_as_a_warning(slipping, client, django_user_model):
    login(client, django_user_model, "province-staff")
    body = client.get("/reports/province/98/2027/").content.decode()
    assert 'data-keeping="98104" data-trigger="half"' in body
    assert 'data-keeping="98103" data-trigger=""' in body
    assert "việc thu hồi do Chủ tịch UBND tỉnh quyết định" in body
    assert Certification.objects.filter(commune__code="98104", revoked_on__isnull=True).exists()
    wb = load_workbook(io.BytesIO(client.get("/reports/province/98/2027.xlsx").content))
    ws = wb["Giữ chuẩn"]
    assert [ws.cell(row=r, column=1).value for r in (2, 3)] == ["98104", "98103"]
