"""seed_national at a small size (300 communes, 2016-2017), checked against plain Python."""

import datetime
from collections import defaultdict
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count, Q
from django.test import TestCase

from communes.models import Commune, District, Province
from criteria.applicable import criteria_set_for_year
from criteria.certifications import certification_check
from criteria.evaluation import Catalogue, IndicatorEntry, ThresholdKey, evaluate_assessment
from criteria.models import Assessment, Certification, CriterionResult, IndicatorValue
from demo.national import (
    PROVINCE_CODES,
    NationalSeedError,
    delete_synthetic,
    seed_national,
    write_in_thread,
)
from reports.figures import headline

YEARS = (2016, 2017)
SYNTHETIC = {"district__province__code__in": PROVINCE_CODES}


class SeedNationalTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.out = StringIO()
        call_command("seed_national", communes=300, years="2016-2017", stdout=cls.out)
        cls.langson_communes = Commune.objects.filter(district__province__code="20").count()

    def test_it_builds_63_marked_provinces_about_the_requested_size(self):
        provinces = Province.objects.filter(code__in=PROVINCE_CODES)
        self.assertEqual(provinces.count(), 63)
        self.assertTrue(all(p.name.startswith("Tỉnh Mẫu ") for p in provinces))
        self.assertFalse(provinces.filter(region__isnull=True).exists())
        self.assertEqual(provinces.values("region").distinct().count(), 7)
        self.assertEqual(Commune.objects.in_programme().filter(**SYNTHETIC).count(), 300)
        self.assertEqual(District.objects.filter(province__in=provinces).count(), 63)
        assessments = Assessment.objects.filter(commune__district__province__in=provinces)
        self.assertEqual(assessments.count(), 600)
        self.assertEqual(assessments.exclude(status=Assessment.Status.APPROVED).count(), 0)
        self.assertEqual(
            set(assessments.values_list("year", "criteria_set__code").distinct()),
            {(2016, "xa-ntm-2016-2020"), (2017, "xa-ntm-2016-2020")},
        )
        self.assertIn("63 tỉnh", self.out.getvalue())
        self.assertIn("dòng/s", self.out.getvalue())

    def test_codes_never_collide_with_gso_codes(self):
        from vietnam_provinces import legacy

        gso = {f"{int(p.code):02d}" for p in legacy.Province.iter_all()}
        gso |= {f"{int(d.code):03d}" for d in legacy.District.iter_all()}
        gso |= {f"{int(w.code):05d}" for w in legacy.Ward.iter_all()}
        codes = list(
            Province.objects.filter(code__in=PROVINCE_CODES).values_list("code", flat=True)
        )
        codes += District.objects.filter(province__code__in=PROVINCE_CODES).values_list(
            "code", flat=True
        )
        codes += Commune.objects.filter(**SYNTHETIC).values_list("code", flat=True)
        self.assertEqual(len(codes), 63 + 63 + 300)
        self.assertEqual(len(set(codes)), len(codes))
        self.assertFalse(gso & set(codes))
        self.assertTrue(all(c[0].isalpha() and c[1:].isdigit() for c in codes))
        self.assertEqual({len(c) for c in PROVINCE_CODES}, {2})

    def test_figures_match_an_independent_computation(self):
        province_of = dict(
            Commune.objects.filter(**SYNTHETIC).values_list("pk", "district__province__code")
        )
        communes = defaultdict(int)
        for code in province_of.values():
            communes[code] += 1
        met = defaultdict(int)
        for commune_id, year, criteria_met in Assessment.objects.filter(
            commune_id__in=province_of, status=Assessment.Status.APPROVED
        ).values_list("commune_id", "year", "criteria_met"):
            met[(province_of[commune_id], year)] += criteria_met
        certified = defaultdict(set)
        for commune_id, decided, revoked in Certification.objects.filter(
            commune_id__in=province_of
        ).values_list("commune_id", "decision_date", "revoked_on"):
            for year in YEARS:
                end = datetime.date(year, 12, 31)
                if decided <= end and (revoked is None or revoked > end):
                    certified[(province_of[commune_id], year)].add(commune_id)

        self.assertEqual(sum(communes.values()), 300)
        for code in PROVINCE_CODES:
            for year in YEARS:
                h = headline(year, communes=Commune.objects.filter(district__province__code=code))
                expected = (communes[code], len(certified[(code, year)]), met[(code, year)])
                self.assertEqual((h.communes, h.certified, h.criteria_total), expected)
                self.assertEqual((h.carried_forward, h.not_assessed), (0, 0))
        # Plausible progress: more certified and more criteria met nationally from year to year.
        n16, n17 = (sum(len(certified[(c, y)]) for c in PROVINCE_CODES) for y in YEARS)
        m16, m17 = (sum(met[(c, y)] for c in PROVINCE_CODES) for y in YEARS)
        self.assertTrue(0 < n16 <= n17 < 300, (n16, n17))
        self.assertLess(m16, m17)
        self.assertTrue(10 < m16 / 300 < 19)

    def test_replace_rebuilds_the_same_country_and_its_report_agrees(self):
        before = headline(2017, communes=Commune.objects.filter(**SYNTHETIC))
        report = seed_national(communes=300, years=YEARS, replace=True)
        self.assertTrue(report.deleted)
        self.assertEqual(headline(2017, communes=Commune.objects.filter(**SYNTHETIC)), before)
        self.assertEqual(report.communes, 300)
        self.assertEqual(report.assessments, 600)
        self.assertEqual(report.indicator_values, 600 * 49)
        self.assertEqual(report.criterion_results, 600 * 19)
        planned = [f for (code, year), f in report.figures.items() if year == 2017]
        self.assertEqual(
            tuple(map(sum, zip(*planned, strict=True))),
            (before.communes, before.certified, before.criteria_total),
        )

    def test_it_skips_when_the_country_exists(self):
        counts = Assessment.objects.count(), IndicatorValue.objects.count()
        out = StringIO()
        call_command("seed_national", communes=300, years="2016-2017", stdout=out)
        self.assertIn("bỏ qua", out.getvalue())
        self.assertEqual((Assessment.objects.count(), IndicatorValue.objects.count()), counts)

    def test_it_refuses_a_partial_country(self):
        delete_synthetic()
        self.assertFalse(Assessment.objects.filter(commune__code__startswith="A").exists())
        # The demo province keeps its numeric code and its communes.
        self.assertEqual(
            Commune.objects.filter(district__province__code="20").count(), self.langson_communes
        )
        Province.objects.create(code="A0", name="Tỉnh Mẫu 01")
        with self.assertRaisesMessage(CommandError, "--replace"):
            call_command("seed_national", communes=300, years="2016-2017", stdout=StringIO())
        with self.assertRaises(NationalSeedError):
            seed_national(communes=300, years=YEARS)

    def test_it_rejects_bad_options(self):
        for options in ({"communes": 10}, {"years": "2017-2016"}, {"years": "xx"}):
            with self.subTest(options), self.assertRaises(CommandError):
                call_command("seed_national", stdout=StringIO(), **options)
        with self.assertRaisesMessage(CommandError, "bộ tiêu chí"):
            call_command("seed_national", years="2010-2011", replace=True, stdout=StringIO())

    def test_criteria_met_follow_from_indicator_values(self):
        assessments = Assessment.objects.filter(commune__in=Commune.objects.filter(**SYNTHETIC))
        annotated = assessments.annotate(
            n_met=Count("results", filter=Q(results__met=True)), n_results=Count("results")
        )
        self.assertTrue(all(a.criteria_met == a.n_met and a.n_results == 19 for a in annotated))
        all_met = {}
        for assessment_id, criterion_id, met in IndicatorValue.objects.filter(
            assessment__in=assessments
        ).values_list("assessment_id", "indicator__criterion_id", "met"):
            key = (assessment_id, criterion_id)
            all_met[key] = all_met.get(key, True) and met is True
        results = CriterionResult.objects.filter(assessment__in=assessments)
        self.assertEqual(len(all_met), results.count())
        for assessment_id, criterion_id, met in results.values_list(
            "assessment_id", "criterion_id", "met"
        ):
            self.assertIs(all_met[(assessment_id, criterion_id)], met)

        # Re-evaluating the stored values against the thresholds gives the stored results.
        catalogue = Catalogue.load(criteria_set_for_year(2017))
        for a in assessments.filter(year=2017).select_related("commune__district__province")[:25]:
            province = a.commune.district.province
            key = ThresholdKey(year=2017, province_id=province.pk, region_id=province.region_id)
            entries = {
                v.indicator_id: IndicatorEntry(
                    value=v.value,
                    value_secondary=v.value_secondary,
                    met=v.met if v.manual or not v.indicator.is_numeric else None,
                    manual_reason=v.manual_reason,
                )
                for v in a.values.select_related("indicator")
            }
            evaluation = evaluate_assessment(catalogue, key, entries)
            self.assertEqual(evaluation.errors, {})
            stored = dict(a.results.values_list("criterion_id", "met"))
            self.assertEqual(evaluation.criteria_met, stored)

    def test_certifications_pass_the_certification_check(self):
        certs = Certification.objects.filter(commune__in=Commune.objects.filter(**SYNTHETIC))
        self.assertGreater(certs.count(), 0)
        certified_communes = set()
        for cert in certs.select_related("commune", "criteria_set"):
            year = cert.decision_date.year
            self.assertEqual(cert.criteria_set, criteria_set_for_year(year))
            assessment = certification_check(
                commune=cert.commune, year=year, criteria_set=cert.criteria_set
            )
            self.assertEqual(assessment.criteria_met, 19)
            certified_communes.add(cert.commune_id)
        self.assertEqual(len(certified_communes), certs.count())  # one decision per commune
        # Every commune meeting all criteria in a year is certified by the end of that year.
        full = Assessment.objects.filter(
            commune__in=Commune.objects.filter(**SYNTHETIC), criteria_met=19
        )
        for commune_id, year in full.values_list("commune_id", "year"):
            self.assertTrue(
                certs.filter(commune_id=commune_id, decision_date__year__lte=year).exists()
            )


def test_the_writer_thread_writes_every_batch_in_order():
    written = []
    write_in_thread(iter(range(7)), written.append)
    assert written == list(range(7))


def test_a_failing_writer_stops_the_producer_and_raises():
    produced, written = [], []

    def batches():
        for i in range(50):
            produced.append(i)
            yield i

    def write(batch):
        if batch == 2:
            raise RuntimeError("disk full")
        written.append(batch)

    with pytest.raises(RuntimeError, match="disk full"):
        write_in_thread(batches(), write)
    assert written == [0, 1]
    assert len(produced) < 10  # the bounded queue stopped the producer early
