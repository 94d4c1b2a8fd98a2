"""Which criterion results a report counts, and what they rest on: a manual decision (an
indicator decided manually, or a criterion judged as a whole) or a computed result against an
unconfirmed threshold."""

from dataclasses import dataclass

from django.db.models import CharField, Count, Exists, OuterRef, Q, QuerySet, StringAgg, Value
from django.db.models.functions import Cast

from communes.models import Commune
from criteria.models import Assessment, CriterionResult, IndicatorValue, Threshold
from criteria.standing import counted_statuses, counts_for


@dataclass(frozen=True)
class Judgements:
    """How many criterion results counted in a report rest on a manual decision (a manual
    indicator decision, or a criterion judged as a whole) and how many on a computed result
    against an unconfirmed threshold."""

    manual: int
    unconfirmed: int


def counted_results(year: int, provisional: bool, scope_qs: QuerySet[Commune]):
    """The criterion results of the assessments that count for `year` (see
    criteria.standing), as an anti-join: a counted assessment with no later counted one up to
    `year`. No ordering (the default one would join assessment and commune)."""
    statuses = counted_statuses(provisional)
    later = (
        Assessment.objects.standard()
        .filter(
            commune=OuterRef("assessment__commune"),
            year__gt=OuterRef("assessment__year"),
            year__lte=year,
            status__in=statuses,
        )
        .filter(counts_for(year))
    )
    return (
        CriterionResult.objects.filter(
            assessment__year__lte=year,
            assessment__tier=Assessment.Tier.NTM,
            assessment__status__in=statuses,
            assessment__commune__in=scope_qs,
        )
        .filter(counts_for(year, prefix="assessment__"))
        .filter(~Exists(later))
        .order_by()
    )


def _with_basis(results):
    """Annotate criterion results with what they rest on: `decided` (some indicator decided
    manually), `valued` (any indicator value recorded: without one the criterion was judged as
    a whole, a manual decision too) and `unconfirmed` (some computed indicator judged against
    an unconfirmed threshold). Three EXISTS per result: for counts over the whole country;
    the rows of one report use `basis_of` (one grouped scan of the assessments' values)."""
    values = IndicatorValue.objects.filter(
        assessment=OuterRef("assessment"), indicator__criterion=OuterRef("criterion")
    )
    return results.annotate(
        decided=Exists(values.filter(manual=True)),
        valued=Exists(values),
        unconfirmed=Exists(values.filter(**UNCONFIRMED_VALUE)),
    )


# What a criterion result rests on, written once for both forms (SQL above, Python below): a
# manual decision when some indicator was decided manually or none was valued; an unconfirmed
# threshold when some computed indicator was judged against one.
UNCONFIRMED_VALUE = {"manual": False, "threshold_status": Threshold.Status.UNCONFIRMED}


MANUAL = Q(decided=True) | Q(valued=False)


def basis_of(results: dict[int, set[int]]) -> dict[int, tuple[list[int], list[int]]]:
    """assessment id -> (criteria numbers resting on a manual decision, on an unconfirmed
    threshold), for the criterion results given as assessment id -> criteria numbers (one
    query: the assessments' indicator values through the index on (assessment, indicator),
    their criteria numbers joined per assessment; 5 ms for a province where the EXISTS of
    `_with_basis` took 72). An assessment's values are those of its own set's indicators, so
    a number names one criterion."""
    number = "indicator__criterion__number"
    values = {
        assessment_id: (valued, decided, unconfirmed)
        for assessment_id, valued, decided, unconfirmed in (
            IndicatorValue.objects.filter(assessment_id__in=sorted(results))
            .order_by()
            .values("assessment_id")
            .annotate(
                valued=joined_numbers(number),
                decided=joined_numbers(number, Q(manual=True)),
                unconfirmed=joined_numbers(number, Q(**UNCONFIRMED_VALUE)),
            )
            .values_list("assessment_id", "valued", "decided", "unconfirmed")
        )
    }
    out: dict[int, tuple[list[int], list[int]]] = {}
    for assessment_id, numbers in results.items():
        valued, decided, unconfirmed = values.get(assessment_id, (None, None, None))
        manual = numbers & (split_numbers(decided) | (numbers - split_numbers(valued)))
        weak = numbers & split_numbers(unconfirmed)
        if manual or weak:
            out[assessment_id] = (sorted(manual), sorted(weak))
    return out


def judgement_counts(year: int, provisional: bool, scope_qs: QuerySet[Commune]) -> Judgements:
    """How many counted criterion results rest on a manual decision or an unconfirmed
    threshold, without the rows (national summary; one query)."""
    # The aggregates' names differ from the annotations': one of the same name replaces it.
    row = _with_basis(counted_results(year, provisional, scope_qs)).aggregate(
        n_manual=Count("pk", filter=MANUAL),
        n_unconfirmed=Count("pk", filter=Q(unconfirmed=True)),
    )
    return Judgements(row["n_manual"], row["n_unconfirmed"])


def joined_numbers(field: str, condition: Q | None = None) -> StringAgg:
    """The distinct criteria numbers in `field` of a group of rows (matching `condition`),
    joined by commas, NULL when none: read back with `split_numbers`."""
    return StringAgg(Cast(field, CharField()), Value(","), filter=condition, distinct=True)


def split_numbers(joined: str | None) -> set[int]:
    return {int(n) for n in joined.split(",")} if joined else set()
