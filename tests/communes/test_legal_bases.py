"""The demo's succession records cite the act that made each change (ntm-reference §18.1)."""

import datetime

import pytest

from communes.models import Succession

pytestmark = pytest.mark.django_db


def test_the_round_of_december_2024_cites_resolution_1246():
    links = Succession.objects.filter(effective_on=datetime.date(2024, 12, 1))
    assert links.exists()
    assert set(links.values_list("legal_basis", flat=True)) == {
        "Nghị quyết 1246/NQ-UBTVQH15 (24/10/2024)"
    }


def test_the_reform_of_july_2025_cites_resolution_1672():
    links = Succession.objects.filter(effective_on=datetime.date(2025, 7, 1))
    assert set(links.values_list("legal_basis", flat=True)) == {
        "Nghị quyết 1672/NQ-UBTVQH15 (16/06/2025)"
    }
