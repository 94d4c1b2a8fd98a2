"""The access predicates of accounts/roles.py, persona by persona."""

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser

from accounts import roles
from accounts.models import Membership
from accounts.roles import COMMUNE_GROUP, ROLE_PERMISSIONS, scope_for
from communes.models import Commune
from criteria.models import Assessment
from tests.base import make_assessment, make_user

pytestmark = pytest.mark.django_db

YEAR = 2027
PERSONAS = ("admin", "province_staff", "other_province_staff", "official_a", "official_b")
PERSONAS += ("commune_official",)


@pytest.fixture
def draft(world):
    return make_assessment(world.commune_a1, YEAR, world.cset, status=Assessment.Status.DRAFT)


def who(world, predicate) -> set[str]:
    return {p for p in PERSONAS if predicate(getattr(world, p))}


def test_the_commune_group_cannot_approve_or_certify():
    perms = ROLE_PERMISSIONS[COMMUNE_GROUP]
    assert "criteria.approve_assessment" not in perms
    assert "criteria.add_certification" not in perms
    assert "criteria.submit_assessment" in perms


def test_a_commune_officials_scope_is_its_commune(world):
    scope = scope_for(world.commune_official)
    assert scope.commune == world.commune_a1
    assert list(scope.communes()) == [world.commune_a1]
    assert scope.covers_commune(world.commune_a1)
    assert not scope.covers_commune(world.commune_a2)
    assert not scope.covers_district(world.district_a)
    assert not scope.covers_province(world.province)
    assert not scope.is_district and not scope.is_province_staff


def test_who_sees_commune_a1(world):
    seen = who(world, lambda u: roles.can_view_commune(u, world.commune_a1))
    assert seen == {"admin", "province_staff", "official_a", "commune_official"}
    assert not roles.can_view_commune(AnonymousUser(), world.commune_a1)


def test_who_edits_the_draft(world, draft):
    editors = who(world, lambda u: roles.can_edit_assessment(u, draft))
    assert editors == {"admin", "province_staff", "commune_official"}


def test_who_edits_a_submitted_assessment(world, draft):
    draft.status = Assessment.Status.SUBMITTED
    editors = who(world, lambda u: roles.can_edit_assessment(u, draft))
    assert editors == {"admin", "province_staff"}


def test_nobody_edits_an_approved_assessment(world, draft):
    draft.status = Assessment.Status.APPROVED
    assert who(world, lambda u: roles.can_edit_assessment(u, draft)) == set()


def test_who_submits(world, draft):
    submitters = who(world, lambda u: roles.can_submit(u, draft))
    assert submitters == {"admin", "province_staff", "official_a", "commune_official"}


def test_who_reviews_and_certifies(world, draft):
    assert who(world, lambda u: roles.can_review(u, draft)) == {"admin", "province_staff"}
    certifiers = who(world, lambda u: roles.can_certify(u, world.commune_a1))
    assert certifiers == {"admin", "province_staff"}


def test_who_imports(world):
    assert who(world, roles.can_import) == {"admin", "province_staff", "other_province_staff"}


def test_who_opens_the_reports(world):
    district = who(world, lambda u: roles.can_view_district(u, world.district_a))
    assert district == {"admin", "province_staff", "official_a"}
    province = who(world, lambda u: roles.can_view_province(u, world.province))
    assert province == {"admin", "province_staff"}
    assert who(world, roles.can_view_national) == {"admin"}


def test_a_district_official_cannot_reach_a_unit_formed_after_the_districts(world):
    """Units formed on 01/07/2025 belong to their province directly: a district official
    keeps reading and submitting for its district's communes, never for the new ones."""
    new_unit = Commune.objects.create(
        code="98199",
        name="Xã Mới",
        kind=Commune.Kind.COMMUNE,
        province=world.province,
        district=None,
        valid_from=datetime.date(2025, 7, 1),
    )
    official = world.official_a
    draft = Assessment(commune=new_unit, year=2026, status=Assessment.Status.DRAFT)
    assert roles.can_view_commune(official, world.commune_a1)
    assert not roles.can_view_commune(official, new_unit)
    assert not roles.can_submit(official, draft)
    assert roles.can_submit(world.province_staff, draft)


def test_a_commune_official_proposes_no_practice(world):
    assert not roles.can_propose_practice(world.commune_official)
    assert roles.can_propose_practice(world.official_a)
    assert not roles.can_view_compendium(world.commune_official, world.province)
    assert roles.can_view_compendium(world.official_a, world.province)


def test_a_scopes_communes_are_the_units_it_covers(world):
    from communes.models import Commune

    everything = Commune.objects.all()
    for persona in PERSONAS:
        scope = scope_for(getattr(world, persona))
        expected = {c.pk for c in everything if scope.covers_commune(c)}
        assert set(scope.communes().values_list("pk", flat=True)) == expected, persona
    assert scope_for(world.admin).communes().count() == everything.count()


