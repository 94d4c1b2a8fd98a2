"""The per-commune rows of a report (the annex, the near-standard and changes lists) and the
certified communes no longer meeting every criterion (giữ chuẩn)."""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import IntegerField, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from communes.models import Commune, year_end
from criteria.models import Certification, CriteriaSet, CriterionResult
from criteria.standing import counted_assessments
from reports.figures.basis import basis_of, joined_numbers, split_numbers
from reports.figures.counts import percent
from reports.figures.tiers import highest_tier_held


@dataclass
class CommuneRow:
    code: str
    name: str
    district: str
    met: int
    met_year: int | None
    tier: str | None
    missing: list[int] = field(default_factory=list)
    set_id: int | None = None
    manual: list[int] = field(default_factory=list)  # criteria numbers resting on a decision
    unconfirmed: list[int] = field(default_factory=list)  # ... on an unconfirmed threshold
    met_before: int = 0
    gained: list[int] = field(default_factory=list)
    lost: list[int] = field(default_factory=list)
    # Counted on an earlier year's assessment (none of the report's year): starred in the annex.
    carried_forward: bool = False

    @property
    def certified(self) -> bool:
        return self.tier is not None

    @property
    def tier_label(self) -> str:
        return Certification.Tier(self.tier).label if self.tier else ""

    @property
    def missing_text(self) -> str:
        return ", ".join(str(n) for n in self.missing)

    @property
    def gained_text(self) -> str:
        return ", ".join(str(n) for n in self.gained)

    @property
    def lost_text(self) -> str:
        return ", ".join(str(n) for n in self.lost)

    @property
    def manual_text(self) -> str:
        return ", ".join(str(n) for n in self.manual)

    @property
    def unconfirmed_text(self) -> str:
        return ", ".join(str(n) for n in self.unconfirmed)


@dataclass(frozen=True)
class KeepingRow:
    """A certified commune whose approved assessment of the year no longer meets every
    criterion of the set in force (giữ chuẩn), and whether the set's revocation triggers are
    reached (CriteriaSet.revocation_*: 18/2022/QĐ-TTg for 2021-2025, ntm-reference §7.5): a
    warning only, revocation stays the provincial chairman's decision."""

    commune: "CommuneRow"
    criteria_set: CriteriaSet
    criteria_count: int
    failing: list[int]
    key_failing: list[str]

    @property
    def failing_share(self) -> Decimal:
        return Decimal(len(self.failing)) / self.criteria_count

    @property
    def failing_percent(self) -> Decimal:
        return percent(len(self.failing), self.criteria_count)

    @property
    def trigger(self) -> str:
        """ "half" (at least the set's share fails), "key" (at least the lower share with a
        key criterion), "unconfirmed" (the set has no known rule) or "" (not reached)."""
        rule = self.criteria_set
        if not rule.has_revocation_rule:
            return "unconfirmed"
        share = self.failing_share * 100
        if share >= rule.revocation_percent:
            return "half"
        if (
            rule.revocation_key_percent is not None
            and share >= rule.revocation_key_percent
            and self.key_failing
        ):
            return "key"
        return ""

    @property
    def failing_text(self) -> str:
        return ", ".join(str(n) for n in self.failing)


def rows_per_commune(
    year: int,
    provisional: bool,
    scope_qs: QuerySet[Commune],
    as_at: datetime.date | None = None,
) -> list[CommuneRow]:
    """One row per programme commune with the criteria it misses, what changed since the
    year before and the criteria resting on a manual decision or an unconfirmed threshold
    (three queries)."""
    best_tier = highest_tier_held(as_at or year_end(year))
    now = counted_assessments(year, provisional)
    before = counted_assessments(year - 1, provisional)
    rows = list(
        scope_qs.annotate(
            met=Coalesce(Subquery(now.values("criteria_met")[:1]), 0, output_field=IntegerField()),
            met_year=Subquery(now.values("year")[:1]),
            now_id=Subquery(now.values("pk")[:1]),
            now_set=Subquery(now.values("criteria_set_id")[:1]),
            before_id=Subquery(before.values("pk")[:1]),
            before_set=Subquery(before.values("criteria_set_id")[:1]),
            met_before=Coalesce(
                Subquery(before.values("criteria_met")[:1]), 0, output_field=IntegerField()
            ),
            tier=Subquery(best_tier.values("tier")[:1]),
        )
        .select_related("district")
        .order_by("district__code", "code")
    )
    # The ids just read, not a subquery: "IN (subquery a) OR IN (subquery b)" cannot use the
    # (assessment, criterion) index and scanned all 1.56 M results of the national dataset
    # (530 ms for one province); the id list is one index scan per assessment. The numbers
    # come back joined per assessment and met or not: 414 rows for a province instead of 7,900.
    assessment_ids = {i for r in rows for i in (r.now_id, r.before_id) if i is not None}
    met_by_assessment: dict[int, set[int]] = {}
    missed_by_assessment: dict[int, list[int]] = {}
    numbers_by_assessment: dict[int, set[int]] = {}  # met or not
    for assessment_id, met, missed in (
        CriterionResult.objects.filter(assessment_id__in=sorted(assessment_ids))
        .order_by()
        .values("assessment_id")
        .annotate(
            met_numbers=joined_numbers("criterion__number", Q(met=True)),
            missed_numbers=joined_numbers("criterion__number", Q(met=False)),
        )
        .values_list("assessment_id", "met_numbers", "missed_numbers")
    ):
        met, missed = split_numbers(met), split_numbers(missed)
        met_by_assessment[assessment_id] = met
        missed_by_assessment[assessment_id] = sorted(missed)
        numbers_by_assessment[assessment_id] = met | missed
    judged = basis_of(
        {r.now_id: numbers_by_assessment.get(r.now_id, set()) for r in rows if r.now_id}
    )
    district_names = {None: ""}  # a district's name once, not once per commune
    out = []
    for r in rows:
        if r.district_id not in district_names:
            district_names[r.district_id] = str(r.district)
        row = CommuneRow(
            code=r.code,
            name=r.name,
            district=district_names[r.district_id],
            met=r.met,
            met_year=r.met_year,
            tier=r.tier,
            missing=missed_by_assessment.get(r.now_id, []),
            set_id=r.now_set,
            manual=judged.get(r.now_id, ([], []))[0],
            unconfirmed=judged.get(r.now_id, ([], []))[1],
            met_before=r.met_before,
            carried_forward=r.met_year is not None and r.met_year < year,
        )
        if r.now_id != r.before_id and (r.before_id is None or r.now_set == r.before_set):
            now_met = met_by_assessment.get(r.now_id, set())
            before_met = met_by_assessment.get(r.before_id, set())
            row.gained = sorted(now_met - before_met)
            row.lost = sorted(before_met - now_met)
        out.append(row)
    return out
