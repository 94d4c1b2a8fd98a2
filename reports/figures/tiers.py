"""Tiers and certifications in a report: communes holding each tier on the report's day, those
with a dossier in progress, and the recognitions of the year decided in a later year."""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Max, OuterRef, Q, QuerySet

from communes.models import Commune, year_end
from criteria.models import TIER_LEVEL, Certification, CriteriaSet
from dossiers.models import Dossier
from reports.figures.counts import percent


@dataclass(frozen=True)
class TierRow:
    tier: str
    label: str
    count: int
    percent: Decimal
    # Communes whose dossier for the year and tier is not yet completed by a decision on the
    # report's day (đang hoàn thiện hồ sơ đề nghị công nhận).
    in_progress: int = 0
    # Of `count`, communes whose decision of the tier is one issued outside the app and entered
    # without its assessment (Certification.Kind.TRANSCRIBED).
    transcribed: int = 0


def tier_rows(
    year: int,
    as_at: datetime.date,
    scope_qs: QuerySet[Commune],
    year_sets: list[CriteriaSet],
    communes: int,
) -> list[TierRow]:
    """The table of tiers: communes in scope holding each tier on `as_at`, of them those on a
    transcribed decision, and those with a dossier of it in progress for `year`; `year_sets`
    are the sets usable in the year, of every tier, `communes` the report's denominator (two
    queries)."""
    # A commune with two tiers counts in both.
    tier_counts, transcribed = {}, {}
    for tier, n, k in (
        Certification.objects.in_force_on(as_at)
        .filter(commune__in=scope_qs)
        .values("tier")
        .annotate(
            n=Count("commune", distinct=True),
            k=Count("commune", distinct=True, filter=Q(kind=Certification.Kind.TRANSCRIBED)),
        )
        .values_list("tier", "n", "k")
    ):
        tier_counts[tier], transcribed[tier] = n, k
    in_progress = _dossiers_in_progress(year, as_at, scope_qs)
    # A tier is shown when a set of it is in force in the year (no "nâng cao 0" in 2026, when
    # no national advanced set exists: ntm-reference §16.5), or when communes hold it or are
    # on their way to it.
    levels = {s.level for s in year_sets}
    return [
        TierRow(
            t.value,
            t.label,
            tier_counts.get(t.value, 0),
            percent(tier_counts.get(t.value, 0), communes),
            in_progress.get(t.value, 0),
            transcribed.get(t.value, 0),
        )
        for t in Certification.Tier
        if TIER_LEVEL[t] in levels or tier_counts.get(t.value) or in_progress.get(t.value)
    ]


def highest_tier_held(day) -> QuerySet[Certification]:
    """A commune's certifications in force on `day` (a date or an expression on the outer
    commune), the highest tier first (for a Subquery)."""
    return (
        Certification.objects.in_force_on(day).filter(commune=OuterRef("pk")).highest_tier_first()
    )


def _dossiers_in_progress(
    year: int, as_at: datetime.date, scope_qs: QuerySet[Commune]
) -> dict[str, int]:
    """Tier -> communes in scope with a dossier for `year` and that tier not yet completed by
    a decision on `as_at` (đang hoàn thiện hồ sơ đề nghị công nhận; the dossiers' own rule,
    `Dossier.objects.in_progress`; one query)."""
    return dict(
        Dossier.objects.filter(commune__in=scope_qs, year=year)
        .in_progress(on=as_at)
        .order_by()
        .values("tier")
        .annotate(n=Count("commune", distinct=True))
        .values_list("tier", "n")
    )


@dataclass(frozen=True)
class LateRecognition:
    """A decision recognising a commune for the report's year N, signed after 31/12 of N
    (Lạng Sơn's 99, 103 and 105/QĐ-UBND of 26/01/2023 recognise "năm 2022", ntm-reference
    §17.2). The certified count "by 31/12 of N" goes by decision date and leaves it out; the
    report lists it in a note, as provincial reports do."""

    code: str
    name: str
    tier: str
    decision_number: str
    decision_date: datetime.date
    revoked_on: datetime.date | None = None

    @property
    def tier_label(self) -> str:
        return Certification.Tier(self.tier).label


@dataclass(frozen=True)
class LateRecognitions:
    """The recognitions of year N decided later: how many communes, the latest decision year
    and (with the per-commune rows) the decisions."""

    year: int
    communes: int = 0
    last_decision_year: int | None = None
    rows: list[LateRecognition] = field(default_factory=list)

    @property
    def all_next_year(self) -> bool:
        """Every decision was signed in N+1 ("theo quyết định ban hành năm N+1")."""
        return self.last_decision_year == self.year + 1


def late_recognitions(
    year: int, scope_qs: QuerySet[Commune], *, with_rows: bool
) -> LateRecognitions:
    """Certifications of the communes in scope recognising `year` with a decision dated after
    31/12 of it (any tier, revoked or not: each decision is listed with its fate). One query:
    the decisions, or without the rows their counts."""
    decided_later = Certification.objects.filter(
        commune__in=scope_qs, recognised_year=year, decision_date__gt=year_end(year)
    )
    if not with_rows:
        found = decided_later.aggregate(
            communes=Count("commune", distinct=True), last=Max("decision_date")
        )
        last = found["last"]
        return LateRecognitions(year, found["communes"], last.year if last else None)
    rows = [
        LateRecognition(
            code=r["commune__code"],
            name=r["commune__name"],
            tier=r["tier"],
            decision_number=r["decision_number"],
            decision_date=r["decision_date"],
            revoked_on=r["revoked_on"],
        )
        for r in decided_later.order_by("decision_date", "commune__code", "tier").values(
            "commune__code",
            "commune__name",
            "tier",
            "decision_number",
            "decision_date",
            "revoked_on",
        )
    ]
    return LateRecognitions(
        year,
        len({r.code for r in rows}),
        max((r.decision_date.year for r in rows), default=None),
        rows,
    )
