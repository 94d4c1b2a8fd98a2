"""After a change, a province's current reports are re-rendered once per burst of changes, a
delay after the first one, with the data as they stand when the rendering runs."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.tasks import default_task_backend
from django.test import TestCase
from django.utils import timezone

from communes.models import Commune, Province
from criteria.models import Assessment
from criteria.services import (
    AssessmentInput,
    assessment_approve,
    assessment_save,
    assessment_submit,
)
from ntm.lib import reportfiles
from reports.tasks import prewarm_after_change, prewarm_province_reports

pytestmark = pytest.mark.django_db
DUMMY = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}


@pytest.fixture
def queued(settings):
    settings.NTM_REPORT_PREWARM = True
    settings.NTM_REPORT_PREWARM_DELAY = 30
    settings.TASKS = DUMMY
    default_task_backend.clear()
    return default_task_backend.results


def renders(results) -> list:
    """The reports' tasks among those queued (the workflow also queues its mail)."""
    return [r for r in results if r.task.module_path.startswith("reports.")]


def changed(province):
    prewarm_after_change(None, province_ids=[province.pk], since_year=None)


def test_a_burst_of_changes_queues_one_deferred_rendering_per_province(queued):
    langson = Province.objects.get(code="20")
    before = timezone.now()
    for _ in range(50):
        changed(langson)
    assert len(queued) == 1
    (result,) = queued
    assert result.task.func is prewarm_province_reports.func
    assert result.kwargs["code"] == "20"
    this_year = timezone.localdate().year
    assert set(result.kwargs["years"]) <= {this_year - 1, this_year}
    delay = result.task.run_after - before
    assert datetime.timedelta(seconds=29) < delay < datetime.timedelta(seconds=31)


def test_once_the_rendering_starts_the_next_change_queues_another(queued, settings):
    langson = Province.objects.get(code="20")
    changed(langson)
    kwargs = queued[0].kwargs
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    prewarm_province_reports.call(**kwargs)  # as the worker runs it: renders the files now
    stored = reportfiles.report_storage().listdir("")[1]
    assert {name.rsplit(".", 1)[1] for name in stored} == {"pdf", "xlsx"}
    assert len(stored) == 2 * len(kwargs["years"])
    settings.TASKS = DUMMY
    default_task_backend.clear()
    changed(langson)
    assert len(default_task_backend.results) == 1


def test_no_rendering_when_prewarming_is_off(queued, settings):
    settings.NTM_REPORT_PREWARM = False
    changed(Province.objects.get(code="20"))
    assert queued == []


def test_a_drafts_change_queues_nothing_and_an_approval_does(queued):
    """Drafts show in provisional reports only; the files kept ready are the official ones."""
    this_year = timezone.localdate().year
    commune = Commune.objects.filter(province__code="20").in_programme().order_by("code")[0]
    admin = get_user_model().objects.get(username="admin")
    draft = Assessment.objects.filter(commune=commune, year__lte=this_year).first()
    Assessment.objects.filter(pk=draft.pk).update(status=Assessment.Status.DRAFT)
    with TestCase.captureOnCommitCallbacks(execute=True):
        assessment_save(assessment=draft, data=AssessmentInput(entries={}, criterion_flags={}))
        assessment_submit(assessment=draft, user=admin)
    assert renders(queued) == []  # (the submission's mail is queued: accounts.tasks)
    with TestCase.captureOnCommitCallbacks(execute=True):
        assessment_approve(assessment=draft, user=admin)
    assert len(renders(queued)) == 1
