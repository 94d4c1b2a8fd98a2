"""A certification records the year it recognises, apart from its decision date; the rule
checks the approved assessment of that year. History from 2011-2015 can be recorded."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from communes.models import Commune
from criteria import certifications, services
from criteria.models import Assessment, Certification, recognised_year_error
from reports.figures import headline

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("recognised", "decided", "ok"),
    [
        (2018, datetime.date(2019, 1, 20), True),
        (2019, datetime.date(2019, 1, 20), True),
        (2020, datetime.date(2019, 12, 31), False),  # a year after the decision
        (2016, datetime.date(2019, 1, 20), False),  # more than one year before
        (2010, datetime.date(2011, 1, 20), True),
        (2009, datetime.date(2010, 1, 20), False),  # before the programme's first year
    ],
)
def test_the_recognised_year_rule_takes_plain_values(recognised, decided, ok):
    assert (recognised_year_error(recognised, decided) is None) is ok


def test_a_recognised_year_before_the_programme_names_its_first_year():
    message = recognised_year_error(2009, datetime.date(2010, 1, 20))
    assert message is not None and "2010" in message


@pytest.mark.parametrize(("value", "initial"), [("2010", 2010), ("2009", None), ("2005", None)])
def test_the_certify_link_opens_the_form_only_for_a_programme_year(rf, value, initial):
    from pages.communes import _certify_initial

    assert _certify_initial(rf.get("/", {"certify": value})).get("recognised_year") == initial


def _met_all_in_2018() -> Assessment:
    """A Lạng Sơn commune of the demo whose approved 2018 assessment meets all 19 criteria."""
    return (
        Assessment.objects.approved()
        .filter(year=2018, criteria_met=19, commune__district__province__code="20")
        .select_related("commune", "criteria_set")
        .order_by("commune__code")
        .first()
    )


def _recognisable_in_2018() -> Assessment:
    """`_met_all_in_2018`, whose commune's demo decision (2016, the same set) is revoked first:
    every such commune of the demo is certified already, and a second recognition under the
    same set is refused while the first stands (issue 24, N10)."""
    assessment = _met_all_in_2018()
    for held in Certification.objects.filter(
        commune=assessment.commune, tier=Certification.Tier.NTM, revoked_on=None
    ):
        certifications.certification_revoke(
            certification=held, revoked_on=datetime.date(2018, 6, 30), reason="Thử: rớt chuẩn"
        )
    return assessment


def test_a_decision_of_20_january_2019_recognising_2018_is_accepted():
    assessment = _recognisable_in_2018()
    cert = certifications.certification_create(
        commune=assessment.commune,
        tier=Certification.Tier.NTM,
        decision_number="99/QĐ-UBND-THU",
        decision_date=datetime.date(2019, 1, 20),
        recognised_year=2018,
        authority="Chủ tịch UBND tỉnh Lạng Sơn",
    )
    assert cert.recognised_year == 2018
    assert cert.criteria_set == assessment.criteria_set


def test_without_a_recognised_year_the_decision_year_is_checked():
    assessment = _met_all_in_2018()  # the demo has no 2019 assessments
    with pytest.raises(ValidationError) as exc:
        certifications.certification_create(
            commune=assessment.commune,
            tier=Certification.Tier.NTM,
            decision_number="99/QĐ-UBND-THU",
            decision_date=datetime.date(2019, 1, 20),
            authority="Chủ tịch UBND tỉnh Lạng Sơn",
        )
    assert exc.value.code == "no_approved_assessment"


def test_a_recognised_year_after_the_decision_is_refused():
    assessment = _met_all_in_2018()
    with pytest.raises(ValidationError) as exc:
        certifications.certification_create(
            commune=assessment.commune,
            tier=Certification.Tier.NTM,
            decision_number="99/QĐ-UBND-THU",
            decision_date=datetime.date(2017, 12, 20),
            recognised_year=2018,
            authority="Chủ tịch UBND tỉnh Lạng Sơn",
        )
    assert exc.value.code == "recognised_year"


def test_the_certification_form_takes_the_recognised_year(client, django_user_model):
    assessment = _recognisable_in_2018()
    client.force_login(django_user_model.objects.get(username="province"))
    response = client.post(
        # Code and year name the unit: some 2018 codes were reissued to units of 01/07/2025.
        reverse("pages:certification_create", args=[assessment.commune.code]) + "?year=2018",
        {
            "tier": "ntm",
            "decision_number": "99/QĐ-UBND-THU",
            "decision_date": "2019-01-20",
            "recognised_year": "2018",
            "authority": "Chủ tịch UBND tỉnh Lạng Sơn",
            "dossier_reason": "Hồ sơ năm 2018 lưu bản giấy",
        },
    )
    assert response.status_code == 302
    cert = Certification.objects.get(decision_number="99/QĐ-UBND-THU")
    assert (cert.decision_date, cert.recognised_year) == (datetime.date(2019, 1, 20), 2018)
    page = client.get(assessment.commune.get_dated_url()).content.decode()
    assert "99/QĐ-UBND-THU" in page


def test_every_recorded_certification_recognises_its_decision_year():
    """What the data migration wrote and the services default to: no figure moves. Not the
    demo's transcribed decisions of 26/01/2023, which recognise 2022 (ntm-reference §17.2)."""
    certifications = Certification.objects.exclude(kind=Certification.Kind.TRANSCRIBED)
    assert certifications.exists()
    assert all(c.recognised_year == c.decision_date.year for c in certifications)


def test_a_2015_certification_under_2011_2015_is_recorded_and_counted():
    certified = {
        c.commune_id
        for c in Certification.objects.in_force_on(datetime.date(2017, 12, 31)).filter(
            commune__district__province__code="20"
        )
    }
    commune = (
        Commune.objects.in_programme()
        .valid_in(2015)
        .filter(district__province__code="20")
        .exclude(pk__in=certified)
        .order_by("code")
        .first()
    )
    before = headline(2017, communes=Commune.objects.filter(district__province__code="20"))

    assessment = services.assessment_create(commune=commune, year=2015)
    assert assessment.criteria_set.code == "xa-ntm-2011-2015"
    flags = {c.pk: True for c in assessment.criteria_set.criteria.all()}
    services.assessment_save(
        assessment=assessment,
        data=services.AssessmentInput(entries={}, criterion_flags=flags),
    )
    Assessment.objects.filter(pk=assessment.pk).update(status=Assessment.Status.APPROVED)
    cert = certifications.certification_create(
        commune=commune,
        tier=Certification.Tier.NTM,
        decision_number="1/QĐ-UBND-2015",
        decision_date=datetime.date(2015, 12, 20),
        authority="Chủ tịch UBND tỉnh Lạng Sơn",
    )
    assert (cert.recognised_year, cert.criteria_set.code) == (2015, "xa-ntm-2011-2015")
    assert (
        headline(2015, communes=Commune.objects.filter(district__province__code="20")).certified
        >= 1
    )
    assert (
        headline(2017, communes=Commune.objects.filter(district__province__code="20")).certified
        == before.certified + 1
    )
