"""The full report: `report_figures()` gathers everything a province, district or national
report shows in a fixed number of queries (see its docstring), whatever the number of
communes. The HTML page, the PDF and the workbook all render the same `ReportFigures`."""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from communes.models import TWO_TIER_START, Commune, year_end
from criteria.applicable import criteria_set_for_year
from criteria.models import CriteriaSet
from criteria.standing import bands_for, near_standard_range
from reports.figures.basis import Judgements, judgement_counts
from reports.figures.commune_rows import CommuneRow, KeepingRow, rows_per_commune
from reports.figures.counts import (
    AreaRow,
    BandRow,
    Headline,
    area_rows,
    headline,
    percent,
    programme_communes,
    progress,
    progress_points,
    tally_communes,
    years_with_data,
)
from reports.figures.grouping import (
    BY_COMMUNE_GROUP,
    BY_DISTRICT,
    BY_FORMER_DISTRICT,
    BY_PROVINCE,
    Grouping,
)
from reports.figures.per_criterion import (
    CriterionRow,
    GroupCriterionRow,
    SetUsage,
    met_per_criterion,
    set_usages,
)
from reports.figures.tiers import LateRecognitions, TierRow, late_recognitions, tier_rows
from reports.figures.units import (
    EndedRow,
    NewUnitRow,
    UnitCounts,
    ended_certified,
    new_units,
    unit_counts,
)
from reports.figures.villages import (
    BorderLine,
    VillageFigures,
    border_codes,
    border_line,
    village_figures,
)

# The numbers of a report's sections, as the administration writes them.
SECTION_NUMBERS = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII")


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
    # The province report's villages and border-commune line (reports.figures.villages).
    villages: VillageFigures | None = None
    border: BorderLine | None = None

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
        advanced first (`near_standard_range`, the band just below the top: the same
        communes, less those certified or never assessed); none when the set does not define
        it."""
        near = near_standard_range(self.criteria_count, self.near_standard_missing)
        if near is None:
            return []
        low, high = near
        rows = [
            c
            for c in self.communes
            if c.met_year is not None and low <= c.met <= high and not c.certified
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


def report_figures(
    year: int,
    provisional: bool = False,
    *,
    grouping: Grouping | None = BY_DISTRICT,
    with_communes: bool = True,
    communes: QuerySet[Commune],
    as_at: datetime.date | None = None,
    with_villages: bool = False,
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
    when the set is keyed by group (2026-2030); two more `with_villages` (the province report:
    the village counts and the border communes, reports.figures.villages).

    `grouping` picks the table's rows: BY_DISTRICT (province report; BY_FORMER_DISTRICT from
    01/07/2025, when districts no longer exist), BY_PROVINCE (national summary) or None
    (district report). `with_communes=False` leaves out the per-commune rows (annex,
    near-standard and changes lists), which at national scale are 8,200 rows."""
    as_at = as_at or year_end(year)
    previous_day = year_end(year - 1)
    # Every set usable in the year, of every tier (one query): the standard set of the year
    # is the first of its level, as criteria_set_for_year picks it; a tier with none is left
    # out of the table of tiers.
    year_sets = list(
        CriteriaSet.objects.for_year(year, level=None).with_amendments(as_at, year=year)
    )
    criteria_set = next((s for s in year_sets if s.level == CriteriaSet.Level.COMMUNE), None)
    if criteria_set is None:
        criteria_set_for_year(year)  # raises the ValidationError that says so
    previous_set = CriteriaSet.objects.for_year(year - 1).first()
    scope_qs = programme_communes(communes, year, as_at=as_at)
    if grouping is BY_DISTRICT and as_at >= TWO_TIER_START:
        grouping = BY_FORMER_DISTRICT  # units from 01/07/2025 have no district

    tallies = tally_communes(year, provisional, scope_qs, grouping, as_at)
    current = tallies[None].as_headline(year, as_at)
    sets_used = set_usages(criteria_set, tallies[None].by_set)
    criteria = sets_used[0].criteria
    bands = bands_for(len(criteria), criteria_set.near_standard_missing)
    band_rows = tallies[None].bands(bands)
    previous = headline(year - 1, provisional, communes=communes)

    tiers = tier_rows(year, as_at, scope_qs, year_sets, current.communes)

    by_group = (
        grouping is not None
        and grouping is not BY_PROVINCE
        and criteria_set.threshold_basis == CriteriaSet.ThresholdBasis.COMMUNE_GROUP
    )
    per_key = met_per_criterion(year, provisional, scope_qs, by_group=by_group)
    per_number: dict[tuple[int, int], int] = {}
    for (set_id, number, _group), n in per_key.items():
        per_number[(set_id, number)] = per_number.get((set_id, number), 0) + n
    for usage in sets_used:
        usage.per_criterion = [
            CriterionRow(
                n,
                name,
                per_number.get((usage.criteria_set.pk, n), 0),
                percent(per_number.get((usage.criteria_set.pk, n), 0), current.communes),
            )
            for n, name in usage.criteria
        ]
    per_criterion = sets_used[0].per_criterion

    areas, area_total, group_areas = [], None, []
    if grouping is not None:
        areas = area_rows(year, as_at, grouping, tallies, bands)
        area_total = AreaRow("", _("Tổng"), current, band_rows)
        if by_group:
            group_tallies = tally_communes(year, provisional, scope_qs, BY_COMMUNE_GROUP, as_at)
            group_areas = area_rows(year, as_at, BY_COMMUNE_GROUP, group_tallies, bands)
    per_criterion_by_group = [
        GroupCriterionRow(
            r.number,
            r.name,
            [
                (
                    per_key.get((criteria_set.pk, r.number, g.code or None), 0),
                    percent(
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
        commune_rows = rows_per_commune(year, provisional, scope_qs, as_at)
        judgements = Judgements(
            manual=sum(len(r.manual) for r in commune_rows),
            unconfirmed=sum(len(r.unconfirmed) for r in commune_rows),
        )
    else:
        commune_rows = []
        judgements = judgement_counts(year, provisional, scope_qs)
    years = [y for y in years_with_data(communes) if y <= year]
    villages = border = None
    if with_villages:
        villages = village_figures(year, as_at, communes, by_group=by_group)
        if with_communes:
            border = border_line(border_codes(as_at, scope_qs), commune_rows)
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
        progress=progress(provisional, progress_points(year, as_at, years), communes),
        has_communes=with_communes,
        as_at=as_at,
        previous_day=previous_day,
        ended_certified=(ended_certified(previous_day, as_at, communes) if with_communes else []),
        new_units=(
            new_units(scope_qs.filter(valid_from__gt=previous_day)) if with_communes else []
        ),
        group_areas=group_areas,
        sets_used=sets_used,
        per_criterion_by_group=per_criterion_by_group,
        previous_set=previous_set,
        judgements=judgements,
        late_recognitions=late_recognitions(year, scope_qs, with_rows=with_communes),
        units=unit_counts(as_at, communes),
        villages=villages,
        border=border,
    )
