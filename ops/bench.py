"""`make bench`: time the pages and writes that must stay fast at national scale, on the
workload of December 2026: the units of 01/07/2025 (Lạng Sơn's 65 and the synthetic country's
~3,321, `seed_national`), their 2026 assessments under the 2026-2030 set, the 2026 reports, a
2027 plan, a 2026 dossier and an issued report; the district report of 2024 and the import of
2016-2018 as history.

Runs in-process against the database of DATABASE_URL, with the Django test Client logged in
through `force_login` (no server, no network) and DEBUG off. Each case runs a few warm-ups, then
N timed runs (median and 95th percentile), then one run under a query counter (queries
per request) and one under tracemalloc (peak of Python allocations during the case; C libraries
such as cairo/pango are not traced, so the process's max RSS is printed beside it).

The table ends with ratios of medians measured in the same run: the province report warm
(HTML, PDF, xlsx, after their warm-ups: whatever the views cache is in place) and cold (every
run from empty caches) against the home page, with the goal of issue 15 (a warm report costs at
most three home pages).

Writes leave the database as they found it: the saved assessment is saved back and approved
again, and the import runs in a transaction that is rolled back after every run.
"""

import contextlib
import io
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import caches
from django.db import connection, transaction
from django.test import Client
from django.test.utils import override_settings
from django.urls import reverse
from django.utils import translation

from communes.models import TWO_TIER_START, Commune, Province, year_end
from criteria.evaluation import IndicatorEntry
from criteria.models import Assessment, Certification
from criteria.services import (
    AssessmentInput,
    assessment_approve,
    assessment_reopen,
    assessment_save,
    assessment_submit,
)
from dossiers.services import dossier_create
from imports.services import import_assessments
from imports.writer import export_workbook
from issued.services import report_issue
from ops.crafted import declared_dimension_workbook, many_rows_workbook
from plans.models import Plan
from reports.areas import area_for
from reports.context import report_context

PROVINCE = "20"  # Lạng Sơn, the demo province: 61 programme xã since 01/07/2025
DISTRICT = "187"  # Chi Lăng, until 30/06/2025
YEAR = 2026  # the year-end of the deadline
DISTRICT_YEAR = 2024  # a district report is history
PLAN_YEAR = 2027
RESULTS_FILE = Path(settings.BASE_DIR) / "bench" / "results.json"
HOME = "home page, province (Lạng Sơn)"


@dataclass(frozen=True)
class Case:
    name: str
    # A page: GET `path` as `username`. Otherwise `setup()` returns (run, teardown) or
    # (run, teardown, each): `each()` is a context manager entered around every run, whose
    # own work (preparing and undoing the run's state) is not timed.
    path: str = ""
    username: str = ""
    setup: Callable[[], tuple] | None = None
    runs: int = 15
    warmups: int = 2


@contextlib.contextmanager
def _untimed() -> Iterator[None]:
    yield


class _QueryCounter:
    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def page(name: str, path: str, username: str, runs: int = 15, warmups: int = 2) -> Case:
    return Case(name, path=path, username=username, runs=runs, warmups=warmups)


@contextlib.contextmanager
def empty_caches() -> Iterator[None]:
    """Nothing rendered yet: the cache backends cleared and the report file cache and every
    file-system storage pointed at an empty temporary directory."""
    with tempfile.TemporaryDirectory(prefix="ntm-bench-") as tmp:
        storages = {
            alias: {**conf, "OPTIONS": {**conf.get("OPTIONS", {}), "location": f"{tmp}/{alias}"}}
            if conf["BACKEND"].endswith("FileSystemStorage")
            else conf
            for alias, conf in settings.STORAGES.items()
        }
        with override_settings(REPORT_CACHE_DIR=Path(tmp) / "reports", STORAGES=storages):
            for cache in caches.all():
                cache.clear()
            yield


