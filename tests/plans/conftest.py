import datetime
from decimal import Decimal

import pytest

from criteria.models import Certification
from plans.models import Plan
from tests.base import make_assessment, make_certification


@pytest.fixture
def plan_world(world):
    """The `world` in 2027 (3 criteria) with a province plan of 3 communes and 2.50 criteria:

    - A1: 2027 approved 1-3, certified NTM 01/06/2027 (counts);
    - A2: 2027 approved 1-2, certified NTM 2026 (not this year) and advanced 2027 (other tier);
    - B1: 2027 approved 1, certified NTM 01/03/2027 then revoked 01/10/2027 (not in force);
    - the other province's commune: certified NTM 2027 (another province).
    """
    w = world
    make_assessment(w.commune_a1, 2027, w.cset, met=3)
    make_assessment(w.commune_a2, 2027, w.cset, met=2)
    make_assessment(w.commune_b1, 2027, w.cset, met=1)
    make_certification(w.commune_a1, w.cset, datetime.date(2027, 6, 1))
    make_certification(w.commune_a2, w.cset, datetime.date(2026, 9, 1))
    make_certification(
        w.commune_a2,
        w.cset,
        datetime.date(2027, 9, 1),
        tier=Certification.Tier.ADVANCED,
        decision_number="A2-NC",
    )
    make_certification(
        w.commune_b1,
        w.cset,
        datetime.date(2027, 3, 1),
        revoked_on=datetime.date(2027, 10, 1),
        revocation_reason="Thử",
    )
    make_certification(w.commune_other, w.cset, datetime.date(2027, 2, 1))
    w.plan = Plan.objects.create(
        province=w.province,
        year=2027,
        title="KH 1/KH-UBND",
        target_certified=3,
        target_average=Decimal("2.50"),
        criterion_targets={"1": 3, "3": 2},
    )
    return w


def expected_progress(w, year: int = 2027) -> dict:
    """The plan's result computed here, row by row, without the code under test."""
    end = datetime.date(year, 12, 31)
    in_province = [
        c
        for c in (w.commune_a1, w.commune_a2, w.commune_b1)
        if c.in_programme and c.district.province_id == w.province.pk
    ]
    certified = {
        cert.commune_id
        for cert in Certification.objects.all()
        if cert.tier == "ntm"
        and cert.decision_date.year == year
        and (cert.revoked_on is None or cert.revoked_on > end)
        and cert.commune_id in {c.pk for c in in_province}
    }
    total = 0
    per_criterion = {}
    for c in in_province:
        latest = c.assessments.filter(year__lte=year, status="approved").order_by("-year").first()
        if latest:
            total += latest.criteria_met
            for r in latest.results.filter(met=True):
                per_criterion[r.criterion.number] = per_criterion.get(r.criterion.number, 0) + 1
    average = (Decimal(total) / len(in_province)).quantize(Decimal("0.01"))
    percent = round(100 * len(certified) / w.plan.target_certified)
    return {
        "certified": len(certified),
        "percent": percent,
        "average": average,
        "per_criterion": per_criterion,
    }
