"""Lineage profile of a commune-level unit: where it came from, and what its predecessors had
achieved. Information only: a new unit inherits no criteria count and no certification."""

from dataclasses import dataclass, field

from communes.models import Commune, Succession
from criteria.models import Certification

# Highest tier first (tiers are cumulative: model ⊃ advanced ⊃ standard).
TIER_ORDER = [Certification.Tier.MODEL, Certification.Tier.ADVANCED, Certification.Tier.NTM]


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
    last day. Two queries."""
    links = list(
        Succession.objects.filter(successor=commune)
        .select_related("predecessor__district")
        .order_by("predecessor__code")
    )
    ends = {s.predecessor_id: s.predecessor.valid_to for s in links}
    tiers: dict[int, str] = {}
    certs = Certification.objects.filter(commune_id__in=ends).only(
        "commune_id", "tier", "decision_date", "revoked_on"
    )
    for cert in certs:
        last_day = ends[cert.commune_id]
        if last_day is not None and (
            cert.decision_date > last_day or (cert.revoked_on and cert.revoked_on <= last_day)
        ):
            continue
        held = tiers.get(cert.commune_id)
        if held is None or TIER_ORDER.index(cert.tier) < TIER_ORDER.index(held):
            tiers[cert.commune_id] = cert.tier
    return LineageProfile(
        rows=[PredecessorRow(s, s.predecessor, tiers.get(s.predecessor_id)) for s in links]
    )
