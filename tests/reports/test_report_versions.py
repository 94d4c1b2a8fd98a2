"""Reports are cached under their province's data version: every write that can change a figure
counts a change, the next report shows it, and an unchanged report (another province's) is
served without computing anything."""

import datetime

import pytest
from django.urls import reverse

from communes.models import Province
from communes.versions import stamp_for
from criteria.certifications import certification_revoke
from criteria.models import Assessment, Threshold
from criteria.services import (
    AssessmentInput,
    assessment_approve,
    assessment_reopen,
    assessment_save,
)
from imports.services import import_assessments
from reports import figures
from tests.base import admin_form_data

pytestmark = pytest.mark.django_db

URL = reverse("reports:province_report", args=["98", 2027])
# The headline figure as the page marks it: a bare "1/3" could also be read inside a date.
HEADLINE = '<strong data-figure="certified">%s</strong>'
OTHER_URL = reverse("reports:province_report", args=["97", 2027])


@pytest.fixture
def computed(monkeypatch):
    """The areas whose figures were computed, in order (reports.figures.report_figures)."""
    calls = []
    original = figures.report_figures

    def counting(year, provisional, **kwargs):
        calls.append(Province.objects.filter(communes__in=kwargs["communes"]).distinct().get())
        return original(year, provisional, **kwargs)

    monkeypatch.setattr(figures, "report_figures", counting)
    return calls


def version(province) -> int:
    return stamp_for(province.pk).version


def test_an_unchanged_report_is_served_without_computing_anything(client, report_world, computed):
    client.force_login(report_world.province_staff)
    client.get(URL)
    second = client.get(URL)
    assert len(computed) == 1
    assert second.status_code == 200
    assert "2,00" in second.content.decode()  # (3 + 3 carried + 0) / 3 communes


def test_an_approval_changes_the_version_and_the_next_report(client, report_world, computed):
    w = report_world
    client.force_login(w.admin)
    client.get(OTHER_URL)
    assert "2,00" in client.get(URL).content.decode()
    before = version(w.province)

    assessment_approve(assessment=w.commune_b1.assessments.get(year=2027), user=w.admin)

    assert version(w.province) == before + 1
    assert "2,33" in client.get(URL).content.decode()  # B1's 1 criterion now counts
    client.get(OTHER_URL)
    assert computed == [w.other_province, w.province, w.province]  # 97 stayed cached


def test_a_saved_assessment_changes_the_provisional_report(client, report_world, computed):
    w = report_world
    client.force_login(w.province_staff)
    url = URL + "?provisional=1"
    assert "2,33" in client.get(url).content.decode()
    before = version(w.province)

    b1 = w.commune_b1.assessments.get(year=2027)
    flags = {c.pk: True for c in w.cset.criteria.all()}
    assessment_save(assessment=b1, data=AssessmentInput(entries={}, criterion_flags=flags))

    assert version(w.province) == before + 1
    assert "3,00" in client.get(url).content.decode()
    assert len(computed) == 2


def test_an_import_changes_the_version_and_the_next_report(client, report_world, computed):
    w = report_world
    client.force_login(w.province_staff)
    assert "2,00" in client.get(URL).content.decode()
    before = version(w.province)

    row = {
        "Mã xã": "98102",
        "Năm": 2027,
        "TC1": "x",
        "TC2": "",
        "TC3": "",
        "Trạng thái": "Đã phê duyệt",
    }
    report = import_assessments(rows=[row], user=w.admin, dry_run=False)

    assert report.applied
    assert version(w.province) > before
    assert "1,33" in client.get(URL).content.decode()  # A2: 1 in 2027 instead of 3 carried


def test_a_revoked_certification_changes_the_version_and_the_next_report(
    client, report_world, computed
):
    w = report_world
    client.force_login(w.province_staff)
    assert HEADLINE % "1/3" in client.get(URL).content.decode()
    before = version(w.province)

    certification_revoke(
        certification=w.commune_a1.certifications.get(),
        revoked_on=datetime.date(2027, 9, 1),
        reason="Không duy trì",
        user=w.admin,
    )

    assert version(w.province) == before + 1
    body = client.get(URL).content.decode()
    assert HEADLINE % "0/3" in body


