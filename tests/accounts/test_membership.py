"""A membership names exactly the unit of its role; nobody joins a unit that has ended."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from accounts.models import Membership
from communes.models import District
from tests.base import make_user

pytestmark = pytest.mark.django_db


def test_a_commune_official_names_a_commune(world):
    user = make_user("xa-test")
    Membership(user=user, role=Membership.Role.COMMUNE_OFFICIAL, commune=world.commune_a1).clean()
    with pytest.raises(ValidationError) as exc:
        Membership(user=user, role=Membership.Role.COMMUNE_OFFICIAL).clean()
    assert exc.value.code == "scope"
    with pytest.raises(ValidationError):
        Membership(
            user=user,
            role=Membership.Role.COMMUNE_OFFICIAL,
            commune=world.commune_a1,
            district=world.district_a,
        ).clean()


@pytest.mark.parametrize(
    ("role", "units"),
    [
        ("commune", {"district": "district_a"}),
        ("commune", {"commune": "commune_a1", "province": "province"}),
        ("district", {"district": "district_a", "commune": "commune_a1"}),
        ("province", {"province": "province", "commune": "commune_a1"}),
    ],
)
def test_the_database_refuses_a_unit_of_another_role(world, role, units):
    user = make_user("xa-test")
    fields = {name: getattr(world, attr) for name, attr in units.items()}
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(user=user, role=role, **fields)


def test_no_district_membership_after_the_district_ended(world):
    """Every district ended on 30/06/2025. `valid_to` is set on the instance: District gains
    the field with the dated hierarchy; the check reads it either way."""
    user = make_user("huyen-moi")
    district = world.district_a
    district.valid_to = datetime.date(2025, 6, 30)
    membership = Membership(user=user, role=Membership.Role.DISTRICT_OFFICIAL, district=district)
    with pytest.raises(ValidationError) as exc:
        membership.clean()
    assert exc.value.code == "district_ended"
    assert "30/06/2025" in exc.value.messages[0]


def test_an_existing_district_membership_stays_valid_after_the_end(world):
    membership = world.official_a.membership
    membership.district.valid_to = datetime.date(2025, 6, 30)
    membership.clean()  # unchanged district: the official keeps reading its years


def test_a_stored_district_end_refuses_new_members(world):
    District.objects.filter(pk=world.district_b.pk).update(valid_to=datetime.date(2025, 6, 30))
    district = District.objects.get(pk=world.district_b.pk)
    membership = Membership(
        user=make_user("huyen-b2"), role=Membership.Role.DISTRICT_OFFICIAL, district=district
    )
    with pytest.raises(ValidationError):
        membership.clean()


def test_no_commune_membership_after_the_commune_ended(world):
    commune = world.commune_a2
    commune.valid_to = datetime.date(2025, 6, 30)
    commune.save()
    membership = Membership(
        user=make_user("xa-cu"), role=Membership.Role.COMMUNE_OFFICIAL, commune=commune
    )
    with pytest.raises(ValidationError) as exc:
        membership.clean()
    assert exc.value.code == "commune_ended"
