"""A decision recognising a commune formed by a merger (Hà Tĩnh QĐ 3368/QĐ-UBND, 2023) is
its own kind of certification, with its basis stated."""

import datetime

import pytest
from django.db import IntegrityError, transaction

from communes.models import Commune
from criteria.models import Certification
from dossiers.admin import CertificationAdminForm
from reports.figures import report_figures
from tests.base import make_certification

pytestmark = pytest.mark.django_db


def test_a_certification_rests_on_an_assessment_by_default(world):
    cert = make_certification(world.commune_a1, world.cset, datetime.date(2026, 6, 1))
    assert cert.kind == Certification.Kind.ASSESSMENT


def test_a_merged_recognition_without_basis_is_refused_by_the_database(world):
    with pytest.raises(IntegrityError), transaction.atomic():
        make_certification(
            world.commune_a1,
            world.cset,
            datetime.date(2026, 6, 1),
            kind=Certification.Kind.MERGED_RECOGNITION,
        )


def test_a_merged_recognition_is_recorded_without_an_assessment_and_counts(world):
    form = CertificationAdminForm(
        data={
            "commune": world.commune_a2.pk,
            "kind": Certification.Kind.MERGED_RECOGNITION,
            "basis": "Xã hình thành từ hai xã đã đạt chuẩn (như QĐ 3368/QĐ-UBND Hà Tĩnh)",
            "tier": Certification.Tier.NTM,
            "criteria_set": world.cset.pk,
            "decision_number": "12/QĐ-UBND",
            "decision_date": "2026-09-01",
            "authority": "Chủ tịch UBND tỉnh",
        }
    )
    assert form.is_valid(), form.errors
    form.save()
    figures = report_figures(2026, communes=Commune.objects.filter(province=world.province))
    assert "98102" in {c.code for c in figures.communes if c.certified}


def test_a_merged_recognition_form_asks_for_the_basis(world):
    form = CertificationAdminForm(
        data={
            "commune": world.commune_a2.pk,
            "kind": Certification.Kind.MERGED_RECOGNITION,
            "basis": " ",
            "tier": Certification.Tier.NTM,
            "criteria_set": world.cset.pk,
            "decision_number": "12/QĐ-UBND",
            "decision_date": "2026-09-01",
            "authority": "Chủ tịch UBND tỉnh",
        }
    )
    assert not form.is_valid()
    assert "basis" in form.errors
