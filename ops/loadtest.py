"""A bounded load test against app servers on this machine (loopback only), driven by Locust.

The traffic is ops/locustfile.py, run by Locust in a subprocess (Locust patches the standard
library with gevent, which must not happen inside a Django process). This module builds the
plan Locust reads, runs it, reads back the outcome and checks the database: every save
answered with a redirect is there with its last value and a history row, no value of a failed
save left a trace, and every assessment's count of criteria met agrees with its results.
"""

import json
import os
import subprocess  # noqa: S404 - starts Locust with an argument list
import sys
import tempfile
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlsplit

from communes.models import Commune
from criteria.forms import criterion_field as criterion_field_name
from criteria.forms import indicator_field as indicator_field_name
from criteria.models import Assessment, CriterionResult, IndicatorValue

LOOPBACK = ("127.0.0.1", "localhost", "::1")
LOCUSTFILE = Path(__file__).with_name("locustfile.py")


@dataclass
class Plan:
    """What ops/locustfile.py reads from LOADTEST_PLAN."""

    hosts: list[str]
    users: int
    seconds: float
    communes: list[str]  # one per virtual user, for saves
    # What each save changes: an indicator's value ("indicator", the sets with indicators) or
    # a criterion's note ("criterion": the 2026-2030 set, judged criterion by criterion until
    # its indicators are entered), and that indicator's or criterion's id.
    target_pk: int
    pages: dict[str, list[str]]  # request name -> paths, taken in turn
    target: str = "indicator"
    year: int = 2026
    username: str = "province"
    password: str = "demo12345"  # noqa: S105 - the documented demo password
    login_budget: float = 180
    tour: bool = False  # each user asks for every page once before the weighted mix
    # The form field each save changes (the Locust process has no Django to ask).
    field_name: str = field(init=False)

    def __post_init__(self):
        if self.target == "indicator":
            self.field_name = indicator_field_name(self.target_pk, "value")
        elif self.target == "criterion":
            self.field_name = criterion_field_name(self.target_pk, "note")
        else:
            raise ValueError(f"unknown target {self.target!r}")
        for host in self.hosts:
            if urlsplit(host).hostname not in LOOPBACK:
                raise ValueError("the load test only targets this machine (loopback)")


def demo_pages(province: str = "20", year: int = 2026, district: str | None = None) -> dict:
    """The pages of the demo province (Lạng Sơn) that the users read at a year's end: its
    report of `year`, and a former district's when `district` is given (history: until 2025)."""
    reports = [f"/reports/province/{province}/{year}"]
    if district:
        reports.append(f"/reports/district/{district}/{min(year, 2025)}")
    return {
        "home": [f"/?year={year}"],
        "commune list": [f"/communes/?year={year}"],
        "report HTML": [f"{r}/" for r in reports],
        "report PDF": [f"{r}.pdf" for r in reports],
        "report xlsx": [f"{reports[0]}.xlsx"],
        "plans": [f"/plans/{province}/"],
        "dossiers": ["/dossiers/"],
    }


def fresh_communes(province: str, year: int, users: int) -> list[str]:
    """One programme commune per user, with its assessment of `year` deleted so that the
    first save creates it and the last acknowledged value is known."""
    communes = list(
        Commune.objects.in_programme()
        .valid_in(year)
        .filter(province__code=province)
        .order_by("code")
        .values_list("code", flat=True)[:users]
    )
    Assessment.objects.filter(
        commune__code__in=communes, commune__province__code=province, year=year
    ).delete()
    return communes


@dataclass
class SaveRecord:
    commune: str
    ok: list[str] = field(default_factory=list)  # values of saves answered 302, in order
    failed: list[str] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)  # in flight when the run was stopped


@dataclass
class Outcome:
    elapsed: float
    logged_in: int
    users: int
    last_error_after: float | None  # seconds from the start to the last 5xx or lost connection
    stats: list[dict]  # Locust's figures per request name, "Aggregated" last
    errors: list[dict]
    statuses: dict[str, dict[str, int]]
    records: list[SaveRecord]
    returncode: int = 0
    log: str = ""

    @property
    def total(self) -> dict:
        return self.stats[-1]

    @property
    def requests_per_second(self) -> float:
        return self.total["requests"] / self.elapsed if self.elapsed else 0.0

    def count(self, predicate) -> int:
        return sum(
            n
            for by_status in self.statuses.values()
            for status, n in by_status.items()
            if predicate(int(status))
        )


def locust_command(plan: Plan, workdir: Path) -> list[str]:
    locust = Path(sys.executable).with_name("locust")
    ceiling = plan.login_budget + plan.seconds + 60  # the locustfile stops the run itself
    return [
        str(locust),
        "-f",
        str(LOCUSTFILE),
        "--headless",
        "--users",
        str(plan.users),
        "--spawn-rate",
        str(plan.users),
        "--run-time",
        f"{ceiling:.0f}s",
        # Stopping lets every user finish its task, so a save is never cut in half by the end.
        "--stop-timeout",
        "60",
        "--only-summary",
        "--html",
        str(workdir / "locust.html"),
        "--loglevel",
        "WARNING",
    ]