# --- Issue 24: one policy, and the former district official reads only ----------------------


def test_a_former_district_official_reads_its_years_and_writes_nothing(reform_world):
    w = reform_world
    official = w.former_district_official
    assert roles.unit_ended(official)
    assert not roles.can_write(official)
    history = Assessment(commune=w.old_dong, year=2024, status=Assessment.Status.DRAFT)
    assert roles.can_view_commune(official, w.old_dong)
    assert roles.can_view_district(official, w.old_district)
    assert not roles.can_submit(official, history)
    assert not roles.can_change_assessments(official, w.old_dong, 2024)
    assert not roles.can_submit_any(official)
    assert not roles.can_open_dossier(official, w.old_dong)
    assert not roles.can_add_dossier_evidence(official, w.old_dong)
    for recorder in ("commune", "district", "province"):
        assert not roles.can_record_dossier_step(official, w.old_dong, recorder)
    assert not roles.can_propose_practice(official)
    assert not roles.can_import(official)
    # The province's staff still write its history.
    assert roles.can_submit(w.province_staff, history)


def test_the_unit_ends_with_the_day_not_the_clock(reform_world):
    """Before 01/07/2025 district 961 had units in force: its official wrote then."""
    official = reform_world.former_district_official
    assert not roles.unit_ended(official, datetime.date(2025, 6, 30))
    assert roles.unit_ended(official, datetime.date(2025, 7, 1))


def test_the_districts_of_the_world_before_the_reform_keep_working(world):
    """The world of districts keeps its units after 30/06/2025, so its officials write."""
    assert not roles.unit_ended(world.official_a)
    assert roles.can_write(world.official_a)
    assert roles.can_write(world.commune_official)
    assert not roles.unit_ended(world.admin)


def test_the_province_plans_and_issues_its_own(world):
    assert who(world, lambda u: roles.can_plan(u, world.province)) == {"admin", "province_staff"}
    assert who(world, lambda u: roles.can_issue_reports(u, world.province)) == {
        "admin",
        "province_staff",
    }
    assert who(world, roles.can_issue_reports) == {
        "admin",
        "province_staff",
        "other_province_staff",
    }
    assert roles.own_province(world.province_staff) == world.province
    assert roles.own_province(world.admin) is None
    assert roles.own_province(world.official_a) is None


def test_dossiers_are_opened_by_those_who_record_their_steps(world):
    openers = who(world, lambda u: roles.can_open_dossier(u, world.commune_a1))
    assert openers == {"admin", "province_staff", "official_a", "commune_official"}
    assert who(world, lambda u: roles.can_certify(u, world.commune_a1)) == {
        "admin",
        "province_staff",
    }
    steps = who(world, lambda u: roles.can_record_dossier_step(u, world.commune_a1, "province"))
    assert steps == {"admin", "province_staff"}


def test_the_import_asks_row_permissions_only_of_importers(world):
    assert roles.import_row_permission(None)("criteria.approve_assessment")
    assert roles.import_row_permission(world.province_staff)("criteria.approve_assessment")
    assert not roles.import_row_permission(world.official_a)("criteria.submit_assessment")


def test_submitting_from_the_admin_is_for_those_who_submit(world):
    assert who(world, roles.can_submit_any) == {
        "admin",
        "province_staff",
        "other_province_staff",
        "official_a",
        "official_b",
        "commune_official",
    }


# --- Who is told (accounts/notifications.py) -------------------------------------------------


def test_the_reviewers_of_a_commune_are_its_provinces_active_staff(world):
    inactive = make_user(
        "province-inactive", role=Membership.Role.PROVINCE_STAFF, province=world.province
    )
    inactive.is_active = False
    inactive.save(update_fields=["is_active"])
    assert roles.reviewers_of(world.commune_a1) == [world.province_staff]
    assert roles.reviewers_of(world.commune_other) == [world.other_province_staff]


def test_the_officials_of_a_commune_are_its_own(world):
    make_user("commune-a2", role=Membership.Role.COMMUNE_OFFICIAL, commune=world.commune_a2)
    assert roles.officials_of(world.commune_a1) == [world.commune_official]
    assert roles.officials_of(world.commune_b1) == []


def test_after_the_reform_the_officials_of_a_unit_are_not_those_of_the_unit_it_replaced(
    reform_world,
):
    w = reform_world
    make_user("old-dong", role=Membership.Role.COMMUNE_OFFICIAL, commune=w.old_dong)
    assert roles.officials_of(w.dong_tay) == [w.commune_official]
    assert roles.reviewers_of(w.dong_tay) == [w.province_staff]
