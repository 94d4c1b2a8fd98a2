"""The province report's villages (counted against an independent count made here in Python)
and its border-commune line as at two days across a change of designation; both worlds. The
pre-reform figures do not change with the new lines (the undated border flag still counts for
the units it was set on)."""

import datetime
from dataclasses import replace
from decimal import Decimal

import pytest
from django.urls import reverse

from communes.models import (
    Commune,
    CommuneDesignation,
    Village,
    VillageDesignation,
    VillageRecognition,
)
from reports.figures import report_figures
from tests.base import make_assessment, make_certification
from tests.communes.test_village_admin import make_village

pytestmark = pytest.mark.django_db
D = datetime.date


def recognise(village, kind, decided_on, year, revoked_on=None):
    return VillageRecognition.objects.create(
        village=village,
        kind=kind,
        decision_number=f"{village.pk}-{kind}/QĐ-UBND",
        decided_on=decided_on,
        recognised_year=year,
        revoked_on=revoked_on,
    )


def dbkk(village, start, end=None):
    VillageDesignation.objects.create(village=village, valid_from=start, valid_to=end, source="QĐ")


def independent_counts(province, year, day, group_of=lambda commune: ""):
    """The same figures, counted row by row in Python from every village of the database."""
    counts: dict[str, dict[str, int]] = {}
    for v in Village.objects.select_related("commune"):
        if v.commune.province_id != province.pk or not v.exists_on(day):
            continue
        if not v.commune.exists_on(day):
            continue
        c = counts.setdefault(
            group_of(v.commune),
            dict.fromkeys(("villages", "ntm", "model", "smart", "new", "dbkk", "left"), 0),
        )
        c["villages"] += 1
        recs = list(v.recognitions.all())
        for kind, key in (("ntm", "ntm"), ("kieu_mau", "model"), ("thong_minh", "smart")):
            if any(
                r.kind == kind
                and r.decided_on <= day
                and (r.revoked_on is None or r.revoked_on > day)
                for r in recs
            ):
                c[key] += 1
        c["new"] += any(r.recognised_year == year and r.decided_on <= day for r in recs)
        designations = list(v.designations.all())
        now = any(
            d.valid_from <= day and (d.valid_to is None or d.valid_to >= day) for d in designations
        )
        c["dbkk"] += now
        c["left"] += (not now) and any(
            d.valid_to is not None and D(year, 1, 1) <= d.valid_to < day for d in designations
        )
    return counts


def as_counts(row):
    return {
        "villages": row.villages,
        "ntm": row.ntm,
        "model": row.model,
        "smart": row.smart,
        "new": row.recognised_in_year,
        "dbkk": row.disadvantaged,
        "left": row.left_disadvantaged,
    }


@pytest.fixture
def reform_villages(reform_world):
    w = reform_world
    v1 = make_village(w.dong_tay, "Nà Một", code="1")
    recognise(v1, "ntm", D(2026, 3, 1), 2025)
    v2 = make_village(w.dong_tay, "Nà Hai", code="2")
    recognise(v2, "ntm", D(2024, 3, 1), 2023, revoked_on=D(2026, 6, 1))
    dbkk(v2, D(2021, 1, 1), D(2026, 1, 28))
    dbkk(v2, D(2026, 1, 29))  # still on the new list: did not leave
    gone = make_village(w.dong_tay, "Nà Ba", code="3", valid_to=D(2026, 5, 1))
    recognise(gone, "ntm", D(2020, 3, 1), 2019)
    v4 = make_village(w.bac_son, "Bản Bốn")
    recognise(v4, "thong_minh", D(2026, 12, 1), 2026)
    recognise(v4, "kieu_mau", D(2025, 8, 1), 2025)
    dbkk(v4, D(2026, 1, 29))
    v5 = make_village(w.bac_son, "Bản Năm")
    dbkk(v5, D(2021, 1, 1), D(2026, 1, 28))  # left the list
    make_village(w.ward, "Tổ Sáu", kind=Village.Kind.TO_DAN_PHO)
    make_village(w.old_dong, "Thôn Cũ", valid_to=D(2025, 6, 30))
    return w


def figures_of(province, year, **kwargs):
    return report_figures(
        year, communes=Commune.objects.filter(province=province), with_villages=True, **kwargs
    )


def test_village_counts_by_commune_group_match_an_independent_count(reform_villages):
    w = reform_villages
    from communes.models import CommuneGroupAssignment

    groups = CommuneGroupAssignment.objects.groups_in_year(
        Commune.objects.filter(province=w.province), 2026, field="group__code"
    )
    f = figures_of(w.province, 2026)
    expected = independent_counts(
        w.province, 2026, D(2026, 12, 31), lambda c: groups.get(c.pk) or ""
    )
    assert f.villages.by_group
    assert {r.group: as_counts(r) for r in f.villages.rows} == expected
    assert as_counts(f.villages.total) == {
        "villages": 5,
        "ntm": 1,
        "model": 1,
        "smart": 1,
        "new": 1,
        "dbkk": 2,
        "left": 1,
    }


