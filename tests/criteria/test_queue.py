"""The home page's work queue: what waits for whom, in a fixed number of queries."""

import datetime

import pytest
from django.urls import reverse

from communes.models import Commune
from criteria.models import Assessment
from criteria.queue import work_queue
from tests.base import make_assessment, make_certification

pytestmark = pytest.mark.django_db

YEAR = 2027


def _province_communes(world):
    return Commune.objects.filter(district__province=world.province)


def test_reviewers_see_submitted_assessments_and_communes_ready_to_certify(world):
    submitted = make_assessment(world.commune_a1, YEAR, world.cset, met=1, status="submitted")
    ready = make_assessment(world.commune_a2, YEAR, world.cset, met=3)
    make_assessment(world.commune_other, YEAR, world.cset, met=3)  # another province
    queue = work_queue(year=YEAR, communes=_province_communes(world), reviewer=True)
    assert queue.submitted == [submitted] and queue.submitted_count == 1
    assert queue.ready_to_certify == [ready] and queue.ready_to_certify_count == 1
    assert [c.code for c in queue.not_started] == ["98201"]
    assert queue.total == 2


def test_a_certified_commune_or_one_missing_a_criterion_is_not_ready(world):
    make_assessment(world.commune_a1, YEAR, world.cset, met=3)
    make_certification(world.commune_a1, world.cset, datetime.date(YEAR, 6, 1))
    make_assessment(world.commune_a2, YEAR, world.cset, met=2)
    queue = work_queue(year=YEAR, communes=_province_communes(world), reviewer=True)
    assert queue.ready_to_certify == [] and queue.ready_to_certify_count == 0


def test_officials_see_what_was_returned_with_its_reason_and_their_drafts(world):
    returned = make_assessment(world.commune_a1, YEAR, world.cset, status="draft")
    Assessment.objects.filter(pk=returned.pk).update(return_reason="Thiếu số liệu 1.2")
    draft = make_assessment(world.commune_a2, YEAR, world.cset, status="draft")
    queue = work_queue(
        year=YEAR, communes=Commune.objects.filter(district=world.district_a), reviewer=False
    )
    assert [a.pk for a in queue.returned] == [returned.pk]
    assert queue.returned[0].return_reason == "Thiếu số liệu 1.2"
    assert queue.drafts == [draft]
    assert queue.submitted == [] and queue.completeness == []
    assert queue.total == 2


def test_completeness_counts_each_state_by_district(world):
    make_assessment(world.commune_a1, YEAR, world.cset, status="draft")
    make_assessment(world.commune_a2, YEAR, world.cset, status="approved")
    queue = work_queue(year=YEAR, communes=_province_communes(world), reviewer=True)
    rows = {row.label: row for row in queue.completeness}
    a, b = rows["Huyện A"], rows["Huyện B"]
    assert (a.communes, a.not_started, a.draft, a.submitted, a.approved) == (2, 0, 1, 0, 1)
    assert a.approved_percent == 50
    assert (b.communes, b.not_started, b.approved) == (1, 1, 0)


def test_lists_are_limited_but_counted_in_full(world, settings):
    from criteria import queue as queue_module

    for commune in (world.commune_a1, world.commune_a2, world.commune_b1):
        make_assessment(commune, YEAR, world.cset, status="submitted")
    queue_module.LIST_LIMIT, old = 2, queue_module.LIST_LIMIT
    try:
        queue = work_queue(year=YEAR, communes=_province_communes(world), reviewer=True)
    finally:
        queue_module.LIST_LIMIT = old
    assert len(queue.submitted) == 2 and queue.submitted_count == 3


@pytest.mark.parametrize(("reviewer", "queries"), [(True, 5), (False, 3)])
def test_it_runs_a_fixed_number_of_queries(world, django_assert_num_queries, reviewer, queries):
    for year in (YEAR, YEAR + 1):
        make_assessment(world.commune_a1, year, world.cset, status="submitted")
        make_assessment(world.commune_a2, year, world.cset, met=3)
    with django_assert_num_queries(queries):
        work_queue(year=YEAR, communes=_province_communes(world), reviewer=reviewer)


def test_the_home_page_lists_what_waits_with_a_direct_action(client, world):
    submitted = make_assessment(world.commune_a1, YEAR, world.cset, met=1, status="submitted")
    client.force_login(world.province_staff)
    response = client.get(reverse("home"))
    body = response.content.decode()
    assert "data-work-queue" in body
    assert f'href="{submitted.get_absolute_url()}"' in body
    assert "Chờ phê duyệt" in body
