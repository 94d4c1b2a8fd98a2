import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.urls import reverse
from PIL import Image

from criteria.models import Indicator
from dossiers.models import Dossier, DossierFile, Step
from dossiers.services import file_add
from tests.base import make_assessment, make_criteria_set
from tests.practices.conftest import PDF_BYTES

pytestmark = pytest.mark.django_db

YEAR = 2026


def png(name="anh.png") -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (4, 4), "green").save(out, "PNG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/png")


def pdf_file(name="bao-cao.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF_BYTES, content_type="application/pdf")


@pytest.fixture
def dossier(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    make_assessment(world.commune_a1, YEAR, world.cset, met=3)
    return Dossier.objects.create(commune=world.commune_a1, tier="ntm", year=YEAR)


def step(client, dossier, name, day, **extra):
    data = {"step": name, "done_on": day} | extra
    return client.post(reverse("dossiers:step_record", args=[dossier.pk]), data)


def test_province_staff_create_a_dossier(client, world):
    client.force_login(world.province_staff)
    response = client.post(
        reverse("dossiers:dossier_create"), {"commune": "98101", "tier": "ntm", "year": YEAR}
    )
    dossier = Dossier.objects.get()
    assert response["Location"] == dossier.get_absolute_url()
    assert dossier.commune == world.commune_a1
    assert dossier.procedure().first_year == 2026


def test_it_lists_what_is_missing_and_the_posting_deadline(client, world):
    """Under 18/2022/QĐ-TTg (a dossier of 2024): the 15-day posting rule."""
    make_criteria_set(code="test-2021-2025", first_year=2021, last_year=2025)
    dossier = Dossier.objects.create(commune=world.commune_a1, tier="ntm", year=2024)
    client.force_login(world.province_staff)
    step(client, dossier, "posting", "2024-10-01", end_on="2024-10-10")
    step(client, dossier, "council", "2024-10-20")  # no document, no vote
    page = client.get(dossier.get_absolute_url()).content.decode()
    assert "Chưa có tài liệu của bước: Hội đồng thẩm định tỉnh biểu quyết." in page
    assert "Chưa ghi kết quả biểu quyết của Hội đồng." in page
    assert "Chưa ghi bước: Tự đánh giá, báo cáo kết quả (UBND xã)." in page
    assert "Chưa có tài liệu của bước: Công khai, lấy ý kiến nhân dân và các tổ chức." in page
    assert "Chưa ghi bước: Thẩm tra hồ sơ và mức đạt từng tiêu chí (UBND huyện)." in page
    assert "Thời gian công khai chưa đủ 15 ngày (phải đến ngày 16/10/2024)." in page
    assert "Công khai đến ít nhất ngày 16/10/2024" in page


def test_evidence_is_checked_and_served_only_in_scope(client, world, dossier):
    client.force_login(world.official_a)
    url = reverse("dossiers:evidence_add", args=[dossier.pk])
    criterion = world.cset.criteria.get(number=1)
    bad = SimpleUploadedFile("x.pdf", b"not a pdf at all")
    assert client.post(url, {"criterion": criterion.pk, "file": bad}).status_code == 400
    assert client.post(url, {"criterion": criterion.pk, "file": png()}).status_code == 302
    item = DossierFile.objects.get()
    assert item.criterion == criterion and item.content_type == "image/png"
    assert client.get(item.get_absolute_url()).status_code == 200
    client.force_login(world.other_province_staff)
    assert client.get(item.get_absolute_url()).status_code == 404
    assert client.get(dossier.get_absolute_url()).status_code == 404
    client.force_login(world.official_b)
    assert client.get(item.get_absolute_url()).status_code == 404


def test_evidence_per_indicator_is_checked_shown_and_served_only_in_scope(
    client, world, dossier, settings
):
    client.force_login(world.official_a)
    url = reverse("dossiers:evidence_add", args=[dossier.pk])
    indicator = Indicator.objects.get(criterion__criteria_set=world.cset, code="1.2")
    # The practices' content check and size limit apply.
    bad = SimpleUploadedFile("x.pdf", b"not a pdf at all")
    assert client.post(url, {"indicator": indicator.pk, "file": bad}).status_code == 400
    limit, settings.NTM_PRACTICE_MAX_UPLOAD_BYTES = settings.NTM_PRACTICE_MAX_UPLOAD_BYTES, 10
    response = client.post(url, {"indicator": indicator.pk, "file": png()})
    assert response.status_code == 400 and response.context["evidence_form"].errors["file"]
    settings.NTM_PRACTICE_MAX_UPLOAD_BYTES = limit
    # An indicator of another criterion than the one chosen is refused.
    other = world.cset.criteria.get(number=2)
    response = client.post(url, {"criterion": other.pk, "indicator": indicator.pk, "file": png()})
    assert response.status_code == 400
    assert "Chỉ tiêu này không thuộc tiêu chí đã chọn." in response.content.decode()
    assert not DossierFile.objects.exists()
    # The indicator alone names its criterion.
    data = {"indicator": indicator.pk, "file": pdf_file("ty-le.pdf"), "caption": "Bảng tỷ lệ"}
    assert client.post(url, data).status_code == 302
    item = DossierFile.objects.get()
    assert (item.criterion.number, item.indicator, item.step) == (1, indicator, "")
    assert item.content_type == "application/pdf"
    page = client.get(dossier.get_absolute_url()).content.decode()
    assert (
        f'<li data-indicator="1.2">Chỉ tiêu 1.2: <a href="{item.get_absolute_url()}">Bảng tỷ lệ</a>'
        in page
    )
    response = client.get(item.get_absolute_url())
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    # Another province's staff and another district's official: as if it did not exist.
    for persona in (world.other_province_staff, world.official_b):
        client.force_login(persona)
        assert client.get(item.get_absolute_url()).status_code == 404
        assert client.post(url, {"indicator": indicator.pk, "file": png()}).status_code == 404


def test_neither_criterion_nor_indicator_is_refused(client, world, dossier):
    client.force_login(world.province_staff)
    url = reverse("dossiers:evidence_add", args=[dossier.pk])
    response = client.post(url, {"file": png()})
    assert response.status_code == 400
    assert response.context["evidence_form"].errors["criterion"] == ["Chọn tiêu chí hoặc chỉ tiêu."]


def test_the_service_refuses_an_indicator_of_another_criterion(world, dossier):
    indicator = Indicator.objects.get(criterion__criteria_set=world.cset, code="1.2")
    with pytest.raises(ValidationError) as exc:
        file_add(
            dossier=dossier,
            upload=png(),
            user=world.province_staff,
            criterion=world.cset.criteria.get(number=3),
            indicator=indicator,
        )
    assert exc.value.code == "indicator_of_other_criterion"
    assert not DossierFile.objects.exists()


def test_an_indicator_file_without_its_criterion_is_refused_by_the_database(world, dossier):
    indicator = Indicator.objects.get(criterion__criteria_set=world.cset, code="1.2")
    with pytest.raises(IntegrityError), transaction.atomic():
        DossierFile.objects.create(
            dossier=dossier, step="", indicator=indicator, original_name="x", size=1
        )


def test_district_officials_cannot_record_province_steps_or_the_decision(client, world, dossier):
    client.force_login(world.official_a)
    assert step(client, dossier, "self_assessment", "2026-09-01").status_code == 302
    assert step(client, dossier, "council", "2026-11-01", votes_for=20).status_code == 403
    url = reverse("dossiers:dossier_decide", args=[dossier.pk])
    response = client.post(
        url, {"decision_number": "1/QĐ", "decision_date": "2026-11-20", "authority": "UBND"}
    )
    assert response.status_code == 403
    assert set(dossier.steps.values_list("step", flat=True)) == {"self_assessment"}


def test_deciding_an_incomplete_dossier_needs_a_reason(client, world, dossier):
    client.force_login(world.province_staff)
    url = reverse("dossiers:dossier_decide", args=[dossier.pk])
    data = {"decision_number": "9/QĐ-UBND", "decision_date": "2026-11-20", "authority": "UBND"}
    response = client.post(url, data)
    assert response.status_code == 400
    assert "cần ghi lý do" in response.content.decode()
    assert not world.commune_a1.certifications.exists()
    response = client.post(url, data | {"reason": "Hồ sơ giấy đã đủ, đang số hóa"})
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.is_complete and dossier.certification.decision_number == "9/QĐ-UBND"
    assert dossier.certification.dossier_reason == "Hồ sơ giấy đã đủ, đang số hóa"
    page = client.get(dossier.get_absolute_url()).content.decode()
    assert "Công nhận khi hồ sơ chưa đủ, lý do:" in page and "đang số hóa" in page


def test_a_complete_dossier_is_decided_without_a_reason(client, world, dossier):
    client.force_login(world.province_staff)
    for name, day, extra in [
        ("self_assessment", "2026-09-01", {}),
        ("posting", "2026-09-05", {"end_on": "2026-09-25", "note": "3 ý kiến"}),
        ("council", "2026-10-20", {"votes_for": 21, "votes_against": 1}),
        ("proposal", "2026-10-25", {}),
    ]:
        assert step(client, dossier, name, day, document=pdf_file(), **extra).status_code == 302
    assert "data-ready" in client.get(dossier.get_absolute_url()).content.decode()
    url = reverse("dossiers:dossier_decide", args=[dossier.pk])
    data = {"decision_number": "10/QĐ-UBND", "decision_date": "2026-11-20", "authority": "UBND"}
    assert client.post(url, data).status_code == 302
    dossier.refresh_from_db()
    assert dossier.is_complete and dossier.certification.dossier_reason == ""
    assert dossier.steps.get(step=Step.DECISION).done_on == datetime.date(2026, 11, 20)
    # Complete: no step can be changed any more.
    assert step(client, dossier, "council", "2026-10-06").status_code == 400


def test_changes_reject_get(client, world, dossier):
    client.force_login(world.province_staff)
    for name in ("step_record", "dossier_decide", "evidence_add"):
        assert client.get(reverse(f"dossiers:{name}", args=[dossier.pk])).status_code == 405
