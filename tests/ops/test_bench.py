"""The bench runner's arithmetic and table (the benchmark itself does not run in CI)."""

import json

import pytest

from communes.models import Commune
from ops.bench import (
    Case,
    Result,
    empty_caches,
    format_ratios,
    format_table,
    headline_sql,
    page,
    percentile,
    ratio,
    run_bench,
    summarize,
    to_json,
)
from reports.figures import headline


def test_percentile_interpolates_between_ranks():
    values = [float(v) for v in range(1, 21)]  # 1..20, shuffled order must not matter
    shuffled = values[10:] + values[:10]
    assert percentile(shuffled, 50) == 10.5
    assert percentile(shuffled, 95) == pytest.approx(19.05)
    assert percentile(shuffled, 0) == 1.0
    assert percentile(shuffled, 100) == 20.0
    assert percentile([7.0], 95) == 7.0
    assert percentile([10.0, 20.0], 95) == 19.5
    with pytest.raises(ValueError):
        percentile([], 50)


def test_summarize_gives_median_and_p95():
    r = summarize("x", [12.0, 10.0, 11.0, 50.0, 13.0])
    assert (r.runs, r.median_ms) == (5, 12.0)
    assert r.p95_ms == pytest.approx(42.6)  # 13 + 0.6 * (50 - 13)


def test_ratio_uses_medians_and_skips_missing_cases():
    results = [
        Result("page", median_ms=30.0),
        Result("baseline", median_ms=4.0),
        Result("later", status="error: boom"),
    ]
    assert ratio(results, "page", "baseline") == 7.5
    assert ratio(results, "later", "baseline") is None
    assert ratio(results, "absent", "baseline") is None


def test_table_has_one_row_per_case_and_the_ratios():
    results = [
        Result("baseline", runs=30, median_ms=2.0, p95_ms=3.25, queries=1, peak_mb=0.01),
        Result("province report HTML", status="error: boom"),
        Result("home page", runs=15, median_ms=45.678, p95_ms=60.0, queries=5, maxrss_mb=150.4),
    ]
    text = format_table(results, [("home page / baseline", 22.8), ("report / baseline", None)])
    lines = text.splitlines()
    assert lines[0].split() == [
        "case",
        "runs",
        "median",
        "ms",
        "p95",
        "ms",
        "queries",
        "peak",
        "MB",
        "max",
        "RSS",
        "MB",
    ]
    assert lines[2].split() == ["baseline", "30", "2.0", "3.2", "1", "0.0", "–"]
    assert "province report HTML (error: boom)" in lines[3]
    assert lines[4].split()[-6:] == ["15", "45.7", "60.0", "5", "–", "150"]
    assert lines[5] == ""
    assert lines[6].split() == ["ratio", "(medians)", "value", "goal"]
    assert lines[8].split() == ["home", "page", "/", "baseline", "22.8", "x"]
    assert lines[9].split() == ["report", "/", "baseline", "–"]
    data = json.loads(to_json(results, [("home page / baseline", 22.8)], {"database": "x"}))
    assert data["database"] == "x"
    assert [c["name"] for c in data["cases"]] == ["baseline", "province report HTML", "home page"]
    assert data["cases"][1]["status"] == "error: boom"
    assert data["ratios"] == [{"ratio": "home page / baseline", "value": 22.8}]


@pytest.mark.django_db
def test_baseline_sql_gives_the_same_headline_as_the_reports():
    h = headline(2017, communes=Commune.objects.filter(district__province__code="20"))
    assert (
        headline_sql("20", 2017) == (h.communes, h.certified, h.criteria_total) == (207, 36, 1790)
    )
    h18 = headline(2018, communes=Commune.objects.filter(district__province__code="20"))
    assert headline_sql("20", 2018) == (h18.communes, h18.certified, h18.criteria_total)
    # The year of the deadline, on the units of 01/07/2025 (no district).
    h26 = headline(2026, communes=Commune.objects.filter(province__code="20"))
    assert h26.communes == 61
    assert headline_sql("20", 2026) == (h26.communes, h26.certified, h26.criteria_total)


