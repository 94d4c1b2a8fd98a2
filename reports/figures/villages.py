"""The province report's village figures and its border-commune line, as at the report's day.

Villages (communes.Village) of the units in the report's area that exist on the day: those
recognised and in force, by kind (thôn đạt chuẩn NTM, khu dân cư NTM kiểu mẫu, thôn thông
minh), those recognised for the report's year, the ĐBKK villages on the day and those that left
the ĐBKK list in the year (a designation ended between 1 January and the day, none in force on
it); by commune group when the year's set is keyed by group (2026-2030), else one row. One
query.

Border communes: the programme communes that are border communes on the day, by their dated
designation (communes.CommuneDesignation, kind "bien_gioi"); a unit with no border designation
at all and the old undated flag `Commune.is_border` set counts by the flag (the flag predates
the designations and is kept for the units it was set on: docs/villages.md). One query; the
certified count and the average come from the report's per-commune rows.
"""

import datetime
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Value

from communes.models import (
    Commune,
    CommuneDesignation,
    CommuneGroupAssignment,
    Village,
    VillageDesignation,
    VillageRecognition,
)

KINDS = VillageRecognition.Kind


@dataclass(frozen=True)
class VillageRow:
    group: str  # the commune group's code ("" outside groups; the total row "*")
    villages: int = 0
    ntm: int = 0
    model: int = 0
    smart: int = 0
    recognised_in_year: int = 0
    disadvantaged: int = 0
    left_disadvantaged: int = 0
    # Villages of the demo's invented data among `villages`: the report says so.
    illustrative: int = 0

    def __add__(self, other: "VillageRow") -> "VillageRow":
        return VillageRow(
            "*",
            *(
                getattr(self, f) + getattr(other, f)
                for f in (
                    "villages",
                    "ntm",
                    "model",
                    "smart",
                    "recognised_in_year",
                    "disadvantaged",
                    "left_disadvantaged",
                    "illustrative",
                )
            ),
        )


@dataclass(frozen=True)
class VillageFigures:
    rows: list[VillageRow]
    total: VillageRow

    @property
    def by_group(self) -> bool:
        return len(self.rows) > 1 or any(r.group for r in self.rows)


def village_figures(
    year: int, as_at: datetime.date, communes: QuerySet[Commune], *, by_group: bool
) -> VillageFigures:
    """The village counts of the area's units `communes` as at `as_at` (one query)."""
    in_force = VillageRecognition.objects.in_force_on(as_at).filter(village=OuterRef("pk"))
    dbkk = VillageDesignation.objects.filter(
        village=OuterRef("pk"), kind=VillageDesignation.Kind.DISADVANTAGED
    )
    group = (
        CommuneGroupAssignment.objects.group_in_year(
            year, commune=OuterRef("commune"), field="group__code"
        )
        if by_group
        else Value("")
    )
    rows = (
        Village.objects.valid_on(as_at)
        .filter(commune__in=communes.valid_on(as_at))
        .annotate(
            grp=group,
            is_ntm=Exists(in_force.filter(kind=KINDS.NTM)),
            is_model=Exists(in_force.filter(kind=KINDS.MODEL)),
            is_smart=Exists(in_force.filter(kind=KINDS.SMART)),
            is_new=Exists(
                VillageRecognition.objects.filter(
                    village=OuterRef("pk"), recognised_year=year, decided_on__lte=as_at
                )
            ),
            is_dbkk=Exists(dbkk.valid_on(as_at)),
            was_dbkk=Exists(
                dbkk.filter(valid_to__gte=datetime.date(year, 1, 1), valid_to__lt=as_at)
            ),
        )
        .values("grp")
        .annotate(
            n=Count("pk"),
            ntm=Count("pk", filter=Q(is_ntm=True)),
            model=Count("pk", filter=Q(is_model=True)),
            smart=Count("pk", filter=Q(is_smart=True)),
            new=Count("pk", filter=Q(is_new=True)),
            dbkk=Count("pk", filter=Q(is_dbkk=True)),
            left=Count("pk", filter=Q(was_dbkk=True, is_dbkk=False)),
            illustrative=Count("pk", filter=Q(illustrative=True)),
        )
        .order_by("grp")
    )
    result = [
        VillageRow(
            r["grp"] or "",
            r["n"],
            r["ntm"],
            r["model"],
            r["smart"],
            r["new"],
            r["dbkk"],
            r["left"],
            r["illustrative"],
        )
        for r in rows
    ]
    total = VillageRow("*")
    for r in result:
        total = total + r
    return VillageFigures(result, total)


@dataclass(frozen=True)
class BorderLine:
    communes: int
    certified: int
    average: Decimal


def border_codes(as_at: datetime.date, scope: QuerySet[Commune]) -> set[str]:
    """Codes of the border communes among `scope` (programme communes on `as_at`; one query)."""
    border = CommuneDesignation.objects.filter(
        commune=OuterRef("pk"), kind=CommuneDesignation.Kind.BORDER
    )
    return set(
        scope.filter(
            Exists(border.valid_on(as_at)) | (Q(is_border=True) & ~Exists(border))
        ).values_list("code", flat=True)
    )


def border_line(codes: set[str], commune_rows) -> BorderLine:
    """x/y border communes certified, z criteria on average (over the report's rows)."""
    rows = [r for r in commune_rows if r.code in codes]
    if not rows:
        return BorderLine(0, 0, Decimal("0"))
    average = (Decimal(sum(r.met for r in rows)) / len(rows)).quantize(
        Decimal("0.01"), rounding=ROUND_HALF_UP
    )
    return BorderLine(len(rows), sum(1 for r in rows if r.certified), average)
