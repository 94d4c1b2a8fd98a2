"""The headline counts of a report (programme communes, certified, criteria per commune, bands),
for one area or per area of a grouping, and the multi-year progress line."""

import datetime
import hashlib
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.core.cache import cache
from django.db.models import (
    CharField,
    Count,
    Exists,
    IntegerField,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
)
from django.db.models.functions import Coalesce

from communes.models import DISTRICTS_END, Commune, DataVersion, valid_on_q, year_end
from communes.versions import Stamp
from criteria.models import Assessment, Certification, CriteriaSet
from criteria.standing import (
    Band,
    assessed_before,
    certified_in,
    counted_assessments,
    decode_standing,
    decode_standing_set,
    standing_code,
)
from reports.figures.grouping import Grouping


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
    tally = tally_communes(year, provisional, scope_qs, as_at=as_at)[None]
    return tally.as_headline(year, as_at)


@dataclass
class Tally:
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
            rows.append(BandRow(band, count, percent(count, self.communes)))
        return rows


def tally_communes(
    year: int,
    provisional: bool,
    scope_qs: QuerySet[Commune],
    grouping: Grouping | None = None,
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
    tallies = {None: Tally()}
    for g in groups:
        args = (year, g["standing"], g["certified"], g["n"], g["before"])
        tallies[None].add(*args)
        if grouping:
            key = tuple(g[f] for f in fields)
            tallies.setdefault(key, Tally()).add(*args)
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


def percent(part: int, whole: int, places: str = "0.1") -> Decimal:
    if not whole:
        return Decimal(places) * 0
    return (Decimal(100 * part) / whole).quantize(Decimal(places), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class BandRow:
    band: Band
    count: int
    percent: Decimal


@dataclass(frozen=True)
class AreaRow:
    """One row of the table "by district" (province report) or "by province" (national)."""

    code: str
    name: str
    headline: Headline
    bands: list[BandRow]


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


def progress(
    provisional: bool, points: list[tuple[int, datetime.date]], communes: QuerySet[Commune]
) -> list[Headline]:
    """Headline figures for each (year, day) of `points`. The points of earlier years are kept
    in the cache under the data version their year sees (`communes.versions`: the changes
    counted for that year or an earlier one, in the provinces of `communes`): after a save of
    this year's data, only this year's points are computed again. Two queries: the versions,
    and the points of the report's year with any earlier one not kept
    (`progress_points_query`)."""
    if not points:
        return []
    last_year = max(y for y, _day in points)
    earlier = [p for p in points if p[0] < last_year]
    keys = _progress_keys(provisional, earlier, communes) if earlier else {}
    kept = cache.get_many(keys.values())
    missing = [p for p in points if p[0] == last_year or keys[p] not in kept]
    computed = dict(
        zip(missing, progress_points_query(provisional, missing, communes), strict=True)
    )
    cache.set_many({keys[p]: h for p, h in computed.items() if p in keys}, PROGRESS_TIMEOUT)
    return [computed[p] if p in computed else kept[keys[p]] for p in points]


PROGRESS_TIMEOUT = 7 * 24 * 3600  # an entry of a past version is never read again


def _progress_keys(
    provisional: bool, points: list[tuple[int, datetime.date]], communes: QuerySet[Commune]
) -> dict[tuple[int, datetime.date], str]:
    """The cache key of each point: the scope (the SQL of `communes`), the point, and the data
    version of its year in the scope's provinces (one query, whatever the number of points)."""
    sql, params = communes.values("pk").query.sql_with_params()
    scope = hashlib.sha256(repr((sql, params)).encode()).hexdigest()[:24]
    rows = DataVersion.objects.filter(province__in=communes.values("province_id"))
    if not provisional:
        rows = rows.filter(provisional_only=False)
    years = sorted({y for y, _day in points})
    row = rows.aggregate(
        **{f"v{y}": Sum("version", filter=Q(from_year__lte=y)) for y in years},
        **{f"t{y}": Max("changed_at", filter=Q(from_year__lte=y)) for y in years},
    )
    return {
        (y, day): "progress:{}:{}:{}:{}:{}".format(
            scope,
            int(provisional),
            y,
            day.isoformat(),
            Stamp(row[f"v{y}"] or 0, row[f"t{y}"]).token,
        )
        for y, day in points
    }


def progress_points_query(
    provisional: bool, points: list[tuple[int, datetime.date]], communes: QuerySet[Commune]
) -> list[Headline]:
    """Headline figures for each (year, day) of `points` in ONE query: a subquery per point on
    the programme communes in scope, each point's sums filtered to the communes that existed on
    its day, and the criteria set of each point's year."""
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


def area_rows(
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
