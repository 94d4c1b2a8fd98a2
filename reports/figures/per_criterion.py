"""The criteria of a report: the sets it used, with the communes judged by each, and how many
communes meet each criterion, per set (never matched across sets by number) and per commune
group."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, OuterRef, QuerySet

from communes.models import Commune, CommuneGroupAssignment
from criteria.models import CriteriaSet, Criterion
from criteria.naming import pick_name
from reports.figures.basis import counted_results


@dataclass(frozen=True)
class CriterionRow:
    number: int
    name: str
    count: int
    percent: Decimal


@dataclass(frozen=True)
class GroupCriterionRow:
    """A criterion of the year's set, for each commune group (the columns of
    `ReportFigures.group_areas`, in their order) and in total: from 2026 the levels differ by
    group (51/2025/QĐ-TTg), so the counts are shown apart."""

    number: int
    name: str
    cells: list[tuple[int, Decimal]]  # (communes meeting it, percent of the group's)
    count: int
    percent: Decimal


@dataclass
class SetUsage:
    """A criteria set a report used: the communes judged by it and its own per-criterion rows
    (rows of different sets are never matched by number)."""

    criteria_set: CriteriaSet
    communes: int
    criteria: list[tuple[int, str]]
    per_criterion: list[CriterionRow] = field(default_factory=list)
    is_year_set: bool = False
    names_vi: dict[int, str] = field(default_factory=dict)  # number -> legal (Vietnamese) name


def set_usages(year_set: CriteriaSet, by_set: dict[int, int]) -> list[SetUsage]:
    """The set of the year first (even when no commune was judged by it yet), then every other
    set some counted assessment was made under, with their criteria (one query)."""
    ids = {year_set.pk, *by_set}
    usages: dict[int, SetUsage] = {}
    for criterion in (
        Criterion.objects.filter(criteria_set_id__in=ids)
        .select_related("criteria_set")
        .order_by("criteria_set__first_year", "number")
    ):
        usage = usages.get(criterion.criteria_set_id)
        if usage is None:
            usage = usages[criterion.criteria_set_id] = SetUsage(
                criterion.criteria_set,
                by_set.get(criterion.criteria_set_id, 0),
                [],
                is_year_set=criterion.criteria_set_id == year_set.pk,
            )
        usage.criteria.append((criterion.number, pick_name(criterion.name_vi, criterion.name_en)))
        usage.names_vi[criterion.number] = criterion.name_vi
    if year_set.pk not in usages:  # a set without criteria yet
        usages[year_set.pk] = SetUsage(year_set, by_set.get(year_set.pk, 0), [], True)
    return sorted(usages.values(), key=lambda u: (not u.is_year_set, u.criteria_set.first_year))


def met_per_criterion(
    year: int, provisional: bool, scope_qs: QuerySet[Commune], *, by_group: bool = False
) -> dict:
    """(criteria set id, criterion number, commune group code) -> communes whose counted
    assessment meets it (one query); the group code is None unless `by_group` (each
    commune's group in `year`, as the table by commune group takes it).

    "Counted" is written as an anti-join (a counted assessment with no later counted one up to
    `year`) rather than "IN (the latest id per commune)": PostgreSQL then hashes the
    assessments of the years up to `year` once, in parallel, instead of probing the latest
    assessment commune by commune and evaluating that subquery twice per row. National
    dataset: 130 ms instead of 230-330 ms (1.56 M criterion results, 117 k of them counted);
    one province: unchanged (10-14 ms)."""
    results = counted_results(year, provisional, scope_qs).filter(met=True)
    fields = ["criterion__criteria_set_id", "criterion__number"]
    if by_group:
        results = results.annotate(
            group_code=CommuneGroupAssignment.objects.group_in_year(
                year, commune=OuterRef("assessment__commune"), field="group__code"
            )
        )
        fields.append("group_code")
    out: dict[tuple, int] = {}
    for row in results.values(*fields).annotate(n=Count("pk")).values_list(*fields, "n"):
        set_id, number, group = row[0], row[1], row[2] if by_group else None
        out[(set_id, number, group)] = row[-1]
    return out
