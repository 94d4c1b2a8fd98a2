"""Small builders and the named personas of the test suite.

The world they build: province "Tỉnh Thử" (code 98, northern-mountain region) with districts
A (981) and B (982), two programme communes in A and one in B, and province "Tỉnh Khác" (97)
with one district and commune. Codes cannot collide with the real units (Lạng Sơn is 20).
"""

from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from accounts.models import Membership
from accounts.roles import DISTRICT_GROUP, PROVINCE_GROUP, sync_role_groups
from communes.models import Commune, District, Province, Region
from criteria.models import (
    Assessment,
    Certification,
    CriteriaSet,
    Criterion,
    CriterionGroup,
    Indicator,
    Threshold,
)

PASSWORD = "correct-horse-battery"  # noqa: S105


def make_region(code="TDMNPB", name="Trung du miền núi phía Bắc", order=1) -> Region:
    return Region.objects.get_or_create(code=code, defaults={"name_vi": name, "order": order})[0]


def make_province(code="98", name="Tỉnh Thử", region=None) -> Province:
    return Province.objects.create(code=code, name=name, region=region or make_region())


def make_district(province, code, name) -> District:
    return District.objects.create(
        code=code, name=name, kind=District.Kind.RURAL_DISTRICT, province=province
    )


def make_commune(district, code, name, **kwargs) -> Commune:
    kwargs.setdefault("kind", Commune.Kind.COMMUNE)
    kwargs.setdefault("in_programme", kwargs["kind"] == Commune.Kind.COMMUNE)
    kwargs.setdefault("province", district.province)
    return Commune.objects.create(district=district, code=code, name=name, **kwargs)


def make_user(username, *, role=None, province=None, district=None, superuser=False):
    sync_role_groups()
    user = get_user_model().objects.create_user(
        username=username, password=PASSWORD, is_staff=superuser, is_superuser=superuser
    )
    if role == Membership.Role.PROVINCE_STAFF:
        Membership.objects.create(user=user, role=role, province=province)
        user.groups.add(Group.objects.get(name=PROVINCE_GROUP))
    elif role == Membership.Role.DISTRICT_OFFICIAL:
        Membership.objects.create(user=user, role=role, district=district)
        user.groups.add(Group.objects.get(name=DISTRICT_GROUP))
    return user


def make_criteria_set(
    *, code="test-set", criteria=3, first_year=2026, last_year=2030, numeric=True
) -> CriteriaSet:
    """A small set for 2026-2030 (the real sets loaded by the demo are 2016-2020 and 2021-2025,
    so assessments of 2026-2030 use this one): each criterion has one boolean indicator;
    criterion 1 also a percent indicator (>= 80 nationally, 70 for the TDMNPB region)."""
    cset = CriteriaSet.objects.create(
        code=code,
        name_vi=f"Bộ thử {code}",
        legal_basis="Thử nghiệm",
        first_year=first_year,
        last_year=last_year,
    )
    group = CriterionGroup.objects.create(criteria_set=cset, code="I", name_vi="Nhóm I")
    for n in range(1, criteria + 1):
        crit = Criterion.objects.create(criteria_set=cset, group=group, number=n, name_vi=f"TC {n}")
        Indicator.objects.create(
            criterion=crit, code=f"{n}.1", order=1, name_vi=f"Chỉ tiêu {n}.1", kind="boolean"
        )
        if numeric and n == 1:
            ind = Indicator.objects.create(
                criterion=crit,
                code="1.2",
                order=2,
                name_vi="Tỷ lệ",
                kind="percent",
                comparison=">=",
            )
            Threshold.objects.create(indicator=ind, value=Decimal(80), status="confirmed")
            Threshold.objects.create(
                indicator=ind, region=make_region(), value=Decimal(70), status="confirmed"
            )
    return cset


def make_assessment(commune, year, cset, *, met=0, status=Assessment.Status.APPROVED):
    """An assessment recorded criterion by criterion (no indicator values), through the service."""
    from criteria.services import AssessmentInput, assessment_create, assessment_save

    assessment = assessment_create(commune=commune, year=year)
    assert assessment.criteria_set == cset
    numbers = range(1, met + 1)
    flags = {c.pk: c.number in numbers for c in cset.criteria.all()}
    assessment_save(assessment=assessment, data=AssessmentInput(entries={}, criterion_flags=flags))
    if status != Assessment.Status.DRAFT:
        Assessment.objects.filter(pk=assessment.pk).update(status=status)
        assessment.refresh_from_db()
    return assessment


def make_certification(commune, cset, date, **kwargs) -> Certification:
    return Certification.objects.create(
        commune=commune,
        criteria_set=cset,
        decision_number=kwargs.pop("decision_number", f"{commune.code}/QĐ-UBND"),
        decision_date=date,
        **kwargs,
    )


@dataclass
class World:
    province: Province
    other_province: Province
    district_a: District
    district_b: District
    commune_a1: Commune
    commune_a2: Commune
    commune_b1: Commune
    commune_other: Commune
    cset: CriteriaSet
    admin: object
    province_staff: object
    other_province_staff: object
    official_a: object
    official_b: object


def make_world() -> World:
    province = make_province()
    other = make_province(code="97", name="Tỉnh Khác")
    district_a = make_district(province, "981", "Huyện A")
    district_b = make_district(province, "982", "Huyện B")
    district_other = make_district(other, "971", "Huyện Khác")
    return World(
        province=province,
        other_province=other,
        district_a=district_a,
        district_b=district_b,
        commune_a1=make_commune(district_a, "98101", "Xã Một"),
        commune_a2=make_commune(district_a, "98102", "Xã Hai"),
        commune_b1=make_commune(district_b, "98201", "Xã Ba"),
        commune_other=make_commune(district_other, "97101", "Xã Khác"),
        cset=make_criteria_set(),
        admin=make_user("admin-test", superuser=True),
        province_staff=make_user(
            "province-staff", role=Membership.Role.PROVINCE_STAFF, province=province
        ),
        other_province_staff=make_user(
            "other-province-staff", role=Membership.Role.PROVINCE_STAFF, province=other
        ),
        official_a=make_user(
            "official-a", role=Membership.Role.DISTRICT_OFFICIAL, district=district_a
        ),
        official_b=make_user(
            "official-b", role=Membership.Role.DISTRICT_OFFICIAL, district=district_b
        ),
    )
