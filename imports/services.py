"""Importing assessments from a workbook: read it (`imports.workbook`), plan every row against the
database (`imports.planning`), report (`imports.report`), and, unless it is a dry run or any row
has an error, apply all rows in one transaction.

Writes go only through the services: `assessments_bulk_create` for new commune-years,
`assessment_save` (which records history) for updates, `assessment_submit` /
`assessment_approve` for status changes; decisions, written last so the assessment they rest
on is already approved, through `dossiers.services.certification_record` (the commune page's
and the dossier page's entry point: the certification rule and the dossier rule) and
`certification_revoke`.
"""

import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts import roles
from accounts.roles import Scope, can_import, scope_for
from communes.models import CommuneGroupAssignment
from criteria.certifications import certification_revoke
from criteria.models import Assessment
from criteria.services import (
    assessment_approve,
    assessment_save,
    assessment_submit,
    assessments_bulk_create,
)
from dossiers.services import certification_record
from imports import workbook
from imports.planning import plan_import
from imports.planning.rows import IMPORTED_GROUP_NOTE, Permission, RowPlan
from imports.report import CREATE, KEPT, UPDATE, CellError, ImportReport, WorkbookError
from imports.workbook import Sheet
from ntm.lib.workbook import Budget

Progress = Callable[[int, int], None]
# Errors a report keeps (and a pending upload stores); past them one more line counts the rest.
# Every cell of a file can be wrong: a million cells, a million errors of some 250 bytes each.
MAX_ERRORS = 1000


def import_assessments(
    *,
    file: Path | str | IO[bytes] | None = None,
    rows: Iterable[Mapping[str, object]] | None = None,
    sheet: Sheet | None = None,
    user=None,
    update_approved: bool = False,
    allow_lowering: bool = False,
    dry_run: bool = True,
    progress: Progress | None = None,
) -> ImportReport:
    """Validate a workbook (or `rows`: dicts keyed by header, in either language; or a `sheet`
    read earlier by `workbook.read_upload`) against the database as it is now and, unless
    `dry_run` or anything is wrong, write every row in one transaction. Rows that would lower
    an approved figure (`report.warnings`) are written only with `allow_lowering`.

    `user` None is the operator at the shell (the management command without --user): all
    provinces and every permission. Queries: a fixed handful to validate (communes, criteria
    sets and catalogues, existing assessments, their results and values, approved figures,
    certifications), then one bulk insert per criteria set for new rows and about a dozen per
    updated row (history is recorded).
    """
    started = time.monotonic()
    # One time budget for reading the file and planning its rows: no upload holds a worker
    # past 10 s (the reader keeps its own budget too, from its first check).
    budget = Budget(workbook.MAX_SECONDS)
    report = ImportReport(dry_run=dry_run)
    try:
        scope = _scope(user)
        if sheet is None:
            sheet = workbook.read_source(file=file, rows=rows)
    except WorkbookError as exc:
        report.errors.append(exc.as_error())
        report.seconds = time.monotonic() - started
        return report
    report.errors.extend(sheet.errors)
    if sheet.blank_count:
        report.notices.append(
            _("Đã bỏ qua %(n)s dòng trống ở giữa bảng: %(rows)s.")
            % {"n": sheet.blank_count, "rows": _shorten(sheet.blank_rows, sheet.blank_count)}
        )
    try:
        planned = plan_import(
            sheet,
            scope=scope,
            update_approved=update_approved,
            may=_permission_check(user),
            budget=budget,
        )
    except WorkbookError as exc:
        report.errors.append(exc.as_error())
        report.seconds = time.monotonic() - started
        return report
    report.errors.extend(planned.errors)
    report.warnings = planned.warnings
    report.outcomes = planned.blank + [plan.outcome() for plan in planned.plans]
    report.outcomes.sort(key=lambda o: o.row)
    report.errors.sort(key=lambda e: e.row)
    if len(report.errors) > MAX_ERRORS:
        more = len(report.errors) - MAX_ERRORS
        report.errors[MAX_ERRORS:] = [
            CellError(
                row=report.errors[MAX_ERRORS].row,
                column="",
                code="more_errors",
                message=_("… và %(n)s lỗi khác.") % {"n": more},
            )
        ]
    kept = report.counts[KEPT]
    if kept:
        report.notices.append(
            _(
                "%(n)s đánh giá đã phê duyệt có thay đổi nhưng được giữ nguyên; chọn “Cập nhật cả "
                "đánh giá đã phê duyệt” để ghi đè."
            )
            % {"n": kept}
        )
    if report.ok and not dry_run and report.warnings and not allow_lowering:
        report.refused = _(
            "Chưa ghi dữ liệu nào: %(n)s dòng làm giảm số tiêu chí đạt của đánh giá đã phê duyệt "
            "hoặc của xã đang được công nhận. Đánh dấu ô xác nhận để ghi cả các dòng này."
        ) % {"n": len(report.warnings)}
    elif report.ok and not dry_run:
        try:
            _apply(planned.plans, user, update_approved, progress)
        except ValidationError as exc:
            report.errors.extend(_write_errors(exc))
        else:
            report.applied = True
    report.seconds = time.monotonic() - started
    return report


