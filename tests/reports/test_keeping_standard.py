"""Giữ chuẩn: certified communes whose approved assessment of the year no longer meets every
criterion of the set in force, with the set's revocation triggers (18/2022 for 2021-2025, as
data of the set) shown as a warning, and "chưa xác nhận" where the set has no known rule."""

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
    Xã Bốn misses criterion 3 (1 of 3, 33%), Xã Năm misses 2 and 3 (67%). The set carries the
    rule of 18/2022/QĐ-TTg with criterion 1 as its key criterion."""
    w = report_world
    w.cset.revocation_basis = "Quyết định 18/2022/QĐ-TTg"
    w.cset.revocation_percent, w.cset.revocation_key_percent = 50, 30
    w.cset.revocation_key_criteria = "1"
    w.cset.save()
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
    # 33% failing, but criterion 3 is not a key criterion of the set: listed, no trigger.
    assert (rows["98103"].failing, rows["98103"].trigger) == ([3], "")
    # The year before, all of them met every criterion.
    assert (
        report_figures(
            2026, communes=Commune.objects.filter(district__province=slipping.province)
        ).keeping_standard
        == []
    )


def test_30_to_50_percent_including_a_key_criterion_reaches_the_trigger(slipping):
    """The key criteria are numbers of the set, never names: renaming one changes nothing."""
    slipping.cset.criteria.filter(number=3).update(name_vi="Thu nhập")
    rows = by_code(
        report_figures(2027, communes=Commune.objects.filter(province=slipping.province))
    )
    assert rows["98103"].trigger == ""
    slipping.cset.revocation_key_criteria = "1,3"
    slipping.cset.save(update_fields=["revocation_key_criteria"])
    rows = by_code(
        report_figures(2027, communes=Commune.objects.filter(province=slipping.province))
    )
    assert (rows["98103"].key_failing, rows["98103"].trigger) == (["Thu nhập"], "key")


def test_a_set_without_a_known_rule_says_unconfirmed(slipping, client, django_user_model):
    slipping.cset.revocation_basis = ""
    slipping.cset.save(update_fields=["revocation_basis"])
    rows = by_code(
        report_figures(2027, communes=Commune.objects.filter(province=slipping.province))
    )
    assert {r.trigger for r in rows.values()} == {"unconfirmed"}
    login(client, django_user_model, "province-staff")
    body = client.get("/reports/province/98/2027/").content.decode()
    assert "Ngưỡng thu hồi (chưa xác nhận)" in body
    assert "18/2022" not in body


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
    assert "Ngưỡng thu hồi (Quyết định 18/2022/QĐ-TTg)" in body
    assert Certification.objects.filter(commune__code="98104", revoked_on__isnull=True).exists()
    wb = load_workbook(io.BytesIO(client.get("/reports/province/98/2027.xlsx").content))
    ws = wb["Giữ chuẩn"]
    assert [ws.cell(row=r, column=1).value for r in (2, 3)] == ["98104", "98103"]
