"""Lineage profile of a commune-level unit: where it came from, and what its predecessors had
achieved. Information only: a new unit inherits no criteria count and no certification."""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import BooleanField, Case, OuterRef, QuerySet, Subquery, Value, When
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce

from communes.models import Commune, Succession
from criteria.models import Certification

# Highest tier first (tiers are cumulative: modern ⊃ model ⊃ advanced ⊃ standard).
TIER_ORDER = list(reversed(Certification.Tier))

# How far back the profile walks: a unit of 01/07/2025 whose predecessor was formed on
# 01/12/2024 (thị trấn Hữu Lũng, which received xã Sơn Hà) from units formed in 2019 is three
# generations; one more leaves room. The bound also stops a cycle in wrong data.
MAX_GENERATIONS = 4


@dataclass
class PredecessorRow:
    succession: Succession
    commune: Commune
    tier: str | None  # highest tier in force on the predecessor's last day
    # The decision of that tier when it was issued outside the app and transcribed without its
    # assessment (Certification.Kind.TRANSCRIBED): its number; "" otherwise.
    transcribed_decision: str = ""
    # 1 for a direct predecessor; 2 for a predecessor of one (`via`), and so on.
    depth: int = 1
    via: Commune | None = None

    @property
    def tier_label(self) -> str:
        return Certification.Tier(self.tier).label if self.tier else ""


@dataclass
class LineageProfile:
    rows: list[PredecessorRow] = field(default_factory=list)

    @property
    def certified(self) -> int:
        return sum(1 for r in self.rows if r.tier)

    @property
    def transcribed(self) -> int:
        """Predecessors whose tier rests on a decision transcribed without its assessment."""
        return sum(1 for r in self.rows if r.transcribed_decision)

    def by_tier(self) -> list[tuple[str, int]]:
        """(tier label, predecessors whose highest tier it is), highest first, non-zero only."""
        counts = [(tier.label, sum(1 for r in self.rows if r.tier == tier)) for tier in TIER_ORDER]
        return [(label, n) for label, n in counts if n]

    @property
    def population(self) -> int | None:
        """Total of the direct predecessors' populations when every one is known (whole
        transfers); None otherwise: a partial transfer brings an unknown share. Earlier
        generations are inside their successors' populations."""
        direct = [r for r in self.rows if r.depth == 1]
        if not direct or any(
            r.commune.population is None or r.succession.is_partial for r in direct
        ):
            return None
        return sum(r.commune.population for r in direct)


def lineage_profile(commune: Commune) -> LineageProfile:
    """The unit's predecessors, and theirs, with their highest certification tier in force on
    their last day. One query."""
    for _successor, profile in lineage_profiles(Commune.objects.filter(pk=commune.pk)):
        return profile
    return LineageProfile()


def _chain(successors: QuerySet[Commune]) -> RawSQL:
    """The ids of the successions that lead to `successors`, back MAX_GENERATIONS generations:
    a recursive CTE (SQLite and PostgreSQL), so the whole chain is one subquery."""
    table = Succession._meta.db_table
    inner, params = successors.order_by().values("pk").query.sql_with_params()
    # The table's name and Django's own compiled subquery, with its parameters: no user input.
    sql = (
        f"WITH RECURSIVE chain(id, predecessor_id, depth) AS ("  # noqa: S608
        f" SELECT s.id, s.predecessor_id, 1 FROM {table} s WHERE s.successor_id IN ({inner})"
        f" UNION SELECT s.id, s.predecessor_id, c.depth + 1 FROM {table} s"
        f" JOIN chain c ON s.successor_id = c.predecessor_id WHERE c.depth < %s"
        f") SELECT id FROM chain"
    )
    return RawSQL(sql, (*params, MAX_GENERATIONS))  # noqa: S611


def lineage_profiles(successors: QuerySet[Commune]) -> list[tuple[Commune, LineageProfile]]:
    """(unit, lineage profile) for each unit of `successors` that has predecessors, by code
    (the province report's new units). One query whatever the number of units and
    generations: the successions are found by a recursive CTE (`_chain`), the tier is a
    subquery on each succession row. A predecessor formed itself from earlier units (xã Sơn Hà
    merged into thị trấn Hữu Lũng on 01/12/2024, which became part of xã Hữu Lũng on
    01/07/2025) brings them in, after it, with their depth and the unit they passed through.

    The tier is the highest one in force on the predecessor's last day, or on the day of the
    transfer for a predecessor that lives on (a partial transfer)."""
    last_day = Coalesce(OuterRef("predecessor__valid_to"), OuterRef("effective_on"))
    best = (
        Certification.objects.in_force_on(last_day)
        .filter(commune=OuterRef("predecessor"))
        .highest_tier_first()
        .order_by("-tier_rank", "-decision_date", "-pk")  # one row for all three subqueries
    )
    links = (
        Succession.objects.filter(pk__in=_chain(successors))
        .select_related("predecessor__district", "successor")
        .annotate(
            tier=Subquery(best.values("tier")[:1]),
            tier_kind=Subquery(best.values("kind")[:1]),
            tier_decision=Subquery(best.values("decision_number")[:1]),
            is_asked=Case(
                When(successor__in=successors.order_by().values("pk"), then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            ),
        )
        .order_by("successor__code", "successor_id", "predecessor__code")
    )
    by_successor: dict[int, list[Succession]] = defaultdict(list)
    asked: list[Commune] = []
    for link in links:
        by_successor[link.successor_id].append(link)
        if link.is_asked and (not asked or asked[-1].pk != link.successor_id):
            asked.append(link.successor)

    def walk(unit_id: int, depth: int, via: Commune | None, seen: set[int], rows: list) -> None:
        for link in by_successor.get(unit_id, []):
            if link.predecessor_id in seen:
                continue
            transcribed = link.tier_kind == Certification.Kind.TRANSCRIBED
            rows.append(
                PredecessorRow(
                    link,
                    link.predecessor,
                    link.tier,
                    link.tier_decision if transcribed else "",
                    depth,
                    via,
                )
            )
            if depth < MAX_GENERATIONS:
                walk(link.predecessor_id, depth + 1, link.predecessor, seen | {unit_id}, rows)

    out: list[tuple[Commune, LineageProfile]] = []
    for unit in asked:
        profile = LineageProfile()
        walk(unit.pk, 1, None, {unit.pk}, profile.rows)
        out.append((unit, profile))
    return out
