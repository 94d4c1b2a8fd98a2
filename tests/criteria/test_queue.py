"""The home page's work queue: what waits for whom, in a fixed number of queries."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from communes.models import (
    DISTRICTS_END,
    TWO_TIER_START,
    Commune,
    CommuneGroup,
    CommuneGroupAssignment,
)
from criteria.models import Assessment
from criteria.queue import completeness, work_queue
from tests.base import make_assessment, make_certification, make_criteria_set

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


def test_completeness_counts_each_state_by_district_while_districts_exist(world):
    # 2024: the last year whose units (on 31/12) all have a district.
    cset = make_criteria_set(code="set-2021", first_year=2021, last_year=2025)
    make_assessment(world.commune_a1, 2024, cset, status="draft")
    make_assessment(world.commune_a2, 2024, cset, status="approved")
    queue = work_queue(year=2024, communes=_province_communes(world), reviewer=True)
    assert queue.completeness_by == "district"
    rows = {row.label: row for row in queue.completeness}
    a, b = rows["Huyện A"], rows["Huyện B"]
    assert (a.communes, a.not_started, a.draft, a.submitted, a.approved) == (2, 0, 1, 0, 1)
    assert a.approved_percent == 50
    assert (b.communes, b.not_started, b.approved) == (1, 1, 0)


def _two_tier_commune(world, code, name, **kwargs):
    """A unit of the two-tier system: from 01/07/2025, no district."""
    kwargs.setdefault("kind", Commune.Kind.COMMUNE)
    return Commune.objects.create(
        code=code, name=name, province=world.province, valid_from=TWO_TIER_START, **kwargs
    )


def test_completeness_is_by_commune_group_from_the_two_tier_reform(world):
    """After 01/07/2025 no district exists: rows are the commune groups of the year, with the
    communes without a group last, instead of one "no district" row."""
    n1, n2 = CommuneGroup.objects.get(code="N1"), CommuneGroup.objects.get(code="N2")
    # Pre-reform units end on 30/06/2025; those of the test world would otherwise still count.
    Commune.objects.filter(province=world.province).update(valid_to=DISTRICTS_END)
    x1 = _two_tier_commune(world, "98901", "Xã Mới Một")
    x2 = _two_tier_commune(world, "98902", "Xã Mới Hai")
    x3 = _two_tier_commune(world, "98903", "Xã Mới Ba")
    x4 = _two_tier_commune(world, "98904", "Xã Mới Bốn")
    _two_tier_commune(world, "98905", "Phường Mới", kind=Commune.Kind.WARD, in_programme=False)
    # Dated assignments: x1 was N2 until 2026 and is N1 from 2027; x3's ended in 2026.
    CommuneGroupAssignment.objects.create(commune=x1, group=n2, year_from=2025, year_to=2026)
    CommuneGroupAssignment.objects.create(commune=x1, group=n1, year_from=2027)
    CommuneGroupAssignment.objects.create(commune=x2, group=n2, year_from=2025)
    CommuneGroupAssignment.objects.create(commune=x3, group=n1, year_from=2025, year_to=2026)
    for commune, status in [(x1, "submitted"), (x2, "approved"), (x3, "draft")]:
        make_assessment(commune, YEAR, world.cset, status=status)
    make_assessment(x4, YEAR - 1, world.cset, status="approved")  # last year's: not started

    by, rows = completeness(year=YEAR, communes=_province_communes_now(world))
    assert by == "group"
    got = [(r.label, r.communes, r.not_started, r.draft, r.submitted, r.approved) for r in rows]
    assert got == [
        (n1.name_vi, 1, 0, 0, 1, 0),  # x1
        (n2.name_vi, 1, 0, 0, 0, 1),  # x2
        ("Chưa phân nhóm", 2, 1, 1, 0, 0),  # x3 (its group ended), x4
    ]
    # The year before, x1 and x3 were in their earlier groups.
    by, rows = completeness(year=YEAR - 1, communes=_province_communes_now(world))
    assert [(r.label, r.communes, r.approved) for r in rows] == [
        (n1.name_vi, 1, 0),
        (n2.name_vi, 2, 0),
        ("Chưa phân nhóm", 1, 1),
    ]


def test_the_home_page_shows_the_table_by_commune_group(client, world):
    Commune.objects.filter(province=world.province).update(valid_to=DISTRICTS_END)
    _two_tier_commune(world, "98901", "Xã Mới Một")
    client.force_login(world.province_staff)
    body = client.get(reverse("home")).content.decode()
    assert 'data-completeness="group"' in body
    assert '<th scope="col">Nhóm xã</th>' in body
    assert '<th scope="row">Chưa phân nhóm</th>' in body


def _province_communes_now(world):
    return Commune.objects.filter(province=world.province)


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


@pytest.mark.parametrize(
    ("year", "reviewer", "queries"),
    # A reviewer's table by commune group (2027) reads the groups' names: one query more.
    [(2024, True, 5), (YEAR, True, 6), (YEAR, False, 3)],
)
def test_it_runs_a_fixed_number_of_queries(
    world, django_assert_num_queries, year, reviewer, queries
):
    cset = world.cset
    if year < cset.first_year:
        cset = make_criteria_set(code="set-2021", first_year=2021, last_year=2025)
    for y in (year, year + 1):
        make_assessment(world.commune_a1, y, cset, status="submitted")
        make_assessment(world.commune_a2, y, cset, met=3)
    CommuneGroupAssignment.objects.create(
        commune=world.commune_a1, group=CommuneGroup.objects.get(code="N1"), year_from=2020
    )
    with django_assert_num_queries(queries):
        work_queue(year=year, communes=_province_communes(world), reviewer=reviewer)


def test_completeness_runs_a_fixed_number_of_queries(world, django_assert_num_queries):
    """One query by district; two by group (the counts, the groups' names), with or without
    groups assigned."""
    with django_assert_num_queries(2):
        completeness(year=YEAR, communes=_province_communes(world))
    CommuneGroupAssignment.objects.create(
        commune=world.commune_a1, group=CommuneGroup.objects.get(code="N1"), year_from=2020
    )
    with django_assert_num_queries(2):
        completeness(year=YEAR, communes=_province_communes(world))
    with django_assert_num_queries(1):
        completeness(year=2024, communes=_province_communes(world))


def test_the_home_page_lists_what_waits_with_a_direct_action(client, world):
    submitted = make_assessment(world.commune_a1, YEAR, world.cset, met=1, status="submitted")
    client.force_login(world.province_staff)
    response = client.get(reverse("home"))
    body = response.content.decode()
    assert "data-work-queue" in body
    assert f'href="{submitted.get_absolute_url()}"' in body
    assert "Chờ phê duyệt" in body


def test_a_submitted_higher_tier_assessment_waits_in_the_same_list(client, world):
    from tests.criteria.test_tiers import advanced_assessment, make_advanced_set

    make_advanced_set()
    advanced = advanced_assessment(world.commune_a1, met=1, status="submitted")
    queue = work_queue(year=YEAR, communes=_province_communes(world), reviewer=True)
    assert queue.submitted == [advanced]
    # The standard figures of the year are not touched: A1 has no standard assessment.
    assert {c.code for c in queue.not_started} == {"98101", "98102", "98201"}
    client.force_login(world.province_staff)
    body = client.get(reverse("home")).content.decode()
    assert 'href="/communes/98101/2027/nang-cao/"' in body
    assert "Xã Một – 2027 (Đạt chuẩn NTM nâng cao)" in body


# --- Decisions by recognised year; units of the area in the working year; actions ---------


def test_a_decision_recognising_the_year_signed_the_next_year_clears_it(world):
    """A decision "đạt chuẩn năm 2026" dated 15/01/2027 answers the 2026 assessment: the queue
    goes by recognised year and tier, not by the decision date's year."""
    ready = make_assessment(world.commune_a1, 2026, world.cset, met=3)
    queue = work_queue(year=2026, communes=_province_communes(world), reviewer=True)
    assert queue.ready_to_certify == [ready]
    make_certification(
        world.commune_a1, world.cset, datetime.date(2027, 1, 15), recognised_year=2026
    )
    queue = work_queue(year=2026, communes=_province_communes(world), reviewer=True)
    assert queue.ready_to_certify == [] and queue.total == 0


def test_only_a_standard_decision_in_force_or_of_the_year_clears_it(world):
    from criteria.models import Certification

    make_assessment(world.commune_a1, 2026, world.cset, met=3)
    # An advanced-tier decision of 2026 and a revoked standard one of 2024 leave it to do.
    make_certification(
        world.commune_a1, world.cset, datetime.date(2026, 5, 1), tier=Certification.Tier.ADVANCED
    )
    make_certification(
        world.commune_a1,
        world.cset,
        datetime.date(2024, 5, 1),
        decision_number="1/QĐ",
        revoked_on=datetime.date(2025, 3, 1),
        revocation_reason="Thử",
    )
    queue = work_queue(year=2026, communes=_province_communes(world), reviewer=True)
    assert queue.ready_to_certify_count == 1
    # A standard decision of an earlier year still in force: nothing to record.
    make_certification(world.commune_a1, world.cset, datetime.date(2025, 5, 1), decision_number="2")
    queue = work_queue(year=2026, communes=_province_communes(world), reviewer=True)
    assert queue.ready_to_certify_count == 0


def test_after_the_reform_a_decision_of_the_year_signed_later_clears_it(reform_world):
    w = reform_world
    make_assessment(w.bac_son, 2026, w.cset, met=10)
    units = Commune.objects.of_area(on=datetime.date(2026, 12, 31), province=w.province)
    assert work_queue(year=2026, communes=units, reviewer=True).ready_to_certify_count == 1
    make_certification(w.bac_son, w.cset, datetime.date(2027, 1, 15), recognised_year=2026)
    assert work_queue(year=2026, communes=units, reviewer=True).ready_to_certify_count == 0


def test_units_that_ended_never_appear_in_the_working_years_queue(client, reform_world):
    """Province 96 in 2026: xã Đông (96101 until 30/06/2025) has a 2024 assessment still sent,
    and shares its code with xã Đông Tây; only the units of 2026 are listed."""
    w = reform_world
    old = make_criteria_set(code="set-2021", first_year=2021, last_year=2025)
    make_assessment(w.old_dong, 2024, old, status="submitted")
    sent = make_assessment(w.dong_tay, 2026, w.cset, met=2, status="submitted")
    day = datetime.datetime(2026, 12, 7, 10, tzinfo=datetime.UTC)
    with time_machine.travel(day, tick=False):
        client.force_login(w.province_staff)
        queue = client.get(reverse("home")).context["queue"]
    assert queue.submitted == [sent]
    assert [c.name for c in queue.not_started] == ["Xã Bắc Sơn"]
    assert [(r.label, r.communes) for r in queue.completeness] == [
        ("Xã nhóm 2", 1),
        ("Xã nhóm 3", 1),
    ]


def test_every_item_leads_to_its_action(client, reform_world):
    """Approve: the assessment page with its approve button; record: the commune's decision
    form open, the year to recognise filled in; start: the assessment form of that unit and
    year; returned: the form to fix."""
    w = reform_world
    sent = make_assessment(w.dong_tay, 2026, w.cset, met=2, status="submitted")
    ready = make_assessment(w.bac_son, 2026, w.cset, met=10)
    day = datetime.datetime(2026, 12, 7, 10, tzinfo=datetime.UTC)
    with time_machine.travel(day, tick=False):
        client.force_login(w.province_staff)
        body = client.get(reverse("home")).content.decode()
        assert f'href="{sent.get_absolute_url()}">Xem và duyệt' in body
        review = client.get(sent.get_absolute_url())
        assert review.context["can_approve"]
        certify = "/communes/96104/?year=2026&amp;certify=2026#certify"
        assert f'href="{certify}">Ghi quyết định công nhận' in body
        page = client.get("/communes/96104/", {"year": 2026, "certify": 2026})
        assert page.context["commune"] == ready.commune
        assert page.context["certification_form"].initial["recognised_year"] == 2026
        assert '<details class="card card-body" open id="certify">' in page.content.decode()

        Assessment.objects.filter(pk=ready.pk).delete()
        body = client.get(reverse("home")).content.decode()
        assert 'href="/communes/96104/2026/" data-start>Bắt đầu đánh giá' in body
        start = client.get("/communes/96104/2026/")
        assert start.status_code == 200 and start.context["editable"]
        assert start.context["commune"] == w.bac_son
        # The unit's own page offers the same start (it had no assessment to go on from).
        unit_page = client.get("/communes/96104/")
        assert unit_page.context["next_year"] == 2026
        assert 'href="/communes/96104/2026/"' in unit_page.content.decode()

        Assessment.objects.filter(pk=sent.pk).update(status="draft", return_reason="Thiếu")
        client.force_login(w.commune_official)
        body = client.get(reverse("home")).content.decode()
        assert 'data-queue="returned"' in body
        assert f'href="{sent.get_absolute_url()}">Xã Đông Tây – 2026' in body
