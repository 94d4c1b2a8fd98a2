"""A plan against the year's results.

Definitions, over the units of the plan's area on the plan's day (`Plan.communes`, `Plan.day`:
31/12 of the year, or a former district's last day, 30/06/2025), as the reports take them:
- certified in the year: programme communes of the area with a certification of the plan's
  tier decided between 01/01 of the year and that day, and still in force on it;
- average: the reports' headline average (criteria per programme commune, approved
  assessments, carried forward) for the plan's area;
- per criterion: programme communes whose counted assessment meets criterion n.
"""

import datetime
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError

from criteria.models import Certification
from plans.models import Plan
from reports import figures as report_figures


def _ratio(done: int | Decimal, target: int | Decimal | None) -> Decimal | None:
    """done / target in percent, rounded half up to a whole number (9/13 -> 69)."""
    if not target:
        return None
    return (Decimal(done) * 100 / Decimal(target)).quantize(Decimal(1), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class CriterionProgress:
    number: int
    target: int
    actual: int

    @property
    def gap(self) -> int:
        return self.target - self.actual

    @property
    def percent(self) -> Decimal | None:
        return _ratio(self.actual, self.target)


@dataclass
class PlanProgress:
    plan: Plan
    certified: int
    certified_names: list[str]
    average: Decimal
    criteria: list[CriterionProgress] = field(default_factory=list)
    # Named communes of the plan: (name, certified in the year?)
    named: list[tuple[str, bool]] = field(default_factory=list)

    @property
    def target_certified(self) -> int | None:
        return self.plan.target_certified

    @property
    def certified_percent(self) -> Decimal | None:
        return _ratio(self.certified, self.plan.target_certified)

    @property
    def certified_gap(self) -> int | None:
        if self.plan.target_certified is None:
            return None
        return self.plan.target_certified - self.certified

    @property
    def average_gap(self) -> Decimal | None:
        if self.plan.target_average is None:
            return None
        return self.plan.target_average - self.average


def certified_in_year(plan: Plan) -> list[tuple[str, str]]:
    """(code, name) of the communes of the plan's area newly certified (plan's tier) in its year,
    in force on the plan's day (one query)."""
    start = datetime.date(plan.year, 1, 1)
    communes = report_figures.programme_communes(plan.communes(), plan.year, as_at=plan.day)
    return list(
        Certification.objects.in_force_on(plan.day)
        .filter(decision_date__gte=start, tier=plan.tier, commune__in=communes)
        .order_by("commune__code")
        .values_list("commune__code", "commune__name")
        .distinct()
    )


def plan_progress(
    plan: Plan, *, figures: "report_figures.ReportFigures | None" = None
) -> PlanProgress:
    """`plan` against its year's results. `figures`, when given, are the report of the same
    area and year: its headline average and per-criterion counts are used as they are, so the
    report and its plan block cannot disagree. Otherwise 1-2 queries plus the report's own
    (eight) when the plan has per-criterion targets."""
    done = certified_in_year(plan)
    codes = {code for code, _name in done}
    named = []
    if plan.pk:
        # .all() so a prefetch (report_plans) is used.
        communes = sorted(plan.target_communes.all(), key=lambda c: c.code)
        named = [(c.name, c.code in codes) for c in communes]
    if figures is None and plan.criterion_targets:
        try:
            figures = report_figures.report_figures(
                plan.year,
                grouping=None,
                with_communes=False,
                communes=plan.communes(),
                as_at=plan.day,
            )
        except ValidationError:  # no criteria set in force that year: no per-criterion result
            figures = None
    if figures is not None:
        average = figures.headline.average
        per_number = {r.number: r.count for r in figures.per_criterion}
    else:
        average = report_figures.headline(
            plan.year, communes=plan.communes(), as_at=plan.day
        ).average
        per_number = {}
    criteria = [
        CriterionProgress(int(n), int(t), per_number.get(int(n), 0))
        for n, t in sorted(plan.criterion_targets.items(), key=lambda kv: int(kv[0]))
    ]
    return PlanProgress(
        plan=plan,
        certified=len(done),
        certified_names=[name for _code, name in done],
        average=average,
        criteria=criteria,
        named=named,
    )


def report_plans(kind: str, code: str, year: int, figures=None) -> list[PlanProgress]:
    """The plans a province or district report shows against its results: one query when
    there is none; with plans, their named communes (1) and per plan its certifications (1),
    plus its headline (1) when `figures` is not given."""
    if kind == "province":
        plans = Plan.objects.filter(
            province__code=code, year=year, district__isnull=True, commune_group__isnull=True
        )
    elif kind == "district":
        plans = Plan.objects.filter(district__code=code, year=year)
    else:
        return []
    plans = (
        plans.select_related("province", "district")
        .prefetch_related("target_communes")
        .order_by("tier")
    )
    return [plan_progress(p, figures=figures) for p in plans]
