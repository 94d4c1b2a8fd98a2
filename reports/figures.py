"""The figures of every report, computed in the database.

Definitions (issue "Reports"): over the programme communes that exist on the report's date
(`as_at`, 31/12 of the year unless asked otherwise: issue 12),
- certified: a certification (any tier) dated on or before that day and not revoked by then;
- average: criteria met in each commune's approved assessment for the year (or, when it has
  none, its latest earlier approved one, "carried forward"), summed and divided by the number of
  programme communes; a commune never assessed counts 0.
The provisional variant also counts submitted assessments.

Units and certifications are taken as they stand on `as_at`; assessments by their year (the
assessments of 2025 close the 2021-2025 period on the old units as at 30/06/2025). A commune
that ended is counted up to its last day and then listed among the units that left; a unit
formed later inherits no criteria count and no certification, and its lineage is shown as
information only.

Every report names each set it used with the communes judged by it, gives per-criterion rows
per set (never matched across sets by number), and says how many criterion results rest on a
manual decision or on an unconfirmed threshold.

Across a change of set or of units (issue 23): the year before is compared (columns, criteria
gained and lost) only when it was judged under the report's set; the progress line breaks at a
change of set and on 01/07/2025; a tier is shown only when a set of it is in force in the year
(or communes hold it or have a dossier for it); "near the standard" and the revocation rule
are properties of the set (CriteriaSet.near_standard_missing, revocation_*), said to be
unconfirmed where the catalogue has none.

Which assessment counts (criteria.standing): the approved standard assessment of the year, or
the latest earlier one under the set of the year; a commune assessed only under another set is
"chưa đánh giá theo bộ tiêu chí mới" and counts 0.
"""