def first_render(name: str, path: str, username: str, runs: int) -> Case:
    """A page rendered from scratch every run: each run starts with empty caches."""

    def setup():
        return _page_runner(page(name, path, username)), (lambda: None), empty_caches

    return Case(name, path=path, setup=setup, runs=runs, warmups=1)


@dataclass
class Result:
    name: str
    status: str = "ok"
    runs: int = 0
    median_ms: float | None = None
    p95_ms: float | None = None
    queries: int | None = None
    peak_mb: float | None = None  # tracemalloc peak of one run
    maxrss_mb: float | None = None  # the process's max RSS after the case
    samples_ms: list[float] = field(default_factory=list)


def percentile(values: list[float], p: float) -> float:
    """The p-th percentile (0-100) with linear interpolation between closest ranks (the
    default of numpy and of `statistics.quantiles(method="inclusive")`)."""
    if not values:
        raise ValueError("no values")
    ordered = sorted(values)
    rank = (len(ordered) - 1) * p / 100
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def summarize(name: str, samples_ms: list[float]) -> Result:
    return Result(
        name,
        runs=len(samples_ms),
        median_ms=statistics.median(samples_ms),
        p95_ms=percentile(samples_ms, 95),
        samples_ms=samples_ms,
    )


def ratio(results: list[Result], numerator: str, denominator: str) -> float | None:
    """median(numerator) / median(denominator), None when either did not run."""
    by_name = {r.name: r for r in results}
    top, bottom = by_name.get(numerator), by_name.get(denominator)
    if not top or not bottom or top.median_ms is None or not bottom.median_ms:
        return None
    return top.median_ms / bottom.median_ms


def _fmt(value: float | int | None, digits: int = 1) -> str:
    if value is None:
        return "–"
    if isinstance(value, int):
        return str(value)
    return f"{value:.{digits}f}"


def format_table(results: list[Result], ratios: list[tuple]) -> str:
    header = ["case", "runs", "median ms", "p95 ms", "queries", "peak MB", "max RSS MB"]
    rows = [
        [
            r.name if r.status == "ok" else f"{r.name} ({r.status})",
            _fmt(r.runs) if r.status == "ok" else "–",
            _fmt(r.median_ms),
            _fmt(r.p95_ms),
            _fmt(r.queries),
            _fmt(r.peak_mb),
            _fmt(r.maxrss_mb, 0),
        ]
        for r in results
    ]
    widths = [max(len(h), *(len(row[i]) for row in rows)) for i, h in enumerate(header)]
    lines = [
        "  ".join(
            h.ljust(w) if i == 0 else h.rjust(w)
            for i, (h, w) in enumerate(zip(header, widths, strict=True))
        )
    ]
    lines.append("  ".join("-" * w for w in widths))
    for row in rows:
        lines.append(
            "  ".join(
                c.ljust(w) if i == 0 else c.rjust(w)
                for i, (c, w) in enumerate(zip(row, widths, strict=True))
            )
        )
    if ratios:
        lines += ["", *format_ratios(ratios)]
    return "\n".join(lines)


def format_ratios(ratios: list[tuple]) -> list[str]:
    """One line per ratio of medians, with its goal where there is one: (label, value) or
    (label, value, goal)."""
    rows = []
    for label, value, *goal in ratios:
        shown = "–" if value is None else f"{value:.1f} x"
        target = f"≤ {goal[0]:g} x" if goal and goal[0] is not None else ""
        met = "" if not target or value is None else ("ok" if value <= goal[0] else "over")
        rows.append((label, shown, target, met))
    width = max(len("ratio (medians)"), *(len(r[0]) for r in rows))
    lines = [f"{'ratio (medians)':<{width}}  {'value':>9}  {'goal':>7}", "-" * (width + 22)]
    for label, shown, target, met in rows:
        lines.append(f"{label:<{width}}  {shown:>9}  {target:>7}  {met}".rstrip())
    return lines


