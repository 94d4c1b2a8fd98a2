"""Lineage profile of a commune-level unit: where it came from, and what its predecessors had
achieved. Information only: a new unit inherits no criteria count and no certification."""

from dataclasses import dataclass, field

from django.db.models import OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce

from communes.models import Commune, Succession
from criteria.models import Certification

# Highest tier first (tiers are cumulative: modern ⊃ model ⊃ advanced ⊃ standard).
TIER_ORDER = list(reversed(Certification.Tier))


@dataclass
class PredecessorRow:
    succession: Succession
    commune: Commune
    tier: str | None  # highest tier in force on the predecessor's last day

    @property
    def tier_label(self) -> str:
        return Certification.Tier(self.tier).label if self.tier else ""


@dataclass
class LineageProfile:
    rows: list[PredecessorRow] = field(default_factory=list)

    @property
    def certified(self) -> int:
        return sum(1 for r in self.rows if r.tier)

    def by_tier(self) -> list[tuple[str, int]]:
        """(tier label, predecessors whose highest tier it is), highest first, non-zero only."""
        counts = [(tier.label, sum(1 for r in self.rows if r.tier == tier)) for tier in TIER_ORDER]
        return [(label, n) for label, n in counts if n]

    @property
    def population(self) -> int | None:
        """Total of the predecessors' populations when every one is known (whole transfers);
        None otherwise: a partial transfer brings an unknown share."""
        if not self.rows or any(
            r.commune.population is None or r.succession.is_partial for r in self.rows
        ):
            return None
        return sum(r.commune.population for r in self.rows)


def lineage_profile(commune: Commune) -> LineageProfile:
    """The unit's direct predecessors with their highest certification tier in force on their
    last day. One query."""
    for _successor, profile in lineage_profiles(Commune.objects.filter(pk=commune.pk)):
        return profile
    return LineageProfile()


def lineage_profiles(successors: QuerySet[Commune]) -> list[tuple[Commune, LineageProfile]]:
    """(unit, lineage profile) for each unit of `successors` that has predecessors, by code
    (the province report's new units). One query whatever the number of units: the tier is a
    subquery on each succession row.

    The tier is the highest one in force on the predecessor's last day, or on the day of the
    transfer for a predecessor that lives on (a partial transfer)."""
    last_day = Coalesce(OuterRef("predecessor__valid_to"), OuterRef("effective_on"))
    best = (
        Certification.objects.in_force_on(last_day)
        .filter(commune=OuterRef("predecessor"))
        .highest_tier_first()
    )
    links = (
        Succession.objects.filter(successor__in=successors)
        .select_related("predecessor__district", "successor")
        .annotate(tier=Subquery(best.values("tier")[:1]))
        .order_by("successor__code", "successor_id", "predecessor__code")
    )
    out: list[tuple[Commune, LineageProfile]] = []
    for link in links:
        if not out or out[-1][0].pk != link.successor_id:
            out.append((link.successor, LineageProfile()))
        out[-1][1].rows.append(PredecessorRow(link, link.predecessor, link.tier))
    return out
