"""The four workflow views (submit, approve, return, reopen): POST only, login, scope (404),
role (403), the state each one starts from, and what each records. One table of the actions;
the cases that only one action has follow it."""

from dataclasses import dataclass, field

import pytest
from django.urls import reverse

from criteria.models import Assessment
from tests.criteria.conftest import form_data, login

pytestmark = pytest.mark.django_db

DRAFT, SUBMITTED, APPROVED = Assessment.Status


@dataclass(frozen=True)
class Action:
    name: str  # the URL is criteria:assessment_<name>
    start: str  # the state it acts on (the fixture of that name)
    end: str  # the state it leaves
    actors: tuple[str, ...]  # personas allowed to take it
    wrong_start: str  # a state it refuses, with `refusal`
    refusal: str
    not_allowed: str | None = None  # a persona who sees the assessment but may not act: 403
    data: dict = field(default_factory=dict)  # the POST (a reason for return and reopen)

    def __str__(self) -> str:
        return self.name


ACTIONS = [
    Action(
        "submit",
        DRAFT,
        SUBMITTED,
        ("official_a", "province_staff"),
        APPROVED,
        "Chỉ gửi duyệt được đánh giá ở trạng thái dự thảo.",
    ),
    Action(
        "approve",
        SUBMITTED,
        APPROVED,
        ("province_staff",),
        DRAFT,
        "Chỉ phê duyệt được đánh giá đã gửi duyệt.",
        not_allowed="official_a",
    ),
    Action(
        "return",
        SUBMITTED,
        DRAFT,
        ("province_staff",),
        APPROVED,
        "Chỉ trả lại được đánh giá đã gửi duyệt.",
        not_allowed="official_a",
        data={"reason": "x"},
    ),
    Action(
        "reopen",
        APPROVED,
        DRAFT,
        ("province_staff",),
        SUBMITTED,
        "Chỉ mở lại được đánh giá đã phê duyệt.",
        not_allowed="official_a",
        data={"reason": "x"},
    ),
]
BY_NAME = {a.name: a for a in ACTIONS}
WITH_REASON = [a for a in ACTIONS if a.data]


def url(action: Action, commune, year=2027) -> str:
    return reverse(f"pages:assessment_{action.name}", args=[commune.code, year])


def in_state(request, state: str) -> Assessment:
    """Commune A1's 2027 assessment in `state` (the fixtures of tests/criteria/conftest.py)."""
    return request.getfixturevalue(state)


def status_of(assessment: Assessment) -> str:
    assessment.refresh_from_db()
    return assessment.status


@pytest.mark.parametrize("action", ACTIONS, ids=str)
def test_it_rejects_get(client, world, request, action):
    in_state(request, action.start)
    login(client, getattr(world, action.actors[0]))
    assert client.get(url(action, world.commune_a1)).status_code == 405


@pytest.mark.parametrize("action", ACTIONS, ids=str)
def test_anonymous_is_sent_to_login(client, world, request, action):
    assessment = in_state(request, action.start)
    assert client.post(url(action, world.commune_a1), action.data).status_code == 302
    assert status_of(assessment) == action.start


@pytest.mark.parametrize("persona", ["official_b", "other_province_staff"])
@pytest.mark.parametrize("action", ACTIONS, ids=str)
def test_other_scopes_get_404(client, world, request, action, persona):
    assessment = in_state(request, action.start)
    login(client, getattr(world, persona))
    assert client.post(url(action, world.commune_a1), action.data).status_code == 404
    assert status_of(assessment) == action.start


@pytest.mark.parametrize("action", [a for a in ACTIONS if a.not_allowed], ids=str)
def test_the_district_official_may_not_review(client, world, request, action):
    assessment = in_state(request, action.start)
    login(client, getattr(world, action.not_allowed))
    assert client.post(url(action, world.commune_a1), action.data).status_code == 403
    assert status_of(assessment) == action.start


@pytest.mark.parametrize("action", ACTIONS, ids=str)
def test_another_state_is_refused_with_a_message(client, world, request, action):
    assessment = in_state(request, action.wrong_start)
    login(client, getattr(world, action.actors[0]))
    response = client.post(url(action, world.commune_a1), action.data, follow=True)
    assert action.refusal in response.content.decode()
    assert status_of(assessment) == action.wrong_start


@pytest.mark.parametrize("action", ACTIONS, ids=str)
def test_no_assessment_is_404(client, world, action):
    login(client, getattr(world, action.actors[0]))
    assert client.post(url(action, world.commune_a2), action.data).status_code == 404


@pytest.mark.parametrize(
    ("action", "persona"), [(a, p) for a in ACTIONS for p in a.actors], ids=str
)
def test_the_allowed_personas_act_and_it_is_recorded(client, world, request, action, persona):
    assessment = in_state(request, action.start)
    user = getattr(world, persona)
    login(client, user)
    response = client.post(url(action, world.commune_a1), action.data)
    assert response.status_code == 302
    assert response["Location"] == assessment.get_absolute_url()
    assert status_of(assessment) == action.end
    record = assessment.history.first()
    assert record.status == action.end and record.history_user == user


@pytest.mark.parametrize("action", WITH_REASON, ids=str)
def test_a_reason_is_required(client, world, request, action):
    assessment = in_state(request, action.start)
    login(client, world.province_staff)
    for blank in ("", "  "):
        response = client.post(url(action, world.commune_a1), {"reason": blank}, follow=True)
        assert "Cần ghi lý do." in response.content.decode()
        assert status_of(assessment) == action.start


# --- What one action records ----------------------------------------------------------------


@pytest.mark.parametrize("persona", BY_NAME["submit"].actors)
def test_the_submitter_is_recorded(client, world, draft, persona):
    login(client, getattr(world, persona))
    client.post(url(BY_NAME["submit"], world.commune_a1))
    draft.refresh_from_db()
    assert draft.submitted_by == getattr(world, persona)


def test_the_approver_is_recorded(client, world, submitted):
    login(client, world.province_staff)
    client.post(url(BY_NAME["approve"], world.commune_a1))
    submitted.refresh_from_db()
    assert submitted.approved_by == world.province_staff


def test_the_submitter_sees_the_return_reason(client, world, draft):
    login(client, world.official_a)
    client.post(url(BY_NAME["submit"], world.commune_a1))
    login(client, world.province_staff)
    response = client.post(
        url(BY_NAME["return"], world.commune_a1), {"reason": "Thiếu biên bản thẩm định"}
    )
    assert response.status_code == 302
    assert status_of(draft) == DRAFT
    assert draft.history.first().history_user == world.province_staff
    login(client, world.official_a)
    page = client.get(draft.get_absolute_url()).content.decode()
    assert 'id="return-reason"' in page and "Thiếu biên bản thẩm định" in page


def test_province_staff_reopen_with_a_reason_then_edit(client, world, approved):
    login(client, world.province_staff)
    client.post(url(BY_NAME["reopen"], world.commune_a1), {"reason": "Sai số liệu tiêu chí 3"})
    approved.refresh_from_db()
    assert approved.status == DRAFT and approved.approved_by is None
    assert approved.return_reason == "Sai số liệu tiêu chí 3"
    assert approved.history.first().history_user == world.province_staff
    data = form_data(world.cset, approved.version, {"1.1": "1", "1.2": "90"})
    assert client.post(approved.get_absolute_url(), data).status_code == 302
    approved.refresh_from_db()
    assert approved.criteria_met == 1