def test_village_counts_as_at_an_earlier_day(reform_villages):
    w = reform_villages
    day = D(2026, 4, 30)
    f = figures_of(w.province, 2026, as_at=day)
    total = independent_counts(w.province, 2026, day)
    summed = {k: sum(c[k] for c in total.values()) for k in next(iter(total.values()))}
    assert as_counts(f.villages.total) == summed
    assert f.villages.total.villages == 6  # Nà Ba still exists; Nà Hai still recognised
    assert f.villages.total.ntm == 3


def test_village_counts_before_the_reform(report_world):
    w = report_world
    v = make_village(w.commune_a1, "Thôn Một")
    recognise(v, "ntm", D(2027, 2, 1), 2026)
    dbkk(v, D(2020, 1, 1), D(2027, 3, 31))
    make_village(w.commune_b1, "Thôn Hai")
    make_village(w.commune_other, "Thôn Khác")  # another province
    f = figures_of(w.province, 2027)
    expected = independent_counts(w.province, 2027, D(2027, 12, 31))
    assert {r.group: as_counts(r) for r in f.villages.rows} == expected
    assert as_counts(f.villages.total)["left"] == 1
    assert f.villages.total.villages == 2


def test_the_border_line_follows_the_designation_day(report_world):
    w = report_world
    # B1 carries the old undated flag and no designation: it counts by the flag on every day.
    Commune.objects.filter(pk=w.commune_b1.pk).update(is_border=True)
    CommuneDesignation.objects.create(
        commune=w.commune_a1, kind="bien_gioi", valid_from=D(2027, 7, 1), source="QĐ thử"
    )
    before = figures_of(w.province, 2027, as_at=D(2027, 6, 30)).border
    after = figures_of(w.province, 2027).border
    assert (before.communes, before.certified) == (1, 0)
    assert (after.communes, after.certified) == (2, 1)
    rows = {r.code: r for r in figures_of(w.province, 2027).communes}
    assert after.average == Decimal(rows["98101"].met + rows["98201"].met) / 2
    assert after.average == Decimal("1.50")  # A1 3 criteria in 2027, B1 never approved


def test_the_border_line_across_the_reform(reform_villages, client):
    w = reform_villages
    make_assessment(w.dong_tay, 2026, w.cset, met=w.cset.criteria.count())
    make_certification(w.dong_tay, w.cset, D(2026, 11, 1))
    CommuneDesignation.objects.create(
        commune=w.bac_son,
        kind="bien_gioi",
        valid_from=D(2025, 7, 1),
        valid_to=D(2026, 9, 30),
        source="QĐ thử 1",
    )
    CommuneDesignation.objects.create(
        commune=w.dong_tay, kind="bien_gioi", valid_from=D(2026, 10, 1), source="QĐ thử 2"
    )
    summer = figures_of(w.province, 2026, as_at=D(2026, 8, 31)).border
    winter = figures_of(w.province, 2026).border
    assert (summer.communes, summer.certified) == (1, 0)
    assert (winter.communes, winter.certified) == (1, 1)
    client.force_login(w.province_staff)
    page = client.get(reverse("reports:province_report", args=["96", 2026]))
    assert page.status_code == 200
    assert b'data-figure="border-certified">1<' in page.content
    assert b'data-figure="villages-dbkk">2<' in page.content


def test_the_new_lines_change_no_other_figure(report_world):
    w = report_world
    Commune.objects.filter(pk=w.commune_b1.pk).update(is_border=True)
    make_village(w.commune_a1, "Thôn Một")
    communes = Commune.objects.filter(province=w.province)
    plain = report_figures(2027, communes=communes)
    full = report_figures(2027, communes=communes, with_villages=True)
    assert full.border is not None and full.villages is not None
    assert replace(full, villages=None, border=None) == plain


def test_the_workbook_has_the_village_sheet(reform_villages, client):
    import io

    from openpyxl import load_workbook

    client.force_login(reform_villages.province_staff)
    response = client.get(reverse("reports:province_report_xlsx", args=["96", 2026]))
    assert response.status_code == 200
    body = response.content
    ws = load_workbook(io.BytesIO(body))["Thôn, xã biên giới"]
    rows = {r[0]: r[1:] for r in ws.iter_rows(min_row=2, values_only=True)}
    assert rows["Tổng"] == (5, 1, 1, 1, 1, 2, 1)
    assert rows["Số xã biên giới"][0] == 0