def run(plan: Plan, workdir: Path | None = None) -> Outcome:
    """Run the scenario to its end and return what Locust saw. `workdir` keeps Locust's log
    and HTML report (a temporary directory otherwise)."""
    if workdir is None:
        workdir = Path(tempfile.mkdtemp(prefix="ntm-loadtest-"))
    workdir.mkdir(parents=True, exist_ok=True)
    output = workdir / "outcome.json"
    output.unlink(missing_ok=True)
    output.with_suffix(".started").unlink(missing_ok=True)
    env = {
        **os.environ,
        "LOADTEST_PLAN": json.dumps(asdict(plan)),
        "LOADTEST_OUTPUT": str(output),
        "PYTHONUNBUFFERED": "1",
        "PYTHONPATH": str(Path(__file__).resolve().parent.parent),  # ops.form_fields
    }
    log_path = workdir / "locust.log"
    with log_path.open("w") as log:
        process = subprocess.run(  # noqa: S603 - our own venv's locust
            locust_command(plan, workdir),
            cwd=workdir,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            timeout=plan.login_budget + plan.seconds + 180,
            check=False,
        )
    text = log_path.read_text(errors="replace")
    if not output.exists():
        raise RuntimeError(f"Locust wrote no outcome (exit {process.returncode}):\n{text[-3000:]}")
    data = json.loads(output.read_text())
    records = [SaveRecord(commune=code, **saves) for code, saves in data.pop("saves").items()]
    return Outcome(**data, records=records, returncode=process.returncode, log=text)


def started_file(workdir: Path) -> Path:
    """Written by the locustfile when the clock starts (the fault test waits for it)."""
    return workdir / "outcome.started"


def summary(outcome: Outcome) -> list[str]:
    lines = [
        f"{'request':<18} {'n':>6} {'fail':>5} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7}  statuses"
    ]
    for row in outcome.stats:
        name = "ALL" if row["name"] == "Aggregated" else row["name"]
        statuses = outcome.statuses.get(row["name"], {}) if name != "ALL" else {}
        lines.append(
            f"{name:<18} {row['requests']:>6} {row['failures']:>5} {row['median_ms'] or 0:>7.0f} "
            f"{row['p95_ms'] or 0:>7.0f} {row['p99_ms'] or 0:>7.0f}  "
            + ", ".join(f"{k}: {v}" for k, v in sorted(statuses.items()))
        )
    lines.append(
        f"requests/s: {outcome.requests_per_second:.1f} over {outcome.elapsed:.0f} s, "
        f"{outcome.logged_in} of {outcome.users} users logged in"
    )
    for error in outcome.errors[:10]:
        lines.append(f"  {error['occurrences']} x {error['name']}: {error['error']}")
    return lines


@dataclass
class Check:
    lost: int  # acknowledged saves whose value or history row is missing
    traces: int  # failed saves whose value is in the history
    half: int  # assessments whose criteria_met disagrees with their results
    ok: int
    failed: int

    @property
    def passed(self) -> bool:
        return not (self.lost or self.traces or self.half)


def verify(plan: Plan, records: list[SaveRecord], started_at) -> Check:
    """The database after the run: every acknowledged save stored with its history, nothing
    from a failed one. A save cut off by the end of the run may or may not be stored."""
    if plan.target == "indicator":
        model, key, column, read = IndicatorValue, "indicator_id", "value", Decimal
    else:
        model, key, column, read = CriterionResult, "criterion_id", "note", str
    lost = traces = 0
    for record in records:
        rows = {
            "assessment__commune__code": record.commune,
            "assessment__year": plan.year,
            key: plan.target_pk,
        }
        stored = model.objects.filter(**rows).values_list(column, flat=True).first()
        history = set(
            model.history.filter(**rows, history_date__gte=started_at).values_list(
                column, flat=True
            )
        )
        if record.ok:
            last = read(record.ok[-1])
            expected = {last, *(read(v) for v in record.unknown)}
            missing = stored is None or stored not in expected
            if missing or not {stored, last} <= history:
                lost += 1
        traces += sum(1 for v in record.failed if read(v) in history)
    half = 0
    for a in Assessment.objects.filter(
        commune__code__in=[r.commune for r in records], year=plan.year
    ):
        if a.criteria_met != CriterionResult.objects.filter(assessment=a, met=True).count():
            half += 1
    return Check(
        lost=lost,
        traces=traces,
        half=half,
        ok=sum(len(r.ok) for r in records),
        failed=sum(len(r.failed) for r in records),
    )
