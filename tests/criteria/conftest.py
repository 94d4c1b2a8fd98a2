"""Helpers of the view tests of the commune and assessment pages (world fixture: tests/base.py)."""

import pytest

from criteria.forms import criterion_field, indicator_field
from criteria.models import Assessment, Indicator
from tests.base import make_assessment


def login(client, user):
    if user is not None:
        client.force_login(user)
    return client


def indicators(cset) -> dict[str, Indicator]:
    return {i.code: i for i in Indicator.objects.filter(criterion__criteria_set=cset)}


def form_data(cset, version: int, entries: dict[str, str] | None = None, **extra) -> dict:
    """The POST of the assessment form: `entries` by indicator code (a value for numeric
    indicators, "1"/"0" for the others); `extra` adds raw fields."""
    entries = entries or {}
    data = {"version": str(version), "note": ""}
    for code, ind in indicators(cset).items():
        if ind.is_numeric:
            data[indicator_field(ind.pk, "value")] = entries.get(code, "")
        else:
            data[indicator_field(ind.pk, "met")] = entries.get(code, "")
    for criterion in cset.criteria.all():
        data[criterion_field(criterion.pk, "note")] = ""
    data.update(extra)
    return data


@pytest.fixture
def draft(world):
    """A draft 2027 assessment of commune A1 (district A, province 98)."""
    return make_assessment(world.commune_a1, 2027, world.cset, status=Assessment.Status.DRAFT)


@pytest.fixture
def submitted(world):
    return make_assessment(world.commune_a1, 2027, world.cset, status=Assessment.Status.SUBMITTED)


@pytest.fixture
def approved(world):
    return make_assessment(world.commune_a1, 2027, world.cset, met=3)