def to_json(results: list[Result], ratios: list[tuple], meta: dict) -> str:
    return json.dumps(
        {
            **meta,
            "cases": [asdict(r) for r in results],
            "ratios": [
                {"ratio": label, "value": value, **({"goal": goal[0]} if goal else {})}
                for label, value, *goal in ratios
            ],
        },
        ensure_ascii=False,
        indent=2,
    )


# --- Cases ------------------------------------------------------------------------------------


def headline_sql(province_code: str, year: int) -> tuple[int, int, int]:
    """The province headline by hand, in one query: (communes, certified, criteria met total).

    The baseline that the ORM pages are compared with; same definitions as reports.figures."""
    q = connection.ops.quote_name
    commune, province = (q(m._meta.db_table) for m in (Commune, Province))
    assessment, certification = q(Assessment._meta.db_table), q(Certification._meta.db_table)
    sql = f"""
        SELECT COUNT(*),
               SUM(CASE WHEN EXISTS (
                   SELECT 1 FROM {certification} k
                   WHERE k.commune_id = c.id AND k.decision_date <= %(end)s
                     AND (k.revoked_on IS NULL OR k.revoked_on > %(end)s)) THEN 1 ELSE 0 END),
               COALESCE(SUM(COALESCE((
                   SELECT a.criteria_met FROM {assessment} a
                   WHERE a.commune_id = c.id AND a.year <= %(year)s AND a.status = 'approved'
                   ORDER BY a.year DESC LIMIT 1), 0)), 0)
        FROM {commune} c
        JOIN {province} p ON p.id = c.province_id
        WHERE p.code = %(province)s AND p.valid_to IS NULL AND c.in_programme
          AND (c.valid_from IS NULL OR c.valid_from <= %(end)s)
          AND (c.valid_to IS NULL OR c.valid_to >= %(end)s)
    """  # noqa: S608 - table names from the models, values as parameters
    end = f"{year}-12-31"
    with connection.cursor() as cursor:
        cursor.execute(sql, {"end": end, "year": year, "province": province_code})
        communes, certified, total = cursor.fetchone()
    return int(communes), int(certified or 0), int(total)


def baseline_setup():
    return (lambda: headline_sql(PROVINCE, YEAR)), (lambda: None)


def _entry_from_row(value) -> IndicatorEntry:
    computed = value.indicator.is_numeric and not value.manual
    return IndicatorEntry(
        value=value.value,
        value_secondary=value.value_secondary,
        met=None if computed else value.met,
        manual_reason=value.manual_reason,
    )


def _nudged(entry: IndicatorEntry, percent: bool) -> IndicatorEntry:
    """The same entry with its value moved by 0.1 (inside 0-100 for a percentage)."""
    if entry.value is None:
        return entry
    step = Decimal("0.1")
    value = entry.value + step if not percent or entry.value + step <= 100 else entry.value - step
    return IndicatorEntry(value, entry.value_secondary, entry.met, entry.manual_reason)


def _approved_unit_assessment() -> Assessment:
    """The first approved 2026 assessment of a Lạng Sơn unit of 01/07/2025."""
    return (
        Assessment.objects.standard()
        .filter(
            commune__province__code=PROVINCE,
            commune__valid_from__gte=TWO_TIER_START,
            year=YEAR,
            status=Assessment.Status.APPROVED,
        )
        .select_related("commune")
        .order_by("commune__code")
        .first()
    )


def _reopen(assessment: Assessment, officer) -> Callable[[], None]:
    """Reopen `assessment` for editing as a province officer would; returns what approves it
    again."""
    assessment_reopen(assessment=assessment, user=officer, reason="make bench")

    def approve_again():
        assessment.refresh_from_db()
        assessment_submit(assessment=assessment, user=officer)
        assessment_approve(assessment=assessment, user=officer)

    return approve_again


