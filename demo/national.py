"""A synthetic country: about 8,200 programme communes in 63 provinces and ~700 districts with
ten years of approved assessments, for load tests and `make bench`.

Everything here is invented (deterministically, from `--seed`) and marked as such: provinces are
named "Tỉnh Mẫu 01".."Tỉnh Mẫu 63" and every code starts with a letter (provinces A0..G2,
districts A00.., communes A0000..), so they can never collide with the numeric GSO codes that
`load_admin_units` loads. Indicator values are made by `demo.synthetic` and evaluated by
`criteria.evaluation`, so criteria met always follow from the values; a commune is certified in
the first year its approved assessment meets every criterion of the set in force that year (the
rule of `criteria.certifications.certification_check`), and stays at all criteria met afterwards.

Speed: one transaction per province; units, assessments and certifications with `bulk_create`,
indicator values and criterion results (95% of the rows) as plain tuples with PostgreSQL's COPY
(`executemany` on other databases). No history rows are written, as for other bulk paths.
"""

import datetime
import queue
import random
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import connection, connections, transaction

from communes.models import (
    TWO_TIER_START,
    Commune,
    CommuneGroupAssignment,
    DataVersion,
    District,
    Province,
    Region,
    Succession,
)
from criteria.applicable import criteria_set_for_year
from criteria.catalogue import load_catalogues
from criteria.certifications import certification_refusal
from criteria.evaluation import Catalogue, ThresholdKey, evaluate_assessment
from criteria.models import (
    Assessment,
    Certification,
    CriteriaSet,
    CriterionResult,
    IndicatorValue,
)
from demo.national_reform import ReformReport, seed_reform
from demo.synthetic import difficulty_order, synthetic_entries
from ntm.lib.text import fold

SEED = 8200
DEFAULT_COMMUNES = 8200
DEFAULT_YEARS = (2016, 2025)
PROVINCE_COUNT = 63
DISTRICTS_PER_COMMUNE = 700 / 8200  # the country had about 700 districts for 8,200 communes
MAX_COMMUNES = 30_000  # district codes (letter + 2 digits) run out at 2,600 districts
NAME_PREFIX = "Tỉnh Mẫu"
NOTE = "Dữ liệu tổng hợp (seed_national), không phải số liệu thật."
BATCH = 2000


def province_code(i: int) -> str:
    return f"{chr(ord('A') + i // 10)}{i % 10}"


def district_code(j: int) -> str:
    return f"{chr(ord('A') + j // 100)}{j % 100:02d}"


def commune_code(k: int) -> str:
    return f"{chr(ord('A') + k // 10000)}{k % 10000:04d}"


PROVINCE_CODES = [province_code(i) for i in range(PROVINCE_COUNT)]


class NationalSeedError(Exception):
    pass


@dataclass
class NationalReport:
    provinces: int = 0
    districts: int = 0
    communes: int = 0
    assessments: int = 0
    indicator_values: int = 0
    criterion_results: int = 0
    certifications: int = 0
    deleted: bool = False
    skipped: bool = False
    seconds: float = 0.0
    reform: "ReformReport | None" = None  # the units of 01/07/2025 and 2026, when asked
    # Figures as planned, for checks: (province code, year) -> (communes, certified in force
    # on 31/12, sum of criteria met).
    figures: dict[tuple[str, int], tuple[int, int, int]] = field(default_factory=dict)

    @property
    def rows(self) -> int:
        return (
            self.provinces
            + self.districts
            + self.communes
            + self.assessments
            + self.indicator_values
            + self.criterion_results
            + self.certifications
        )


@dataclass(frozen=True)
class ProvinceLayout:
    index: int
    code: str
    name: str
    region: Region | None
    district_indexes: list[int]
    commune_indexes: list[list[int]]  # by district, in the order of district_indexes


def synthetic_provinces():
    return Province.objects.filter(code__in=PROVINCE_CODES)


