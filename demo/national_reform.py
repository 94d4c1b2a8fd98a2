"""The synthetic country as it stands since 01/07/2025: the benchmark's workload of 2026.

`seed_national --reform` (the command's default) runs this after the country of 2016-2025
(`demo.national`): of the 63 synthetic provinces, 34 continue (their code kept, the others
ended on 30/06/2025 and listed in `formed_from`, as Nghị quyết 202/2025/QH15 did); every
synthetic commune ends on 30/06/2025 and about 3,321 units without a district begin on
01/07/2025, each formed from two or three neighbouring communes of one province (Succession
rows) and taking the code of the first of them, so every new code was used before by another
unit. About one unit in five is a phường, outside the programme. From 2026 each programme unit
is in a commune group (N1, N2, N3) and has a 2026 assessment under the 2026-2030 set, mostly
approved, some sent or in draft, a few not started; a unit whose approved assessment meets all
criteria is recognised on 15/12/2026 (the certification rule of
`criteria.certifications.certification_refusal`).

Everything stays invented and marked (names "Xã Mẫu Mới ...", the note of `demo.national`).
Criteria of the 2026-2030 set are judged as a whole until their indicators are entered (the
catalogue workbook); when the set has indicators, values are made by `demo.synthetic` as for the
earlier years. Written with bulk_create in one transaction; a few seconds for 3,321 units.
"""

import datetime
import random
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db import transaction

from communes.models import (
    DISTRICTS_END,
    TWO_TIER_START,
    Commune,
    CommuneGroup,
    CommuneGroupAssignment,
    Province,
    Succession,
)
from criteria.applicable import criteria_set_for_year, threshold_key
from criteria.certifications import certification_refusal
from criteria.evaluation import Catalogue
from criteria.models import Assessment, Certification
from criteria.services import AssessmentInput, assessments_bulk_create
from demo.synthetic import synthetic_entries
from ntm.lib.text import fold

UNITS_2025 = 3321  # commune-level units since 01/07/2025 (Nghị quyết 1656-1687/NQ-UBTVQH15)
PROVINCES_2025 = 34
COMMUNES_BEFORE = 8200  # the synthetic country's default size before the reform
YEAR = 2026
LEGAL_BASIS = "Sắp xếp đơn vị hành chính cấp xã 01/07/2025 (dữ liệu tổng hợp)"
NOTE = "Dữ liệu tổng hợp (seed_national), không phải số liệu thật."
WARD_SHARE = 0.2  # about 687 of 3,321 units are phường
GROUP_WEIGHTS = {"N1": 2, "N2": 4, "N3": 4}  # invented: the real split is not in the sources
# 2026 assessments by status (the rest not started): most approved at year end.
STATUS_WEIGHTS = {
    Assessment.Status.APPROVED: 80,
    Assessment.Status.SUBMITTED: 8,
    Assessment.Status.DRAFT: 6,
    None: 6,
}
RECOGNISED_ON = datetime.date(2026, 12, 15)
CRITERION_NOTE = "Tổng hợp: đánh giá cả tiêu chí (chưa có chỉ tiêu trong danh mục)."


@dataclass
class ReformReport:
    provinces_ended: int = 0
    units: int = 0
    successions: int = 0
    groups: int = 0
    assessments: int = 0
    certifications: int = 0
    # (province code, year 2026) -> (programme units, certified on 31/12, criteria met total
    # of the approved assessments), for checks against the reports.
    figures: dict[tuple[str, int], tuple[int, int, int]] = field(default_factory=dict)


def units_for(communes: int) -> int:
    """The number of units of 01/07/2025 for a country of `communes` before it, in the
    proportion of the real reform (3,321 for the default 8,200), at least one per province."""
    return max(PROVINCES_2025, round(communes * UNITS_2025 / COMMUNES_BEFORE))


def _chunks(items: Sequence, parts: int) -> list[list]:
    """`items` cut into `parts` consecutive runs of nearly equal length (none empty)."""
    size, extra = divmod(len(items), parts)
    runs, start = [], 0
    for i in range(parts):
        end = start + size + (1 if i < extra else 0)
        runs.append(list(items[start:end]))
        start = end
    return runs


def _shares(total: int, sizes: list[int]) -> list[int]:
    """`total` split in proportion to `sizes` (largest remainder), at least 1 and at most the
    size each: how many units each merged province's communes form."""
    exact = [total * n / sum(sizes) for n in sizes]
    counts = [min(n, max(1, int(e))) for n, e in zip(sizes, exact, strict=True)]
    by_remainder = sorted(range(len(sizes)), key=lambda i: counts[i] - exact[i])
    for i in by_remainder:
        if sum(counts) >= total:
            break
        if counts[i] < sizes[i]:
            counts[i] += 1
    return counts


