"""The report figures against an independent, row-by-row computation in Python."""

import datetime
from decimal import ROUND_HALF_UP, Decimal

import pytest

from communes.models import Commune, Province
from criteria.models import Assessment, Certification, CriterionResult
from criteria.standing import Band, bands_for
from reports.figures import headline, report_figures
from tests.base import make_assessment

pytestmark = pytest.mark.django_db


def independent(year: int, provisional: bool, **scope) -> dict:
    """Everything the report claims, computed the slow and obvious way."""
    statuses = {"approved", "submitted"} if provisional else {"approved"}
    end = datetime.date(year, 12, 31)
    rows = {}
    for c in Commune.objects.filter(in_programme=True, **scope):
        if not c.exists_in(year):
            continue
        counted = [a for a in Assessment.objects.filter(commune=c) if a.year <= year]
        counted = [a for a in counted if a.status in statuses]
        latest = max(counted, key=lambda a: a.year, default=None)
        before = [a for a in counted if a.year <= year - 1]
        latest_before = max(before, key=lambda a: a.year, default=None)
        certs = [
            x
            for x in Certification.objects.filter(commune=c)
            if x.decision_date <= end and (x.revoked_on is None or x.revoked_on > end)
        ]

        def met_numbers(a):
            if a is None:
                return set()
            return {
                r.criterion.number for r in CriterionResult.objects.filter(assessment=a, met=True)
            }

        rows[c.code] = {
            "district": c.district.code,
            "met": latest.criteria_met if latest else 0,
            "year": latest.year if latest else None,
            "certified": bool(certs),
            "met_numbers": met_numbers(latest),
            "missing": sorted(
                r.criterion.number
                for r in CriterionResult.objects.filter(assessment=latest, met=False)
            )
            if latest
            else [],
            "before_numbers": met_numbers(latest_before),
        }
    n = len(rows)
    total = sum(r["met"] for r in rows.values())
    return {
        "rows": rows,
        "communes": n,
        "certified": sum(r["certified"] for r in rows.values()),
        "criteria_total": total,
        "average": (Decimal(total) / n).quantize(Decimal("0.01"), ROUND_HALF_UP) if n else 0,
        "carried_forward": sum(1 for r in rows.values() if r["year"] and r["year"] < year),
        "not_assessed": sum(1 for r in rows.values() if r["year"] is None),
    }


def check(figures, expected):
    h = figures.headline
    assert h.communes == expected["communes"]
    assert h.certified == expected["certified"]
    assert h.criteria_total == expected["criteria_total"]
    assert h.average == expected["average"]
    assert h.carried_forward == expected["carried_forward"]
    assert h.not_assessed == expected["not_assessed"]
    rows = expected["rows"]
    assert [c.code for c in figures.communes] == sorted(
        rows, key=lambda k: (rows[k]["district"], k)
    )
    for c in figures.communes:
        r = rows[c.code]
        assert (c.met, c.met_year, c.certified, c.missing) == (
            r["met"],
            r["year"],
            r["certified"],
            r["missing"],
        )
    for b in figures.bands:
        top = b.band.is_top
        count = sum(
            1
            for r in rows.values()
            if (r["met"] >= b.band.low if top else b.band.low <= r["met"] <= b.band.high)
        )
        assert b.count == count, b.band
    for crit in figures.per_criterion:
        assert crit.count == sum(1 for r in rows.values() if crit.number in r["met_numbers"])


def test_province_figures_match_an_independent_computation(report_world):
    w = report_world
    figures = report_figures(2027, communes=Commune.objects.filter(district__province=w.province))
    expected = independent(2027, False, district__province=w.province)
    check(figures, expected)
    # The hand-built world, spelled out: A1 certified with 3, A2 carried forward with 3 (its
    # certification revoked), B1 never approved; the ward, the merged commune and the other
    # province's commune do not count.
    assert (expected["communes"], expected["certified"], expected["criteria_total"]) == (3, 1, 6)
    assert figures.headline.average == Decimal("2.00")
    assert (figures.headline.carried_forward, figures.headline.not_assessed) == (1, 1)
    assert [(b.band.label, b.count) for b in figures.bands] == [("3", 2), ("dưới 3", 1)]
    assert [(c.number, c.count) for c in figures.per_criterion] == [(1, 2), (2, 2), (3, 2)]
    # From 2026 the modern pilot has its row (51/2025/QĐ-TTg); no advanced or model set is in
    # force in 2027, so those tiers have none (ntm-reference §16.5).
    assert [(t.tier, t.count) for t in figures.tiers] == [("ntm", 1), ("modern", 0)]


