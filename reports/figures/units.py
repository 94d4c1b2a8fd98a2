"""The units behind a report's figures: those in scope by kind, in the programme or not, the
certified communes that ended since the previous date and the units formed since, with their
lineage (information only)."""

import datetime
from dataclasses import dataclass

from django.db.models import Count, OuterRef, QuerySet, Subquery
from django.utils.translation import gettext as _
from django.utils.translation import ngettext_lazy

from communes.models import Commune, District
from criteria.lineage import LineageProfile, lineage_profiles
from criteria.models import Certification
from reports.figures.tiers import highest_tier_held


@dataclass(frozen=True)
class EndedRow:
    """A certified programme commune that ended since the previous report date: merged into
    another unit or absorbed into a ward or thị trấn. It counted up to its last day."""

    code: str
    name: str
    district: str
    valid_to: datetime.date
    tier: str
    successors: list[str]
    url: str

    @property
    def tier_label(self) -> str:
        return Certification.Tier(self.tier).label

    @property
    def successors_text(self) -> str:
        return ", ".join(self.successors)


@dataclass(frozen=True)
class NewUnitRow:
    """A unit formed since the previous report date, with its predecessors (information only:
    it inherits no criteria count and no certification)."""

    commune: Commune
    profile: LineageProfile


# Units outside the programme, by kind: "4 phường", "14 thị trấn" (Vietnamese has no plural;
# English has: the form is picked by "n" when formatted).
UNIT_KIND_COUNTS = {
    Commune.Kind.COMMUNE: ngettext_lazy("%(n)s xã", "%(n)s xã", "n"),
    Commune.Kind.WARD: ngettext_lazy("%(n)s phường", "%(n)s phường", "n"),
    Commune.Kind.TOWNSHIP: ngettext_lazy("%(n)s thị trấn", "%(n)s thị trấn", "n"),
    Commune.Kind.SPECIAL_ZONE: ngettext_lazy("%(n)s đặc khu", "%(n)s đặc khu", "n"),
}


@dataclass(frozen=True)
class UnitCounts:
    """The commune-level units in scope on the report's day (every kind), those in the
    programme (the report's denominator) and those outside it by kind: wards, townships and
    special zones are not in the programme (ntm-reference §1; Lạng Sơn from 01/07/2025: 65
    units, 61 xã and 4 phường, §17.3)."""

    total: int = 0
    in_programme: int = 0
    outside: tuple[tuple[str, int], ...] = ()  # (Commune.Kind value, units), by kind

    @property
    def outside_text(self) -> str:
        """ "4 phường", "5 phường, 14 thị trấn"."""
        return ", ".join(UNIT_KIND_COUNTS[kind] % {"n": n} for kind, n in self.outside)


def unit_counts(as_at: datetime.date, communes: QuerySet[Commune]) -> UnitCounts:
    """The commune-level units among `communes` existing on `as_at`, by kind and programme
    (one query)."""
    total, in_programme, outside = 0, 0, {}
    for kind, programme, n in (
        communes.valid_on(as_at)
        .values_list("kind", "in_programme")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        total += n
        if programme:
            in_programme += n
        else:
            outside[kind] = outside.get(kind, 0) + n
    order = list(Commune.Kind)
    return UnitCounts(
        total, in_programme, tuple(sorted(outside.items(), key=lambda kv: order.index(kv[0])))
    )


def ended_certified(
    previous_day: datetime.date, as_at: datetime.date, communes: QuerySet[Commune]
) -> list[EndedRow]:
    """Programme communes among `communes` whose last day falls in [previous_day, as_at) and
    that held a certification on it, with the units they passed to (one query: the succession
    rows are joined, a commune with two successors comes back twice)."""
    rows = (
        communes.in_programme()
        .filter(valid_to__gte=previous_day, valid_to__lt=as_at)
        .annotate(tier=Subquery(highest_tier_held(OuterRef("valid_to")).values("tier")[:1]))
        .filter(tier__isnull=False)
        .values(
            "code",
            "name",
            "valid_to",
            "tier",
            "district__name",
            "district__kind",
            "successor_links__successor__code",
            "successor_links__successor__name",
            "successor_links__successor__kind",
        )
        .order_by("valid_to", "district__code", "code", "successor_links__successor__code")
    )
    out: dict[tuple, EndedRow] = {}
    for r in rows:
        key = (r["code"], r["valid_to"])
        if key not in out:
            district = (
                f"{District.Kind(r['district__kind']).label} {r['district__name']}"
                if r["district__name"]
                else ""
            )
            out[key] = EndedRow(
                code=r["code"],
                name=r["name"],
                district=district,
                valid_to=r["valid_to"],
                tier=r["tier"],
                successors=[],
                url=Commune(code=r["code"], valid_to=r["valid_to"]).get_dated_url(),
            )
        if r["successor_links__successor__code"]:
            out[key].successors.append(
                _("%(kind)s %(name)s (%(code)s)")
                % {
                    "kind": Commune.Kind(r["successor_links__successor__kind"]).label,
                    "name": r["successor_links__successor__name"],
                    "code": r["successor_links__successor__code"],
                }
            )
    return list(out.values())


def new_units(formed: QuerySet[Commune]) -> list[NewUnitRow]:
    """The units of `formed` that have predecessors, with their lineage profiles (one query)."""
    return [
        NewUnitRow(commune, profile)
        for commune, profile in lineage_profiles(formed.order_by("code"))
    ]