@pytest.mark.django_db
def test_it_measures_a_page_and_counts_its_queries():
    results, ratios = run_bench(
        [
            page("home", "/", "province", runs=3, warmups=1),
            Case("broken", setup=lambda: 1 / 0),
        ]
    )
    home, broken = results
    assert home.status == "ok" and home.runs == 3 and len(home.samples_ms) == 3
    assert home.median_ms > 0 and home.p95_ms >= home.median_ms
    assert 1 <= home.queries <= 17  # headline, years, work queue (5), session, user, map (2)
    assert home.peak_mb > 0
    assert broken.status.startswith("error")
    assert [label for label, _value, _goal in ratios] == [
        "province report HTML / baseline",
        "home page (province) / baseline",
        "assessment form 2026 / home page",
        "save one 2026 assessment / home page",
        "province report HTML, warm / home page",
        "province report PDF, warm / home page",
        "province report xlsx, warm / home page",
        "province report HTML, cold / home page",
        "province report HTML, after a save / home page",
    ]
    assert all(value is None for _label, value, _goal in ratios)  # only the home page ran
    assert [goal for _label, _value, goal in ratios] == [None, 20, 1, 1, 3, 3, 3, None, 2]


@pytest.mark.django_db
def test_file_cases_time_the_rendering_and_then_the_stored_file(settings, renders):
    """Outside the worker, the bench renders a file inside the request that asks first (the
    immediate backend), instead of timing a 202 "being prepared" page."""
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    (pdf, xlsx), _ratios = run_bench(
        [
            page("pdf", "/reports/province/20/2017.pdf", "province", runs=3, warmups=1),
            page("xlsx", "/reports/province/20/2017.xlsx", "province", runs=3, warmups=1),
        ]
    )
    assert pdf.status == "ok" and xlsx.status == "ok", (pdf.status, xlsx.status)
    assert len(renders) == 1  # rendered once, then served from storage


def test_ratios_show_their_goal_and_whether_it_is_met():
    lines = format_ratios([("warm / home", 2.5, 3), ("pdf / home", 4.0, 3), ("x / y", None, 3)])
    assert lines[2].split() == ["warm", "/", "home", "2.5", "x", "≤", "3", "x", "ok"]
    assert lines[3].split() == ["pdf", "/", "home", "4.0", "x", "≤", "3", "x", "over"]
    assert lines[4].split() == ["x", "/", "y", "–", "≤", "3", "x"]
    data = json.loads(to_json([], [("warm / home", 2.5, 3)], {}))
    assert data["ratios"] == [{"ratio": "warm / home", "value": 2.5, "goal": 3}]


@pytest.mark.django_db
def test_a_cold_run_starts_from_empty_caches(settings, tmp_path):
    import tempfile

    from django.core.cache import cache
    from django.core.files.storage import default_storage

    settings.REPORT_CACHE_DIR = tmp_path / "reports"
    (tmp_path / "reports").mkdir()
    (tmp_path / "reports" / "old.pdf").write_bytes(b"%PDF")
    cache.set("report", "rendered")
    with empty_caches():
        assert cache.get("report") is None
        assert not settings.REPORT_CACHE_DIR.exists() or not any(
            settings.REPORT_CACHE_DIR.iterdir()
        )
        location = default_storage.location
        assert location != str(settings.MEDIA_ROOT)
        assert location.startswith(tempfile.gettempdir())  # a fresh, empty directory
    assert (tmp_path / "reports" / "old.pdf").exists()


@pytest.mark.django_db
def test_the_import_case_imports_and_leaves_the_database_as_it_was():
    from criteria.models import Assessment, Certification
    from ops.bench import import_setup

    langson = {"commune__district__province__code": "20"}

    def state():
        rows = Assessment.objects.filter(**langson).values_list(
            "commune__code", "year", "status", "criteria_met"
        )
        return sorted(rows), Certification.objects.filter(**langson).count()

    before = state()
    run, _teardown, each = import_setup()
    with each():
        assert not Assessment.objects.filter(**langson).exists()  # deleted for the run
        report = run()
        assert report.counts["create"] == 621
        assert state()[0] == before[0]  # the import restores what the export carried
    assert len(before[0]) == 621
    assert state() == before  # rolled back


