import datetime
import zoneinfo

import pytest

from tests.base import make_assessment

# The day the province issues its 2027 reports: after the decisions of 20/12/2027 and
# 05/01/2028 the tests record, which the programme's date bounds (until the end of next year)
# accept from this day on, whatever day the suite runs.
ISSUING_DAY = datetime.datetime(2028, 1, 10, 9, tzinfo=zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh"))


@pytest.fixture
def issued_world(world, settings, tmp_path, time_machine):
    """The `world` with 2027 approved assessments (A1: 3 criteria, A2: 2, B1: 1), uploads under
    a temporary MEDIA_ROOT, on 10/01/2028."""
    time_machine.move_to(ISSUING_DAY)
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
