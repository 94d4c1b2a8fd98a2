import datetime
import re

import pytest

from communes.models import Commune
from criteria.models import Assessment
from tests.base import make_assessment, make_certification, make_commune


@pytest.fixture
def report_world(world):
    """The `world` with two years of assessments (2026, 2027 under `world.cset`, 3 criteria):

    - A1 (98101): 2026 approved, criteria 1-2; 2027 approved, 1-3; certified 06/2027.
    - A2 (98102): 2026 approved, 1-3; none in 2027 (carried forward); certified 2026 but
      revoked 03/2027.
    - B1 (98201): never approved; 2027 submitted with criterion 1 (counts only provisionally).
    - a ward of district A outside the programme, approved and certified (never counted);
    - a commune of district A merged away on 31/12/2026, approved 1-3 in 2026 (gone in 2027);
    - the other province's commune, approved 1-3 and certified (another scope).
    """
    w = world
    make_assessment(w.commune_a1, 2026, w.cset, met=2)
    make_assessment(w.commune_a1, 2027, w.cset, met=3)
    make_certification(w.commune_a1, w.cset, datetime.date(2027, 6, 1))
    make_assessment(w.commune_a2, 2026, w.cset, met=3)
    make_certification(
        w.commune_a2,
        w.cset,
        datetime.date(2026, 10, 1),
        revoked_on=datetime.date(2027, 3, 1),
        revocation_reason="Không duy trì tiêu chí",
    )
    make_assessment(w.commune_b1, 2027, w.cset, met=1, status=Assessment.Status.SUBMITTED)
    ward = make_commune(w.district_a, "98109", "Phường Chín", kind=Commune.Kind.WARD)
    make_assessment(ward, 2027, w.cset, met=3)
    make_certification(ward, w.cset, datetime.date(2027, 1, 5))
    gone = make_commune(w.district_a, "98108", "Xã Cũ", valid_to=datetime.date(2026, 12, 31))
    make_assessment(gone, 2026, w.cset, met=3)
    make_assessment(w.commune_other, 2027, w.cset, met=3)
    make_certification(w.commune_other, w.cset, datetime.date(2027, 2, 1))
    w.ward, w.gone = ward, gone
    return w


@pytest.fixture
def report_cache(settings, tmp_path):
    settings.REPORT_CACHE_DIR = tmp_path / "reports"
    return settings.REPORT_CACHE_DIR


def login(client, django_user_model, username):
    client.force_login(django_user_model.objects.get(username=username))


def without_csrf(content: bytes) -> bytes:
    """A page without its CSRF token, which is masked anew in every response."""
    return re.sub(rb'name="csrfmiddlewaretoken" value="[^"]*"', b"", content)