@pytest.mark.django_db
def test_each_wraps_every_run_untimed_and_queries_are_counted():
    import contextlib
    import time

    from django.contrib.auth import get_user_model

    events = []

    @contextlib.contextmanager
    def each():
        events.append("enter")
        time.sleep(0.05)  # preparing the run must not be timed
        yield
        events.append("exit")

    def run():
        events.append("run")
        return get_user_model().objects.count()

    (result,) = run_bench([Case("x", setup=lambda: (run, lambda: None, each), runs=3, warmups=1)])[
        0
    ]
    assert result.status == "ok"
    assert events == ["enter", "run", "exit"] * 6  # 1 warm-up, 3 timed, queries, memory
    assert result.median_ms < 50
    assert result.queries == 1


def _unit_assessment_2026():
    from criteria.models import Assessment

    return (
        Assessment.objects.filter(
            commune__province__code="20", commune__district__isnull=True, year=2026
        )
        .exclude(status=Assessment.Status.DRAFT)
        .order_by("commune__code")
        .first()
    )


@pytest.mark.django_db
def test_the_save_case_reopens_an_approved_2026_assessment_and_approves_it_again():
    from criteria.models import Assessment, CriterionResult
    from ops.bench import save_assessment_setup

    first = _unit_assessment_2026()
    marks = sorted(CriterionResult.objects.filter(assessment=first).values_list("criterion", "met"))
    saves = []
    run, teardown = save_assessment_setup()
    try:
        for _ in range(2):
            saved = run()
            saves.append(saved.total)
    finally:
        teardown()
    first.refresh_from_db()
    assert first.status == Assessment.Status.APPROVED
    assert abs(saves[0] - saves[1]) == 1  # the first save flipped one criterion, the second back
    after = sorted(CriterionResult.objects.filter(assessment=first).values_list("criterion", "met"))
    assert after == marks


@pytest.mark.django_db
@pytest.mark.parametrize("setup", ["assessment_form_setup", "plan_setup", "dossier_setup"])
def test_the_2026_page_cases_answer_and_leave_the_database_as_it_was(setup):
    from criteria.models import Assessment
    from dossiers.models import Dossier
    from ops import bench
    from plans.models import Plan

    def state():
        return (
            Plan.objects.count(),
            Dossier.objects.count(),
            sorted(Assessment.objects.filter(year=2026).values_list("pk", "status")),
        )

    before = state()
    (result,) = run_bench([Case(setup, setup=getattr(bench, setup), runs=2, warmups=0)])[0]
    assert result.status == "ok", result.status
    assert result.queries > 0
    assert state() == before


@pytest.mark.django_db
def test_the_issued_report_case_shows_the_report_and_deletes_it(renders):
    from issued.models import IssuedReport
    from ops.bench import issued_setup

    (result,) = run_bench([Case("issued", setup=issued_setup, runs=2, warmups=0)])[0]
    assert result.status == "ok", result.status
    assert not IssuedReport.objects.exists()


@pytest.mark.django_db
def test_the_after_a_save_case_changes_the_data_before_each_run_and_approves_it_again():
    from communes.versions import stamp_for
    from criteria.models import Assessment
    from ops.bench import after_a_save

    assessment = _unit_assessment_2026()
    stamps = []
    case = after_a_save("report", "/reports/province/20/2026/", "province", runs=2)
    run, teardown, each = case.setup()
    for _ in range(2):
        with each():
            stamps.append(stamp_for(assessment.commune.province_id, 2026, provisional=False))
            assert run()
    teardown()
    assert stamps[0] != stamps[1]  # each run follows an approved change
    assessment.refresh_from_db()
    assert assessment.status == Assessment.Status.APPROVED