def seed_reform(*, provinces: list[Province], seed: int, user=None) -> ReformReport:
    """Apply the reform to the synthetic `provinces` (those of `demo.national`, in code order)
    and seed 2026. Call once, on a country that has not been reformed (the caller checks)."""
    report = ReformReport()
    rng = random.Random(f"{seed}-reform")
    # Consecutive old provinces merge: 63 -> 34, the first of each run continues.
    runs = _chunks(provinces, min(PROVINCES_2025, len(provinces)))
    old_communes = list(
        Commune.objects.filter(province__in=provinces)
        .order_by("province__code", "code")
        .values_list("pk", "code", "province_id", "population")
    )
    by_province: dict[int, list[tuple]] = {}
    for row in old_communes:
        by_province.setdefault(row[2], []).append(row)
    total_units = min(units_for(len(old_communes)), len(old_communes))
    criteria_set = criteria_set_for_year(YEAR)
    catalogue = Catalogue.load(criteria_set)
    groups = CommuneGroup.objects.in_bulk(list(GROUP_WEIGHTS), field_name="code")
    group_codes, group_weights = list(GROUP_WEIGHTS), list(GROUP_WEIGHTS.values())
    statuses, status_weights = list(STATUS_WEIGHTS), list(STATUS_WEIGHTS.values())
    numbers = [c.number for c in catalogue.criteria]
    with transaction.atomic():
        ended = [p.pk for run in runs for p in run[1:]]
        Province.objects.filter(pk__in=ended).update(valid_to=DISTRICTS_END)
        Commune.objects.filter(pk__in=[row[0] for row in old_communes]).update(
            valid_to=DISTRICTS_END
        )
        report.provinces_ended = len(ended)
        units, predecessors = [], []
        olds_of = [[row for p in run for row in by_province.get(p.pk, [])] for run in runs]
        for run, olds, n_units in zip(
            runs, olds_of, _shares(total_units, [len(o) for o in olds_of]), strict=True
        ):
            continuing = run[0]
            if len(run) > 1:
                continuing.formed_from.add(*run[1:])
            for members in _chunks(olds, n_units):
                ward = rng.random() < WARD_SHARE
                index = len(units) + 1
                name = f"{'Phường' if ward else 'Xã'} Mẫu Mới {index:04d}"
                units.append(
                    Commune(
                        code=members[0][1],  # the code of the first predecessor, reused
                        name=name,
                        search_name=fold(name),
                        kind=Commune.Kind.WARD if ward else Commune.Kind.COMMUNE,
                        province=continuing,
                        district=None,
                        in_programme=not ward,
                        population=sum(m[3] or 0 for m in members),
                        valid_from=TWO_TIER_START,
                        note=NOTE,
                    )
                )
                predecessors.append([m[0] for m in members])
        Commune.objects.bulk_create(units, batch_size=2000)
        Succession.objects.bulk_create(
            (
                Succession(
                    predecessor_id=old,
                    successor=unit,
                    effective_on=TWO_TIER_START,
                    legal_basis=LEGAL_BASIS,
                )
                for unit, olds in zip(units, predecessors, strict=True)
                for old in olds
            ),
            batch_size=2000,
        )
        report.units = len(units)
        report.successions = sum(len(olds) for olds in predecessors)
        programme = [u for u in units if u.in_programme]
        chosen = {u.pk: groups[rng.choices(group_codes, group_weights)[0]] for u in programme}
        CommuneGroupAssignment.objects.bulk_create(
            CommuneGroupAssignment(commune=u, group=chosen[u.pk], year_from=YEAR, note=NOTE)
            for u in programme
        )
        report.groups = len(programme)
        rows, by_status = [], {}
        for unit in programme:
            status = rng.choices(statuses, status_weights)[0]
            met = set(rng.sample(numbers, rng.randint(2, len(numbers))))
            if rng.random() < 0.15:  # some units meet every criterion
                met = set(numbers)
            if status is None:
                continue
            rows.append((unit, YEAR, status, _input(catalogue, unit, met, chosen, rng, seed)))
            by_status[unit.pk] = status
        assessments = assessments_bulk_create(rows=rows, catalogue=catalogue, user=user)
        report.assessments = len(assessments)
        needed = len(catalogue.criteria)
        recognised = [
            a
            for a in assessments
            if not certification_refusal(
                status=a.status, criteria_met=a.criteria_met, criteria_needed=needed
            )
        ]
        Certification.objects.bulk_create(
            Certification(
                commune=a.commune,
                tier=Certification.Tier.NTM,
                criteria_set=criteria_set,
                decision_number=f"MẪU-{a.commune.code}-{YEAR}/QĐ-UBND",
                decision_date=RECOGNISED_ON,
                recognised_year=YEAR,
                authority=f"Chủ tịch UBND {a.commune.province.name}",
                created_by=user,
            )
            for a in recognised
        )
        report.certifications = len(recognised)
    certified = {a.commune_id for a in recognised}
    for run in runs:
        mine = [u for u in programme if u.province_id == run[0].pk]
        report.figures[(run[0].code, YEAR)] = (
            len(mine),
            sum(1 for u in mine if u.pk in certified),
            sum(
                a.criteria_met
                for a in assessments
                if a.commune.province_id == run[0].pk and a.status == Assessment.Status.APPROVED
            ),
        )
    return report


def _input(
    catalogue: Catalogue, unit: Commune, met: set[int], groups, rng, seed
) -> AssessmentInput:
    """The entries of a 2026 assessment meeting exactly the criteria numbered `met`: values
    for the indicators the set has (demo.synthetic), a whole-criterion mark for the others."""
    flags = {
        c.pk: c.number in met for c in catalogue.criteria if not catalogue.indicators.get(c.pk)
    }
    entries = {}
    if len(flags) < len(catalogue.criteria):
        key = threshold_key(
            unit,
            YEAR,
            catalogue.criteria_set,
            designated=False,
            groups={unit.pk: groups[unit.pk].pk},
        )
        entry_rng = random.Random(f"{seed}-{unit.code}-{YEAR}")
        entries = synthetic_entries(catalogue, key, met, entry_rng)
    notes = dict.fromkeys(flags, CRITERION_NOTE)  # a whole-criterion mark needs its reason
    return AssessmentInput(entries=entries, criterion_flags=flags, criterion_notes=notes, note=NOTE)
