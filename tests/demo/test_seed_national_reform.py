"""seed_national's country of 01/07/2025 (demo.national_reform) at a small size: 300 communes
before the reform, the units after it, their 2026 assessments, checked against plain Python."""

import datetime
from collections import defaultdict

from django.test import TestCase

from communes.models import DISTRICTS_END, TWO_TIER_START, Commune, Province, Succession
from communes.models import CommuneGroupAssignment as Assignment
from criteria.models import Assessment, Certification
from demo.national import PROVINCE_CODES, seed_national
from demo.national_reform import PROVINCES_2025, YEAR, units_for
from reports.figures import headline

YEAR_END = datetime.date(YEAR, 12, 31)


class NationalReformTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.report = seed_national(communes=300, years=(2025, 2025), reform=True)
        cls.units = Commune.objects.filter(
            province__code__in=PROVINCE_CODES, valid_from=TWO_TIER_START
        )

    def test_34_provinces_continue_and_the_others_end_with_the_districts(self):
        synthetic = Province.objects.filter(code__in=PROVINCE_CODES)
        current = synthetic.filter(valid_to__isnull=True)
        self.assertEqual(current.count(), PROVINCES_2025)
        ended = synthetic.filter(valid_to=DISTRICTS_END)
        self.assertEqual(ended.count(), 63 - PROVINCES_2025)
        # Every ended province is listed by exactly one current one.
        merged = [
            p.pk for c in current.prefetch_related("formed_from") for p in c.formed_from.all()
        ]
        self.assertCountEqual(merged, ended.values_list("pk", flat=True))

    def test_units_have_no_district_and_reuse_a_predecessors_code(self):
        self.assertEqual(self.units.count(), units_for(300))
        self.assertFalse(self.units.filter(district__isnull=False).exists())
        self.assertFalse(self.units.filter(province__valid_to__isnull=False).exists())
        old = Commune.objects.filter(province__code__in=PROVINCE_CODES, valid_to=DISTRICTS_END)
        self.assertEqual(old.count(), 300)
        links = Succession.objects.filter(successor__in=self.units, effective_on=TWO_TIER_START)
        # Each old commune passes to exactly one unit; each unit's code was a predecessor's.
        self.assertCountEqual(
            links.values_list("predecessor_id", flat=True), old.values_list("pk", flat=True)
        )
        codes = defaultdict(set)
        for unit_code, old_code in links.values_list("successor__code", "predecessor__code"):
            codes[unit_code].add(old_code)
        self.assertTrue(all(code in olds for code, olds in codes.items()))
        # So a code names two units, on two different days.
        for unit in self.units[:5]:
            self.assertEqual(Commune.objects.with_code(unit.code, on=YEAR_END).get(), unit)
            self.assertNotEqual(
                Commune.objects.with_code(unit.code, on=datetime.date(2025, 6, 30)).get(), unit
            )

    def test_programme_units_have_a_group_and_2026_assessments_under_the_2026_set(self):
        programme = self.units.filter(in_programme=True)
        self.assertTrue(0 < programme.count() < self.units.count())  # some phường are outside
        self.assertEqual(
            Assignment.objects.in_year(YEAR).filter(commune__in=programme).count(),
            programme.count(),
        )
        assessments = Assessment.objects.filter(commune__in=self.units, year=YEAR)
        self.assertFalse(assessments.filter(commune__in_programme=False).exists())
        self.assertEqual(
            set(assessments.values_list("criteria_set__code", flat=True)), {"xa-ntm-2026-2030"}
        )
        statuses = set(assessments.values_list("status", flat=True))
        self.assertEqual(statuses, {"approved", "submitted", "draft"})
        self.assertLess(assessments.count(), programme.count())  # a few not started

    def test_2026_figures_match_an_independent_computation(self):
        province_of = dict(self.units.filter(in_programme=True).values_list("pk", "province__code"))
        communes, met, certified = defaultdict(int), defaultdict(int), defaultdict(int)
        for code in province_of.values():
            communes[code] += 1
        for commune_id, criteria_met in Assessment.objects.filter(
            commune_id__in=province_of, year=YEAR, status=Assessment.Status.APPROVED
        ).values_list("commune_id", "criteria_met"):
            met[province_of[commune_id]] += criteria_met
        for commune_id, decided in Certification.objects.filter(
            commune_id__in=province_of, revoked_on__isnull=True
        ).values_list("commune_id", "decision_date"):
            if decided <= YEAR_END:
                certified[province_of[commune_id]] += 1
        self.assertTrue(sum(certified.values()) > 0)
        for province in Province.objects.filter(code__in=PROVINCE_CODES, valid_to__isnull=True):
            h = headline(YEAR, communes=Commune.objects.filter(province=province), as_at=YEAR_END)
            code = province.code
            expected = (communes[code], certified[code], met[code])
            self.assertEqual((h.communes, h.certified, h.criteria_total), expected, code)
            self.assertEqual(self.report.reform.figures[(code, YEAR)], expected)
