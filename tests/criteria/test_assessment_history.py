"""The assessment's history: one entry per save or transition, with who, when and what."""

import pytest
from django.urls import reverse

from criteria.history import REVISION_PREFIX
from criteria.models import Assessment, IndicatorValue
from criteria.services import assessment_approve, assessment_return, assessment_submit
from tests.criteria.conftest import form_data, login

pytestmark = pytest.mark.django_db


def url(commune, year=2027):
    return reverse("pages:assessment_edit", args=[commune.code, year])


def history(client, commune, year=2027, **params):
    return client.get(url(commune, year), params).context["history"]


def test_creating_and_filling_an_assessment_is_one_entry(client, world):
    login(client, world.province_staff)
    data = form_data(world.cset, 0, {"1.1": "1", "1.2": "90", "2.1": "0"})
    assert client.post(url(world.commune_a2), data).status_code == 302
    entries = list(history(client, world.commune_a2))
    assert len(entries) == 1
    (entry,) = entries
    assert entry.kind == "create" and entry.user == world.province_staff
    changes = {(c.subject, c.field, c.new) for c in entry.changes}
    assert ("Chỉ tiêu 1.2", "giá trị", "90") in changes
    assert ("Tiêu chí 1", "đạt", "Đạt") in changes
    # Not met by default is no change: no "— → Không đạt" for criteria 2 and 3.
    assert not [c for c in entry.changes if c.new == "Không đạt"]


def test_each_save_and_transition_is_one_entry_newest_first(client, world, draft):
    login(client, world.province_staff)
    client.post(
        url(world.commune_a1), form_data(world.cset, draft.version, {"1.1": "1", "1.2": "90"})
    )
    client.post(
        url(world.commune_a1), form_data(world.cset, draft.version + 1, {"1.1": "1", "1.2": "60"})
    )
    draft.refresh_from_db()
    assessment_submit(assessment=draft, user=world.official_a)
    assessment_return(assessment=draft, user=world.province_staff, reason="Kiểm tra 1.2")
    draft.refresh_from_db()
    client.post(
        url(world.commune_a1), form_data(world.cset, draft.version, {"1.1": "1", "1.2": "75"})
    )
    draft.refresh_from_db()
    assessment_submit(assessment=draft, user=world.official_a)
    assessment_approve(assessment=draft, user=world.province_staff)
    entries = list(history(client, world.commune_a1))
    kinds = [e.kind for e in entries]
    assert kinds[:7] == ["approved", "submitted", "save", "returned", "submitted", "save", "save"]
    assert entries[1].user == world.official_a
    assert entries[3].reason == "Kiểm tra 1.2"
    changes = {(c.subject, c.old, c.new) for c in entries[2].changes}
    assert ("Chỉ tiêu 1.2", "60", "75") in changes and ("Tiêu chí 1", "Không đạt", "Đạt") in changes
    # Every row of one save carries the same revision.
    reasons = set(
        IndicatorValue.history.filter(assessment_id=draft.pk, value=75).values_list(
            "history_change_reason", flat=True
        )
    ) | set(
        Assessment.history.filter(id=draft.pk, criteria_met=1, status="draft")
        .order_by("-history_date")[:1]
        .values_list("history_change_reason", flat=True)
    )
    assert len(reasons) == 1 and reasons.pop().startswith(REVISION_PREFIX)


def test_the_history_is_paged_and_collapsed(client, world, draft):
    login(client, world.province_staff)
    version = draft.version
    for n in range(22):
        data = form_data(world.cset, version, {"1.2": str(50 + n)})
        assert client.post(url(world.commune_a1), data).status_code == 302
        version += 1
    page = history(client, world.commune_a1)
    assert len(page) == 20 and page.paginator.num_pages == 2
    response = client.get(url(world.commune_a1), {"history_page": 2})
    assert len(response.context["history"]) >= 2
    body = response.content.decode()
    assert "<details><summary>" in body and "?history_page=1#history-title" in body


def test_the_history_keeps_a_fixed_number_of_queries(
    client, world, draft, django_assert_num_queries
):
    login(client, world.province_staff)
    version = draft.version
    for n in range(3):
        client.post(url(world.commune_a1), form_data(world.cset, version, {"1.2": str(60 + n)}))
        version += 1
    # As tests/criteria/test_assessment_edit_view.py pins it: 16 for the form, 1 for practices,
    # 1 for the revision in force (a draft).
    with django_assert_num_queries(18):
        client.get(url(world.commune_a1))
    for n in range(5):
        client.post(url(world.commune_a1), form_data(world.cset, version, {"1.2": str(70 + n)}))
        version += 1
    with django_assert_num_queries(18):
        client.get(url(world.commune_a1), {"history_page": 1})
    assert Assessment.objects.get(pk=draft.pk).version == version