def _split(total: int, weights: Sequence[float], minimum: int) -> list[int]:
    """Split `total` in proportion to `weights`, at least `minimum` each (largest remainder)."""
    spare = total - minimum * len(weights)
    shares = [spare * w / sum(weights) for w in weights]
    counts = [minimum + int(s) for s in shares]
    largest_first = sorted(range(len(weights)), key=lambda i: int(shares[i]) - shares[i])
    for i in largest_first[: total - sum(counts)]:
        counts[i] += 1
    return counts


def plan_layout(communes: int, seed: int, regions: list[Region]) -> list[ProvinceLayout]:
    """Which districts and communes each synthetic province holds (codes by running index)."""
    rng = random.Random(f"{seed}-layout")
    weights = [rng.uniform(0.4, 1.6) for _ in range(PROVINCE_COUNT)]
    per_province = _split(communes, weights, 1)
    districts_total = max(PROVINCE_COUNT, round(communes * DISTRICTS_PER_COMMUNE))
    per_province_districts = [
        max(1, min(n, round(n * districts_total / communes))) for n in per_province
    ]
    layouts, next_district, next_commune = [], 0, 0
    for i, (n, d) in enumerate(zip(per_province, per_province_districts, strict=True)):
        district_indexes = list(range(next_district, next_district + d))
        next_district += d
        by_district: list[list[int]] = [[] for _ in range(d)]
        for k in range(n):
            by_district[k % d].append(next_commune + k)
        next_commune += n
        region = regions[i * len(regions) // PROVINCE_COUNT] if regions else None
        layouts.append(
            ProvinceLayout(
                i,
                province_code(i),
                f"{NAME_PREFIX} {i + 1:02d}",
                region,
                district_indexes,
                by_district,
            )
        )
    return layouts


def plan_counts(
    rng: random.Random, years: list[int], catalogues: dict[int, Catalogue], lift: float
) -> dict[int, int]:
    """Criteria met by year for one commune: mostly progress, sometimes a criterion lost, a dip
    when a stricter set comes in, and all criteria kept once reached (certified). Each year is
    capped at the number of criteria of its set; the spread (mean 13.5, sd 4.5) was drawn for
    the 19 criteria of 2016-2025."""
    size = {y: len(catalogues[y].criteria) for y in years}
    count = max(2, min(size[years[0]], round(rng.gauss(13.5 + lift, 4.5))))
    counts = {}
    for y in years:
        if y != years[0] and count < size[y - 1]:
            if catalogues[y].criteria_set.pk != catalogues[y - 1].criteria_set.pk:
                count -= rng.choice([0, 1, 1, 2, 3])
            count += rng.choice([-1, 0, 1, 1, 1, 2, 2, 3])
            count = max(1, min(size[y], count))
        counts[y] = min(count, size[y])
    return counts


def insert_rows(model, fields: Sequence[str], rows: Iterable[tuple]) -> int:
    """Insert plain tuples into `model`'s table: COPY on PostgreSQL (several times faster than
    bulk_create, no model instances), executemany elsewhere. Returns the number of rows."""
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    columns = ", ".join(quote(model._meta.get_field(f).column) for f in fields)
    n = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
                    n += 1
        else:
            placeholders = ", ".join(["%s"] * len(fields))
            rows = list(rows)
            for start in range(0, len(rows), BATCH):
                cursor.executemany(
                    f"INSERT INTO {table} ({columns}) VALUES ({placeholders})",  # noqa: S608
                    rows[start : start + BATCH],
                )
            n = len(rows)
    return n


def delete_synthetic() -> None:
    """Remove the synthetic country with plain DELETEs.

    The ORM's delete() would load every one of the millions of rows into Python and write a
    history row for each (django-simple-history's post_delete); the synthetic rows never had
    history, since they were bulk-inserted."""
    provinces = synthetic_provinces()
    # By province, not district: the units of 01/07/2025 (demo.national_reform) have none.
    communes = Commune.objects.filter(province__in=provinces)
    assessments = Assessment.objects.filter(commune__in=communes)
    steps = [
        (IndicatorValue, "assessment", assessments),
        (CriterionResult, "assessment", assessments),
        (Assessment, "commune", communes),
        (Certification, "commune", communes),
        (CommuneGroupAssignment, "commune", communes),
        (Succession, "predecessor", communes),
        (Succession, "successor", communes),
        (Commune, "province", provinces),
        (District, "province", provinces),
        (DataVersion, "province", provinces),  # bumped by the 2026 assessments' writes
        (Province.formed_from.through, "from_province", provinces),
        (Province.formed_from.through, "to_province", provinces),
        (Province, "id", provinces),
    ]
    quote = connection.ops.quote_name
    with transaction.atomic(), connection.cursor() as cursor:
        for model, field_name, qs in steps:
            sql, params = qs.values("pk").query.sql_with_params()
            column = quote(model._meta.get_field(field_name).column)
            cursor.execute(
                f"DELETE FROM {quote(model._meta.db_table)} WHERE {column} IN ({sql})",  # noqa: S608
                params,
            )


def _catalogues(years: list[int]) -> dict[int, Catalogue]:
    if not CriteriaSet.objects.for_year(years[0]).exists():  # the catalogue is not loaded yet
        load_catalogues()
    by_set: dict[int, Catalogue] = {}
    catalogues = {}
    for y in years:
        criteria_set = criteria_set_for_year(y)  # the set certification_check asks for
        if criteria_set.pk not in by_set:
            by_set[criteria_set.pk] = Catalogue.load(criteria_set)
        catalogues[y] = by_set[criteria_set.pk]
    return catalogues


@dataclass
class ProvinceBatch:
    """One province's rows, made in Python before any of them is written. Rows refer to
    communes and assessments by their position in this batch: ids exist only once written."""

    layout: ProvinceLayout
    populations: list[int]  # by commune position
    # (commune position, year, criteria set id, criteria met)
    assessments: list[tuple[int, int, int, int]] = field(default_factory=list)
    # (assessment position, indicator id, value, second value, met, manual, reason)
    values: list[tuple] = field(default_factory=list)
    # (assessment position, criterion id, met)
    results: list[tuple[int, int, bool]] = field(default_factory=list)
    # (commune position, criteria set id, decision date)
    certifications: list[tuple[int, int, datetime.date]] = field(default_factory=list)
    figures: dict[int, tuple[int, int, int]] = field(default_factory=dict)  # by year


def generate_province(
    layout: ProvinceLayout,
    years: list[int],
    catalogues: dict[int, Catalogue],
    seed: int,
) -> ProvinceBatch:
    """Plan and evaluate every assessment of one province (pure Python, no queries)."""
    rng = random.Random(f"{seed}-{layout.code}")
    codes = [commune_code(k) for indexes in layout.commune_indexes for k in indexes]
    batch = ProvinceBatch(layout, [rng.randint(3000, 15000) for _ in codes])
    lift = rng.uniform(-2.5, 2.5)  # some provinces are ahead of others
    region_id = layout.region.pk if layout.region else None
    certified_year: dict[int, int] = {}
    met_by_year = dict.fromkeys(years, 0)
    numbers = {c.number for catalogue in catalogues.values() for c in catalogue.criteria}
    for pos, code in enumerate(codes):
        counts = plan_counts(rng, years, catalogues, lift)
        order = difficulty_order(rng, numbers)
        for y in years:
            catalogue = catalogues[y]
            # A synthetic province is new: it has no thresholds of its own, only regional ones.
            key = ThresholdKey(year=y, province_id=None, region_id=region_id)
            entry_rng = random.Random(f"{seed}-{code}-{y}")
            entries = synthetic_entries(catalogue, key, set(order[: counts[y]]), entry_rng)
            evaluation = evaluate_assessment(catalogue, key, entries)
            if evaluation.errors:  # a bug in demo.synthetic, never bad input
                raise NationalSeedError(f"{code} {y}: {evaluation.errors}")
            index = len(batch.assessments)
            set_id = catalogue.criteria_set.pk
            batch.assessments.append((pos, y, set_id, evaluation.total))
            met_by_year[y] += evaluation.total
            batch.values.extend(
                (
                    index,
                    ind_id,
                    o.entry.value,
                    o.entry.value_secondary,
                    o.met,
                    o.manual,
                    o.entry.manual_reason if o.manual else "",
                )
                for ind_id, o in evaluation.outcomes.items()
            )
            batch.results.extend(
                (index, crit_id, met) for crit_id, met in evaluation.criteria_met.items()
            )
            # The certification rule (every assessment here is approved), under the set in force
            # in the decision's year.
            eligible = not certification_refusal(
                status=Assessment.Status.APPROVED,
                criteria_met=evaluation.total,
                criteria_needed=len(catalogue.criteria),
            )
            if pos not in certified_year and eligible:
                certified_year[pos] = y
                decided = datetime.date(y, rng.randint(6, 12), rng.randint(1, 28))
                batch.certifications.append((pos, set_id, decided))
    for y in years:
        certified = sum(1 for cy in certified_year.values() if cy <= y)
        batch.figures[y] = (len(codes), certified, met_by_year[y])
    return batch


def write_province(batch: ProvinceBatch, user, report: NationalReport) -> None:
    """Write one province in one transaction: a few bulk_creates and two COPYs."""
    layout = batch.layout
    user_id = user.pk if user is not None else None
    with transaction.atomic():
        province = Province.objects.create(code=layout.code, name=layout.name, region=layout.region)
        districts = District.objects.bulk_create(
            District(
                code=district_code(j),
                name=f"Huyện Mẫu {j + 1:03d}",
                kind=District.Kind.RURAL_DISTRICT,
                province=province,
            )
            for j in layout.district_indexes
        )
        communes = [
            Commune(
                code=commune_code(k),
                name=f"Xã Mẫu {k + 1:05d}",
                search_name=fold(f"Xã Mẫu {k + 1:05d}"),
                kind=Commune.Kind.COMMUNE,
                province=province,
                district=district,
                in_programme=True,
                note=NOTE,
            )
            for district, indexes in zip(districts, layout.commune_indexes, strict=True)
            for k in indexes
        ]
        for commune, population in zip(communes, batch.populations, strict=True):
            commune.population = population
        Commune.objects.bulk_create(communes, batch_size=BATCH)
        assessments = Assessment.objects.bulk_create(
            (
                Assessment(
                    commune_id=communes[pos].pk,
                    year=y,
                    criteria_set_id=set_id,
                    status=Assessment.Status.APPROVED,
                    criteria_met=met,
                    note=NOTE,
                    created_by_id=user_id,
                    approved_by_id=user_id,
                    approved_at=datetime.datetime(y, 12, 20, tzinfo=datetime.UTC),
                )
                for pos, y, set_id, met in batch.assessments
            ),
            batch_size=BATCH,
        )
        Certification.objects.bulk_create(
            (
                Certification(
                    commune_id=communes[pos].pk,
                    tier=Certification.Tier.NTM,
                    criteria_set_id=set_id,
                    decision_number=f"MẪU-{communes[pos].code}/QĐ-UBND",
                    decision_date=decided,
                    recognised_year=decided.year,
                    authority=f"Chủ tịch UBND {layout.name}",
                    created_by_id=user_id,
                )
                for pos, set_id, decided in batch.certifications
            ),
            batch_size=BATCH,
        )
        pks = [a.pk for a in assessments]
        n_values = insert_rows(
            IndicatorValue,
            [
                "assessment",
                "indicator",
                "value",
                "value_secondary",
                "met",
                "manual",
                "manual_reason",
            ],
            ((pks[row[0]], *row[1:]) for row in batch.values),
        )
        n_results = insert_rows(
            CriterionResult,
            ["assessment", "criterion", "met", "note"],
            ((pks[i], crit_id, met, "") for i, crit_id, met in batch.results),
        )
    report.provinces += 1
    report.districts += len(districts)
    report.communes += len(communes)
    report.assessments += len(assessments)
    report.certifications += len(batch.certifications)
    report.indicator_values += n_values
    report.criterion_results += n_results
    for y, figures in batch.figures.items():
        report.figures[(layout.code, y)] = figures


def seed_national(
    *,
    communes: int = DEFAULT_COMMUNES,
    years: tuple[int, int] = DEFAULT_YEARS,
    seed: int = SEED,
    replace: bool = False,
    reform: bool = False,
    user=None,
    progress: Callable[[int, int, NationalReport], None] | None = None,
) -> NationalReport:
    """Create the synthetic country, or skip when it is already complete.

    Refuses (NationalSeedError) a partial country left by an interrupted run unless `replace`,
    which deletes the synthetic country first. With `reform`, the country then passes to the
    units of 01/07/2025 and gets its 2026 assessments (`demo.national_reform`); a country
    seeded without it is reformed by a later call with it. One transaction per province; memory
    stays
    bounded by a few provinces' rows. On PostgreSQL outside a transaction, a second thread
    writes province n while the first computes province n+1 (psycopg releases the GIL while
    it waits for the server), which on 2 cores nearly halves the time."""
    if not PROVINCE_COUNT <= communes <= MAX_COMMUNES:
        raise NationalSeedError(
            f"Số xã phải từ {PROVINCE_COUNT} đến {MAX_COMMUNES:,} (nhận {communes})."
        )
    first, last = years
    if last < first:
        raise NationalSeedError("Năm cuối phải không nhỏ hơn năm đầu.")
    report = NationalReport()
    started = time.monotonic()
    existing = synthetic_provinces().count()
    if existing and not replace:
        if existing == PROVINCE_COUNT:
            if reform and not _reformed():
                report.reform = _reform(seed, user)
            else:
                report.skipped = True
            return report
        raise NationalSeedError(
            f"Quốc gia mẫu chưa đầy đủ ({existing}/{PROVINCE_COUNT} tỉnh, có thể do lần chạy "
            "trước bị ngắt). Chạy lại với --replace để tạo lại."
        )
    year_list = list(range(first, last + 1))
    try:
        catalogues = _catalogues(year_list)
    except ValidationError as exc:
        raise NationalSeedError(f"Không có bộ tiêu chí cho mọi năm {first}-{last}.") from exc
    if existing:
        delete_synthetic()
        report.deleted = True
    regions = list(Region.objects.order_by("order", "code"))
    layouts = plan_layout(communes, seed, regions)
    batches = (generate_province(lay, year_list, catalogues, seed) for lay in layouts)

    def write(batch: ProvinceBatch) -> None:
        write_province(batch, user, report)
        if progress:
            progress(report.provinces, len(layouts), report)

    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        write_in_thread(batches, write)
    else:  # inside a caller's transaction (tests): its connection must do every write
        for batch in batches:
            write(batch)
    if reform:
        report.reform = _reform(seed, user)
    if connection.vendor == "postgresql":
        # Fresh planner statistics: a benchmark run right after the seed must not be planned
        # on the row counts of an empty database (autovacuum would catch up only later).
        models = (Commune, District, Province, Assessment, Certification)
        tables = [*models, IndicatorValue, CriterionResult]
        with connection.cursor() as cursor:
            for model in tables:
                cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
    report.seconds = time.monotonic() - started
    return report


def _reformed() -> bool:
    return Commune.objects.filter(
        province__code__in=PROVINCE_CODES, valid_from__gte=TWO_TIER_START
    ).exists()


def _reform(seed: int, user) -> ReformReport:
    return seed_reform(provinces=list(synthetic_provinces().order_by("code")), seed=seed, user=user)


def write_in_thread(batches: Iterable[ProvinceBatch], write: Callable) -> None:
    """Produce batches here and write them in a second thread (its own connection)."""
    pending: queue.Queue = queue.Queue(maxsize=2)  # bounds memory to ~3 provinces
    failure: list[BaseException] = []

    def writer() -> None:
        try:
            while (batch := pending.get()) is not None:
                if not failure:
                    write(batch)
        except BaseException as exc:  # handed to the main thread below
            failure.append(exc)
            while pending.get() is not None:  # drain so the producer never blocks
                pass
        finally:
            connections.close_all()

    thread = threading.Thread(target=writer, name="seed_national-writer")
    thread.start()
    try:
        for batch in batches:
            if failure:
                break
            pending.put(batch)
    finally:
        pending.put(None)
        thread.join()
    if failure:
        raise failure[0]
