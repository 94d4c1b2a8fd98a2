"""A commune's standing in a year: the criteria met that count for it and whether it is
certified. Shared by the commune list and every report, so both count the same way."""

import datetime

from django.db.models import Exists, F, IntegerField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce

from communes.models import Commune, year_end
from criteria.models import Assessment, Certification


def counted_statuses(provisional: bool) -> list[str]:
    if provisional:
        return [Assessment.Status.APPROVED, Assessment.Status.SUBMITTED]
    return [Assessment.Status.APPROVED]


def with_standing(
    communes: QuerySet[Commune],
    year: int,
    provisional: bool = False,
    as_at: datetime.date | None = None,
):
    """Annotate each commune with `met` (criteria met in the assessment that counts for `year`:
    that year's, else the latest earlier one, "carried forward"; 0 when never assessed),
    `met_year` (the year of that assessment, None when never assessed) and `certified` (a
    certification of any tier in force on 31/12 of `year`, or on `as_at`). Subqueries: no extra
    round trips."""
    latest = Assessment.objects.filter(
        commune=OuterRef("pk"), year__lte=year, status__in=counted_statuses(provisional)
    ).order_by("-year")
    return communes.annotate(
        met=Coalesce(Subquery(latest.values("criteria_met")[:1]), 0, output_field=IntegerField()),
        met_year=Subquery(latest.values("year")[:1]),
        certified=Exists(
            Certification.objects.in_force_on(as_at or year_end(year)).filter(
                commune=OuterRef("pk")
            )
        ),
    )


# A commune's standing packed in one integer: year * 100 + criteria met (a set has fewer than
# 100 criteria), None when never assessed. One correlated subquery then serves both `met` and
# `met_year`: report aggregates group by it instead of running the "latest assessment" subquery
# once for each figure that reads it (13 times per commune in the national table by province).
STANDING_BASE = 100


def standing_code(year: int, provisional: bool = False) -> Subquery:
    """year * 100 + criteria met of the assessment that counts for `year` (see with_standing),
    None when the commune was never assessed. Decode with `decode_standing`."""
    latest = Assessment.objects.filter(
        commune=OuterRef("pk"), year__lte=year, status__in=counted_statuses(provisional)
    ).order_by("-year")
    return Subquery(
        latest.annotate(code=F("year") * STANDING_BASE + F("criteria_met")).values("code")[:1],
        output_field=IntegerField(),
    )


def decode_standing(code: int | None) -> tuple[int, int | None]:
    """(met, met_year) from a `standing_code`: (0, None) for a commune never assessed."""
    if code is None:
        return 0, None
    return code % STANDING_BASE, code // STANDING_BASE


def certified_in(year: int, as_at: datetime.date | None = None) -> Exists:
    """A certification of any tier in force on 31/12 of `year`, or on `as_at` (for a Commune
    queryset)."""
    day = as_at or year_end(year)
    return Exists(Certification.objects.in_force_on(day).filter(commune=OuterRef("pk")))
