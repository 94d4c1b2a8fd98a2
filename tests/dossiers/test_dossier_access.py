"""Issue 24 N1: a commune official (`xa`) recorded the province's council vote, the proposal and
the appraisal on its own commune's dossier and was shown the decision form. The province's
steps and decisions are the province's; a former district official (district 961, ended
30/06/2025) reads its years and writes nothing. Refused writes leave the dossier as it was,
through the pages and through the services alike (accounts.roles asked by both)."""

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts import roles
from dossiers import services
from dossiers.models import Dossier, DossierFile, DossierStep
from tests.base import make_criteria_set
from tests.practices.conftest import PDF_BYTES

pytestmark = pytest.mark.django_db

DECISION = {"decision_number": "1/QĐ", "decision_date": "2026-11-20", "authority": "UBND"}


def step(client, dossier, name, day, **extra):
    data = {"step": name, "done_on": day} | extra
    return client.post(reverse("dossiers:step_record", args=[dossier.pk]), data)


def fingerprint(dossier) -> tuple:
    dossier.refresh_from_db()
    steps = DossierStep.objects.filter(dossier=dossier).order_by("step")
    return (
        dossier.certification_id,
        list(steps.values_list("step", "done_on", "votes_for", "recorded_by")),
        DossierFile.objects.filter(dossier=dossier).count(),
        dossier.commune.certifications.count(),
    )


@pytest.fixture
def dossier(reform_world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return Dossier.objects.create(commune=reform_world.dong_tay, tier="ntm", year=2026)


@pytest.fixture
def dossier_2024(reform_world, settings, tmp_path):
    """Xã Đông's 2024 dossier (18/2022, with the district's appraisal): history of 961."""
    settings.MEDIA_ROOT = tmp_path / "media"
    make_criteria_set(code="test-2021-2025", first_year=2021, last_year=2025)
    return Dossier.objects.create(commune=reform_world.old_dong, tier="ntm", year=2024)


def test_the_commune_official_cannot_record_the_provinces_steps_or_decide(
    client, reform_world, dossier
):
    client.force_login(reform_world.commune_official)
    page = client.get(dossier.get_absolute_url())
    assert page.context["decision_form"] is None
    before = fingerprint(dossier)
    assert step(client, dossier, "council", "2026-10-20", votes_for=20).status_code == 403
    assert step(client, dossier, "proposal", "2026-10-25").status_code == 403
    decide = reverse("dossiers:dossier_decide", args=[dossier.pk])
    assert client.post(decide, DECISION | {"reason": "Đủ"}).status_code == 403
    assert fingerprint(dossier) == before
    # Its own step is still its own.
    assert step(client, dossier, "self_assessment", "2026-09-01").status_code == 302


def test_the_commune_official_cannot_record_the_appraisal_of_its_old_commune(
    client, world, settings, tmp_path
):
    """Before the reform the appraisal is the district's: commune A1's official gets 403."""
    settings.MEDIA_ROOT = tmp_path / "media"
    make_criteria_set(code="test-2021-2025", first_year=2021, last_year=2025)
    dossier = Dossier.objects.create(commune=world.commune_a1, tier="ntm", year=2024)
    client.force_login(world.commune_official)
    before = fingerprint(dossier)
    for name in ("appraisal", "council", "proposal"):
        assert step(client, dossier, name, "2024-10-05", votes_for=20).status_code == 403
    decide = reverse("dossiers:dossier_decide", args=[dossier.pk])
    assert client.post(decide, DECISION | {"reason": "Đủ"}).status_code == 403
    assert fingerprint(dossier) == before


def test_the_services_refuse_the_commune_official_too(reform_world, dossier):
    user = reform_world.commune_official
    before = fingerprint(dossier)
    with pytest.raises(PermissionDenied):
        services.step_record(dossier=dossier, step="council", done_on="2026-10-20", user=user)
    with pytest.raises(PermissionDenied):
        services.dossier_decide(dossier=dossier, user=user, reason="Đủ", **DECISION)
    assert fingerprint(dossier) == before


def test_a_former_district_official_reads_the_districts_years_and_writes_nothing(
    client, reform_world, dossier_2024
):
    user = reform_world.former_district_official
    assert roles.unit_ended(user)
    assert not roles.can_write(user)
    assert not roles.unit_ended(reform_world.commune_official)
    client.force_login(user)
    page = client.get(dossier_2024.get_absolute_url())
    assert page.status_code == 200
    assert page.context["decision_form"] is None
    assert list(page.context["step_form"].fields["step"].choices) in ([], [("", "---------")])
    before = fingerprint(dossier_2024)
    for name in ("self_assessment", "appraisal"):
        assert step(client, dossier_2024, name, "2024-10-05").status_code == 403
    evidence = reverse("dossiers:evidence_add", args=[dossier_2024.pk])
    upload = SimpleUploadedFile("a.pdf", PDF_BYTES, content_type="application/pdf")
    criterion = reform_world.cset.criteria.order_by("number").first()
    assert client.post(evidence, {"file": upload, "criterion": criterion.pk}).status_code == 403
    create = reverse("dossiers:dossier_create")
    data = {"commune": reform_world.old_tay.pk, "tier": "ntm", "year": 2024}
    assert client.post(create, data).status_code in (400, 403)
    assert fingerprint(dossier_2024) == before
    assert Dossier.objects.count() == 1
