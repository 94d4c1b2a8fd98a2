"""Recognitions of year N decided later (ntm-reference §17.2): the count of communes certified
"by 31/12 of N" goes by decision date, and the report adds a note, as provincial reports do:
"Ngoài ra, x xã được công nhận đạt chuẩn năm N theo quyết định ban hành năm N+1: …" (page, PDF,
workbook)."""

import datetime
import io
import shutil
import subprocess

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from communes.models import Commune
from criteria.certifications import certification_create
from criteria.models import Certification
from reports.figures import report_figures
from tests.base import make_assessment, make_certification

pytestmark = pytest.mark.django_db


@pytest.fixture
def late_world(report_world):
    """The report world plus B1 approved with every criterion in 2026 and recognised for 2026
    by a decision of 20/01/2027 (through the rule), and A1 recognised for 2026 by a decision of
    2028 (recorded by hand: the rule allows one year), later revoked."""
    w = report_world
    make_assessment(w.commune_b1, 2026, w.cset, met=3)
    certification_create(
        commune=w.commune_b1,
        tier=Certification.Tier.NTM,
        decision_number="12/QĐ-UBND",
        decision_date=datetime.date(2027, 1, 20),
        recognised_year=2026,
        authority="Chủ tịch UBND tỉnh",
    )
    make_certification(
        w.commune_a1,
        w.cset,
        datetime.date(2028, 2, 3),
        decision_number="7/QĐ-UBND",
        recognised_year=2026,
        revoked_on=datetime.date(2028, 5, 1),
        revocation_reason="Thử",
    )
    return w


def independent_count(province, year: int) -> int:
    """Communes of the province recognised for `year` by a decision of a later year, counted
    in Python over every certification."""
    return len(
        {
            c.commune_id
            for c in Certification.objects.select_related("commune")
            if c.commune.province_id == province.pk
            and c.commune.in_programme
            and c.recognised_year == year
            and c.decision_date.year > year
        }
    )


def test_the_figures_list_them_and_the_count_matches_an_independent_one(late_world):
    w = late_world
    f = report_figures(2026, communes=Commune.objects.filter(province=w.province))
    late = f.late_recognitions
    assert late.communes == independent_count(w.province, 2026) == 2
    assert [(r.code, r.decision_number, r.revoked_on) for r in late.rows] == [
        ("98201", "12/QĐ-UBND", None),
        ("98101", "7/QĐ-UBND", datetime.date(2028, 5, 1)),
    ]
    assert late.last_decision_year == 2028 and not late.all_next_year
    # By 31/12/2026 neither counts: the certified figure goes by decision date.
    assert f.headline.certified == 1  # A2, certified 10/2026 (revoked 2027)
    # The 2027 report counts B1's decision of 01/2027 and has nothing decided later.
    f2027 = report_figures(2027, communes=Commune.objects.filter(province=w.province))
    assert f2027.late_recognitions.communes == 0
    assert f2027.headline.certified == 2  # A1 (06/2027) and B1 (01/2027)


def test_one_query_without_the_rows(late_world, django_assert_num_queries):
    from reports.figures import programme_communes
    from reports.figures.tiers import late_recognitions

    scope = programme_communes(Commune.objects.filter(province=late_world.province), 2026)
    with django_assert_num_queries(1):
        late = late_recognitions(2026, scope, with_rows=False)
    assert (late.communes, late.last_decision_year, late.rows) == (2, 2028, [])


def test_the_page_and_the_workbook_carry_the_note(client, late_world):
    w = late_world
    client.force_login(w.province_staff)
    body = client.get(reverse("reports:province_report", args=["98", 2026])).content.decode()
    assert (
        "Ngoài ra, 2 xã được công nhận đạt chuẩn năm 2026 theo quyết định ban hành sau năm 2026"
        in body
    )
    assert "Xã Ba (98201; Đạt chuẩn NTM; QĐ 12/QĐ-UBND ngày 20/01/2027)" in body
    assert "QĐ 7/QĐ-UBND ngày 03/02/2028; đã thu hồi ngày 01/05/2028" in body
    response = client.get(reverse("reports:province_report_xlsx", args=["98", 2026]))
    wb = load_workbook(io.BytesIO(response.content))
    texts = [c.value for c in wb["Tổng hợp"]["A"] if isinstance(c.value, str)]
    assert any(t.startswith("Ngoài ra, 2 xã được công nhận đạt chuẩn năm 2026") for t in texts)
    rows = list(wb["Công nhận sau năm"].iter_rows(values_only=True))
    assert [r[:4] for r in rows[1:]] == [
        ("98201", "Xã Ba", "Đạt chuẩn NTM", "12/QĐ-UBND"),
        ("98101", "Xã Một", "Đạt chuẩn NTM", "7/QĐ-UBND"),
    ]


def test_decisions_all_of_the_next_year_are_named_so(client, report_world):
    w = report_world
    make_assessment(w.commune_b1, 2026, w.cset, met=3)
    make_certification(w.commune_b1, w.cset, datetime.date(2027, 1, 20), recognised_year=2026)
    client.force_login(w.province_staff)
    body = client.get(reverse("reports:province_report", args=["98", 2026])).content.decode()
    assert (
        "Ngoài ra, 1 xã được công nhận đạt chuẩn năm 2026 theo quyết định ban hành năm 2027" in body
    )


def test_the_pdf_carries_the_note(client, late_world, report_cache, tmp_path):
    client.force_login(late_world.province_staff)
    response = client.get(reverse("reports:province_report_pdf", args=["98", 2026]))
    assert response.status_code == 200
    path = tmp_path / "late.pdf"
    path.write_bytes(response.content)
    pdftotext = shutil.which("pdftotext")
    assert pdftotext, "poppler-utils (pdftotext) is needed to read the PDF back"
    text = subprocess.run(  # noqa: S603
        [pdftotext, str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    flat = " ".join(text.split())
    assert "Ngoài ra, 2 xã được công nhận đạt chuẩn năm 2026" in flat
    assert "12/QĐ-UBND ngày 20/01/2027" in flat
