"""An act that amended a set (211/QĐ-TTg of 01/03/2024 for the 2021-2025 sets) is named where a
report cites its set, with its content marked unconfirmed until an administrator confirms it;
recording the act changes no figure (ntm-reference §18.1)."""

import datetime

import pytest
from django.urls import reverse

from communes.models import Commune, Province
from criteria.catalogue import load_catalogues
from criteria.models import CriteriaSet, CriteriaSetAmendment
from reports.figures import report_figures

pytestmark = pytest.mark.django_db

ACT = "Quyết định 211/QĐ-TTg ngày 01/03/2024"


def test_the_catalogue_names_211_on_the_2021_2025_commune_and_advanced_sets():
    amended = CriteriaSetAmendment.objects.filter(citation=ACT)
    assert set(amended.values_list("criteria_set__code", flat=True)) == {
        "xa-ntm-2021-2025",
        "xa-ntm-nang-cao-2021-2025",
    }
    assert not amended.filter(content_confirmed=True).exists()
    assert set(amended.values_list("effective_from", flat=True)) == {datetime.date(2024, 3, 1)}


def test_a_report_after_the_act_names_it_unconfirmed_and_one_before_does_not(
    client, django_user_model
):
    client.force_login(django_user_model.objects.get(username="province"))
    after = client.get(reverse("reports:province_report", args=["20", 2024])).content.decode()
    assert f'<span data-note="amended-by">{ACT}</span>' in after
    assert 'data-unconfirmed="amendment"' in after
    before = client.get(reverse("reports:province_report", args=["20", 2023])).content.decode()
    assert "211/QĐ-TTg" not in before


def test_confirming_the_content_in_the_admin_drops_the_mark_and_a_reload_keeps_it():
    CriteriaSetAmendment.objects.filter(citation=ACT).update(
        content_confirmed=True, summary="Sửa chỉ tiêu 17.x (đã đối chiếu)"
    )
    load_catalogues()
    amendment = CriteriaSetAmendment.objects.get(
        citation=ACT, criteria_set__code="xa-ntm-2021-2025"
    )
    assert amendment.content_confirmed and amendment.summary.startswith("Sửa chỉ tiêu")
    sets = CriteriaSet.objects.for_year(2024).with_amendments(datetime.date(2024, 12, 31))
    assert (sets[0].amended_by, sets[0].amendments_unconfirmed) == (ACT, 0)


def test_the_act_changes_no_figure():
    province = Province.objects.with_code("20").first()
    communes = Commune.objects.filter(province=province)
    before = report_figures(2024, communes=communes).headline
    CriteriaSetAmendment.objects.all().delete()
    after = report_figures(2024, communes=communes).headline
    assert (before.certified, before.average, before.communes) == (
        after.certified,
        after.average,
        after.communes,
    )