import datetime
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import (
    CharField,
    Count,
    Exists,
    F,
    IntegerField,
    Max,
    OuterRef,
    Q,
    QuerySet,
    StringAgg,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Cast, Coalesce
from django.utils.translation import gettext as _
from django.utils.translation import ngettext_lazy

from communes.models import (
    DISTRICTS_END,
    TWO_TIER_START,
    Commune,
    CommuneGroupAssignment,
    District,
    Succession,
    valid_on_q,
    year_end,
)
from criteria.applicable import criteria_set_for_year
from criteria.lineage import LineageProfile, lineage_profiles
from criteria.models import (
    TIER_LEVEL,
    Assessment,
    Certification,
    CriteriaSet,
    Criterion,
    CriterionResult,
    IndicatorValue,
    Threshold,
)
from criteria.naming import pick_name
from criteria.standing import (
    Band,
    assessed_before,
    bands_for,
    certified_in,
    counted_assessments,
    counted_statuses,
    counts_for,
    decode_standing,
    decode_standing_set,
    standing_code,
)
from dossiers.models import Dossier


def programme_communes(
    communes: QuerySet[Commune], year: int, *, as_at: datetime.date | None = None
) -> QuerySet[Commune]:
    """The programme communes among `communes` (a report's area: every unit of a province, a
    district, the country) that exist on `as_at` (default 31/12 of `year`)."""
    return communes.in_programme().valid_on(as_at or year_end(year))


@dataclass(frozen=True)
class Headline:
    year: int
    communes: int
    certified: int
    criteria_total: int
    carried_forward: int
    not_assessed: int
    # Assessed before, but not under the set of the year: counted 0, never carried forward.
    not_reassessed: int = 0
    # The day the units and certifications are taken on (31/12 of `year` unless asked).
    as_at: datetime.date | None = None
    # The code of the criteria set of the year (its period's), when known: the progress chart
    # never joins averages of two sets.
    set_code: str | None = None

    @property
    def day(self) -> datetime.date:
        return self.as_at or year_end(self.year)

    @property
    def is_year_end(self) -> bool:
        return self.day == year_end(self.year)

    @property
    def average(self) -> Decimal:
        """Criteria per commune, rounded half up to two decimals (8.647… -> 8.65)."""
        if not self.communes:
            return Decimal("0.00")
        return (Decimal(self.criteria_total) / self.communes).quantize(
            Decimal("0.01"), rounding=ROUND_HALF_UP
        )

    @property
    def certified_percent(self) -> Decimal:
        if not self.communes:
            return Decimal("0.0")
        return (Decimal(100 * self.certified) / self.communes).quantize(
            Decimal("0.1"), rounding=ROUND_HALF_UP
        )


def headline(
    year: int,
    provisional: bool = False,
    *,
    communes: QuerySet[Commune],
    as_at: datetime.date | None = None,
) -> Headline:
    """Headline figures for the programme communes among `communes` (one query)."""
    scope_qs = programme_communes(communes, year, as_at=as_at)
    tally = _tallies(year, provisional, scope_qs, as_at=as_at)[None]
    return tally.as_headline(year, as_at)


@dataclass
class _Tally:
    """Headline figures and band counts added up from (standing, certified, communes) groups."""

    communes: int = 0
    certified: int = 0
    criteria_total: int = 0
    carried_forward: int = 0
    not_assessed: int = 0
    not_reassessed: int = 0
    met_counts: dict[int, int] = field(default_factory=dict)  # criteria met -> communes
    by_set: dict[int, int] = field(default_factory=dict)  # criteria set id -> communes judged

    def add(
        self, year: int, standing: int | None, certified: bool, n: int, before: bool = False
    ) -> None:
        met, met_year = decode_standing(standing)
        self.communes += n
        self.certified += n if certified else 0
        self.criteria_total += met * n
        self.carried_forward += n if met_year is not None and met_year < year else 0
        if met_year is None:
            if before:
                self.not_reassessed += n
            else:
                self.not_assessed += n
        else:
            set_id = decode_standing_set(standing)
            self.by_set[set_id] = self.by_set.get(set_id, 0) + n
        self.met_counts[met] = self.met_counts.get(met, 0) + n

    def as_headline(self, year: int, as_at: datetime.date | None = None) -> Headline:
        return Headline(
            year=year,
            communes=self.communes,
            certified=self.certified,
            criteria_total=self.criteria_total,
            carried_forward=self.carried_forward,
            not_assessed=self.not_assessed,
            as_at=as_at or year_end(year),
            not_reassessed=self.not_reassessed,
        )

    def bands(self, bands: list["Band"]) -> list["BandRow"]:
        rows = []
        for band in bands:
            count = sum(
                n
                for met, n in self.met_counts.items()
                if met >= band.low and (band.is_top or met <= band.high)
            )
            rows.append(BandRow(band, count, _percent(count, self.communes)))
        return rows


def _tallies(
    year: int,
    provisional: bool,
    scope_qs: QuerySet[Commune],
    grouping: "Grouping | None" = None,
    as_at: datetime.date | None = None,
) -> dict:
    """Tallies per area of `grouping` (key: the area's values() row as a tuple) and in total
    (key None), in ONE query.

    The database counts communes per (area, standing, certified): the standing subquery runs
    once per commune (it sits in GROUP BY) instead of once per figure that reads it, and the
    groups (at most areas x years x criteria x 2, about 2,000 nationally, 40 for a district)
    are added up here. A Count(filter=...) per figure would repeat the subquery in every filter:
    13 index probes per commune, 280 ms for the national table by province, against 30 ms."""
    fields = grouping.fields if grouping else []
    if grouping:
        scope_qs = scope_qs.annotate(**grouping.annotations(year))
    groups = (
        scope_qs.annotate(
            standing=standing_code(year, provisional),
            certified=certified_in(year, as_at=as_at),
            before=assessed_before(year, provisional),
        )
        .values(*fields, "standing", "certified", "before")
        .annotate(n=Count("pk"))
        .order_by()
    )
    tallies = {None: _Tally()}
    for g in groups:
        args = (year, g["standing"], g["certified"], g["n"], g["before"])
        tallies[None].add(*args)
        if grouping:
            key = tuple(g[f] for f in fields)
            tallies.setdefault(key, _Tally()).add(*args)
    return tallies


def years_with_data(communes: QuerySet[Commune]) -> list[int]:
    """Years that have at least one assessment of one of `communes`, newest first (one
    query)."""
    return list(
        Assessment.objects.standard()
        .filter(commune__in=communes)
        .values_list("year", flat=True)
        .distinct()
        .order_by("-year")
    )


# --- The full report ------------------------------------------------------------------------
#
# `report_figures()` gathers everything a province or district report shows in a fixed number of
# queries (see its docstring), whatever the number of communes. The HTML page, the PDF and the
# workbook all render the same `ReportFigures`.

# The numbers of a report's sections, as the administration writes them.
SECTION_NUMBERS = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII")


def _percent(part: int, whole: int, places: str = "0.1") -> Decimal:
    if not whole:
        return Decimal(places) * 0
    return (Decimal(100 * part) / whole).quantize(Decimal(places), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class BandRow:
    band: Band
    count: int
    percent: Decimal


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


@dataclass(frozen=True)
class KeepingRow:
    """A certified commune whose approved assessment of the year no longer meets every
    criterion of the set in force (giữ chuẩn), and whether the set's revocation triggers are
    reached (CriteriaSet.revocation_*: 18/2022/QĐ-TTg for 2021-2025, ntm-reference §7.5): a
    warning only, revocation stays the provincial chairman's decision."""

    commune: "CommuneRow"
    criteria_set: CriteriaSet
    criteria_count: int
    failing: list[int]
    key_failing: list[str]

    @property
    def failing_share(self) -> Decimal:
        return Decimal(len(self.failing)) / self.criteria_count

    @property
    def failing_percent(self) -> Decimal:
        return _percent(len(self.failing), self.criteria_count)

    @property
    def trigger(self) -> str:
        """ "half" (at least the set's share fails), "key" (at least the lower share with a
        key criterion), "unconfirmed" (the set has no known rule) or "" (not reached)."""
        rule = self.criteria_set
        if not rule.has_revocation_rule:
            return "unconfirmed"
        share = self.failing_share * 100
        if share >= rule.revocation_percent:
            return "half"
        if (
            rule.revocation_key_percent is not None
            and share >= rule.revocation_key_percent
            and self.key_failing
        ):
            return "key"
        return ""

    @property
    def failing_text(self) -> str:
        return ", ".join(str(n) for n in self.failing)


@dataclass(frozen=True)
class Judgements:
    """How many criterion results counted in a report rest on a manual decision (a manual
    indicator decision, or a criterion judged as a whole) and how many on a computed result
    against an unconfirmed threshold."""

    manual: int
    unconfirmed: int


@dataclass(frozen=True)
class AreaRow:
    """One row of the table "by district" (province report) or "by province" (national)."""

    code: str
    name: str
    headline: Headline
    bands: list[BandRow]


@dataclass(frozen=True)
class Grouping:
    """How a report splits its communes into table rows: the `values()` fields of the area's
    code and name, and how to label it."""

    kind: str  # "district" | "province" | "former_district" | "commune_group"
    code: str
    name: str
    district_kind: str | None = None  # the district's kind, for "Huyện Chi Lăng"

    @property
    def fields(self) -> list[str]:
        return [f for f in (self.code, self.name, self.district_kind) if f]

    def annotations(self, year: int) -> dict:
        """Subqueries that compute the fields of the groupings that are not columns."""
        if self.kind == "former_district":
            # The unit's own district while it has one (units older than the reform that
            # outlived their district), else the district its predecessors lay in.
            return {
                name: Coalesce(F(f"district__{column}"), _former_district(column))
                for name, column in zip(self.fields, ("code", "name", "kind"), strict=True)
            }
        if self.kind == "commune_group":
            return {
                self.code: CommuneGroupAssignment.objects.group_in_year(
                    year, commune=OuterRef("pk"), field="group__code"
                ),
                self.name: CommuneGroupAssignment.objects.group_in_year(
                    year, commune=OuterRef("pk"), field="group__name_vi"
                ),
            }
        return {}

    def label(self, row: dict) -> str:
        if row[self.code] is None:  # a unit without lineage, or not assigned to a group
            if self.kind == "commune_group":
                return _("Chưa phân nhóm")
            return _("Không xác định")
        if self.district_kind:
            return f"{District.Kind(row[self.district_kind]).label} {row[self.name]}"
        return row[self.name]

    @property
    def title(self) -> str:
        """The heading of the report's table by area (its number aside)."""
        if self.kind == "province":
            return _("Kết quả theo tỉnh")
        if self.kind == "former_district":
            return _("Kết quả theo huyện cũ")
        return _("Kết quả theo huyện")

    @property
    def column(self) -> str:
        """The header of the column naming the areas."""
        if self.kind == "province":
            return _("Tỉnh")
        if self.kind == "former_district":
            return _("Huyện cũ")
        return _("Huyện")

    @staticmethod
    def sort_key(key: tuple) -> tuple:
        """Areas by code, the unknown one last."""
        return (key[0] is None, key[0] or "")


def _former_district(column: str) -> Subquery:
    """The district most of a unit's predecessors lay in (a tie goes to the lowest district
    code; whole and partial transfers count alike): the "former district" of a unit formed
    on 01/07/2025, when districts ended."""
    return Subquery(
        Succession.objects.filter(successor=OuterRef("pk"), predecessor__district__isnull=False)
        .values(
            "predecessor__district__code",
            "predecessor__district__name",
            "predecessor__district__kind",
        )
        .annotate(n=Count("pk"))
        .order_by("-n", "predecessor__district__code")
        .values(f"predecessor__district__{column}")[:1]
    )


BY_DISTRICT = Grouping("district", "district__code", "district__name", "district__kind")
BY_PROVINCE = Grouping("province", "province__code", "province__name")
# After 30/06/2025 (no districts): the province report groups its units by former district,
# and by commune group when the criteria set keys its thresholds by group.
BY_FORMER_DISTRICT = Grouping(
    "former_district", "former_district_code", "former_district_name", "former_district_kind"
)
BY_COMMUNE_GROUP = Grouping("commune_group", "commune_group_code", "commune_group_name")


@dataclass(frozen=True)
class TierRow:
    tier: str
    label: str
    count: int
    percent: Decimal
    # Communes whose dossier for the year and tier is not yet completed by a decision on the
    # report's day (đang hoàn thiện hồ sơ đề nghị công nhận).
    in_progress: int = 0
    # Of `count`, communes whose decision of the tier is one issued outside the app and entered
    # without its assessment (Certification.Kind.TRANSCRIBED).
    transcribed: int = 0


@dataclass
class CommuneRow:
    code: str
    name: str
    district: str
    met: int
    met_year: int | None
    tier: str | None
    missing: list[int] = field(default_factory=list)
    set_id: int | None = None
    manual: list[int] = field(default_factory=list)  # criteria numbers resting on a decision
    unconfirmed: list[int] = field(default_factory=list)  # ... on an unconfirmed threshold
    met_before: int = 0
    gained: list[int] = field(default_factory=list)
    lost: list[int] = field(default_factory=list)
    # Counted on an earlier year's assessment (none of the report's year): starred in the annex.
    carried_forward: bool = False

    @property
    def certified(self) -> bool:
        return self.tier is not None

    @property
    def tier_label(self) -> str:
        return Certification.Tier(self.tier).label if self.tier else ""

    @property
    def missing_text(self) -> str:
        return ", ".join(str(n) for n in self.missing)

    @property
    def gained_text(self) -> str:
        return ", ".join(str(n) for n in self.gained)

    @property
    def lost_text(self) -> str:
        return ", ".join(str(n) for n in self.lost)

    @property
    def manual_text(self) -> str:
        return ", ".join(str(n) for n in self.manual)

    @property
    def unconfirmed_text(self) -> str:
        return ", ".join(str(n) for n in self.unconfirmed)


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


@dataclass(frozen=True)
class LateRecognition:
    """A decision recognising a commune for the report's year N, signed after 31/12 of N
    (Lạng Sơn's 99, 103 and 105/QĐ-UBND of 26/01/2023 recognise "năm 2022", ntm-reference
    §17.2). The certified count "by 31/12 of N" goes by decision date and leaves it out; the
    report lists it in a note, as provincial reports do."""

    code: str
    name: str
    tier: str
    decision_number: str
    decision_date: datetime.date
    revoked_on: datetime.date | None = None

    @property
    def tier_label(self) -> str:
        return Certification.Tier(self.tier).label


@dataclass(frozen=True)
class LateRecognitions:
    """The recognitions of year N decided later: how many communes, the latest decision year
    and (with the per-commune rows) the decisions."""

    year: int
    communes: int = 0
    last_decision_year: int | None = None
    rows: list[LateRecognition] = field(default_factory=list)

    @property
    def all_next_year(self) -> bool:
        """Every decision was signed in N+1 ("theo quyết định ban hành năm N+1")."""
        return self.last_decision_year == self.year + 1


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


@dataclass
class ReportFigures:
    year: int
    provisional: bool
    criteria_set: CriteriaSet
    criteria: list[tuple[int, str]]
    headline: Headline
    previous: Headline
    tiers: list[TierRow]
    bands: list[BandRow]
    per_criterion: list[CriterionRow]
    # The table by district (province report) or by province (national summary), empty in a
    # district report; its total row equals the headline.
    grouping: Grouping | None
    areas: list[AreaRow]
    area_total: AreaRow | None
    # Empty when the report was built without its per-commune lists (the national summary's
    # HTML and PDF): see `has_communes`.
    communes: list[CommuneRow]
    progress: list[Headline]
    has_communes: bool = True
    sets_used: list[SetUsage] = field(default_factory=list)
    judgements: Judgements = Judgements(0, 0)
    as_at: datetime.date | None = None
    # The day the previous column is taken on (31/12 of the year before).
    previous_day: datetime.date | None = None
    # Certified communes that ended between `previous_day` and `as_at`, and units formed then
    # (empty without the per-commune rows).
    ended_certified: list[EndedRow] = field(default_factory=list)
    new_units: list[NewUnitRow] = field(default_factory=list)
    # The table by commune group, when the criteria set keys its thresholds by group.
    group_areas: list[AreaRow] = field(default_factory=list)
    # Recognitions of the year decided in a later year (a note beside the certified count).
    late_recognitions: LateRecognitions | None = None
    # Every commune-level unit in scope on the day, in the programme or not.
    units: UnitCounts = UnitCounts()
    # The set of the year before (its period's): the columns of the two years are compared
    # only when it is the report's set.
    previous_set: CriteriaSet | None = None
    # From 2026 (a set judged by commune group): the year set's criteria per group.
    per_criterion_by_group: list[GroupCriterionRow] = field(default_factory=list)

    @property
    def day(self) -> datetime.date:
        return self.as_at or year_end(self.year)

    @property
    def is_year_end(self) -> bool:
        return self.day == year_end(self.year)

    @property
    def two_tier(self) -> bool:
        """The report's units are those of the two-tier system (no districts)."""
        return self.day >= TWO_TIER_START

    @property
    def units_changed(self) -> bool:
        """The previous column stands on other units (a merger or the 2025 reform between the
        two dates): the change is not like for like."""
        return bool(self.ended_certified or self.new_units) or (
            self.previous_day is not None and self.previous_day < TWO_TIER_START <= self.day
        )

    @property
    def criteria_count(self) -> int:
        return len(self.criteria)

    @property
    def comparable(self) -> bool:
        """The year before was judged under the report's own set: only then are the two years
        compared (averages of 19 and of 10 criteria say nothing side by side)."""
        return self.previous_set is not None and self.previous_set.pk == self.criteria_set.pk

    @property
    def by_group(self) -> bool:
        """The report's set keys its levels by commune group (2026-2030)."""
        return self.criteria_set.threshold_basis == CriteriaSet.ThresholdBasis.COMMUNE_GROUP

    @property
    def has_districts(self) -> bool:
        """Some unit of the report has a district: before 01/07/2025 always; after it, no
        "Huyện" column is printed, since every unit of the two-tier system lacks one."""
        return not self.two_tier or any(c.district for c in self.communes)

    @property
    def certified_change(self) -> int:
        return self.headline.certified - self.previous.certified

    @property
    def average_change(self) -> Decimal:
        return self.headline.average - self.previous.average

    @property
    def gained(self) -> list[CommuneRow]:
        if not self.comparable:
            return []
        return [c for c in self.communes if c.gained]

    @property
    def lost(self) -> list[CommuneRow]:
        if not self.comparable:
            return []
        return [c for c in self.communes if c.lost]

    @property
    def changed(self) -> list[CommuneRow]:
        """Communes that gained or lost a criterion since the year before (same set only)."""
        if not self.comparable:
            return []
        return [c for c in self.communes if c.gained or c.lost]

    @property
    def near_standard_missing(self) -> int | None:
        """How many missing criteria still count as near the standard: the set's (None when
        the catalogue does not say: UNCONFIRMED, no list)."""
        return self.criteria_set.near_standard_missing

    @property
    def near_standard(self) -> list[CommuneRow]:
        """Assessed communes missing 1 to the set's `near_standard_missing` criteria, the most
        advanced first; none when the set does not define it."""
        if self.near_standard_missing is None:
            return []
        low = max(1, self.criteria_count - self.near_standard_missing)
        rows = [
            c
            for c in self.communes
            if c.met_year is not None and low <= c.met < self.criteria_count and not c.certified
        ]
        return sorted(rows, key=lambda c: (-c.met, c.code))

    @property
    def carried_forward(self) -> list[CommuneRow]:
        return [c for c in self.communes if c.carried_forward]

    @property
    def sections(self) -> dict[str, str]:
        """The number (I, II, ...) of each section the report has, in the order printed: the
        table by area only when there is one, the per-commune lists only with the communes."""
        names = ["general", "bands", "criteria"]
        if self.areas:
            names.append("areas")
        if self.has_communes:
            names += ["near_standard", "changes", "keeping_standard"]
        else:
            names.append("no_communes")
        return dict(zip(names, SECTION_NUMBERS, strict=False))

    @property
    def revocation_key_names(self) -> list[str]:
        """The names of the year set's key criteria of its revocation rule, by number."""
        usage = next((u for u in self.sets_used if u.is_year_set), None)
        if usage is None:
            return []
        return [
            f"{n}. {usage.names_vi[n]}"
            for n in self.criteria_set.revocation_key_numbers
            if n in usage.names_vi
        ]

    @property
    def not_assessed(self) -> list[CommuneRow]:
        return [c for c in self.communes if c.met_year is None]

    @property
    def keeping_standard(self) -> list[KeepingRow]:
        """Certified communes whose approved assessment of this year, under the set in force,
        misses a criterion (giữ chuẩn), with the 18/2022 revocation triggers; no query."""
        usage = next((u for u in self.sets_used if u.is_year_set), None)
        if usage is None or not usage.criteria:
            return []
        criteria_set = usage.criteria_set
        key = set(criteria_set.revocation_key_numbers)
        rows = []
        for c in self.communes:
            if not c.certified or c.met_year != self.year or c.set_id != criteria_set.pk:
                continue
            if not c.missing:
                continue
            rows.append(
                KeepingRow(
                    c,
                    criteria_set,
                    len(usage.criteria),
                    list(c.missing),
                    [usage.names_vi.get(n, "") for n in c.missing if n in key],
                )
            )
        return sorted(rows, key=lambda r: (-len(r.failing), r.commune.code))


def progress_points(
    year: int, as_at: datetime.date, years: list[int]
) -> list[tuple[int, datetime.date]]:
    """The (year, day) points of the multi-year chart: each earlier year with data at 31/12,
    30/06/2025 when the report's year spans the 2025 reform (the last day of the old units),
    and the report's own day."""
    points = [(y, year_end(y)) for y in sorted(set(years)) if y < year]
    if year_end(year - 1) < DISTRICTS_END < as_at:
        points.append((year, DISTRICTS_END))
    points.append((year, as_at))
    return points


def _progress(
    provisional: bool, points: list[tuple[int, datetime.date]], communes: QuerySet[Commune]
) -> list[Headline]:
    """Headline figures for each (year, day) of `points` in ONE query: a subquery per point on
    the programme communes in scope, each point's sums filtered to the communes that existed on
    its day, and the criteria set of each point's year."""
    if not points:
        return []
    qs = communes.in_programme()
    annotations, aggregates = {}, {}
    for i, (y, day) in enumerate(points):
        annotations[f"met_{i}"] = Coalesce(
            Subquery(counted_assessments(y, provisional).values("criteria_met")[:1]),
            0,
            output_field=IntegerField(),
        )
        annotations[f"cert_{i}"] = Exists(
            Certification.objects.in_force_on(day).filter(commune=OuterRef("pk"))
        )
        exists = valid_on_q(day)
        # The year's set: a subquery of no row, evaluated once by the database.
        aggregates[f"set_{i}"] = Max(
            Subquery(CriteriaSet.objects.for_year(y).values("code")[:1]),
            output_field=CharField(),
        )
        aggregates[f"communes_{i}"] = Count("pk", filter=exists)
        aggregates[f"certified_{i}"] = Count("pk", filter=exists & Q(**{f"cert_{i}": True}))
        aggregates[f"total_{i}"] = Coalesce(Sum(f"met_{i}", filter=exists), 0)
    row = qs.annotate(**annotations).aggregate(**aggregates)
    return [
        Headline(
            year=y,
            communes=row[f"communes_{i}"],
            certified=row[f"certified_{i}"],
            criteria_total=row[f"total_{i}"],
            carried_forward=0,
            not_assessed=0,
            as_at=day,
            set_code=row[f"set_{i}"],
        )
        for i, (y, day) in enumerate(points)
    ]


def report_figures(
    year: int,
    provisional: bool = False,
    *,
    grouping: Grouping | None = BY_DISTRICT,
    with_communes: bool = True,
    communes: QuerySet[Commune],
    as_at: datetime.date | None = None,
) -> ReportFigures:
    """Every figure of a report for the programme communes among `communes` (the units of the
    report's area: `Commune.objects.filter(province=...)`, all of them for the country), with
    units and certifications as they stand on `as_at` (default 31/12 of `year`).

    A fixed number of queries whatever the number of communes and provinces: the criteria sets
    usable in the year, of every tier, and the set's criteria (2), the set of the year before
    (1), the headline, bands and table by district or province for the year
    (1) and the headline of the year before (1), tiers (1), per criterion (1), the years with
    data and the progress (2), what the counted results rest on (1: manual decisions and
    unconfirmed thresholds); with the per-commune rows, those rows (1), their criterion
    results for both years (1), the certified communes that ended since the previous year (1)
    and the lineage of the units formed since (1); the recognitions of the year decided later
    (1), the units in scope by kind, in the programme or not (1) and the dossiers in progress
    (1). Thirteen queries, seventeen with the communes; one more for the table by commune group
    when the set is keyed by group (2026-2030).

    `grouping` picks the table's rows: BY_DISTRICT (province report; BY_FORMER_DISTRICT from
    01/07/2025, when districts no longer exist), BY_PROVINCE (national summary) or None
    (district report). `with_communes=False` leaves out the per-commune rows (annex,
    near-standard and changes lists), which at national scale are 8,200 rows."""
    as_at = as_at or year_end(year)
    previous_day = year_end(year - 1)
    # Every set usable in the year, of every tier (one query): the standard set of the year
    # is the first of its level, as criteria_set_for_year picks it; a tier with none is left
    # out of the table of tiers.
    year_sets = list(CriteriaSet.objects.for_year(year, level=None).with_amendments(as_at))
    criteria_set = next((s for s in year_sets if s.level == CriteriaSet.Level.COMMUNE), None)
    if criteria_set is None:
        criteria_set_for_year(year)  # raises the ValidationError that says so
    previous_set = CriteriaSet.objects.for_year(year - 1).first()
    scope_qs = programme_communes(communes, year, as_at=as_at)
    if grouping is BY_DISTRICT and as_at >= TWO_TIER_START:
        grouping = BY_FORMER_DISTRICT  # units from 01/07/2025 have no district

    tallies = _tallies(year, provisional, scope_qs, grouping, as_at)
    current = tallies[None].as_headline(year, as_at)
    sets_used = _sets_used(criteria_set, tallies[None].by_set)
    criteria = sets_used[0].criteria
    bands = bands_for(len(criteria))
    band_rows = tallies[None].bands(bands)
    previous = headline(year - 1, provisional, communes=communes)

    # Tiers: communes holding a certification of each tier in force on the day (a commune with
    # two tiers counts in both), and of them those holding a transcribed decision of it.
    tier_counts, transcribed = {}, {}
    for tier, n, k in (
        Certification.objects.in_force_on(as_at)
        .filter(commune__in=scope_qs)
        .values("tier")
        .annotate(
            n=Count("commune", distinct=True),
            k=Count("commune", distinct=True, filter=Q(kind=Certification.Kind.TRANSCRIBED)),
        )
        .values_list("tier", "n", "k")
    ):
        tier_counts[tier], transcribed[tier] = n, k
    in_progress = _dossiers_in_progress(year, as_at, scope_qs)
    # A tier is shown when a set of it is in force in the year (no "nâng cao 0" in 2026, when
    # no national advanced set exists: ntm-reference §16.5), or when communes hold it or are
    # on their way to it.
    levels = {s.level for s in year_sets}
    tiers = [
        TierRow(
            t.value,
            t.label,
            tier_counts.get(t.value, 0),
            _percent(tier_counts.get(t.value, 0), current.communes),
            in_progress.get(t.value, 0),
            transcribed.get(t.value, 0),
        )
        for t in Certification.Tier
        if TIER_LEVEL[t] in levels or tier_counts.get(t.value) or in_progress.get(t.value)
    ]

    by_group = (
        grouping is not None
        and grouping is not BY_PROVINCE
        and criteria_set.threshold_basis == CriteriaSet.ThresholdBasis.COMMUNE_GROUP
    )
    per_key = _met_per_criterion(year, provisional, scope_qs, by_group=by_group)
    per_number: dict[tuple[int, int], int] = {}
    for (set_id, number, _group), n in per_key.items():
        per_number[(set_id, number)] = per_number.get((set_id, number), 0) + n
    for usage in sets_used:
        usage.per_criterion = [
            CriterionRow(
                n,
                name,
                per_number.get((usage.criteria_set.pk, n), 0),
                _percent(per_number.get((usage.criteria_set.pk, n), 0), current.communes),
            )
            for n, name in usage.criteria
        ]
    per_criterion = sets_used[0].per_criterion

    areas, area_total, group_areas = [], None, []
    if grouping is not None:
        areas = _area_rows(year, as_at, grouping, tallies, bands)
        area_total = AreaRow("", _("Tổng"), current, band_rows)
        if by_group:
            group_tallies = _tallies(year, provisional, scope_qs, BY_COMMUNE_GROUP, as_at)
            group_areas = _area_rows(year, as_at, BY_COMMUNE_GROUP, group_tallies, bands)
    per_criterion_by_group = [
        GroupCriterionRow(
            r.number,
            r.name,
            [
                (
                    per_key.get((criteria_set.pk, r.number, g.code or None), 0),
                    _percent(
                        per_key.get((criteria_set.pk, r.number, g.code or None), 0),
                        g.headline.communes,
                    ),
                )
                for g in group_areas
            ],
            r.count,
            r.percent,
        )
        for r in sets_used[0].per_criterion
    ]

    if with_communes:
        commune_rows = _commune_rows(year, provisional, scope_qs, as_at)
        judgements = Judgements(
            manual=sum(len(r.manual) for r in commune_rows),
            unconfirmed=sum(len(r.unconfirmed) for r in commune_rows),
        )
    else:
        commune_rows = []
        judgements = _judgement_counts(year, provisional, scope_qs)
    years = [y for y in years_with_data(communes) if y <= year]
    return ReportFigures(
        year=year,
        provisional=provisional,
        criteria_set=criteria_set,
        criteria=criteria,
        headline=current,
        previous=previous,
        tiers=tiers,
        bands=band_rows,
        per_criterion=per_criterion,
        grouping=grouping,
        areas=areas,
        area_total=area_total,
        communes=commune_rows,
        progress=_progress(provisional, progress_points(year, as_at, years), communes),
        has_communes=with_communes,
        as_at=as_at,
        previous_day=previous_day,
        ended_certified=(_ended_certified(previous_day, as_at, communes) if with_communes else []),
        new_units=(
            _new_units(scope_qs.filter(valid_from__gt=previous_day)) if with_communes else []
        ),
        group_areas=group_areas,
        sets_used=sets_used,
        per_criterion_by_group=per_criterion_by_group,
        previous_set=previous_set,
        judgements=judgements,
        late_recognitions=_late_recognitions(year, scope_qs, with_rows=with_communes),
        units=_unit_counts(as_at, communes),
    )


def _dossiers_in_progress(
    year: int, as_at: datetime.date, scope_qs: QuerySet[Commune]
) -> dict[str, int]:
    """Tier -> communes in scope with a dossier for `year` and that tier not yet completed by
    a decision on `as_at` (đang hoàn thiện hồ sơ đề nghị công nhận; the dossiers' own rule,
    `Dossier.objects.in_progress`; one query)."""
    return dict(
        Dossier.objects.filter(commune__in=scope_qs, year=year)
        .in_progress(on=as_at)
        .order_by()
        .values("tier")
        .annotate(n=Count("commune", distinct=True))
        .values_list("tier", "n")
    )


def _late_recognitions(
    year: int, scope_qs: QuerySet[Commune], *, with_rows: bool
) -> LateRecognitions:
    """Certifications of the communes in scope recognising `year` with a decision dated after
    31/12 of it (any tier, revoked or not: each decision is listed with its fate). One query:
    the decisions, or without the rows their counts."""
    decided_later = Certification.objects.filter(
        commune__in=scope_qs, recognised_year=year, decision_date__gt=year_end(year)
    )
    if not with_rows:
        found = decided_later.aggregate(
            communes=Count("commune", distinct=True), last=Max("decision_date")
        )
        last = found["last"]
        return LateRecognitions(year, found["communes"], last.year if last else None)
    rows = [
        LateRecognition(
            code=r["commune__code"],
            name=r["commune__name"],
            tier=r["tier"],
            decision_number=r["decision_number"],
            decision_date=r["decision_date"],
            revoked_on=r["revoked_on"],
        )
        for r in decided_later.order_by("decision_date", "commune__code", "tier").values(
            "commune__code",
            "commune__name",
            "tier",
            "decision_number",
            "decision_date",
            "revoked_on",
        )
    ]
    return LateRecognitions(
        year,
        len({r.code for r in rows}),
        max((r.decision_date.year for r in rows), default=None),
        rows,
    )


def _unit_counts(as_at: datetime.date, communes: QuerySet[Commune]) -> UnitCounts:
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


def _area_rows(
    year: int, as_at: datetime.date, grouping: Grouping, tallies: dict, bands: list[Band]
) -> list[AreaRow]:
    areas = []
    for key in sorted((k for k in tallies if k is not None), key=Grouping.sort_key):
        tally = tallies[key]
        row = dict(zip(grouping.fields, key, strict=True))
        areas.append(
            AreaRow(
                row[grouping.code] or "",
                grouping.label(row),
                tally.as_headline(year, as_at),
                tally.bands(bands),
            )
        )
    return areas


def _best_tier(day) -> QuerySet[Certification]:
    """A commune's certifications in force on `day` (a date or an expression on the outer
    commune), the highest tier first (for a Subquery)."""
    return (
        Certification.objects.in_force_on(day).filter(commune=OuterRef("pk")).highest_tier_first()
    )


def _ended_certified(
    previous_day: datetime.date, as_at: datetime.date, communes: QuerySet[Commune]
) -> list[EndedRow]:
    """Programme communes among `communes` whose last day falls in [previous_day, as_at) and
    that held a certification on it, with the units they passed to (one query: the succession
    rows are joined, a commune with two successors comes back twice)."""
    rows = (
        communes.in_programme()
        .filter(valid_to__gte=previous_day, valid_to__lt=as_at)
        .annotate(tier=Subquery(_best_tier(OuterRef("valid_to")).values("tier")[:1]))
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


def _new_units(formed: QuerySet[Commune]) -> list[NewUnitRow]:
    """The units of `formed` that have predecessors, with their lineage profiles (one query)."""
    return [
        NewUnitRow(commune, profile)
        for commune, profile in lineage_profiles(formed.order_by("code"))
    ]


def _sets_used(year_set: CriteriaSet, by_set: dict[int, int]) -> list[SetUsage]:
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


def _counted_results(year: int, provisional: bool, scope_qs: QuerySet[Commune]):
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
    the rows of one report use `_basis_of` (one grouped scan of the assessments' values)."""
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


def _basis_of(results: dict[int, set[int]]) -> dict[int, tuple[list[int], list[int]]]:
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
                valued=_numbers(number),
                decided=_numbers(number, Q(manual=True)),
                unconfirmed=_numbers(number, Q(**UNCONFIRMED_VALUE)),
            )
            .values_list("assessment_id", "valued", "decided", "unconfirmed")
        )
    }
    out: dict[int, tuple[list[int], list[int]]] = {}
    for assessment_id, numbers in results.items():
        valued, decided, unconfirmed = values.get(assessment_id, (None, None, None))
        manual = numbers & (_split_numbers(decided) | (numbers - _split_numbers(valued)))
        weak = numbers & _split_numbers(unconfirmed)
        if manual or weak:
            out[assessment_id] = (sorted(manual), sorted(weak))
    return out


def _judgement_counts(year: int, provisional: bool, scope_qs: QuerySet[Commune]) -> Judgements:
    """How many counted criterion results rest on a manual decision or an unconfirmed
    threshold, without the rows (national summary; one query)."""
    # The aggregates' names differ from the annotations': one of the same name replaces it.
    row = _with_basis(_counted_results(year, provisional, scope_qs)).aggregate(
        n_manual=Count("pk", filter=MANUAL),
        n_unconfirmed=Count("pk", filter=Q(unconfirmed=True)),
    )
    return Judgements(row["n_manual"], row["n_unconfirmed"])


def _met_per_criterion(
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
    results = _counted_results(year, provisional, scope_qs).filter(met=True)
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


def _numbers(field: str, condition: Q | None = None) -> StringAgg:
    """The distinct criteria numbers in `field` of a group of rows (matching `condition`),
    joined by commas, NULL when none: read back with `_split_numbers`."""
    return StringAgg(Cast(field, CharField()), Value(","), filter=condition, distinct=True)


def _split_numbers(joined: str | None) -> set[int]:
    return {int(n) for n in joined.split(",")} if joined else set()


def _commune_rows(
    year: int,
    provisional: bool,
    scope_qs: QuerySet[Commune],
    as_at: datetime.date | None = None,
) -> list[CommuneRow]:
    """One row per programme commune with the criteria it misses, what changed since the
    year before and the criteria resting on a manual decision or an unconfirmed threshold
    (three queries)."""
    best_tier = _best_tier(as_at or year_end(year))
    now = counted_assessments(year, provisional)
    before = counted_assessments(year - 1, provisional)
    rows = list(
        scope_qs.annotate(
            met=Coalesce(Subquery(now.values("criteria_met")[:1]), 0, output_field=IntegerField()),
            met_year=Subquery(now.values("year")[:1]),
            now_id=Subquery(now.values("pk")[:1]),
            now_set=Subquery(now.values("criteria_set_id")[:1]),
            before_id=Subquery(before.values("pk")[:1]),
            before_set=Subquery(before.values("criteria_set_id")[:1]),
            met_before=Coalesce(
                Subquery(before.values("criteria_met")[:1]), 0, output_field=IntegerField()
            ),
            tier=Subquery(best_tier.values("tier")[:1]),
        )
        .select_related("district")
        .order_by("district__code", "code")
    )
    # The ids just read, not a subquery: "IN (subquery a) OR IN (subquery b)" cannot use the
    # (assessment, criterion) index and scanned all 1.56 M results of the national dataset
    # (530 ms for one province); the id list is one index scan per assessment. The numbers
    # come back joined per assessment and met or not: 414 rows for a province instead of 7,900.
    assessment_ids = {i for r in rows for i in (r.now_id, r.before_id) if i is not None}
    met_by_assessment: dict[int, set[int]] = {}
    missed_by_assessment: dict[int, list[int]] = {}
    numbers_by_assessment: dict[int, set[int]] = {}  # met or not
    for assessment_id, met, missed in (
        CriterionResult.objects.filter(assessment_id__in=sorted(assessment_ids))
        .order_by()
        .values("assessment_id")
        .annotate(
            met_numbers=_numbers("criterion__number", Q(met=True)),
            missed_numbers=_numbers("criterion__number", Q(met=False)),
        )
        .values_list("assessment_id", "met_numbers", "missed_numbers")
    ):
        met, missed = _split_numbers(met), _split_numbers(missed)
        met_by_assessment[assessment_id] = met
        missed_by_assessment[assessment_id] = sorted(missed)
        numbers_by_assessment[assessment_id] = met | missed
    judged = _basis_of(
        {r.now_id: numbers_by_assessment.get(r.now_id, set()) for r in rows if r.now_id}
    )
    district_names = {None: ""}  # a district's name once, not once per commune
    out = []
    for r in rows:
        if r.district_id not in district_names:
            district_names[r.district_id] = str(r.district)
        row = CommuneRow(
            code=r.code,
            name=r.name,
            district=district_names[r.district_id],
            met=r.met,
            met_year=r.met_year,
            tier=r.tier,
            missing=missed_by_assessment.get(r.now_id, []),
            set_id=r.now_set,
            manual=judged.get(r.now_id, ([], []))[0],
            unconfirmed=judged.get(r.now_id, ([], []))[1],
            met_before=r.met_before,
            carried_forward=r.met_year is not None and r.met_year < year,
        )
        if r.now_id != r.before_id and (r.before_id is None or r.now_set == r.before_set):
            now_met = met_by_assessment.get(r.now_id, set())
            before_met = met_by_assessment.get(r.before_id, set())
            row.gained = sorted(now_met - before_met)
            row.lost = sorted(before_met - now_met)
        out.append(row)
    return out