def test_a_threshold_edit_in_the_admin_changes_every_version(client, report_world, computed):
    w = report_world
    client.force_login(w.admin)
    client.get(URL)
    client.get(OTHER_URL)
    before = (version(w.province), version(w.other_province))
    threshold = Threshold.objects.filter(indicator__criterion__criteria_set=w.cset).first()
    change_url = reverse("admin:criteria_threshold_change", args=[threshold.pk])
    data = admin_form_data(client.get(change_url)) | {"value": "75"}

    response = client.post(change_url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    # The level as it stands now (an approved assessment keeps the old row: criteria.revisions).
    current = Threshold.objects.get(
        indicator=threshold.indicator,
        region=threshold.region,
        commune_group=threshold.commune_group,
        withdrawn_in__isnull=True,
    )
    assert current.value == 75
    assert (version(w.province), version(w.other_province)) == (before[0] + 1, before[1] + 1)
    client.get(URL)
    client.get(OTHER_URL)
    assert len(computed) == 4  # both recomputed, under their new versions


def test_a_draft_saved_elsewhere_leaves_other_provinces_cached(client, report_world, computed):
    w = report_world
    client.force_login(w.admin)
    client.get(OTHER_URL)
    other_before = version(w.other_province)
    b1 = w.commune_b1.assessments.get(year=2027)
    Assessment.objects.filter(pk=b1.pk).update(status=Assessment.Status.DRAFT)
    assessment_save(assessment=b1, data=AssessmentInput(entries={}, criterion_flags={}))
    assert version(w.other_province) == other_before
    client.get(OTHER_URL)
    assert computed == [w.other_province]


URL_2026 = reverse("reports:province_report", args=["98", 2026])


def test_a_change_of_a_later_year_leaves_the_earlier_reports_cached(client, report_world, computed):
    """A 2027 assessment cannot show in 2026 (assessments carry forward, never back): the 2026
    report stays cached while 2027 is entered, and the 2027 report is computed again."""
    w = report_world
    client.force_login(w.province_staff)
    client.get(URL_2026)
    client.get(URL)
    before = (stamp_for(w.province.pk, 2026), stamp_for(w.province.pk, 2027))

    b1 = w.commune_b1.assessments.get(year=2027)
    assessment_approve(assessment=b1, user=w.admin)

    assert stamp_for(w.province.pk, 2026) == before[0]
    assert stamp_for(w.province.pk, 2027).version == before[1].version + 1
    client.get(URL_2026)
    assert "2,33" in client.get(URL).content.decode()
    assert computed == [w.province, w.province, w.province]  # 2026 once, 2027 twice


def test_a_change_of_an_earlier_year_reaches_every_later_report(client, report_world, computed):
    """A 2026 assessment is carried forward into 2027: both reports are computed again."""
    w = report_world
    client.force_login(w.province_staff)
    client.get(URL_2026)
    assert "2,00" in client.get(URL).content.decode()

    a2 = w.commune_a2.assessments.get(year=2026)
    assessment_reopen(assessment=a2, user=w.admin, reason="Sửa số liệu")

    client.get(URL_2026)
    # A2's carried 3 criteria no longer count in 2027 (its 2026 assessment is a draft again).
    assert "1,00" in client.get(URL).content.decode()
    assert len(computed) == 4


def test_the_first_change_of_a_year_creates_its_counter_and_counts_it(report_world):
    from communes.models import DataVersion
    from communes.versions import bump_data_version

    w = report_world
    rows = DataVersion.objects.filter(province=w.province, from_year=2031)
    assert not rows.exists()
    before = stamp_for(w.province.pk, 2031).version

    bump_data_version(province_ids=[w.province.pk], since_year=2031)
    bump_data_version(province_ids=[w.province.pk], since_year=2031)

    assert rows.get().version == 2
    assert stamp_for(w.province.pk, 2031).version == before + 2
    assert stamp_for(w.province.pk, 2030).version == before - 0  # earlier years unchanged
    assert stamp_for(w.province.pk).version == before + 2  # every year's: all of them


def test_a_draft_changes_the_provisional_report_and_leaves_the_official_one_cached(
    client, report_world, computed
):
    w = report_world
    client.force_login(w.province_staff)
    official = (stamp_for(w.province.pk, 2027, provisional=False),)
    client.get(URL)
    assert "2,33" in client.get(URL + "?provisional=1").content.decode()

    b1 = w.commune_b1.assessments.get(year=2027)
    Assessment.objects.filter(pk=b1.pk).update(status=Assessment.Status.DRAFT)
    flags = {c.pk: True for c in w.cset.criteria.all()}
    assessment_save(assessment=b1, data=AssessmentInput(entries={}, criterion_flags=flags))

    assert (stamp_for(w.province.pk, 2027, provisional=False),) == official
    client.get(URL)
    assert "3,00" in client.get(URL + "?provisional=1").content.decode()
    assert len(computed) == 3  # the official report once, the provisional one twice


def test_a_criterion_renamed_in_the_admin_changes_every_version(client, report_world, computed):
    """Reports print the criteria's names: a renamed criterion (or an indicator edited in its
    inline) is a change like a threshold's."""
    w = report_world
    client.force_login(w.admin)
    client.get(URL)
    before = version(w.province)
    criterion = w.cset.criteria.order_by("number").first()
    change_url = reverse("admin:criteria_criterion_change", args=[criterion.pk])
    data = admin_form_data(client.get(change_url)) | {"name_vi": "Tên mới của tiêu chí"}

    response = client.post(change_url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    assert version(w.province) > before  # the criterion and its inline formset: one each
    assert "Tên mới của tiêu chí" in client.get(URL).content.decode()
    assert len(computed) == 2