def save_assessment_setup():
    """Save a Lạng Sơn unit's 2026 assessment, reopened for editing as a province officer
    would: every indicator value it has and every criterion judged as a whole; runs alternate
    two payloads (one criterion's mark flipped, or values moved by 0.1) so every save writes a
    change. Teardown saves the original and approves it again."""
    officer = get_user_model().objects.get(username="province")
    assessment = _approved_unit_assessment()
    approve_again = _reopen(assessment, officer)
    rows = list(assessment.values.select_related("indicator"))
    with_values = {v.indicator.criterion_id for v in rows}
    flags = {
        r.criterion_id: r.met for r in assessment.results.all() if r.criterion_id not in with_values
    }
    original = {v.indicator_id: _entry_from_row(v) for v in rows}
    changed = {
        v.indicator_id: _nudged(original[v.indicator_id], v.indicator.kind == "percent")
        if v.indicator.is_numeric and not v.manual
        else original[v.indicator_id]
        for v in rows
    }
    notes = {r.criterion_id: r.note for r in assessment.results.all() if r.criterion_id in flags}
    flipped = dict(flags)
    if flipped:
        first = min(flipped)
        flipped[first] = not flipped[first]
    payloads = [
        AssessmentInput(entries=changed, criterion_flags=flipped, criterion_notes=notes),
        AssessmentInput(entries=original, criterion_flags=flags, criterion_notes=notes),
    ]
    runs = iter(range(10**6))

    def run():
        data = payloads[next(runs) % 2]
        return assessment_save(assessment=assessment, data=data, user=officer)

    def teardown():
        assessment_save(assessment=assessment, data=payloads[1], user=officer)
        approve_again()

    return run, teardown


def assessment_form_setup():
    """The 2026 assessment form of a Lạng Sơn unit, reopened (so the form is editable) and
    approved again afterwards."""
    officer = get_user_model().objects.get(username="province")
    assessment = _approved_unit_assessment()
    approve_again = _reopen(assessment, officer)
    path = f"/communes/{assessment.commune.code}/{YEAR}/"
    return _page_runner(page("", path, "province")), approve_again


def after_a_save(name: str, path: str, username: str, runs: int = 5) -> Case:
    """A report page as users get it during a deadline: every run follows an approved change
    (one Lạng Sơn 2026 assessment saved with a criterion flipped, sent and approved again,
    untimed), so the report's data version has moved and its page cache is cold, while the
    chart's earlier years are still kept. The background pre-rendering, which would warm the
    page after the change, is off for the run."""

    def setup():
        officer = get_user_model().objects.get(username="province")
        assessment = _approved_unit_assessment()
        flip = iter(range(10**6))

        @contextlib.contextmanager
        def each() -> Iterator[None]:
            with override_settings(NTM_REPORT_PREWARM=False):
                assessment_reopen(assessment=assessment, user=officer, reason="make bench")
                assessment.refresh_from_db()
                results = list(assessment.results.all())
                flags = {r.criterion_id: r.met for r in results}
                first = min(flags)
                flags[first] = not flags[first] if next(flip) % 2 == 0 else flags[first]
                notes = {r.criterion_id: r.note for r in results}
                assessment_save(
                    assessment=assessment,
                    data=AssessmentInput(entries={}, criterion_flags=flags, criterion_notes=notes),
                    user=officer,
                )
                assessment_submit(assessment=assessment, user=officer)
                assessment_approve(assessment=assessment, user=officer)
                yield

        return _page_runner(page(name, path, username)), (lambda: None), each

    return Case(name, path=path, setup=setup, runs=runs, warmups=1)


def plan_setup():
    """Lạng Sơn's 2027 plan page, the plan made for the run and deleted after it."""
    officer = get_user_model().objects.get(username="province")
    province = Province.objects.get(code=PROVINCE, valid_to__isnull=True)
    plan = Plan.objects.create(
        province=province,
        year=PLAN_YEAR,
        title="Kế hoạch 2027 (make bench)",
        target_certified=20,
        target_average=Decimal("7.5"),
        created_by=officer,
    )
    plan.target_communes.set(
        Commune.objects.of_area(on=year_end(PLAN_YEAR - 1), province=province).in_programme()[:10]
    )
    path = reverse("plans:plan_edit", args=[PROVINCE, plan.pk])
    return _page_runner(page("", path, "province")), plan.delete


