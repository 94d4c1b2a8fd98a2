"""The Locust scenario of `make loadtest`, run briefly against a test server: users log in,
read every kind of page, save their commune's assessment, and the database check finds every
acknowledged save stored with its history. The full run (two gunicorn instances, PostgreSQL,
50 users for 60 s) is `make loadtest`, not a test."""

import pytest
from django.contrib.staticfiles.handlers import StaticFilesHandler
from django.core.servers.basehttp import WSGIServer
from django.db import connections
from django.utils import timezone

from criteria.models import Indicator, IndicatorValue
from ops import loadtest
from tests.base import PASSWORD


class _OneRequestAtATime(WSGIServer):
    """The test database may be SQLite in memory, one connection that the server thread
    shares: requests must not interleave on it."""

    def __init__(self, *args, connections_override=None, **kwargs):
        super().__init__(*args, **kwargs)


@pytest.fixture
def test_server(transactional_db):
    from django.test.testcases import LiveServerThread

    class Thread(LiveServerThread):
        server_class = _OneRequestAtATime

    shared = {c.alias: c for c in connections.all() if c.vendor == "sqlite" and c.is_in_memory_db()}
    for connection in shared.values():
        connection.inc_thread_sharing()
    thread = Thread("127.0.0.1", StaticFilesHandler, connections_override=shared)
    thread.daemon = True
    thread.start()
    thread.is_ready.wait()
    if thread.error:
        raise thread.error
    yield f"http://127.0.0.1:{thread.port}"
    thread.terminate()
    for connection in shared.values():
        connection.dec_thread_sharing()


def world_plan(world, host: str, tmp_path) -> loadtest.Plan:
    indicator = Indicator.objects.get(criterion__criteria_set=world.cset, code="1.2")
    pages = loadtest.demo_pages(province="98", year=2027)
    return loadtest.Plan(
        hosts=[host],
        users=2,
        seconds=4,
        communes=[world.commune_a1.code, world.commune_a2.code],
        target_pk=indicator.pk,
        pages=pages,
        year=2027,
        username=world.province_staff.username,
        password=PASSWORD,
        login_budget=60,
        tour=True,
    )


def test_the_locust_scenario_runs_and_no_save_is_lost(world, test_server, settings, tmp_path):
    settings.REPORT_CACHE_DIR = tmp_path / "reports"
    plan = world_plan(world, test_server, tmp_path)
    started_at = timezone.now()

    outcome = loadtest.run(plan, tmp_path / "locust")

    assert outcome.logged_in == 2, outcome.log[-2000:]
    names = {row["name"] for row in outcome.stats}
    assert names == {
        "home",
        "commune list",
        "commune page",
        "report HTML",
        "report PDF",
        "report xlsx",
        "assessment form",
        "save assessment",
        "plans",
        "dossiers",
        "Aggregated",  # the logins happen before the clock starts: they are not counted
    }
    assert outcome.total["name"] == "Aggregated"
    assert outcome.total["requests"] > 0 and outcome.requests_per_second > 0
    assert outcome.total["failures"] == 0, outcome.errors
    assert outcome.count(lambda status: status >= 500 or status == 0) == 0
    check = loadtest.verify(plan, outcome.records, started_at)
    assert check.ok > 0
    assert check.passed, check
    saved = IndicatorValue.objects.filter(
        assessment__commune__code__in=plan.communes, indicator__code="1.2"
    ).values_list("value", flat=True)
    assert len(saved) == len([r for r in outcome.records if r.ok])
    summary = "\n".join(loadtest.summary(outcome))
    print(summary)
    assert summary.count("requests/s:") == 1


def test_verify_counts_a_lost_save_and_the_trace_of_a_failed_one(world, tmp_path):
    from criteria.services import assessment_create

    plan = world_plan(world, "http://127.0.0.1:1", tmp_path)
    started_at = timezone.now()
    assessment = assessment_create(commune=world.commune_a1, year=2027)
    indicator = Indicator.objects.get(criterion__criteria_set=world.cset, code="1.2")
    IndicatorValue.objects.create(assessment=assessment, indicator=indicator, value="50.01")
    records = [
        # Acknowledged 50.00 then 50.02, but 50.01 (a failed save) is what is stored.
        loadtest.SaveRecord(world.commune_a1.code, ok=["50.00", "50.02"], failed=["50.01"]),
        loadtest.SaveRecord(world.commune_a2.code),
    ]
    check = loadtest.verify(plan, records, started_at)
    assert (check.lost, check.traces, check.ok, check.failed) == (1, 1, 2, 1)
    assert not check.passed
    # A save cut off by the end of the run (no answer) may be the one stored.
    value = IndicatorValue.objects.get(assessment=assessment, indicator=indicator)
    value.value = "50.03"
    value.save()
    records[0] = loadtest.SaveRecord(world.commune_a1.code, ok=["50.01"], unknown=["50.03"])
    assert loadtest.verify(plan, records, started_at).passed


def test_the_plan_only_targets_this_machine():
    with pytest.raises(ValueError, match="loopback"):
        loadtest.Plan(
            hosts=["http://127.0.0.1:8010", "http://example.com"],
            users=1,
            seconds=1,
            communes=["1"],
            target_pk=1,
            pages={},
        )


def test_the_2026_deadline_scenario_saves_whole_criterion_notes_on_the_units_of_2025(
    reform_world, test_server, settings, tmp_path
):
    """After the reform: units without a district, a set judged criterion by criterion; each
    save changes criterion 1's note, and the check finds every acknowledged one."""
    from criteria.models import CriterionResult

    settings.REPORT_CACHE_DIR = tmp_path / "reports"
    world = reform_world
    criterion = world.cset.criteria.get(number=1)
    plan = loadtest.Plan(
        hosts=[test_server],
        users=2,
        seconds=4,
        communes=[world.dong_tay.code, world.bac_son.code],
        target="criterion",
        target_pk=criterion.pk,
        pages=loadtest.demo_pages(province="96", year=2026),
        year=2026,
        username=world.province_staff.username,
        password=PASSWORD,
        login_budget=60,
        tour=True,
    )
    assert plan.field_name == f"c{criterion.pk}_note"
    started_at = timezone.now()

    outcome = loadtest.run(plan, tmp_path / "locust")

    assert outcome.logged_in == 2, outcome.log[-2000:]
    assert outcome.total["failures"] == 0, outcome.errors
    check = loadtest.verify(plan, outcome.records, started_at)
    assert check.ok > 0 and check.passed, check
    notes = dict(
        CriterionResult.objects.filter(assessment__year=2026, criterion=criterion).values_list(
            "assessment__commune__code", "note"
        )
    )
    for record in outcome.records:
        if record.ok:
            assert notes[record.commune] in {record.ok[-1], *record.unknown}
