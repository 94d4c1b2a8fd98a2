"""What a row means: blank rows are skipped, a blank status is a draft, approving and certifying
need the web form's permissions, and rows that lower an approved figure need a confirmation."""

import datetime

import pytest
from django.contrib.auth.models import Permission

from accounts.models import Membership
from criteria.models import Assessment, Certification
from imports.report import warning_text
from imports.services import import_assessments
from tests.base import make_assessment, make_certification, make_user
from tests.imports.conftest import HEADER_19, fingerprint

pytestmark = pytest.mark.django_db

WORLD_HEADER = ["Mã xã", "Tên xã", "Năm", "TC1", "TC2", "TC3", "Trạng thái"]


def test_a_row_with_no_criterion_and_no_indicator_is_skipped(xlsx, province_user):
    before = fingerprint()
    blank = ["06505", "Vạn Linh", 2019] + [None] * 19
    filled = ["06628", "", 2019] + ["x"] * 19
    report = import_assessments(
        file=xlsx([HEADER_19, blank, filled]), user=province_user, dry_run=False
    )
    assert report.applied and report.counts["blank"] == 1 and report.counts["create"] == 1
    assert [(o.row, o.action, o.commune_name) for o in report.outcomes][0] == (
        2,
        "blank",
        "Vạn Linh",
    )
    assert not Assessment.objects.filter(commune__code="06505", year=2019).exists()
    assert Assessment.objects.count() == before[0] + 1
    assert "1 dòng trống bỏ qua" in report.summary()


def staff_without(world, *codenames):
    """Province staff of the world's province holding the role's permissions but `codenames`."""
    user = make_user("limited", role=Membership.Role.PROVINCE_STAFF, province=world.province)
    perms = list(Permission.objects.filter(group__user=user).exclude(codename__in=codenames))
    user.groups.clear()
    user.user_permissions.set(perms)
    return type(user).objects.get(pk=user.pk)  # a fresh permission cache


def test_approving_through_a_file_needs_the_approve_permission(xlsx, world):
    user = staff_without(world, "approve_assessment")
    before = fingerprint()
    path = xlsx(
        [
            WORLD_HEADER,
            ["98101", "", 2026, "x", "", "", "Đã phê duyệt"],
            ["98102", "", 2026, "x", "", "", "Đã gửi duyệt"],
        ]
    )
    report = import_assessments(file=path, user=user, dry_run=False)
    assert not report.applied and fingerprint() == before
    assert [(e.row, e.cell) for e in report.errors] == [(2, "G2")]
    assert report.errors[0].code == "no_permission_approve"
    assert report.errors[0].message.startswith("Bạn không có quyền phê duyệt đánh giá")


def test_certifying_through_a_file_needs_the_certification_permission(xlsx, world):
    user = staff_without(world, "add_certification")
    make_assessment(world.commune_a1, 2026, world.cset, met=3)
    header = WORLD_HEADER + ["Số QĐ công nhận", "Ngày công nhận"]
    row = ["98101", "", 2026, "x", "x", "x", "", "1/QĐ", "01/12/2026"]
    report = import_assessments(file=xlsx([header, row]), user=user, dry_run=False)
    assert not report.applied
    assert not Certification.objects.filter(commune=world.commune_a1).exists()
    assert [e.code for e in report.errors] == ["no_permission_certify"]
    assert [e.message for e in report.errors] == ["Bạn không có quyền ghi quyết định công nhận."]


def test_drafts_need_no_approve_permission(xlsx, world):
    user = staff_without(world, "approve_assessment", "add_certification")
    path = xlsx([WORLD_HEADER, ["98101", "", 2026, "x", "", "", ""]])
    report = import_assessments(file=path, user=user, dry_run=False)
    assert report.applied, report.lines()
    assert Assessment.objects.get(commune=world.commune_a1, year=2026).status == "draft"


def test_lowering_an_approved_assessment_needs_a_confirmation(xlsx, world):
    approved = make_assessment(world.commune_a1, 2026, world.cset, met=3)
    path = xlsx([WORLD_HEADER, ["98101", "Xã Một", 2026, "x", "", "", ""]])
    before = fingerprint()
    report = import_assessments(
        file=path, user=world.province_staff, update_approved=True, dry_run=False
    )
    assert report.ok and not report.applied and fingerprint() == before
    assert report.refused.startswith("Chưa ghi dữ liệu nào: 1 dòng làm giảm số tiêu chí đạt")
    assert (
        warning_text(report.warnings[0]) == "Dòng 2: Xã Một (98101), năm 2026: 3 → 1 tiêu chí đạt"
    )

    report = import_assessments(
        file=path,
        user=world.province_staff,
        update_approved=True,
        allow_lowering=True,
        dry_run=False,
    )
    assert report.applied
    approved.refresh_from_db()
    assert (approved.criteria_met, approved.status) == (1, "approved")


def test_lowering_a_certified_communes_standing_is_flagged(xlsx, world):
    make_assessment(world.commune_a1, 2026, world.cset, met=3)
    make_certification(world.commune_a1, world.cset, datetime.date(2026, 11, 1))
    path = xlsx([WORLD_HEADER, ["98101", "", 2027, "x", "", "", "Đã phê duyệt"]])
    report = import_assessments(file=path, user=world.province_staff)
    assert report.ok
    warning = report.warnings[0]
    assert (warning.old, warning.new, warning.certified) == (3, 1, True)
    assert warning_text(warning).endswith("3 → 1 tiêu chí đạt · đang được công nhận")
    # As a draft the row lowers nothing that counts.
    draft = xlsx([WORLD_HEADER, ["98101", "", 2027, "x", "", "", ""]])
    assert import_assessments(file=draft, user=world.province_staff).warnings == []


def test_the_management_command_refuses_lowering_without_its_flag(xlsx, world):
    from django.core.management import call_command
    from django.core.management.base import CommandError

    make_assessment(world.commune_a1, 2026, world.cset, met=3)
    path = xlsx([WORLD_HEADER, ["98101", "", 2026, "0", "", "", ""]])
    with pytest.raises(CommandError, match="--allow-lowering"):
        call_command("import_assessments", str(path), "--update-approved")
    assert Assessment.objects.get(commune=world.commune_a1, year=2026).criteria_met == 3