def dossier_setup():
    """The 2026 dossier page of a Lạng Sơn unit, the dossier opened for the run and deleted
    after it."""
    officer = get_user_model().objects.get(username="province")
    commune = _approved_unit_assessment().commune
    dossier = dossier_create(commune=commune, tier=Certification.Tier.NTM, year=YEAR, user=officer)
    path = reverse("dossiers:dossier_detail", args=[dossier.pk])
    return _page_runner(page("", path, "province")), dossier.delete


def issued_setup():
    """An issued 2026 report of Lạng Sơn (figures frozen as at 31/12/2026, its PDF stored),
    issued for the run and deleted after it."""
    officer = get_user_model().objects.get(username="province")
    area = area_for("province", PROVINCE)
    day = year_end(YEAR)
    with translation.override("vi"):
        ctx = report_context(area, YEAR, provisional=False, as_at=day)
        report = report_issue(
            ctx=ctx,
            province=Province.objects.get(pk=area.province_pk),
            issued_on=day,
            user=officer,
            number=9999,
        )
    path = reverse("issued:issued_detail", args=[report.code])

    def teardown():
        if report.pdf:
            report.pdf.delete(save=False)
        report.delete()

    return _page_runner(page("", path, "province")), teardown


IMPORT_YEARS = (2016, 2018)
# The demo's decisions have no dossier: re-recorded through the dossier rule, each needs the
# reason the import asks for in that case.
DOSSIER_REASON = "Hồ sơ lưu tại Văn phòng Điều phối (số liệu thử nghiệm)"


def _with_dossier_reasons(content: bytes) -> bytes:
    """The exported workbook with a dossier reason on every row that carries a decision."""
    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(content))
    sheet = book.worksheets[0]
    header = [cell.value for cell in sheet[1]]
    number = header.index("Số QĐ công nhận") + 1
    reason = header.index("Lý do công nhận khi hồ sơ chưa đủ") + 1
    for row in range(2, sheet.max_row + 1):
        if sheet.cell(row, number).value:
            sheet.cell(row, reason).value = DOSSIER_REASON
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def import_setup():
    """Import the demo province's 207 communes x 3 years (621 assessments with criteria met,
    statuses and certifications) from a workbook exported by imports/writer.py, into a state
    where those assessments and the certifications the workbook carries do not exist. Each run
    deletes them (untimed) in a transaction, imports (timed), then rolls back: the database is
    left as it was."""
    officer = get_user_model().objects.get(username="province")
    province = Province.objects.get(code=PROVINCE)
    content = _with_dossier_reasons(export_workbook(province, *IMPORT_YEARS))
    in_province = {"commune__province": province}

    @contextlib.contextmanager
    def each() -> Iterator[None]:
        # No history rows for the deletion: it is rolled back, and writing ~24 k of them one by
        # one would make each run's preparation take far longer than the import.
        with transaction.atomic(), override_settings(SIMPLE_HISTORY_ENABLED=False):
            Certification.objects.filter(
                **in_province,
                decision_date__year__range=IMPORT_YEARS,
                revoked_on__isnull=True,
            ).delete()
            Assessment.objects.filter(**in_province, year__range=IMPORT_YEARS).delete()
            with override_settings(SIMPLE_HISTORY_ENABLED=True):
                yield
            transaction.set_rollback(True)

    def run():
        report = import_assessments(file=io.BytesIO(content), user=officer, dry_run=False)
        if not report.applied:
            raise RuntimeError(f"import refused: {[e.message for e in report.errors[:3]]}")
        return report

    return run, (lambda: None), each


