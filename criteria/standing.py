"""A commune's standing in a year: the criteria met that count for it and whether it is
certified. Shared by the commune list and every report, so both count the same way.

Which assessment counts for year N: the commune's approved (or, provisionally, submitted)
standard assessment of N itself, under whichever set it was made (2021 may be judged under
2016-2020); else its latest earlier one made under the set of N, "carried forward". An
assessment under another set is never carried across a change of set: the commune is then
"chưa đánh giá theo bộ tiêu chí mới" and counts 0 criteria, like a commune never assessed.
"""

import datetime
import functools
from dataclasses import dataclass

from django.db.models import (
    BigIntegerField,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from communes.models import Commune, year_end
from criteria.models import Assessment, Certification, CriteriaSet


def counted_statuses(provisional: bool) -> list[str]:
    if provisional:
        return [Assessment.Status.APPROVED, Assessment.Status.SUBMITTED]
    return [Assessment.Status.APPROVED]


@functools.cache
def year_set(year: int) -> Subquery:
    """The id of the set of `year`'s period (the default of CriteriaSet.objects.for_year), as a
    subquery: no round trip of its own.

    Built once per year and process: it is SQL, run by the database with each query that uses
    it, so it always reads the sets as they stand; Django copies an expression before it
    resolves it into a query, so the shared one is never changed. A report used to build it
    about ten times (half a millisecond each)."""
    return Subquery(CriteriaSet.objects.for_year(year).values("pk")[:1])


def counts_for(year: int, prefix: str = "") -> Q:
    """The filter on assessments (or, with `prefix` "assessment__", on their results) that may
    count for `year`: of `year` itself, or earlier and under the set of `year`."""
    return Q(**{f"{prefix}year": year}) | Q(
        **{f"{prefix}year__lt": year, f"{prefix}criteria_set": year_set(year)}
    )


def latest_assessments(year: int, provisional: bool = False, commune=None):
    """A commune's counted-status standard assessments up to `year` under any set, newest first
    (for a Subquery on a Commune queryset unless `commune` is given): what the commune last
    stated, such as the criteria it still missed. The figures count `counted_assessments`,
    which leaves out an earlier year's assessment under another set."""
    return (
        Assessment.objects.standard()
        .filter(
            commune=OuterRef("pk") if commune is None else commune,
            year__lte=year,
            status__in=counted_statuses(provisional),
        )
        .order_by("-year")
    )


def counted_assessments(year: int, provisional: bool = False, commune=None):
    """The assessments that count for a commune in `year`, newest first (for a Subquery on a
    Commune queryset unless `commune` is given)."""
    return latest_assessments(year, provisional, commune).filter(counts_for(year))


def assessed_before(year: int, provisional: bool = False) -> Exists:
    """The commune has a counted-status standard assessment up to `year`, under any set: with
    no assessment counting for `year` it is "chưa đánh giá theo bộ tiêu chí mới"."""
    return Exists(
        Assessment.objects.standard().filter(
            commune=OuterRef("pk"), year__lte=year, status__in=counted_statuses(provisional)
        )
    )


def with_standing(
    communes: QuerySet[Commune],
    year: int,
    provisional: bool = False,
    as_at: datetime.date | None = None,
):
    """Annotate each commune with `met` (criteria met in the assessment that counts for `year`;
    0 when none counts), `met_year` (the year of that assessment, None when none counts) and
    `certified` (a certification of any tier in force on 31/12 of `year`, or on `as_at`).
    Subqueries: no extra round trips."""
    latest = counted_assessments(year, provisional)
    return communes.annotate(
        met=Coalesce(Subquery(latest.values("criteria_met")[:1]), 0, output_field=IntegerField()),
        met_year=Subquery(latest.values("year")[:1]),
        certified=Exists(
            Certification.objects.in_force_on(as_at or year_end(year)).filter(
                commune=OuterRef("pk")
            )
        ),
    )


# A commune's standing packed in one integer: set id * 10^6 + year * 100 + criteria met (a set
# has fewer than 100 criteria), None when no assessment counts. One correlated subquery then
# serves `met`, `met_year` and the set: report aggregates group by it instead of running the
# "latest assessment" subquery once for each figure that reads it (13 times per commune in the
# national table by province).
STANDING_BASE = 100
STANDING_SET_BASE = 1_000_000


def standing_code(year: int, provisional: bool = False) -> Subquery:
    """The packed standing of the assessment that counts for `year` (see the module docstring),
    None when none counts. Decode with `decode_standing` and `decode_standing_set`."""
    latest = counted_assessments(year, provisional)
    return Subquery(
        latest.annotate(
            code=F("criteria_set_id") * STANDING_SET_BASE
            + F("year") * STANDING_BASE
            + F("criteria_met")
        ).values("code")[:1],
        output_field=BigIntegerField(),
    )


def decode_standing(code: int | None) -> tuple[int, int | None]:
    """(met, met_year) from a `standing_code`: (0, None) when no assessment counts."""
    if code is None:
        return 0, None
    return code % STANDING_BASE, (code % STANDING_SET_BASE) // STANDING_BASE


def decode_standing_set(code: int | None) -> int | None:
    """The criteria set id of a `standing_code`, None when no assessment counts."""
    return None if code is None else code // STANDING_SET_BASE


def certified_in(year: int, as_at: datetime.date | None = None) -> Exists:
    """A certification of any tier in force on 31/12 of `year`, or on `as_at` (for a Commune
    queryset)."""
    day = as_at or year_end(year)
    return Exists(Certification.objects.in_force_on(day).filter(commune=OuterRef("pk")))


# --- Bands of criteria met ------------------------------------------------------------------
# The reports' table and chart of communes by criteria met, and the commune list's filter.


@dataclass(frozen=True)
class Band:
    low: int
    high: int
    is_top: bool = False

    @property
    def key(self) -> str:
        return f"band_{self.low}_{self.high}"

    @property
    def label(self) -> str:
        if self.is_top:
            return str(self.low)
        if self.low == 0:
            return _("dưới %(n)s") % {"n": self.high + 1}
        return f"{self.low}–{self.high}"


# The fixed cuts below the top band (and below the near-standard band, when the set has one).
FIXED_CUTS = ((15, 18), (10, 14), (5, 9), (0, 4))


def near_standard_range(
    criteria_count: int, near_standard_missing: int | None
) -> tuple[int, int] | None:
    """The criteria met (low, high) of a commune "near the standard": missing 1 to the set's
    `near_standard_missing` criteria (CriteriaSet.near_standard_missing), with at least one
    met; None when the set does not say (UNCONFIRMED) or the range is empty. The report's list
    of communes near the standard and the band just below the top both read it."""
    if near_standard_missing is None:
        return None
    low, high = max(1, criteria_count - near_standard_missing), criteria_count - 1
    return (low, high) if low <= high else None


def bands_for(criteria_count: int, near_standard_missing: int | None = None) -> list[Band]:
    """The top band is "all criteria of the set"; just below it the set's near-standard band
    (`near_standard_range`), when the set defines one; then the fixed cuts (FIXED_CUTS) below
    that, so a smaller set still gets a sensible split (3 criteria: 3 · under 3). The 19
    criteria of 2016-2025, near the standard at 4 missing: 19 · 15-18 · 10-14 · 5-9 · under 5;
    10 criteria at 2 missing: 10 · 8-9 · 5-7 · under 5. Callers pass the set's
    `near_standard_missing`, so the band and the report's near-standard list agree."""
    top = criteria_count
    bands = [Band(top, top, is_top=True)]
    below = top - 1  # the most criteria met that the next band may hold
    near = near_standard_range(top, near_standard_missing)
    if near is not None:
        bands.append(Band(*near))
        below = near[0] - 1
    for low, high in FIXED_CUTS:
        high = min(high, below)
        if low <= high:
            bands.append(Band(low, high))
    return bands
