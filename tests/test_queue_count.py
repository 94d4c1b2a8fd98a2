"""The navbar's count of waiting work: the home page's queue total, for every role, from one
aggregate query."""

import datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from criteria.models import Assessment
from tests.base import make_assessment, make_criteria_set

pytestmark = pytest.mark.django_db

URL = reverse("queue_count")
TZ = datetime.timezone(datetime.timedelta(hours=7))
# The queue's working year is the year of the day: tests set the day. Districts exist until
# 30/06/2025, so the world of districts works in 2024.
YEAR = 2024
BEFORE_REFORM = datetime.datetime(YEAR, 12, 7, 10, tzinfo=TZ)
AFTER_REFORM = datetime.datetime(2026, 12, 7, 10, tzinfo=TZ)


@pytest.fixture
def waiting(world):
    """Commune A1 sent this year's assessment and drafts next year's; A2 meets every criterion
    with no certification; B1's was returned; the other province has one waiting too."""
    cset = make_criteria_set(code="set-2021", first_year=2021, last_year=2025)
    make_assessment(world.commune_a1, YEAR, cset, met=1, status="submitted")
    make_assessment(world.commune_a1, YEAR + 1, cset, status="draft")
    make_assessment(world.commune_a2, YEAR, cset, met=3)
    returned = make_assessment(world.commune_b1, YEAR, cset, status="draft")
    Assessment.objects.filter(pk=returned.pk).update(return_reason="Thiếu số liệu")
    make_assessment(world.commune_other, YEAR, cset, status="submitted")
    with time_machine.travel(BEFORE_REFORM, tick=False):
        yield world


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("province_staff", 2),  # A1 waiting for approval, A2 ready to certify
        ("other_province_staff", 1),  # its own province's only
        ("admin", 3),  # both provinces
        ("official_a", 1),  # A1's draft of next year
        ("official_b", 1),  # B1 returned
        ("commune_official", 1),  # its own draft
    ],
)
def test_it_counts_what_the_home_page_lists_for_each_role(client, waiting, persona, expected):
    client.force_login(getattr(waiting, persona))
    data = client.get(URL).json()
    home = client.get(reverse("home")).context["queue"]
    assert data["count"] == home.total == expected
    assert data["label"] == f"{expected} việc đang chờ bạn"


@pytest.fixture
def waiting_after_reform(reform_world):
    """2026: Đông Tây sent its assessment, Bắc Sơn meets every criterion, and an old unit
    (xã Đông, ended 30/06/2025) has a 2024 assessment still waiting, in no list of 2026."""
    w = reform_world
    make_assessment(w.dong_tay, 2026, w.cset, met=4, status="submitted")
    make_assessment(w.dong_tay, 2027, w.cset, status="draft")
    make_assessment(w.bac_son, 2026, w.cset, met=10)
    old = make_criteria_set(code="set-2021", first_year=2021, last_year=2025)
    make_assessment(w.old_dong, 2024, old, status="submitted")
    with time_machine.travel(AFTER_REFORM, tick=False):
        yield w


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("province_staff", 2),  # Đông Tây waiting for approval, Bắc Sơn ready to certify
        ("commune_official", 1),  # its draft of 2027
        ("former_district_official", 0),  # its district's units ended on 30/06/2025
    ],
)
def test_it_counts_the_units_of_the_area_in_the_working_year(
    client, waiting_after_reform, persona, expected
):
    client.force_login(getattr(waiting_after_reform, persona))
    assert client.get(URL).json()["count"] == expected
    home = client.get(reverse("home")).context["queue"]
    assert (home.total if home else 0) == expected


def test_the_count_follows_the_work(client, waiting):
    client.force_login(waiting.province_staff)
    assert client.get(URL).json()["count"] == 2
    Assessment.objects.filter(commune=waiting.commune_a1, year=YEAR).update(status="approved")
    assert client.get(URL).json()["count"] == 1  # approved, 1/3 criteria: not ready either


def test_it_is_one_aggregate_query_after_the_session_and_the_user(client, waiting):
    client.force_login(waiting.province_staff)
    client.get(URL)  # warm the content-type cache
    with CaptureQueriesContext(connection) as queries:
        response = client.get(URL)
    assert response.status_code == 200 and response["Cache-Control"] == "private, no-store"
    counted = [q["sql"] for q in queries if "criteria_assessment" in q["sql"]]
    assert len(counted) == 1 and "COUNT(" in counted[0], counted
    # Session, user, membership, its province, the user's and its groups' permissions, count.
    assert len(queries) == 7, [q["sql"][:90] for q in queries]


def test_anonymous_is_sent_to_login(client, world):
    response = client.get(URL)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_it_rejects_post(client, world):
    client.force_login(world.province_staff)
    assert client.post(URL).status_code == 405


def test_a_user_without_role_is_refused(client, django_user_model):
    client.force_login(django_user_model.objects.create_user("nobody", password="x-y-z-12345"))
    assert client.get(URL).status_code == 403


def test_the_navbar_carries_the_hidden_badge_and_the_home_page_its_count(client, waiting):
    client.force_login(waiting.province_staff)
    body = client.get(reverse("pages:commune_list")).content.decode()
    assert f'data-queue-badge data-url="{URL}" hidden' in body
    body = client.get(reverse("home")).content.decode()
    assert '<span class="badge text-bg-danger" data-queue-total>2</span>' in body