def test_provisional_figures_count_submitted_assessments(report_world):
    w = report_world
    figures = report_figures(
        2027, provisional=True, communes=Commune.objects.filter(district__province=w.province)
    )
    expected = independent(2027, True, district__province=w.province)
    check(figures, expected)
    assert figures.headline.criteria_total == 7
    assert figures.headline.not_assessed == 0
    assert figures.provisional


def test_district_figures_match_an_independent_computation(report_world):
    w = report_world
    for district in (w.district_a, w.district_b):
        figures = report_figures(
            2027, grouping=None, communes=Commune.objects.filter(district=district)
        )
        check(figures, independent(2027, False, district=district))
        assert figures.areas == []


def test_change_lists_the_criteria_gained_and_lost(report_world):
    w = report_world
    figures = report_figures(2027, communes=Commune.objects.filter(district__province=w.province))
    a1 = next(c for c in figures.communes if c.code == w.commune_a1.code)
    assert (a1.met_before, a1.met, a1.gained, a1.lost) == (2, 3, [3], [])
    assert [c.code for c in figures.gained] == [w.commune_a1.code]
    # A2 kept its 2026 assessment: carried forward, nothing changed.
    assert [c.code for c in figures.carried_forward] == [w.commune_a2.code]
    assert figures.lost == []
    assert figures.previous == headline(
        2026, communes=Commune.objects.filter(district__province=w.province)
    )
    assert figures.previous.communes == 4  # the merged commune still existed in 2026
    assert figures.certified_change == 1 - 1  # A2 (revoked in 2027) then A1


def test_near_standard_lists_uncertified_communes_missing_few_criteria(report_world):
    w = report_world
    w.cset.near_standard_missing = 4  # as the 19-criterion sets have it
    w.cset.save(update_fields=["near_standard_missing"])
    figures = report_figures(2027, communes=Commune.objects.filter(district__province=w.province))
    # 3 criteria: "missing 1 to 4" means 1 or 2 met; A2 meets all 3, B1 is not assessed.
    assert figures.near_standard == []
    figures = report_figures(
        2027, provisional=True, communes=Commune.objects.filter(district__province=w.province)
    )
    assert [(c.code, c.met, c.missing) for c in figures.near_standard] == [
        (w.commune_b1.code, 1, [2, 3])
    ]


def test_the_near_standard_list_is_the_band_below_the_top(reform_world):
    """A 10-criterion set near the standard at 2 missing: bands 10 · 8-9 · 5-7 · under 5, and
    the report's near-standard list holds the communes of the 8-9 band (none certified)."""
    w = reform_world
    w.cset.near_standard_missing = 2
    w.cset.save(update_fields=["near_standard_missing"])
    make_assessment(w.dong_tay, 2026, w.cset, met=9)
    make_assessment(w.bac_son, 2026, w.cset, met=7)
    figures = report_figures(2026, communes=Commune.objects.filter(province=w.province))
    assert [(r.band.low, r.band.high, r.count) for r in figures.bands] == [
        (10, 10, 0),
        (8, 9, 1),
        (5, 7, 1),
        (0, 4, 0),
    ]
    assert [c.code for c in figures.near_standard] == [w.dong_tay.code]


def test_progress_covers_each_year_up_to_the_report_year(report_world):
    w = report_world
    figures = report_figures(2027, communes=Commune.objects.filter(district__province=w.province))
    assert [(h.year, h.communes, h.certified, h.criteria_total) for h in figures.progress] == [
        (2026, 4, 1, 2 + 3 + 3),
        (2027, 3, 1, 6),
    ]
    for h in figures.progress:
        expected = headline(h.year, communes=Commune.objects.filter(district__province=w.province))
        assert (h.communes, h.certified, h.criteria_total) == (
            expected.communes,
            expected.certified,
            expected.criteria_total,
        )


def test_district_total_row_equals_the_province(report_world):
    w = report_world
    figures = report_figures(2027, communes=Commune.objects.filter(district__province=w.province))
    total = figures.area_total.headline
    assert total == headline(2027, communes=Commune.objects.filter(district__province=w.province))
    assert sum(d.headline.communes for d in figures.areas) == total.communes
    assert sum(d.headline.certified for d in figures.areas) == total.certified
    assert sum(d.headline.criteria_total for d in figures.areas) == total.criteria_total
    assert [d.code for d in figures.areas] == ["981", "982"]


