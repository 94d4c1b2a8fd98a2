"""The national summary (/reports/national/<year>/, .pdf, .xlsx) on a small synthetic country
(seed_national, 300 communes, 2016-2017) beside the demo province, checked against an
independent computation in plain Python."""

import datetime
import io
import tempfile
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from django.contrib.auth import get_user_model
from django.test import TestCase
from django.urls import reverse
from openpyxl import load_workbook

from communes.models import Commune
from criteria.models import Assessment, Certification
from demo.national import seed_national
from ntm.lib import pdf

YEAR = 2017
URL = reverse("reports:national_report", args=[YEAR])
PDF_URL = reverse("reports:national_report_pdf", args=[YEAR])
XLSX_URL = reverse("reports:national_report_xlsx", args=[YEAR])


def independent_figures(year: int) -> dict[str, dict]:
    """province code -> {communes, certified, criteria_total}, from raw rows, no ORM arithmetic:
    programme communes existing on 31/12, the latest approved assessment up to `year` (0 when
    none), a certification dated by 31/12 and not revoked by then."""
    end = datetime.date(year, 12, 31)
    communes = {
        pk: province
        for pk, province, in_programme, valid_from, valid_to in Commune.objects.values_list(
            "pk", "district__province__code", "in_programme", "valid_from", "valid_to"
        )
        if in_programme
        and (valid_from is None or valid_from <= end)
        and (valid_to is None or valid_to >= end)
    }
    latest: dict[int, tuple[int, int]] = {}
    for commune, a_year, status, met in Assessment.objects.values_list(
        "commune_id", "year", "status", "criteria_met"
    ):
        counted = status == Assessment.Status.APPROVED and a_year <= year
        if counted and (commune not in latest or latest[commune][0] < a_year):
            latest[commune] = (a_year, met)
    certified = {
        commune
        for commune, decided, revoked in Certification.objects.values_list(
            "commune_id", "decision_date", "revoked_on"
        )
        if decided <= end and (revoked is None or revoked > end)
    }
    out: dict[str, dict] = defaultdict(lambda: {"communes": 0, "certified": 0, "criteria_total": 0})
    for pk, province in communes.items():
        out[province]["communes"] += 1
        out[province]["certified"] += pk in certified
        out[province]["criteria_total"] += latest.get(pk, (None, 0))[1]
    return dict(out)


def average(total: int, communes: int) -> Decimal:
    return (Decimal(total) / communes).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


class NationalReportTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        seed_national(communes=300, years=(2016, 2017))
        cls.admin = get_user_model().objects.get(username="admin")
        cls.expected = independent_figures(YEAR)

    def setUp(self):
        self.client.force_login(self.admin)

    def test_the_urls_are_stable(self):
        self.assertEqual(URL, "/reports/national/2017/")
        self.assertEqual(PDF_URL, "/reports/national/2017.pdf")
        self.assertEqual(XLSX_URL, "/reports/national/2017.xlsx")

    def test_one_row_per_province_matches_an_independent_computation(self):
        figures = self.client.get(URL).context["figures"]
        self.assertEqual(figures.grouping.kind, "province")
        self.assertEqual(len(figures.areas), 64)  # 63 synthetic provinces and Lạng Sơn
        self.assertEqual([a.code for a in figures.areas], sorted(self.expected))
        for area in figures.areas:
            expected = self.expected[area.code]
            h = area.headline
            self.assertEqual(
                (h.communes, h.certified, h.criteria_total),
                (expected["communes"], expected["certified"], expected["criteria_total"]),
                area.code,
            )
            self.assertEqual(h.average, average(expected["criteria_total"], expected["communes"]))
            self.assertEqual(sum(b.count for b in area.bands), h.communes, area.code)
        # Lạng Sơn keeps the demo's published figures in the national table.
        langson = next(a for a in figures.areas if a.code == "20")
        self.assertEqual((langson.headline.certified, langson.headline.communes), (36, 207))
        self.assertEqual(langson.headline.average, Decimal("8.65"))

    def test_the_total_row_is_the_national_headline(self):
        figures = self.client.get(URL).context["figures"]
        total = figures.area_total
        self.assertEqual(total.headline, figures.headline)
        communes = sum(e["communes"] for e in self.expected.values())
        certified = sum(e["certified"] for e in self.expected.values())
        criteria = sum(e["criteria_total"] for e in self.expected.values())
        self.assertEqual(communes, 207 + 300)
        self.assertEqual(
            (total.headline.communes, total.headline.certified, total.headline.criteria_total),
            (communes, certified, criteria),
        )
        self.assertEqual(total.headline.average, average(criteria, communes))
        for i, band in enumerate(total.bands):
            self.assertEqual(sum(a.bands[i].count for a in figures.areas), band.count)
        # Every commune of the country is counted once in the per-criterion table's base.
        self.assertTrue(all(r.count <= communes for r in figures.per_criterion))

    def test_the_page_links_each_province_report_and_leaves_the_annex_out(self):
        response = self.client.get(URL)
        body = response.content.decode()
        self.assertEqual(response.status_code, 200)
        total = response.context["figures"].headline
        self.assertIn(f'"certified">{total.certified}/{total.communes}<', body)
        self.assertIn("toàn quốc", body)
        self.assertIn("IV. Kết quả theo tỉnh", body)
        self.assertIn('href="/reports/province/20/2017/"', body)
        self.assertIn('href="/reports/province/A0/2017/"', body)
        self.assertEqual(body.count('href="/reports/province/'), 64)
        self.assertIn('data-section="no-communes"', body)
        self.assertIn("không kèm danh sách xã gần đạt chuẩn", body)
        self.assertNotIn("Phụ lục: kết quả từng xã", body)
        self.assertEqual(response.context["figures"].communes, [])
        self.assertIn('href="/reports/national/2017.pdf"', body)
        self.assertIn('href="/reports/national/2016/"', body)

    def test_provisional_links_keep_the_flag(self):
        body = self.client.get(URL, {"provisional": "1"}).content.decode()
        self.assertIn("SỐ LIỆU TẠM THỜI", body)
        self.assertIn('href="/reports/province/20/2017/?provisional=1"', body)

    def test_query_count_is_fixed(self):
        # session, user, the country's data version; then the 8 of report_figures without
        # per-commune rows (the table by province comes from the headline's query), whatever
        # the number of provinces and communes.
        # + what the results rest on; + the recognitions of the year decided later (counted)
        # and the units by kind (issue 13); + the set of the year before and the dossiers in
        # progress (issue 23).
        with self.assertNumQueries(17):
            self.assertEqual(self.client.get(URL).status_code, 200)
        # The workbook: its file rendered by the task (the version again, the criteria set).
        with self.assertNumQueries(19):
            self.assertEqual(self.client.get(XLSX_URL).status_code, 200)
        with self.assertNumQueries(3):  # stored: session, user, the data version
            self.assertEqual(self.client.get(XLSX_URL).status_code, 200)

    def test_workbook_has_the_province_table_and_no_commune_sheets(self):
        response = self.client.get(XLSX_URL)
        self.assertIn('filename="bao-cao-ntm-toan-quoc-2017.xlsx"', response["Content-Disposition"])
        wb = load_workbook(io.BytesIO(response.content))
        self.assertNotIn("Phụ lục theo xã", wb.sheetnames)
        self.assertNotIn("Gần đạt chuẩn", wb.sheetnames)
        ws = wb["Theo tỉnh"]
        self.assertEqual(ws["B1"].value, "Tỉnh")
        rows = list(ws.iter_rows(min_row=2, values_only=True))
        self.assertEqual(len(rows), 64 + 1)  # provinces and the total
        for code, _name, communes, certified, *_ in rows[:-1]:
            expected = self.expected[code]
            self.assertEqual((communes, certified), (expected["communes"], expected["certified"]))
        self.assertEqual(rows[-1][1], "Tổng")
        self.assertEqual(rows[-1][2], sum(e["communes"] for e in self.expected.values()))

    def test_pdf_is_rendered_once_without_links_and_cached(self):
        calls = []

        def render(html: str) -> bytes:
            calls.append(html)
            return b"%PDF-fake"

        original = pdf.render_pdf
        pdf.render_pdf = render
        self.addCleanup(setattr, pdf, "render_pdf", original)
        tmp = tempfile.TemporaryDirectory()
        self.addCleanup(tmp.cleanup)
        with self.settings(REPORT_CACHE_DIR=Path(tmp.name)):
            # session, user, the data version, the criteria set; then the render task: the
            # version again and the 10 of the figures (issue 13: the recognitions of the year
            # decided later, the units by kind).
            with self.assertNumQueries(19):
                response = self.client.get(PDF_URL)
            with self.assertNumQueries(3):  # stored: session, user, the data version
                again = self.client.get(PDF_URL)
        cached = list(Path(tmp.name).glob("national-2017-approved-vi-*.pdf"))
        self.assertEqual(response.content, b"%PDF-fake")
        self.assertEqual(again.content, b"%PDF-fake")
        self.assertEqual(len(calls), 1)
        self.assertEqual(len(cached), 1)
        self.assertIn('filename="bao-cao-ntm-toan-quoc-2017.pdf"', response["Content-Disposition"])
        html = calls[0]
        self.assertIn("VĂN PHÒNG ĐIỀU PHỐI NÔNG THÔN MỚI TRUNG ƯƠNG", html)
        self.assertIn("Hà Nội, ngày", html)
        self.assertIn("IV. Kết quả theo tỉnh", html)
        self.assertNotIn("/reports/province/", html)  # no links in a printed report
        self.assertNotIn("Phụ lục: kết quả từng xã", html)


class NationalReportScopeTests(TestCase):
    def test_only_admins_see_it(self):
        User = get_user_model()
        for url in (URL, PDF_URL, XLSX_URL):
            for username in ("province", "district"):
                self.client.force_login(User.objects.get(username=username))
                self.assertEqual(self.client.get(url).status_code, 404, (url, username))
            self.client.logout()
            response = self.client.get(url)
            self.assertEqual(response.status_code, 302)
            self.assertTrue(response["Location"].startswith(reverse("login")))

    def test_a_year_without_criteria_set_says_so(self):
        self.client.force_login(get_user_model().objects.get(username="admin"))
        response = self.client.get(reverse("reports:national_report", args=[2005]))
        self.assertContains(response, "Không có bộ tiêu chí nào áp dụng cho năm 2005.")
        url = reverse("reports:national_report_pdf", args=[2005])
        self.assertEqual(self.client.get(url).status_code, 404)

    def test_a_bad_provisional_flag_is_not_found(self):
        self.client.force_login(get_user_model().objects.get(username="admin"))
        self.assertEqual(self.client.get(URL, {"provisional": "yes"}).status_code, 404)
