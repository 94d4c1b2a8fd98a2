"""The assessment admin: the workflow fields are read-only and the workflow steps are actions
that go through criteria.services, under the permissions of the web pages."""

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.messages import get_messages
from django.urls import reverse

from criteria.models import Assessment
from tests.base import make_assessment, make_criteria_set
from tests.criteria.conftest import login

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:criteria_assessment_changelist"


def change_url(assessment):
    return reverse("admin:criteria_assessment_change", args=[assessment.pk])


def run_action(client, action, *assessments, **extra):
    data = {"action": action, "index": 0, ACTION_CHECKBOX_NAME: [a.pk for a in assessments]}
    return client.post(reverse(CHANGELIST), {**data, **extra}, follow=True)


def texts(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


@pytest.fixture
def staff(world):
    """Province staff of province 98 allowed into the admin: same roles, same scope."""
    world.province_staff.is_staff = True
    world.province_staff.save()
    return world.province_staff


# --- Read-only fields ----------------------------------------------------------------------


def test_status_commune_year_and_criteria_set_are_read_only(client, world, draft):
    login(client, world.admin)
    form = client.get(change_url(draft)).context["adminform"].form
    assert set(form.fields) == {"note"}


def test_posting_a_changed_status_changes_only_the_note(client, world, draft):
    other_set = make_criteria_set(code="other-set", first_year=2031, last_year=2035)
    login(client, world.admin)
    response = client.post(
        change_url(draft),
        {
            "note": "Ghi chú của quản trị",
            "status": Assessment.Status.APPROVED,
            "year": "2028",
            "commune": world.commune_b1.pk,
            "criteria_set": other_set.pk,
            "criteria_met": "3",
            "results-TOTAL_FORMS": "0",
            "results-INITIAL_FORMS": "0",
            "_save": "1",
        },
    )
    assert response.status_code == 302
    before = draft.version
    draft.refresh_from_db()
    assert draft.status == Assessment.Status.DRAFT
    assert (draft.year, draft.commune, draft.criteria_set) == (2027, world.commune_a1, world.cset)
    assert draft.criteria_met == 0
    assert draft.note == "Ghi chú của quản trị"
    assert draft.version == before + 1  # the web form's lock sees the edit


def test_assessments_cannot_be_added_in_the_admin(client, world):
    login(client, world.admin)
    assert client.get(reverse("admin:criteria_assessment_add")).status_code == 403


def test_history_cannot_be_reverted(client, world, draft, submitted_later):
    login(client, world.admin)
    old = draft.history.earliest()
    url = reverse("admin:criteria_assessment_simple_history", args=[draft.pk, old.history_id])
    assert client.get(url).status_code == 200
    assert client.post(url, {"note": "x", "_save": "1"}).status_code == 403
    draft.refresh_from_db()
    assert draft.status == Assessment.Status.SUBMITTED


@pytest.fixture
def submitted_later(world, draft):
    """The draft, submitted through the web view's service: it has a draft version to revert to."""
    from criteria.services import assessment_submit

    return assessment_submit(assessment=draft, user=world.official_a)


# --- Actions -------------------------------------------------------------------------------


def test_approve_action_goes_through_the_service(client, world, submitted):
    login(client, world.admin)
    response = run_action(client, "approve", submitted)
    submitted.refresh_from_db()
    assert submitted.status == Assessment.Status.APPROVED
    assert submitted.approved_by == world.admin and submitted.approved_at is not None
    last = submitted.history.first()
    assert last.status == Assessment.Status.APPROVED and last.history_user == world.admin
    assert "Đã phê duyệt 1 đánh giá." in texts(response)


def test_approve_action_refuses_a_draft_and_approves_the_others(client, world, draft):
    other = make_assessment(world.commune_a2, 2027, world.cset, status=Assessment.Status.SUBMITTED)
    login(client, world.admin)
    history_before = draft.history.count()
    response = run_action(client, "approve", draft, other)
    draft.refresh_from_db()
    other.refresh_from_db()
    assert draft.status == Assessment.Status.DRAFT
    assert draft.history.count() == history_before
    assert other.status == Assessment.Status.APPROVED
    assert texts(response) == [
        "Không thể phê duyệt Xã Một 2027: Chỉ phê duyệt được đánh giá đã gửi duyệt.",
        "Đã phê duyệt 1 đánh giá.",
    ]


def test_submit_action_records_the_submitter(client, world, draft):
    login(client, world.admin)
    run_action(client, "submit", draft)
    draft.refresh_from_db()
    assert draft.status == Assessment.Status.SUBMITTED and draft.submitted_by == world.admin
    assert draft.history.first().history_user == world.admin


def test_return_action_asks_for_a_reason_first(client, world, submitted):
    login(client, world.admin)
    response = run_action(client, "return_to_draft", submitted)
    assert response.status_code == 200
    assert response.templates[0].name == "admin/criteria/assessment/action_reason.html"
    assert 'name="reason"' in response.content.decode()
    submitted.refresh_from_db()
    assert submitted.status == Assessment.Status.SUBMITTED


def test_return_action_refuses_an_empty_reason(client, world, submitted):
    login(client, world.admin)
    data = {"action": "return_to_draft", ACTION_CHECKBOX_NAME: [submitted.pk], "apply": "1"}
    response = client.post(reverse(CHANGELIST), {**data, "reason": "  "})
    assert response.status_code == 200 and "Cần ghi lý do." in response.content.decode()
    submitted.refresh_from_db()
    assert submitted.status == Assessment.Status.SUBMITTED


def test_return_action_with_a_reason_sends_the_assessment_back(client, world, submitted):
    login(client, world.admin)
    # The confirmation page posts without "index", as the admin's delete confirmation does.
    data = {"action": "return_to_draft", ACTION_CHECKBOX_NAME: [submitted.pk], "apply": "1"}
    response = client.post(reverse(CHANGELIST), {**data, "reason": "Thiếu minh chứng"})
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.status == Assessment.Status.DRAFT
    assert submitted.return_reason == "Thiếu minh chứng"
    assert submitted.history.first().history_user == world.admin


def test_reopen_action_from_the_change_page(client, world, approved):
    login(client, world.admin)
    data = {"CHANGE_FORM-action": "reopen", ACTION_CHECKBOX_NAME: [approved.pk]}
    page = client.post(change_url(approved), data)
    assert page.status_code == 200 and 'name="CHANGE_FORM-action"' in page.content.decode()
    response = client.post(change_url(approved), {**data, "apply": "1", "reason": "Sửa số liệu"})
    assert response.status_code == 302
    approved.refresh_from_db()
    assert approved.status == Assessment.Status.DRAFT and approved.approved_by is None
    assert approved.return_reason == "Sửa số liệu"


def test_reopen_action_refuses_a_submitted_assessment(client, world, submitted):
    login(client, world.admin)
    data = {"action": "reopen", ACTION_CHECKBOX_NAME: [submitted.pk], "apply": "1"}
    response = client.post(reverse(CHANGELIST), {**data, "reason": "x"}, follow=True)
    submitted.refresh_from_db()
    assert submitted.status == Assessment.Status.SUBMITTED
    assert texts(response) == [
        "Không thể mở lại Xã Một 2027: Chỉ mở lại được đánh giá đã phê duyệt."
    ]


# --- Permissions: those of the web views ---------------------------------------------------


def test_province_staff_may_approve_in_their_province_only(client, world, staff, submitted):
    other = make_assessment(
        world.commune_other, 2027, world.cset, status=Assessment.Status.SUBMITTED
    )
    login(client, staff)
    response = run_action(client, "approve", submitted, other)
    submitted.refresh_from_db()
    other.refresh_from_db()
    assert submitted.status == Assessment.Status.APPROVED
    assert other.status == Assessment.Status.SUBMITTED
    assert "Không thể phê duyệt Xã Khác 2027: ngoài phạm vi quản lý của bạn." in texts(response)


def test_district_official_is_not_offered_review_actions(client, world, submitted):
    world.official_a.is_staff = True
    world.official_a.save()
    login(client, world.official_a)
    actions = client.get(reverse(CHANGELIST)).context["action_form"].fields["action"].choices
    names = {name for name, _label in actions}
    assert "submit" in names and not names & {"approve", "return_to_draft", "reopen"}
    run_action(client, "approve", submitted)
    submitted.refresh_from_db()
    assert submitted.status == Assessment.Status.SUBMITTED