def test_demo_2017_figures():
    figures = report_figures(2017, communes=Commune.objects.filter(district__province__code="20"))
    h = figures.headline
    assert f"{h.certified}/{h.communes}" == "36/207"
    assert h.average == Decimal("8.65")
    assert figures.criteria_count == 19
    assert [b.band.label for b in figures.bands] == ["19", "15–18", "10–14", "5–9", "dưới 5"]
    assert sum(b.count for b in figures.bands) == 207
    assert figures.bands[0].count >= 36
    total = figures.area_total.headline
    assert sum(d.headline.criteria_total for d in figures.areas) == total.criteria_total
    assert sum(d.headline.certified for d in figures.areas) == 36
    check(figures, independent(2017, False, district__province__code="20"))


def test_report_runs_a_fixed_number_of_queries(report_world, django_assert_num_queries):
    # The table by district comes from the headline's query: a province report costs no more
    # queries than a district report. 12 = 10 + the certified communes that ended since the
    # year before (1) + the lineage of the units formed since (1), issue 12, + what the counted
    # results rest on (1, issue 13), + the recognitions of the year decided later (1) and the
    # units in scope by kind, in the programme or not (1), issue 13, + the set of the year
    # before and the dossiers in progress (2, issue 23), + the data versions of the chart's
    # earlier years, whose points are kept (1, issue 27).
    with django_assert_num_queries(18):
        report_figures(
            2027, communes=Commune.objects.filter(district__province=report_world.province)
        )
    with django_assert_num_queries(18):
        report_figures(2017, communes=Commune.objects.filter(district__province__code="20"))
    with django_assert_num_queries(18):
        report_figures(2017, grouping=None, communes=Commune.objects.filter(district__code="187"))


@pytest.mark.parametrize(
    ("count", "expected"),
    [
        (19, [(19, 19), (15, 18), (10, 14), (5, 9), (0, 4)]),
        (3, [(3, 3), (0, 2)]),
        (12, [(12, 12), (10, 11), (5, 9), (0, 4)]),
    ],
)
def test_bands_follow_the_criteria_count(count, expected):
    bands = bands_for(count)
    assert [(b.low, b.high) for b in bands] == expected
    assert bands[0].is_top and not any(b.is_top for b in bands[1:])
    assert Band(0, 4).label == "dưới 5"


def test_tiers_without_a_set_in_force_are_left_out():
    """Lạng Sơn 2017: only the standard set is in force (the model set of 2018-2020 and the
    modern pilot of 2026-2030 are not), and no commune holds a higher tier."""
    langson = Province.objects.with_code("20").get()
    assert [
        t.tier
        for t in report_figures(2017, communes=Commune.objects.filter(province=langson)).tiers
    ] == ["ntm"]


def test_the_sections_are_numbered_by_what_the_report_has(report_world):
    w = report_world
    province = report_figures(2027, communes=Commune.objects.filter(province=w.province))
    assert province.sections == {
        "general": "I",
        "bands": "II",
        "criteria": "III",
        "areas": "IV",
        "near_standard": "V",
        "changes": "VI",
        "keeping_standard": "VII",
    }
    district = report_figures(
        2027, grouping=None, communes=Commune.objects.filter(district=w.district_a)
    )
    assert list(district.sections.items())[3:] == [
        ("near_standard", "IV"),
        ("changes", "V"),
        ("keeping_standard", "VI"),
    ]
    national = report_figures(2027, with_communes=False, communes=Commune.objects.all())
    assert list(national.sections.items())[3:] == [("areas", "IV"), ("no_communes", "V")]


def test_a_commune_counted_on_an_earlier_year_is_flagged_carried_forward(report_world):
    w = report_world
    figures = report_figures(2027, communes=Commune.objects.filter(province=w.province))
    flagged = {c.code: c.carried_forward for c in figures.communes}
    # A2 counts its 2026 assessment; A1 has one of 2027; B1 none that counts.
    assert flagged[w.commune_a2.code] and not flagged[w.commune_a1.code]
    assert not flagged[w.commune_b1.code]
    assert figures.carried_forward == [c for c in figures.communes if c.code == w.commune_a2.code]
