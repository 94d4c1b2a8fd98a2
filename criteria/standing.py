"""A commune's standing in a year: the criteria met that count for it and whether it is
certified. Shared by the commune list and every report, so both count the same way."""

from django.db.models import Exists, IntegerField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce

from communes.models import Commune, year_end
from criteria.models import Assessment, Certification


def counted_statuses(provisional: bool) -> list[str]:
    if provisional:
        return [Assessment.Status.APPROVED, Assessment.Status.SUBMITTED]
    return [Assessment.Status.APPROVED]


def with_standing(communes: QuerySet[Commune], year: int, provisional: bool = False):
    """Annotate each commune with `met` (criteria met in the assessment that counts for `year`:
    that year's, else the latest earlier one, "carried forward"; 0 when never assessed),
    `met_year` (the year of that assessment, None when never assessed) and `certified` (a
    certification of any tier in force on 31/12 of `year`). Subqueries: no extra round trips."""
    latest = Assessment.objects.filter(
        commune=OuterRef("pk"), year__lte=year, status__in=counted_statuses(provisional)
    ).order_by("-year")
    return communes.annotate(
        met=Coalesce(Subquery(latest.values("criteria_met")[:1]), 0, output_field=IntegerField()),
        met_year=Subquery(latest.values("year")[:1]),
        certified=Exists(
            Certification.objects.in_force_on(year_end(year)).filter(commune=OuterRef("pk"))
        ),
    )
