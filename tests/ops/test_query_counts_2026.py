"""The benchmarked pages of December 2026 (ops/bench.py) run a fixed number of queries whatever
the number of units: each is asked as the staff of the smallest and of the largest province of
a small synthetic country of 01/07/2025 (seed_national with the reform) and the counts are
equal and pinned. The national report is pinned too, and asked again after a province's units
have doubled in number. Files (PDF, xlsx) are rendered by the worker and measured by the bench.
"""

import datetime
from unittest import mock

import time_machine
from django.core.cache import caches
from django.db import connection
from django.test import TestCase
from django.urls import reverse
from django.utils import translation

from accounts.models import Membership
from communes.models import TWO_TIER_START, Commune, Province, year_end
from communes.versions import bump_data_version
from criteria.forms import criterion_field
from criteria.models import Assessment, Certification
from demo.national import PROVINCE_CODES, seed_national
from dossiers.services import dossier_create
from issued.services import report_issue
from ntm.lib import pdf
from plans.models import Plan
from reports.areas import area_for
from reports.context import report_context
from tests.base import make_user

YEAR = 2026
# Pinned: a change here is a change in the cost of a page at every scale.
PINS = {
    "home": 40,  # cold, it computes the province report for its map (then kept for both)
    "commune list": 12,
    "assessment form": 20,
    "assessment save": 54,
    "province report": 30,
    "plan": 10,
    "dossier": 16,
    "issued report": 30,  # first view: today's figures on the report's day, then kept
}
NATIONAL_REPORT_PIN = 17


def _fake_pdf(html: str) -> bytes:
    return b"%PDF-fake"


# The deadline's day: the home page's working year follows the day (time is an input).
@time_machine.travel(datetime.datetime(2026, 12, 7, 9, tzinfo=datetime.UTC))
class QueryCounts2026Tests(TestCase):
    @classmethod
    def setUpTestData(cls):
        seed_national(communes=200, years=(2025, 2025), reform=True)
        current = Province.objects.filter(code__in=PROVINCE_CODES, valid_to__isnull=True)
        units = {
            p: Commune.objects.filter(province=p, valid_from=TWO_TIER_START, in_programme=True)
            .filter(assessments__year=YEAR, assessments__status=Assessment.Status.APPROVED)
            .count()
            for p in current
        }
        ordered = sorted((n, p.code) for p, n in units.items() if n)
        cls.small, cls.large = ordered[0][1], ordered[-1][1]
        assert ordered[-1][0] >= 2 * ordered[0][0], ordered
        cls.users = {
            code: make_user(
                f"staff-{code}",
                role=Membership.Role.PROVINCE_STAFF,
                province=Province.objects.get(code=code, valid_to__isnull=True),
            )
            for code in (cls.small, cls.large)
        }
        cls.admin = make_user("root", superuser=True)

    def _unit_assessment(self, code: str) -> Assessment:
        return (
            Assessment.objects.filter(
                commune__province__code=code,
                commune__valid_from=TWO_TIER_START,
                year=YEAR,
                status=Assessment.Status.APPROVED,
            )
            .select_related("commune", "criteria_set")
            .order_by("commune__code")
            .first()
        )

    def _count(self, user, method: str, path: str, data=None) -> int:
        self.client.force_login(user)
        for cache in caches.all():  # every page cold: what a user gets after any save
            cache.clear()
        with self.captureOnCommitCallbacks(execute=True):
            counted = _Counter()
            with connection.execute_wrapper(counted):
                response = getattr(self.client, method)(path, data or {}, secure=True)
        self.assertIn(response.status_code, (200, 302), path)
        return counted.n

    def _pages(self, code: str) -> dict[str, int]:
        user = self.users[code]
        province = Province.objects.get(code=code, valid_to__isnull=True)
        assessment = self._unit_assessment(code)
        commune = assessment.commune
        form = reverse("pages:assessment_edit", args=[commune.code, YEAR])
        plan = Plan.objects.create(
            province=province, year=YEAR + 1, title="Kế hoạch", created_by=user
        )
        plan.target_communes.set(
            Commune.objects.filter(province=province, valid_from=TWO_TIER_START)
        )
        dossier = dossier_create(commune=commune, tier=Certification.Tier.NTM, year=YEAR, user=user)
        with mock.patch.object(pdf, "render_pdf", _fake_pdf), translation.override("vi"):
            area = area_for("province", code)
            issued = report_issue(
                ctx=report_context(area, YEAR, provisional=False, as_at=year_end(YEAR)),
                province=province,
                issued_on=year_end(YEAR),
                user=user,
            )
        counts = {
            "home": self._count(user, "get", "/"),
            "commune list": self._count(user, "get", f"/communes/?year={YEAR}"),
            "province report": self._count(user, "get", f"/reports/province/{code}/{YEAR}/"),
            "plan": self._count(user, "get", reverse("plans:plan_edit", args=[code, plan.pk])),
            "dossier": self._count(
                user, "get", reverse("dossiers:dossier_detail", args=[dossier.pk])
            ),
            "issued report": self._count(
                user, "get", reverse("issued:issued_detail", args=[issued.code])
            ),
        }
        self.client.force_login(user)
        self.client.post(
            reverse("pages:assessment_reopen", args=[commune.code, YEAR]), {"reason": "đo"}
        )
        assessment.refresh_from_db()
        self.assertEqual(assessment.status, Assessment.Status.DRAFT)
        counts["assessment form"] = self._count(user, "get", form)
        data = {"version": str(assessment.version), "note": ""}
        for result in assessment.results.all():
            data[criterion_field(result.criterion_id, "met")] = "0" if result.met else "1"
            data[criterion_field(result.criterion_id, "note")] = "Đánh giá lại (đo truy vấn)"
        counts["assessment save"] = self._count(user, "post", form, data)
        return counts

    def test_the_2026_pages_cost_the_same_for_a_small_and_a_large_province(self):
        small, large = self._pages(self.small), self._pages(self.large)
        self.assertEqual(small, large)
        self.assertEqual(small, PINS)

    def test_the_2026_national_report_costs_the_same_when_the_units_double(self):
        path = f"/reports/national/{YEAR}/"
        before = self._count(self.admin, "get", path)
        province = Province.objects.get(code=self.small, valid_to__isnull=True)
        model = self._unit_assessment(self.small)
        for i, unit in enumerate(
            list(Commune.objects.filter(province=province, valid_from=TWO_TIER_START))
        ):
            twin = Commune.objects.create(
                code=f"Z{i:04d}",
                name=f"Xã Đôi {i}",
                kind=unit.kind,
                province=province,
                in_programme=True,
                valid_from=datetime.date(2025, 7, 1),
            )
            Assessment.objects.create(
                commune=twin,
                year=YEAR,
                criteria_set=model.criteria_set,
                status=Assessment.Status.APPROVED,
                criteria_met=model.criteria_met,
            )
        bump_data_version(province_ids={province.pk}, since_year=YEAR)
        after = self._count(self.admin, "get", path)
        self.assertEqual(before, after)
        self.assertEqual(before, NATIONAL_REPORT_PIN)


class _Counter:
    def __init__(self):
        self.n = 0

    def __call__(self, execute, sql, params, many, context):
        self.n += 1
        return execute(sql, params, many, context)
