"""Small builders and the named personas of the test suite.

The world they build: province "Tỉnh Thử" (code 98, northern-mountain region) with districts
A (981) and B (982), two programme communes in A and one in B, and province "Tỉnh Khác" (97)
with one district and commune. Codes cannot collide with the real units (Lạng Sơn is 20).
Personas: an admin, the staff of each province, the district officials of A and B and the
commune official of commune A1 (Xã Một).

The world after the reform (`make_reform_world`): province "Tỉnh Sau" (96) as it stands since
01/07/2025, two-tier, with the history behind it. Until 30/06/2025 it had one district (961)
with xã Đông (96101), xã Tây (96102), xã Bắc (96104) and thị trấn Chợ (96103); on 01/07/2025
every one of them ended and three units without a district began: xã Đông Tây (96101, the code
of xã Đông reused, formed from Đông and Tây), xã Bắc Sơn (96104, the code of xã Bắc reused) and
phường Chợ (96110, from the thị trấn, outside the programme). Đông Tây is in commune group N2
and Bắc Sơn in N3 from 2026; the set is judged by commune group. Personas: the province's
staff, the commune official of Đông Tây, the former district official of 961.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db.models import F
from django.test import override_settings

from accounts.models import Membership
from accounts.roles import COMMUNE_GROUP, DISTRICT_GROUP, PROVINCE_GROUP, sync_role_groups
from communes.models import (
    DISTRICTS_END,
    TWO_TIER_START,
    Commune,
    CommuneGroup,
    CommuneGroupAssignment,
    District,
    Province,
    Region,
    Succession,
)
from communes.versions import bump_data_version
from criteria.models import (
    Assessment,
    Certification,
    CriteriaSet,
    Criterion,
    CriterionGroup,
    Indicator,
    Threshold,
)
from ntm.lib.text import fold

PASSWORD = "correct-horse-battery"  # noqa: S105
TEST_LEGAL_BASIS = "Thử nghiệm"


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
    kwargs.setdefault("search_name", fold(name))
    return Commune.objects.create(district=district, code=code, name=name, **kwargs)


def make_unit(province, code, name, **kwargs) -> Commune:
    """A commune-level unit of the two-tier system: no district, from 01/07/2025 unless said."""
    kwargs.setdefault("kind", Commune.Kind.COMMUNE)
    kwargs.setdefault("in_programme", kwargs["kind"] == Commune.Kind.COMMUNE)
    kwargs.setdefault("valid_from", TWO_TIER_START)
    kwargs.setdefault("search_name", fold(name))
    return Commune.objects.create(province=province, district=None, code=code, name=name, **kwargs)


def make_commune_group(code: str) -> CommuneGroup:
    """N1, N2, N3 of 51/2025/QĐ-TTg (the demo's catalogue loads them; a flushed database not)."""
    return CommuneGroup.objects.get_or_create(
        code=code, defaults={"name_vi": f"Xã nhóm {code[1:]}"}
    )[0]


def role_group(name: str) -> Group:
    """The role group, synced only when it is missing. Migrate creates the groups (and a flush
    re-creates them through post_migrate), so a test user no longer re-syncs every group's
    permissions: that was 85 of the 128 queries of a world."""
    group = Group.objects.filter(name=name).first()
    if group is None:
        sync_role_groups()
        group = Group.objects.get(name=name)
    return group


def make_user(username, *, role=None, province=None, district=None, commune=None, superuser=False):
    user = get_user_model().objects.create_user(
        username=username, password=PASSWORD, is_staff=superuser, is_superuser=superuser
    )
    if role == Membership.Role.PROVINCE_STAFF:
        Membership.objects.create(user=user, role=role, province=province)
        user.groups.add(role_group(PROVINCE_GROUP))
    elif role == Membership.Role.DISTRICT_OFFICIAL:
        Membership.objects.create(user=user, role=role, district=district)
        user.groups.add(role_group(DISTRICT_GROUP))
    elif role == Membership.Role.COMMUNE_OFFICIAL:
        Membership.objects.create(user=user, role=role, commune=commune)
        user.groups.add(role_group(COMMUNE_GROUP))
    return user


def make_criteria_set(
    *, code="test-set", criteria=3, first_year=2026, last_year=2030, numeric=True
) -> CriteriaSet:
    """A small set for 2026-2030 that assessments and reports of 2026-2030 use: each criterion
    has one boolean indicator; criterion 1 also a percent indicator (>= 80 nationally, 70 for
    the TDMNPB region).

    The demo loads the real 2026-2030 commune set (51/2025/QĐ-TTg) too. One set per level may
    cover a year as its period, so the real one is moved a century on for the test (rolled back
    with it); tests of the real set do not build this one."""
    CriteriaSet.objects.filter(
        level=CriteriaSet.Level.COMMUNE, first_year__lte=last_year, last_year__gte=first_year
    ).exclude(legal_basis=TEST_LEGAL_BASIS).update(
        first_year=F("first_year") + 100,
        last_year=F("last_year") + 100,
        effective_from=None,
        effective_to=None,
    )
    cset = CriteriaSet.objects.create(
        code=code,
        name_vi=f"Bộ thử {code}",
        legal_basis=TEST_LEGAL_BASIS,
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


def make_group_criteria_set(*, code="test-group-set", criteria=10) -> CriteriaSet:
    """A 2026-2030 set judged by commune group, as 51/2025/QĐ-TTg: `criteria` criteria with
    one boolean indicator each; criterion 1 also a percent indicator whose level differs by
    group (>= 90 in N1, 80 in N2, 70 in N3)."""
    cset = make_criteria_set(code=code, criteria=criteria, numeric=False)
    cset.threshold_basis = CriteriaSet.ThresholdBasis.COMMUNE_GROUP
    cset.save(update_fields=["threshold_basis"])
    ind = Indicator.objects.create(
        criterion=cset.criteria.get(number=1),
        code="1.2",
        order=2,
        name_vi="Tỷ lệ",
        kind="percent",
        comparison=">=",
    )
    for group, value in (("N1", 90), ("N2", 80), ("N3", 70)):
        Threshold.objects.create(
            indicator=ind,
            commune_group=make_commune_group(group),
            value=Decimal(value),
            status="confirmed",
        )
    return cset


def make_assessment(commune, year, cset, *, met=0, status=Assessment.Status.APPROVED):
    """An assessment recorded criterion by criterion (no indicator values), through the service.

    For a unit outside the programme, which the service refuses, the row is written directly:
    such data exists from before the rule, and reports must ignore it."""
    from criteria.services import AssessmentInput, assessment_create, assessment_save

    if commune.in_programme:
        assessment = assessment_create(commune=commune, year=year)
    else:
        assessment = Assessment.objects.create(commune=commune, year=year, criteria_set=cset)
    assert assessment.criteria_set == cset
    numbers = range(1, met + 1)
    flags = {c.pk: c.number in numbers for c in cset.criteria.all()}
    assessment_save(assessment=assessment, data=AssessmentInput(entries={}, criterion_flags=flags))
    if status != Assessment.Status.DRAFT:
        Assessment.objects.filter(pk=assessment.pk).update(status=status)
        assessment.refresh_from_db()
        # Counted as the approval service counts it (official figures change).
        bump_data_version(
            province_ids=[commune.province_id],
            since_year=year,
            provisional_only=status != Assessment.Status.APPROVED,
        )
    return assessment


def make_certification(commune, cset, date, **kwargs) -> Certification:
    return Certification.objects.create(
        commune=commune,
        criteria_set=cset,
        decision_number=kwargs.pop("decision_number", f"{commune.code}/QĐ-UBND"),
        decision_date=date,
        recognised_year=kwargs.pop("recognised_year", date.year),
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
    commune_official: object


def make_world() -> World:
    province = make_province()
    other = make_province(code="97", name="Tỉnh Khác")
    district_a = make_district(province, "981", "Huyện A")
    district_b = make_district(province, "982", "Huyện B")
    district_other = make_district(other, "971", "Huyện Khác")
    commune_a1 = make_commune(district_a, "98101", "Xã Một")
    return World(
        province=province,
        other_province=other,
        district_a=district_a,
        district_b=district_b,
        commune_a1=commune_a1,
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
        commune_official=make_user(
            "commune-a1", role=Membership.Role.COMMUNE_OFFICIAL, commune=commune_a1
        ),
    )


@dataclass
class ReformWorld:
    """The world after 01/07/2025 (see the module's docstring)."""

    province: Province
    old_district: District
    old_dong: Commune
    old_tay: Commune
    old_bac: Commune
    old_township: Commune
    dong_tay: Commune
    bac_son: Commune
    ward: Commune
    cset: CriteriaSet
    admin: object
    province_staff: object
    commune_official: object
    former_district_official: object


REFORM_LEGAL_BASIS = "Nghị quyết thử/NQ-UBTVQH15"


def make_reform_world(*, cset: CriteriaSet | None = None) -> ReformWorld:
    """Province 96 before and after 01/07/2025; `cset` defaults to a set judged by commune
    group (`make_group_criteria_set`)."""
    province = make_province(code="96", name="Tỉnh Sau")
    district = make_district(province, "961", "Huyện Cũ")
    ended = {"valid_to": DISTRICTS_END}
    old_dong = make_commune(district, "96101", "Xã Đông", **ended)
    old_tay = make_commune(district, "96102", "Xã Tây", **ended)
    old_township = make_commune(
        district, "96103", "Thị trấn Chợ", kind=Commune.Kind.TOWNSHIP, **ended
    )
    old_bac = make_commune(district, "96104", "Xã Bắc", **ended)
    dong_tay = make_unit(province, "96101", "Xã Đông Tây")
    bac_son = make_unit(province, "96104", "Xã Bắc Sơn")
    ward = make_unit(province, "96110", "Phường Chợ", kind=Commune.Kind.WARD)
    Succession.objects.bulk_create(
        Succession(
            predecessor=old,
            successor=new,
            effective_on=TWO_TIER_START,
            legal_basis=REFORM_LEGAL_BASIS,
        )
        for old, new in (
            (old_dong, dong_tay),
            (old_tay, dong_tay),
            (old_bac, bac_son),
            (old_township, ward),
        )
    )
    cset = cset or make_group_criteria_set()
    for unit, group in ((dong_tay, "N2"), (bac_son, "N3")):
        CommuneGroupAssignment.objects.create(
            commune=unit, group=make_commune_group(group), year_from=2026, note="Thử"
        )
    admin = get_user_model().objects.filter(username="admin-test").first()
    return ReformWorld(
        province=province,
        old_district=district,
        old_dong=old_dong,
        old_tay=old_tay,
        old_bac=old_bac,
        old_township=old_township,
        dong_tay=dong_tay,
        bac_son=bac_son,
        ward=ward,
        cset=cset,
        admin=admin or make_user("admin-test", superuser=True),
        province_staff=make_user(
            "reform-province-staff", role=Membership.Role.PROVINCE_STAFF, province=province
        ),
        commune_official=make_user(
            "reform-commune", role=Membership.Role.COMMUNE_OFFICIAL, commune=dong_tay
        ),
        former_district_official=make_user(
            "reform-district", role=Membership.Role.DISTRICT_OFFICIAL, district=district
        ),
    )


def run_worker() -> None:
    """The real `db_worker`, in the test's transaction: its periodic close_old_connections()
    would close the connection of a transaction (autocommit off) on PostgreSQL, so it is
    skipped here; a worker process has no open transaction to lose."""
    from unittest import mock

    from django.core.management import call_command

    with mock.patch("django_tasks_db.management.commands.db_worker.close_old_connections"):
        call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)


def wipe(queryset) -> None:
    """Delete a test's starting data without writing its deletion into the history: the demo's
    assessments cascade to ~70,000 criterion results and indicator values, each of which would
    otherwise get a history row, one INSERT at a time (minutes of setup, nothing under test)."""
    with override_settings(SIMPLE_HISTORY_ENABLED=False):
        queryset.delete()


def admin_form_data(page) -> dict:
    """What the admin's change page posts back unchanged: the form and its inline formsets."""

    def posted(value):
        return "" if value is None else ("on" if value is True else value)

    form = page.context["adminform"].form
    data = {name: posted(form[name].value()) for name in form.fields}
    for inline in page.context["inline_admin_formsets"]:
        formset = inline.formset
        management = formset.management_form
        data |= {f"{formset.prefix}-{k}": management[k].value() for k in management.fields}
        for f in formset.forms:
            data |= {f"{f.prefix}-{name}": posted(f[name].value()) for name in f.fields}
    return {k: v for k, v in data.items() if v is not False}
