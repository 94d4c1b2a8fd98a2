import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from dossiers.models import Dossier, DossierStep
from tests.base import make_assessment, make_criteria_set

pytestmark = pytest.mark.django_db

# A dossier under 18/2022/QĐ-TTg, whose procedure has the district's appraisal report.
YEAR = 2024
KINDS = ["tu-danh-gia", "tham-dinh", "to-trinh"]


@pytest.fixture
def cset(world):
    return make_criteria_set(code="test-2021-2025", first_year=2021, last_year=2025)


@pytest.fixture
def dossier(world, cset):
    make_assessment(world.commune_a1, YEAR, cset, met=3)
    dossier = Dossier.objects.create(commune=world.commune_a1, tier="ntm", year=YEAR)
    DossierStep.objects.create(
        dossier=dossier, step="council", done_on="2024-11-02", votes_for=17, votes_against=2
    )
    return dossier


def pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return "\n".join(page.extract_text() for page in reader.pages)


def url(dossier, kind):
    return reverse("dossiers:dossier_document_pdf", args=[dossier.pk, kind])


@pytest.mark.parametrize("kind", KINDS)
def test_each_document_is_a_pdf_filled_from_the_dossier(client, world, cset, dossier, kind):
    client.force_login(world.province_staff)
    response = client.get(url(dossier, kind))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    total = cset.criteria.count()
    assert world.commune_a1.name in text
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert f"Số tiêu chí đạt: 3/{total} tiêu chí." in text
    assert "17 phiếu đồng ý, 2 phiếu không đồng ý" in text


def test_the_dossier_page_links_the_three_documents(client, world, dossier):
    client.force_login(world.province_staff)
    page = client.get(dossier.get_absolute_url()).content.decode()
    for kind in KINDS:
        assert url(dossier, kind) in page


def test_an_unknown_kind_is_404(client, world, dossier):
    client.force_login(world.province_staff)
    assert client.get(url(dossier, "quyet-dinh")).status_code == 404


def test_another_provinces_dossier_is_404(client, world, dossier):
    client.force_login(world.other_province_staff)
    assert client.get(url(dossier, "to-trinh")).status_code == 404


def test_anonymous_users_are_sent_to_log_in(client, dossier):
    response = client.get(url(dossier, "tu-danh-gia"))
    assert response.status_code == 302
    assert "login" in response["Location"]


def test_a_2026_document_leaves_the_unconfirmed_legal_basis_blank(client, reform_world):
    """2026-2030: the procedure's text is not known, so the printed proposal cites nothing (a
    blank to fill in), and there is no district appraisal report."""
    make_assessment(reform_world.dong_tay, 2026, reform_world.cset, met=10)
    dossier = Dossier.objects.create(commune=reform_world.dong_tay, tier="ntm", year=2026)
    client.force_login(reform_world.province_staff)
    response = client.get(url(dossier, "to-trinh"))
    assert response.status_code == 200
    text = pdf_text(response.content)
    assert "Xã Đông Tây" in text and "18/2022" not in text and "Căn cứ ……" in text
    assert "Số tiêu chí đạt: 10/10 tiêu chí." in text
    assert client.get(url(dossier, "tham-dinh")).status_code == 404
