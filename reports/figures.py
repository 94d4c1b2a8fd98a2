"""The figures of every report, computed in the database.

Definitions (issue "Reports"): over the programme communes that exist on 31/12 of the year,
- certified: a certification (any tier) dated on or before 31/12 and not revoked by then;
- average: criteria met in each commune's approved assessment for the year (or, when it has
  none, its latest earlier approved one, "carried forward"), summed and divided by the number of
  programme communes; a commune never assessed counts 0.
The provisional variant also counts submitted assessments.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import Coalesce

from communes.models import Commune
from criteria.models import Assessment
from criteria.standing import with_standing


def programme_communes(year: int, **scope_filter) -> QuerySet[Commune]:
    return Commune.objects.in_programme().valid_in(year).filter(**scope_filter)


@dataclass(frozen=True)
class Headline:
    year: int
    communes: int
    certified: int
    criteria_total: int
    carried_forward: int
    not_assessed: int

    @property
    def average(self) -> Decimal:
        """Criteria per commune, rounded half up to two decimals (8.647… -> 8.65)."""
        if not self.communes:
            return Decimal("0.00")
        return (Decimal(self.criteria_total) / self.communes).quantize(
            Decimal("0.01"), rounding=ROUND_HALF_UP
        )

    @property
    def certified_percent(self) -> Decimal:
        if not self.communes:
            return Decimal("0.0")
        return (Decimal(100 * self.certified) / self.communes).quantize(
            Decimal("0.1"), rounding=ROUND_HALF_UP
        )


def headline(year: int, provisional: bool = False, **scope_filter) -> Headline:
    """Headline figures for the communes matching `scope_filter` (one query)."""
    rows = with_standing(programme_communes(year, **scope_filter), year, provisional)
    # Aggregate aliases must differ from the annotations they read (`certified`), or Django
    # replaces the annotation with the aggregate.
    agg = rows.aggregate(
        communes=Count("pk"),
        n_certified=Count("pk", filter=Q(certified=True)),
        criteria_total=Coalesce(Sum("met"), 0),
        carried_forward=Count("pk", filter=Q(met_year__lt=year)),
        not_assessed=Count("pk", filter=Q(met_year__isnull=True)),
    )
    agg["certified"] = agg.pop("n_certified")
    return Headline(year=year, **agg)


def years_with_data(**scope_filter) -> list[int]:
    """Years that have at least one assessment in scope, newest first (one query)."""
    filters = {f"commune__{k}": v for k, v in scope_filter.items()}
    return list(
        Assessment.objects.filter(**filters)
        .values_list("year", flat=True)
        .distinct()
        .order_by("-year")
    )