def _permission_check(user) -> Permission:
    return roles.import_row_permission(user)


def _scope(user) -> Scope:
    if user is None:
        return Scope(is_admin=True)
    try:
        scope = scope_for(user)
    except PermissionDenied:
        raise WorkbookError(
            "no_permission", _("Tài khoản của bạn không có quyền nhập đánh giá.")
        ) from None
    if not can_import(user):
        # District and commune officials enter and submit; the province approves.
        if scope.is_district:
            raise WorkbookError(
                "district_may_not_import",
                _("Cán bộ huyện không nhập đánh giá từ Excel; hãy gửi tệp cho Ban Chỉ đạo tỉnh."),
            )
        raise WorkbookError("no_permission", _("Tài khoản của bạn không có quyền nhập đánh giá."))
    return scope


def _shorten(numbers: list[int], total: int) -> str:
    text = ", ".join(str(n) for n in numbers)
    return text + (" …" if total > len(numbers) else "")


# --- Writing --------------------------------------------------------------------------------


def _apply(plans: list[RowPlan], user, update_approved: bool, progress: Progress | None) -> None:
    """Write every plan in one transaction. A ValidationError from a service (the database
    changed since validation) rolls everything back; it carries the row in `import_row`."""
    total = len(plans)
    done = 0
    with transaction.atomic():
        # First group assignments before the assessments, whose thresholds follow the group.
        first_groups: dict[int, RowPlan] = {}  # by commune: the earliest row giving a group
        for plan in sorted((p for p in plans if p.group is not None), key=lambda p: p.year):
            first_groups.setdefault(plan.commune.pk, plan)
        CommuneGroupAssignment.objects.bulk_create(
            CommuneGroupAssignment(
                commune=p.commune, group=p.group, year_from=p.year, note=IMPORTED_GROUP_NOTE
            )
            for p in first_groups.values()
        )
        by_set: dict[int, list[RowPlan]] = {}
        for plan in plans:
            if plan.action == CREATE:
                by_set.setdefault(plan.catalogue.criteria_set.pk, []).append(plan)
        for group in by_set.values():
            assessments_bulk_create(
                rows=[(p.commune, p.year, p.status, p.data) for p in group],
                catalogue=group[0].catalogue,
                user=user,
            )
            done += len(group)
            if progress:
                progress(done, total)
        for plan in plans:
            if plan.action == UPDATE:
                with _row_context(plan):
                    _update(plan, user, update_approved)
            if plan.action != CREATE:
                done += 1
                if progress and (done % 25 == 0 or done == total):
                    progress(done, total)
        for plan in plans:
            with _row_context(plan):
                _write_decision(plan, user)


def _write_decision(plan: RowPlan, user) -> None:
    """The row's new decision, then its revocation (of that decision or of a recorded one)."""
    certification = None
    if new := plan.certification:
        certification = certification_record(
            commune=plan.commune,
            tier=new.tier,
            decision_number=new.decision_number,
            decision_date=new.decision_date,
            recognised_year=plan.year,
            # Stored data in the decision's own language, not the user's.
            authority=f"Chủ tịch UBND tỉnh {plan.commune.province.name}",
            user=user,
            dossier_reason=new.dossier_reason,
            notify_officials=False,  # a transcription of decisions: no mail per row
        )
    if revocation := plan.revocation:
        certification_revoke(
            certification=revocation.certification or certification,
            revoked_on=revocation.revoked_on,
            reason=revocation.reason,
            user=user,
        )


def _update(plan: RowPlan, user, update_approved: bool) -> None:
    assessment = plan.existing
    if plan.content_changed:
        assessment_save(
            assessment=assessment,
            data=plan.data,
            user=user,
            catalogue=plan.catalogue,
            allow_approved=update_approved,
        )
    if assessment.status == Assessment.Status.DRAFT and plan.status != Assessment.Status.DRAFT:
        assessment = assessment_submit(assessment=assessment, user=user)
    if (
        assessment.status == Assessment.Status.SUBMITTED
        and plan.status == Assessment.Status.APPROVED
    ):
        assessment_approve(assessment=assessment, user=user)


def _write_errors(exc: ValidationError) -> list[CellError]:
    """A service's refusal while writing (the database changed since the plan), one error per
    message, on the row being written, with the service's code."""
    row = getattr(exc, "import_row", 0)
    if hasattr(exc, "error_dict"):
        refusals = [e for errors in exc.error_dict.values() for e in errors]
    else:
        refusals = exc.error_list
    return [
        CellError(row=row, column="", message=message, code=refusal.code or "not_written")
        for refusal in refusals
        for message in refusal.messages
    ]


@contextmanager
def _row_context(plan: RowPlan) -> Iterator[None]:
    """Tag a ValidationError raised while writing a row with that row's number."""
    try:
        yield
    except ValidationError as exc:
        exc.import_row = plan.row.number
        raise
