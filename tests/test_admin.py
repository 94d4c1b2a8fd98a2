"""Every admin changelist, add page and change page answers 200 for the admin."""

import pytest
from django.contrib import admin
from django.urls import reverse

pytestmark = pytest.mark.django_db

MODELS = [model for model in admin.site._registry if model._meta.app_label not in ("auth",)]


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m._meta.label)
def test_admin_pages_answer(admin_client, model):
    opts = model._meta
    changelist = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
    assert admin_client.get(changelist).status_code == 200
    assert admin_client.get(changelist, {"q": "20"}).status_code == 200
    obj = model._default_manager.order_by("pk").first()
    if obj is not None:
        change = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
        assert admin_client.get(change).status_code == 200
    if admin.site._registry[model].has_add_permission(_request(admin_client)):
        add = reverse(f"admin:{opts.app_label}_{opts.model_name}_add")
        assert admin_client.get(add).status_code == 200


def _request(client):
    from django.contrib.auth import get_user_model
    from django.test import RequestFactory

    request = RequestFactory().get("/")
    request.user = get_user_model().objects.get(username="admin")
    return request


def test_every_model_is_registered():
    from django.apps import apps

    ours = [
        m for m in apps.get_models() if m._meta.app_label in ("communes", "criteria", "accounts")
    ]
    unregistered = [
        m._meta.label
        for m in ours
        if m not in admin.site._registry and not m.__name__.startswith("Historical")
    ]
    assert unregistered == []


def test_certification_in_admin_is_refused_below_all_criteria(admin_client):
    from communes.models import Commune
    from criteria.models import Assessment, CriteriaSet

    weak = (
        Assessment.objects.filter(year=2017, criteria_met__lt=19).select_related("commune").first()
    )
    response = admin_client.post(
        reverse("admin:criteria_certification_add"),
        {
            "commune": weak.commune.pk,
            "tier": "ntm",
            "criteria_set": CriteriaSet.objects.get(code="xa-ntm-2016-2020").pk,
            "decision_number": "999/QĐ-UBND",
            "decision_date": "2017-12-01",
            "authority": "Chủ tịch UBND tỉnh",
        },
    )
    assert response.status_code == 200
    assert "Chưa đủ điều kiện công nhận" in response.content.decode()
    assert (
        not Commune.objects.get(pk=weak.commune.pk)
        .certifications.filter(decision_number="999/QĐ-UBND")
        .exists()
    )


def test_a_recognised_year_before_the_programme_is_refused_in_admin(admin_client):
    from criteria.models import Certification, CriteriaSet

    before = Certification.objects.count()
    commune = Certification.objects.order_by("pk").first().commune_id
    response = admin_client.post(
        reverse("admin:criteria_certification_add"),
        {
            "commune": commune,
            "tier": "ntm",
            "criteria_set": CriteriaSet.objects.get(code="xa-ntm-2016-2020").pk,
            "decision_number": "998/QĐ-UBND",
            "decision_date": "2017-12-01",
            "recognised_year": "2005",
            "authority": "Chủ tịch UBND tỉnh",
        },
    )
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors["recognised_year"]
    assert any("2010" in e for e in errors)
    assert Certification.objects.count() == before


def test_certification_dates_outside_the_programme_are_refused_in_admin(admin_client):
    from criteria.models import Certification

    cert = Certification.objects.filter(revoked_on__isnull=True).order_by("pk").first()
    data = {
        "commune": cert.commune_id,
        "tier": cert.tier,
        "criteria_set": cert.criteria_set_id,
        "decision_number": cert.decision_number,
        "decision_date": cert.decision_date.isoformat(),
        "authority": cert.authority,
        "revoked_on": "9999-12-31",
        "revocation_reason": "Nhập nhầm",
    }
    url = reverse("admin:criteria_certification_change", args=[cert.pk])
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert "Ngày 31/12/9999 nằm ngoài thời gian của chương trình" in response.content.decode()
    add = admin_client.post(
        reverse("admin:criteria_certification_add"),
        {**data, "decision_number": "1/QĐ-UBND", "decision_date": "2009-12-31", "revoked_on": ""},
    )
    assert "Ngày 31/12/2009 nằm ngoài thời gian của chương trình" in add.content.decode()
    cert.refresh_from_db()
    assert cert.revoked_on is None
    assert not Certification.objects.filter(decision_number="1/QĐ-UBND").exists()


def test_a_designation_is_entered_on_the_commune_page(admin_client, world):
    """318's dated commune attribute (ĐBKK, ATK) is edited in the admin, inline and alone."""
    from communes.models import CommuneDesignation

    page = admin_client.get(reverse("admin:communes_commune_change", args=[world.commune_a1.pk]))
    assert "designations-TOTAL_FORMS" in page.content.decode()
    response = admin_client.post(
        reverse("admin:communes_communedesignation_add"),
        {
            "commune": world.commune_a1.pk,
            "kind": "atk",
            "poor_district": "on",
            "valid_from": "2022-05-01",
            "valid_to": "",
            "source": "Quyết định thử",
            "note": "",
        },
    )
    assert response.status_code == 302
    designation = CommuneDesignation.objects.get(commune=world.commune_a1)
    assert (designation.kind, designation.poor_district) == ("atk", True)