@dataclass(frozen=True)
class FileCase:
    """An upload read in a fresh process (`manage.py import_assessments --dry-run`), so that
    the process's max RSS is the import's own peak memory (Django's start included)."""

    name: str
    make: Callable[[Path], Path]
    runs: int = 3


def measure_file(case: FileCase) -> Result:
    samples, peak = [], 0.0
    with tempfile.TemporaryDirectory(prefix="ntm-bench-") as tmp:
        path = case.make(Path(tmp) / "crafted.xlsx")
        command = [sys.executable, "manage.py", "import_assessments", str(path), "--dry-run"]
        command += ["--user", "province", "--verbosity", "0"]
        for _ in range(case.runs):
            started = time.perf_counter()
            process = subprocess.Popen(  # noqa: S603 - our own interpreter and manage.py
                command,
                cwd=settings.BASE_DIR,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            _pid, status, usage = os.wait4(process.pid, 0)
            process.returncode = os.waitstatus_to_exitcode(status)
            samples.append((time.perf_counter() - started) * 1000)
            peak = max(peak, usage.ru_maxrss / 1024)  # KiB on Linux
    result = summarize(case.name, samples)
    result.maxrss_mb = peak
    return result


FILE_CASES: list[FileCase] = [
    FileCase(
        "import: 88 KB file declaring A1:XFD16001, 16,000 empty rows", declared_dimension_workbook
    ),
    FileCase("import: 239,000 rows (1.4 MB, refused past the row cap)", many_rows_workbook),
]

PROVINCE_REPORT = f"/reports/province/{PROVINCE}/{YEAR}"
NATIONAL_REPORT = f"/reports/national/{YEAR}"
DISTRICT_REPORT = f"/reports/district/{DISTRICT}/{DISTRICT_YEAR}"
CASES: list[Case] = [
    Case("baseline: province headline, hand-written SQL", setup=baseline_setup, runs=30),
    page(HOME, "/", "province"),
    page("commune list, province, 2026", f"/communes/?year={YEAR}", "province"),
    Case("assessment form 2026 (GET)", setup=assessment_form_setup),
    Case("save one 2026 assessment", setup=save_assessment_setup),
    Case("import 207 communes x 3 years (2016-2018)", setup=import_setup, runs=5, warmups=1),
    first_render("province report HTML, cold", f"{PROVINCE_REPORT}/", "province", 5),
    after_a_save("province report HTML, after a save", f"{PROVINCE_REPORT}/", "province"),
    page("province report HTML", f"{PROVINCE_REPORT}/", "province"),
    first_render("province report PDF, first render", f"{PROVINCE_REPORT}.pdf", "province", 3),
    page("province report PDF", f"{PROVINCE_REPORT}.pdf", "province", 5, 1),
    page("province report xlsx", f"{PROVINCE_REPORT}.xlsx", "province", 5, 1),
    first_render("national report HTML, cold", f"{NATIONAL_REPORT}/", "admin", 5),
    after_a_save("national report HTML, after a save", f"{NATIONAL_REPORT}/", "admin"),
    page("national report HTML", f"{NATIONAL_REPORT}/", "admin", 5, 1),
    first_render("national report PDF, first render", f"{NATIONAL_REPORT}.pdf", "admin", 3),
    page("national report PDF", f"{NATIONAL_REPORT}.pdf", "admin", 3, 1),
    page("national report xlsx", f"{NATIONAL_REPORT}.xlsx", "admin", 3, 1),
    Case("plan page 2027", setup=plan_setup),
    Case("dossier page 2026", setup=dossier_setup),
    Case("issued report page", setup=issued_setup),
    page("district report HTML (2024)", f"{DISTRICT_REPORT}/", "district"),
]
BASELINE = CASES[0].name
WARM_GOAL = 3  # a warm report costs at most three home pages (issue 15)
# Issue 27: the home page at most 20 baselines; a cold province report at most two home pages
# (cold as users get it during a deadline: after an approved change, "after a save"; the
# "cold" cases from empty caches are shown beside it); the assessment form and its save each
# under one home page.
HOME_GOAL, COLD_GOAL, FORM_GOAL = 20, 2, 1
# (label, numerator, denominator, goal or None). The report cases after a warm-up are warm:
# whatever the views cache is in place; the cold case starts every run from empty caches.
RATIOS = [
    ("province report HTML / baseline", "province report HTML", BASELINE, None),
    ("home page (province) / baseline", HOME, BASELINE, HOME_GOAL),
    ("assessment form 2026 / home page", "assessment form 2026 (GET)", HOME, FORM_GOAL),
    ("save one 2026 assessment / home page", "save one 2026 assessment", HOME, FORM_GOAL),
    ("province report HTML, warm / home page", "province report HTML", HOME, WARM_GOAL),
    ("province report PDF, warm / home page", "province report PDF", HOME, WARM_GOAL),
    ("province report xlsx, warm / home page", "province report xlsx", HOME, WARM_GOAL),
    ("province report HTML, cold / home page", "province report HTML, cold", HOME, None),
    (
        "province report HTML, after a save / home page",
        "province report HTML, after a save",
        HOME,
        COLD_GOAL,
    ),
]


def _page_runner(case: Case) -> Callable[[], object]:
    client = Client()
    client.force_login(get_user_model().objects.get(username=case.username))

    def run():
        response = client.get(case.path, secure=True)
        if response.status_code != 200:
            raise RuntimeError(f"{case.path}: HTTP {response.status_code}")
        # Read a streamed body too: its cost is part of the request.
        if response.streaming:
            return b"".join(response.streaming_content)
        return response.content

    return run


def measure(case: Case) -> Result:
    each: Callable[[], AbstractContextManager] = _untimed
    if case.setup is not None:
        run, teardown, *rest = case.setup()
        each = rest[0] if rest else each
    else:
        run, teardown = _page_runner(case), (lambda: None)
    try:
        for _ in range(case.warmups):
            with each():
                run()
        samples = []
        for _ in range(case.runs):
            with each():
                started = time.perf_counter()
                run()
                samples.append((time.perf_counter() - started) * 1000)
        result = summarize(case.name, samples)
        # Counted by a wrapper, not CaptureQueriesContext: its log keeps only 9,000 queries.
        counter = _QueryCounter()
        with each(), connection.execute_wrapper(counter):
            run()
        result.queries = counter.count
        with each():
            tracemalloc.start()
            try:
                run()
                result.peak_mb = tracemalloc.get_traced_memory()[1] / 2**20
            finally:
                tracemalloc.stop()
        # Linux reports ru_maxrss in KiB.
        result.maxrss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    finally:
        teardown()
    return result


def run_bench(
    cases: list[Case | FileCase] | None = None,
    on_result: Callable[[Result], None] | None = None,
) -> tuple[list[Result], list[tuple[str, float | None, float | None]]]:
    """Measure every case with DEBUG off (the cost of production, no debug toolbar work).

    Files (PDF, workbooks) are rendered by the tasks backend in production, in a worker; here
    the immediate backend renders them inside the request that asks first, so "first render"
    times the rendering itself and the warm cases serve the stored file, as a download does
    once the worker is done."""
    results = []
    hosts = [*settings.ALLOWED_HOSTS, "testserver"]
    immediate = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    with override_settings(DEBUG=False, ALLOWED_HOSTS=hosts, TASKS=immediate):
        for case in cases if cases is not None else [*CASES, *FILE_CASES]:
            try:
                result = measure_file(case) if isinstance(case, FileCase) else measure(case)
            except Exception as exc:  # one broken case must not hide the others
                result = Result(case.name, status=f"error: {exc}")
            results.append(result)
            if on_result:
                on_result(result)
    ratios = [(label, ratio(results, top, bottom), goal) for label, top, bottom, goal in RATIOS]
    return results, ratios
