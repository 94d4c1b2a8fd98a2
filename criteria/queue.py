"""What waits for whom: the work queue on the home page.

Province staff see what waits for their approval, what they returned, the communes not started
for the working year, approved assessments that meet every criterion of their set with no
certification in force yet, and how complete the year is by district. District and commune
officials see what was returned to them, their drafts and their communes not started.

Every list is one query (a fixed number whatever the number of communes), limited to
`LIST_LIMIT` rows with the full count beside it.
"""

from dataclasses import dataclass, field

from django.db.models import (
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Window,
)
from django.db.models.functions import Coalesce

from communes.models import Commune, year_end
from criteria.models import Assessment, Certification, Criterion

LIST_LIMIT = 10


@dataclass(frozen=True)
class CompletenessRow:
    label: str
    communes: int
    not_started: int
    draft: int
    submitted: int
    approved: int

    @property
    def approved_percent(self) -> int:
        return round(100 * self.approved / self.communes) if self.communes else 0


@dataclass
class WorkQueue:
    year: int
    reviewer: bool  # province staff and admins: approve and certify
    submitted: list[Assessment] = field(default_factory=list)
    submitted_count: int = 0
    returned: list[Assessment] = field(default_factory=list)
    returned_count: int = 0
    drafts: list[Assessment] = field(default_factory=list)
    drafts_count: int = 0
    not_started: list[Commune] = field(default_factory=list)
    not_started_count: int = 0
    ready_to_certify: list[Assessment] = field(default_factory=list)
    ready_to_certify_count: int = 0
    completeness: list[CompletenessRow] = field(default_factory=list)

    @property
    def total(self) -> int:
        """What needs someone's action now (the navbar badge and the page heading)."""
        if self.reviewer:
            return self.submitted_count + self.ready_to_certify_count
        return self.returned_count + self.drafts_count


def _limited(qs: QuerySet) -> tuple[list, int]:
    """The first LIST_LIMIT rows and the total, in one query (a window count)."""
    rows = list(qs.annotate(_total=Window(Count("pk")))[:LIST_LIMIT])
    return rows, (rows[0]._total if rows else 0)


def _criteria_in_set() -> Subquery:
    """The number of criteria of an assessment's set (for "meets every criterion")."""
    counts = (
        Criterion.objects.filter(criteria_set=OuterRef("criteria_set"))
        .order_by()
        .values("criteria_set")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counts, output_field=IntegerField()), 0)


def work_queue(
    *, year: int, communes: QuerySet[Commune], reviewer: bool, by_district: bool = True
) -> WorkQueue:
    """The queue for the communes a user works on. `communes` is already scoped to the user
    (and to the programme and the units existing in `year` for the not-started list).
    Queries: five for a reviewer (four without the table by district), three otherwise."""
    queue = WorkQueue(year=year, reviewer=reviewer)
    # The standard tier: the pages a queue entry links to are the standard assessment's.
    in_scope = (
        Assessment.objects.standard()
        .filter(commune__in=communes.values("pk"))
        .select_related("commune", "commune__district")
    )
    returned = in_scope.filter(status=Assessment.Status.DRAFT).exclude(return_reason="")
    queue.returned, queue.returned_count = _limited(returned.order_by("-updated_at"))
    if reviewer:
        submitted = in_scope.filter(status=Assessment.Status.SUBMITTED)
        queue.submitted, queue.submitted_count = _limited(submitted.order_by("updated_at"))
        certified = Certification.objects.in_force_on(year_end(year)).filter(
            commune=OuterRef("commune"), tier=Certification.Tier.NTM
        )
        ready = (
            in_scope.filter(status=Assessment.Status.APPROVED, year=year, tier=Assessment.Tier.NTM)
            .alias(total=_criteria_in_set(), certified=Exists(certified))
            .filter(criteria_met__gte=F("total"), total__gt=0, certified=False)
        )
        queue.ready_to_certify, queue.ready_to_certify_count = _limited(
            ready.order_by("commune__name")
        )
        if by_district:
            queue.completeness = completeness(year=year, communes=communes)
    else:
        drafts = in_scope.filter(status=Assessment.Status.DRAFT, return_reason="")
        queue.drafts, queue.drafts_count = _limited(drafts.order_by("-updated_at"))
    this_year = Assessment.objects.standard().filter(commune=OuterRef("pk"), year=year)
    not_started = (
        communes.in_programme()
        .valid_in(year)
        .filter(~Exists(this_year))
        .select_related("district")
        .order_by("district__name", "name")
    )
    queue.not_started, queue.not_started_count = _limited(not_started)
    return queue


def completeness(*, year: int, communes: QuerySet[Commune]) -> list[CompletenessRow]:
    """Programme communes existing in `year` by the state of their assessment of `year`,
    grouped by district (units after 01/07/2025 have none: one row for them). One query."""
    status = Subquery(
        Assessment.objects.standard().filter(commune=OuterRef("pk"), year=year).values("status")[:1]
    )
    rows = (
        communes.in_programme()
        .valid_in(year)
        .annotate(state=status)
        .order_by()
        .values("district__name")
        .annotate(
            communes=Count("pk"),
            not_started=Count("pk", filter=Q(state__isnull=True)),
            draft=Count("pk", filter=Q(state=Assessment.Status.DRAFT)),
            submitted=Count("pk", filter=Q(state=Assessment.Status.SUBMITTED)),
            approved=Count("pk", filter=Q(state=Assessment.Status.APPROVED)),
        )
        .order_by("district__name")
    )
    return [
        CompletenessRow(
            label=row["district__name"] or "",
            communes=row["communes"],
            not_started=row["not_started"],
            draft=row["draft"],
            submitted=row["submitted"],
            approved=row["approved"],
        )
        for row in rows
    ]
