"""'Certified on a day' has one definition (CertificationQuerySet.in_force_on), its twin for
loaded rows (Certification.is_in_force_on) says the same, and the highest tier comes first."""

import datetime

import pytest

from criteria.models import Certification
from tests.base import make_certification

pytestmark = pytest.mark.django_db

D = datetime.date


def test_a_decision_is_in_force_from_its_date_until_the_day_before_its_revocation(world):
    kept = make_certification(world.commune_a1, world.cset, D(2026, 11, 20))
    revoked = make_certification(
        world.commune_a2,
        world.cset,
        D(2026, 11, 20),
        revoked_on=D(2027, 3, 1),
        revocation_reason="Không còn đạt chuẩn",
    )
    rows = Certification.objects.filter(pk__in=[kept.pk, revoked.pk])

    def in_force(day):
        return set(rows.in_force_on(day))

    days = [D(2026, 11, 19), D(2026, 11, 20), D(2027, 2, 28), D(2027, 3, 1), D(2030, 1, 1)]
    for day in days:
        assert {c for c in (kept, revoked) if c.is_in_force_on(day)} == in_force(day), day
    assert in_force(D(2026, 11, 19)) == set()
    assert in_force(D(2027, 2, 28)) == {kept, revoked}
    assert in_force(D(2027, 3, 1)) == {kept}


def test_the_highest_tier_comes_first(world):
    for tier in (Certification.Tier.ADVANCED, Certification.Tier.NTM, Certification.Tier.MODEL):
        make_certification(
            world.commune_a1, world.cset, D(2026, 11, 20), tier=tier, decision_number=tier
        )
    ordered = Certification.objects.filter(commune=world.commune_a1).highest_tier_first()
    assert [c.tier for c in ordered] == ["model", "advanced", "ntm"]
