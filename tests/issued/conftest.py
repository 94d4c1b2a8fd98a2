import pytest

from tests.base import make_assessment


@pytest.fixture
def issued_world(world, settings, tmp_path):
    """The `world` with 2027 approved assessments (A1: 3 criteria, A2: 2, B1: 1) and uploads
    under a temporary MEDIA_ROOT."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.REPORT_CACHE_DIR = tmp_path / "cache"
    w = world
    w.a1 = make_assessment(w.commune_a1, 2027, w.cset, met=3)
    w.a2 = make_assessment(w.commune_a2, 2027, w.cset, met=2)
    w.b1 = make_assessment(w.commune_b1, 2027, w.cset, met=1)
    return w


def issue(client, **data):
    from django.urls import reverse

    payload = {"kind": "province", "year": 2027, "issued_on": "2027-12-20"} | data
    return client.post(reverse("issued:issued_create"), payload)
