"""A certification of a higher tier in the workbook: checked by the certification page's rule,
on that tier's approved assessment (entered on the commune's page: the workbook imports
standard assessments only) and on the standard certification."""

import datetime

import pytest

from criteria.models import Certification
from imports.services import import_assessments
from tests.base import make_assessment, make_certification
from tests.criteria.test_tiers import give_the_modern_set_criteria, modern_assessment

pytestmark = pytest.mark.django_db


def modern_row(**extra) -> list[dict]:
    row = {"Mã xã": "98101", "Năm": 2027, "TC1": "x", "TC2": "x", "TC3": "x"}
    row |= {"Số QĐ công nhận": "88/QĐ-UBND", "Ngày công nhận": "20/11/2027", "Hạng": "NTM hiện đại"}
    row |= {"Lý do công nhận khi hồ sơ chưa đủ": "Thí điểm: hồ sơ lập sau"}
    return [row | extra]


@pytest.fixture
def certified(world):
    give_the_modern_set_criteria()
    make_assessment(world.commune_a1, 2027, world.cset, met=3)
    make_certification(world.commune_a1, world.cset, datetime.date(2027, 6, 1))
    return world


def test_a_modern_certification_without_a_modern_assessment_is_refused(certified):
    report = import_assessments(rows=modern_row(), user=certified.province_staff, dry_run=False)
    assert [(e.column, e.code) for e in report.errors] == [
        ("Số QĐ công nhận", "no_approved_assessment")
    ]
    assert not Certification.objects.filter(tier="modern").exists()


def test_a_modern_certification_with_a_met_modern_assessment_is_recorded(certified):
    modern_assessment(certified.commune_a1, met=2)
    report = import_assessments(rows=modern_row(), user=certified.province_staff, dry_run=False)
    assert report.ok, report.lines()[:3]
    cert = Certification.objects.get(tier="modern")
    assert (cert.commune, cert.decision_date) == (
        certified.commune_a1,
        datetime.date(2027, 11, 20),
    )


def test_a_modern_certification_without_the_standard_one_is_refused(world):
    give_the_modern_set_criteria()
    make_assessment(world.commune_a1, 2027, world.cset, met=3)
    modern_assessment(world.commune_a1, met=2)
    report = import_assessments(rows=modern_row(), user=world.province_staff)
    assert [e.code for e in report.errors] == ["no_standard_certification"]
