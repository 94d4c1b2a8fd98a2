"""What waits for whom: the work queue on the home page.

Province staff see what waits for their approval, what they returned, the communes not started
for the working year, approved assessments that meet every criterion of their set with no
decision recognising them yet (by recognised year: `recognised`), and how complete the year is
by district (by commune group from 01/07/2025, when districts no longer exist). District and
commune officials see what was returned to them, their drafts and their communes not started.
The navbar counts what needs the user's action with `waiting_count`, over the same conditions
(`waits`). The units are those of the user's area in the working year
(`Commune.objects.of_area`, by the caller), so a unit that ended on 30/06/2025 is never listed
in 2026.

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
from django.utils import timezone
from django.utils.translation import gettext

from communes.models import (
    TWO_TIER_START,
    Commune,
    CommuneGroup,
    CommuneGroupAssignment,
    year_end,
)
from criteria.models import Assessment, Certification, Criterion
from criteria.naming import pick_name

LIST_LIMIT = 10


def working_year() -> int:
    """The year people work on: this calendar year (the home page's queue, the navbar's count,
    a commune official's lists). Tests set the day (time-machine) or pass a year."""
    return timezone.localdate().year


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
    can_start: bool = False  # whether a not-started commune links to a new assessment form
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
    completeness_by: str = "district"  # or "group" from 01/07/2025

    @property
    def total(self) -> int:
        """What needs the user's action now: the page heading's count; the navbar's is
        `waiting_count`, the same lists counted without reading them."""
        return sum(getattr(self, f"{name}_count") for name in ACTIONABLE[self.reviewer])


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


def recognised(year: int) -> QuerySet[Certification]:
    """Standard-tier decisions that leave nothing to record for an assessment of `year`: one
    recognising `year` itself, whenever it was signed (Lạng Sơn recognised 2022 on 26/01/2023),
    or one recognising an earlier year that has not been revoked. By `recognised_year` and
    tier, never by the decision date's year (which the reports' "certified by 31/12" go by)."""
    return Certification.objects.filter(tier=Certification.Tier.NTM).filter(
        Q(recognised_year=year) | Q(recognised_year__lt=year, revoked_on__isnull=True)
    )


def _in_scope(
    communes: QuerySet[Commune], year: int, *, for_aggregate: bool = False
) -> QuerySet[Assessment]:
    """The assessments of `communes`, every tier (an entry links to its own tier's page; only
    the standard tier is ever ready to certify here), with what `waits` needs to tell
    ready-to-certify ones apart: as aliases, which cost nothing unless a condition uses them,
    or as annotations for an aggregate (Django aggregates only over those)."""
    certified = recognised(year).filter(commune=OuterRef("commune"))
    assessments = Assessment.objects.filter(commune__in=communes.values("pk"))
    extra = {"criteria_total": _criteria_in_set(), "certified": Exists(certified)}
    return assessments.annotate(**extra) if for_aggregate else assessments.alias(**extra)


def waits(year: int) -> dict[str, Q]:
    """What waits for someone, by list: the one definition behind the home page's lists and
    the navbar's count (`waiting_count`). Conditions on `_in_scope(...)` rows."""
    return {
        # Sent back by the province with a reason: for whoever sent it.
        "returned": Q(status=Assessment.Status.DRAFT) & ~Q(return_reason=""),
        # Reviewers: waiting for approval.
        "submitted": Q(status=Assessment.Status.SUBMITTED),
        # Officials: drafts never sent (a returned one is listed as returned).
        "drafts": Q(status=Assessment.Status.DRAFT, return_reason=""),
        # Reviewers: approved for `year`, every criterion of the set met, no decision
        # recognising it (`recognised`).
        "ready_to_certify": Q(
            status=Assessment.Status.APPROVED,
            year=year,
            tier=Assessment.Tier.NTM,
            criteria_met__gte=F("criteria_total"),
            criteria_total__gt=0,
            certified=False,
        ),
    }


# What needs the user's action now (the navbar's count and the home page's heading).
ACTIONABLE = {True: ("submitted", "ready_to_certify"), False: ("returned", "drafts")}


def waiting_count(*, year: int, communes: QuerySet[Commune], reviewer: bool) -> int:
    """The navbar's count: `WorkQueue.total` without the lists, in one aggregate query."""
    conditions = waits(year)
    counts = _in_scope(communes, year, for_aggregate=True).aggregate(
        **{name: Count("pk", filter=conditions[name]) for name in ACTIONABLE[reviewer]}
    )
    return sum(counts.values())


def work_queue(
    *,
    year: int,
    communes: QuerySet[Commune],
    reviewer: bool,
    by_district: bool = True,
    can_start: bool = False,
) -> WorkQueue:
    """The queue for the communes a user works on. `communes` is already scoped to the user
    (and to the programme and the units existing in `year` for the not-started list).
    Queries: five for a reviewer (four without the completeness table), three otherwise."""
    queue = WorkQueue(year=year, reviewer=reviewer, can_start=can_start)
    conditions = waits(year)
    in_scope = _in_scope(communes, year).select_related("commune", "commune__district")
    returned = in_scope.filter(conditions["returned"])
    queue.returned, queue.returned_count = _limited(returned.order_by("-updated_at"))
    if reviewer:
        submitted = in_scope.filter(conditions["submitted"])
        queue.submitted, queue.submitted_count = _limited(submitted.order_by("updated_at"))
        ready = in_scope.filter(conditions["ready_to_certify"])
        queue.ready_to_certify, queue.ready_to_certify_count = _limited(
            ready.order_by("commune__name")
        )
        if by_district:
            queue.completeness_by, queue.completeness = completeness(year=year, communes=communes)
    else:
        drafts = in_scope.filter(conditions["drafts"])
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


def completeness(*, year: int, communes: QuerySet[Commune]) -> tuple[str, list[CompletenessRow]]:
    """Programme communes existing in `year` by the state of their assessment of `year`: by
    district while districts exist, by commune group from 01/07/2025, when they no longer do
    (the group of `year`, as the thresholds take it; "chưa phân nhóm" for a commune without
    one, listed last). Returns ("district" or "group", rows). One query by district, two by
    group (the counts, then the groups' names)."""
    status = Subquery(
        Assessment.objects.standard().filter(commune=OuterRef("pk"), year=year).values("status")[:1]
    )
    by_group = year_end(year) >= TWO_TIER_START
    if by_group:
        group = CommuneGroupAssignment.objects.group_in_year(year, commune=OuterRef("pk"))
        key = "group_key"
        units = communes.annotate(group_key=group)
    else:
        key = "district__name"
        units = communes
    rows = (
        units.in_programme()
        .valid_in(year)
        .annotate(state=status)
        .order_by()
        .values(key)
        .annotate(
            communes=Count("pk"),
            not_started=Count("pk", filter=Q(state__isnull=True)),
            draft=Count("pk", filter=Q(state=Assessment.Status.DRAFT)),
            submitted=Count("pk", filter=Q(state=Assessment.Status.SUBMITTED)),
            approved=Count("pk", filter=Q(state=Assessment.Status.APPROVED)),
        )
        .order_by(key)
    )
    rows = list(rows)
    if by_group:
        # All of them (a handful), so the count of queries never depends on the data.
        groups = {g.pk: g for g in CommuneGroup.objects.all()}
        labels = {pk: pick_name(g.name_vi, g.name_en) for pk, g in groups.items()}
        labels[None] = gettext("Chưa phân nhóm")
        order = {pk: (0, g.code) for pk, g in groups.items()} | {None: (1, "")}
        rows.sort(key=lambda r: order[r[key]])
    else:
        labels = {r[key]: r[key] for r in rows}
    return "group" if by_group else "district", [
        CompletenessRow(
            label=labels[row[key]],
            communes=row["communes"],
            not_started=row["not_started"],
            draft=row["draft"],
            submitted=row["submitted"],
            approved=row["approved"],
        )
        for row in rows
    ]
