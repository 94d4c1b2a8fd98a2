"""Which published practices to learn from: for one commune, those helping the criteria it has
not met yet; for a province report, those linked to the criteria most communes still miss."""

from dataclasses import dataclass

from django.db.models import Count, OuterRef, Prefetch, Subquery

from communes.models import Commune
from criteria.models import Criterion, CriterionResult
from criteria.standing import latest_assessments
from practices.models import Practice


def latest_approved(commune_ref, year: int):
    """The pk of the latest approved assessment of a commune up to `year`, under any set: the
    practices link criteria of every set (a subquery)."""
    return Subquery(latest_assessments(year, commune=commune_ref).values("pk")[:1])


def missed_criteria(commune: Commune, year: int):
    """Criteria the commune did not meet in its latest approved assessment up to `year`
    (a lazy queryset, used as a subquery)."""
    return CriterionResult.objects.filter(
        met=False, assessment=latest_approved(commune.pk, year)
    ).values("criterion_id")


def practices_for_commune(commune: Commune, year: int, limit: int = 10) -> list[Practice]:
    """Published practices of the commune's province, from `year` or before, that help a
    criterion the commune has not met; each carries `missed` (those criteria). Two queries."""
    missed = missed_criteria(commune, year)
    return list(
        Practice.objects.published()
        .filter(
            # The commune's own province (no district after 01/07/2025).
            province=commune.province_id,
            year__lte=year,
            criteria__in=missed,
        )
        .distinct()
        .select_related("category")
        .prefetch_related(
            Prefetch(
                "criteria",
                queryset=Criterion.objects.filter(pk__in=missed).order_by("number"),
                to_attr="missed",
            )
        )
        .order_by("-year", "title")[:limit]
    )


@dataclass(frozen=True)
class MissedCriterion:
    criterion: Criterion
    communes_missing: int
    practices: list[Practice]


def practices_for_missed_criteria(province, year: int, limit: int = 5) -> list[MissedCriterion]:
    """The criteria that most programme communes of `province` still miss in their latest
    approved assessment up to `year`, among those that a published practice (of `year` or
    before) helps, most missed first, with those practices. Three queries."""
    # Each commune's latest approved assessment, looked up once per commune (not once per
    # criterion result: that correlated subquery cost ~250 ms on the demo province).
    latest = (
        Commune.objects.in_programme()
        .valid_in(year)
        .filter(province=province)
        .annotate(latest=latest_approved(OuterRef("pk"), year))
        .values("latest")
    )
    published = Practice.objects.published().filter(province=province, year__lte=year)
    counts = list(
        CriterionResult.objects.filter(
            met=False,
            assessment__in=latest,
            criterion__practices__in=published,
        )
        .values("criterion_id")
        .annotate(n=Count("assessment", distinct=True))
        .order_by("-n", "criterion_id")[:limit]
    )
    if not counts:
        return []
    criteria = Criterion.objects.filter(
        pk__in=[row["criterion_id"] for row in counts]
    ).prefetch_related(
        Prefetch(
            "practices",
            queryset=published.select_related("category").order_by("-year", "title"),
            to_attr="published_practices",
        )
    )
    by_pk = {c.pk: c for c in criteria}
    return [
        MissedCriterion(
            criterion=by_pk[row["criterion_id"]],
            communes_missing=row["n"],
            practices=by_pk[row["criterion_id"]].published_practices,
        )
        for row in counts
    ]
