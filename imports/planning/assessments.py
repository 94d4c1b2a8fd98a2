"""Planning the assessment a row brings: its cells read against its catalogue and evaluated,
its commune group, conflicts with recorded indicators, its action and status, the user's
permissions, and the rows lowering an approved figure."""

import dataclasses
import datetime
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from communes.models import Commune, CommuneGroup, CommuneGroupAssignment
from criteria.applicable import threshold_key
from criteria.evaluation import Evaluation, IndicatorEntry, evaluate_assessment
from criteria.models import Assessment, Certification, CriteriaSet, Indicator
from criteria.services import AssessmentInput
from imports import workbook
from imports.planning.rows import (
    STATUS_RANK,
    Context,
    ErrorLog,
    Existing,
    LocatedRow,
    RowPlan,
    same_text,
)
from imports.report import CREATE, KEPT, UNCHANGED, UPDATE, RowWarning
from imports.workbook import Row


@dataclass
class _Cells:
    """What a row's criterion and indicator columns say, parsed against the catalogue."""

    flags: dict[int, bool] = field(default_factory=dict)  # by criterion id, from cN
    explicit: dict[int, bool] = field(default_factory=dict)  # the criteria with a non-blank cN
    entries: dict[int, IndicatorEntry] = field(default_factory=dict)  # by indicator id


def plan_row(located: LocatedRow, ctx: Context) -> RowPlan | None:
    """The plan of one row, or None when it is answered by an error already."""
    row, commune, year, catalogue = located.row, located.commune, located.year, located.catalogue
    _check_name(row, commune, ctx.errors)
    status = _read_status(row, ctx.errors)
    _check_tier(row, ctx.errors)
    group = _row_group(located, ctx.errors)
    note = None
    if "note" in row.values:
        note = "" if row.values["note"] is None else str(row.values["note"]).strip()
    cells = _Cells()
    _read_criteria(located, ctx, cells)
    _read_indicators(located, ctx, cells)
    _check_missing_columns(located, ctx, cells)

    assessment = ctx.existing.assessments.get((commune.pk, year))
    if assessment is not None and assessment.criteria_set_id != catalogue.criteria_set.pk:
        ctx.errors.add(
            row,
            "year",
            "other_criteria_set",
            _("Đánh giá hiện có của năm %(year)s theo bộ tiêu chí khác.") % {"year": year},
        )
        return None
    # Indicators the file leaves out keep their recorded values.
    from_file = set(cells.entries)
    recorded = ctx.existing.values.get(assessment.pk, {}) if assessment else {}
    by_id = {ind.pk: ind for ind in catalogue.all_indicators()}
    entries = dict(cells.entries)
    for ind_id, value in recorded.items():
        if ind_id not in entries and ind_id in by_id:
            entries[ind_id] = _entry_from_value(by_id[ind_id], value)

    key = threshold_key(
        commune,
        year,
        catalogue.criteria_set,
        designated=commune.pk in ctx.designated.get(year, ()),
    )
    if group is not None:  # a first group, recorded before the assessment: its thresholds
        key = dataclasses.replace(key, commune_group_id=group.pk)
    evaluation = evaluate_assessment(catalogue, key, entries, cells.flags)
    for code, message in evaluation.errors.items():
        column = code if code in ctx.sheet.headers else ""
        ctx.errors.add(row, column, "indicator_invalid", f"{code}: {message}")
    in_file = {by_id[i].criterion_id for i in from_file}
    recorded_only = {by_id[i].criterion_id for i in entries} - in_file
    plan = RowPlan(
        row=row,
        commune=commune,
        year=year,
        catalogue=catalogue,
        status=status or "",
        data=AssessmentInput(entries=entries, criterion_flags=cells.flags, note=note),
        met_total=evaluation.total,
        existing=assessment,
        conflicts=_conflicts(located, ctx, cells, evaluation, in_file, recorded_only),
        group=group,
    )
    if assessment is not None:
        current = ctx.existing.results.get(assessment.pk, {})
        plan.content_changed = (
            any(current.get(cid) != met for cid, met in evaluation.criteria_met.items())
            or (note is not None and not same_text(note, assessment.note))
            or any(
                _value_changed(recorded.get(ind_id), evaluation.outcomes.get(ind_id))
                for ind_id in from_file
            )
        )
    return plan


def _check_name(row: Row, commune: Commune, errors: ErrorLog) -> None:
    given = row.values.get("commune_name")
    if workbook.is_blank(given):
        return
    names = {
        workbook.normalise(commune.name),
        workbook.normalise(str(commune)),
        workbook.normalise(f"{commune.get_kind_display()} {commune.name}"),
    }
    if workbook.normalise(given) not in names:
        errors.add(
            row,
            "commune_name",
            "name_mismatch",
            _("Tên “%(given)s” không khớp với mã %(code)s (%(name)s).")
            % {"given": given, "code": commune.code, "name": commune.name},
        )


def _read_status(row: Row, errors: ErrorLog) -> str | None:
    if workbook.is_blank(row.values.get("status")):
        return None
    try:
        return workbook.parse_status(row.values["status"])
    except workbook.BadValue as exc:
        errors.bad_value(row, "status", exc)
        return None


def _check_tier(row: Row, errors: ErrorLog) -> None:
    """The assessment's tier: blank or the standard tier; the file takes no other yet (the
    other tiers' assessments are entered on the commune's page)."""
    raw = row.values.get("assessment_tier")
    if workbook.is_blank(raw):
        return
    try:
        tier = workbook.parse_tier(raw)
    except workbook.BadValue as exc:
        errors.bad_value(row, "assessment_tier", exc)
        return
    if tier != Assessment.Tier.NTM:
        errors.add(
            row,
            "assessment_tier",
            "tier_not_imported",
            _(
                "Đánh giá hạng nâng cao, kiểu mẫu, hiện đại chưa nhập được từ Excel: "
                "nhập tại trang của xã."
            ),
        )


def _row_group(located: LocatedRow, errors: ErrorLog) -> CommuneGroup | None:
    """The commune group a row gives: checked against the commune's dated assignment (one
    query, only for a filled cell); returned when the commune has none yet, to be recorded."""
    row, commune, year = located.row, located.commune, located.year
    raw = row.values.get("commune_group")
    if workbook.is_blank(raw):
        return None
    try:
        code = workbook.parse_group(raw)
    except workbook.BadValue as exc:
        errors.bad_value(row, "commune_group", exc)
        return None
    if located.catalogue.criteria_set.threshold_basis != CriteriaSet.ThresholdBasis.COMMUNE_GROUP:
        errors.add(
            row,
            "commune_group",
            "group_not_used",
            _("Bộ tiêu chí năm %(year)s không phân theo nhóm xã: để trống cột Nhóm xã.")
            % {"year": year},
        )
        return None
    current = CommuneGroupAssignment.objects.select_related("group").for_commune_in_year(
        commune, year
    )
    if current is not None:
        if current.group.code != code:
            errors.add(
                row,
                "commune_group",
                "group_conflict",
                _(
                    "Xã đã được phân vào %(group)s từ năm %(year)s; "
                    "sửa phân nhóm trong trang quản trị."
                )
                % {"group": current.group, "year": current.year_from},
            )
        return None
    group = CommuneGroup.objects.filter(code=code).first()
    if group is None:
        errors.add(
            row, "commune_group", "unknown_group", _("Chưa có nhóm xã %(code)s.") % {"code": code}
        )
    return group


def _read_criteria(located: LocatedRow, ctx: Context, cells: _Cells) -> None:
    row, criteria = located.row, located.catalogue.criteria
    by_number = {c.number: c for c in criteria}
    for number in ctx.sheet.criterion_numbers:
        key = f"c{number}"
        raw = row.values.get(key)
        criterion = by_number.get(number)
        if criterion is None:
            if not workbook.is_blank(raw):
                ctx.errors.add(
                    row,
                    key,
                    "unknown_criterion",
                    _(
                        "Bộ tiêu chí năm %(year)s chỉ có %(n)s tiêu chí: "
                        "không có tiêu chí %(number)s."
                    )
                    % {"year": located.year, "n": len(criteria), "number": number},
                )
            continue
        try:
            cells.flags[criterion.pk] = workbook.parse_met(raw)
        except workbook.BadValue as exc:
            ctx.errors.bad_value(row, key, exc)
            continue
        if not workbook.is_blank(raw):
            cells.explicit[criterion.pk] = cells.flags[criterion.pk]


def _read_indicators(located: LocatedRow, ctx: Context, cells: _Cells) -> None:
    row = located.row
    indicators = {ind.code: ind for ind in located.catalogue.all_indicators()}
    for code in ctx.sheet.indicator_codes:
        raw = row.values.get(code)
        if workbook.is_blank(raw):
            continue
        indicator = indicators.get(code)
        if indicator is None:
            ctx.errors.add(
                row,
                code,
                "unknown_indicator",
                _("Bộ tiêu chí năm %(year)s không có chỉ tiêu %(code)s.")
                % {"year": located.year, "code": code},
            )
            continue
        try:
            if indicator.is_numeric:
                percent = indicator.kind == Indicator.Kind.PERCENT
                value = workbook.parse_decimal(raw, percent=percent)
                cells.entries[indicator.pk] = IndicatorEntry(value=value)
            else:
                cells.entries[indicator.pk] = IndicatorEntry(met=workbook.parse_met(raw))
        except workbook.BadValue as exc:
            ctx.errors.bad_value(row, code, exc)


def _check_missing_columns(located: LocatedRow, ctx: Context, cells: _Cells) -> None:
    """Every criterion of the set needs a cN column or one of its indicators' columns; the
    error is reported on the first row of each set, the later rows are only held back."""
    catalogue = located.catalogue
    with_entries = {
        ind.criterion_id for ind in catalogue.all_indicators() if ind.pk in cells.entries
    }
    missing = [
        c.number
        for c in catalogue.criteria
        if c.number not in ctx.sheet.criterion_numbers and c.pk not in with_entries
    ]
    if missing and catalogue.criteria_set.pk not in ctx.missing_reported:
        ctx.missing_reported.add(catalogue.criteria_set.pk)
        ctx.errors.add(
            located.row,
            "year",
            "missing_criterion_column",
            _("Thiếu cột cho tiêu chí %(numbers)s của bộ tiêu chí năm %(year)s.")
            % {"numbers": ", ".join(f"TC{n}" for n in missing), "year": located.year},
        )
    elif missing:
        ctx.errors.rows.add(located.row.number)


def _conflicts(
    located: LocatedRow,
    ctx: Context,
    cells: _Cells,
    evaluation: Evaluation,
    in_file: set[int],
    recorded_only: set[int],
) -> list[tuple[str, str, str]]:
    """A cN cell that disagrees with what the indicators give. Not silently ignored (an
    emptied "x" would otherwise look like a change that never happens). Against indicators in
    the file it is an error now; against recorded indicators only for a row that is written
    (an approved assessment left alone keeps its own figures): those are returned."""
    conflicts: list[tuple[str, str, str]] = []
    for criterion in located.catalogue.criteria:
        computed = evaluation.criteria_met[criterion.pk]
        key = f"c{criterion.number}"
        if (
            criterion.pk in recorded_only
            and criterion.pk in cells.flags
            and cells.flags[criterion.pk] != computed
        ):
            conflicts.append(
                (
                    key,
                    "criterion_from_recorded_indicators",
                    _(
                        "Tiêu chí %(number)s của đánh giá hiện có được tính từ giá trị các chỉ "
                        "tiêu đã ghi (“%(computed)s”): hãy sửa chỉ tiêu trên trang đánh giá, hoặc "
                        "thêm cột chỉ tiêu vào tệp."
                    )
                    % {"number": criterion.number, "computed": _verdict(computed)},
                )
            )
        elif (
            criterion.pk in in_file
            and criterion.pk in cells.explicit
            and cells.explicit[criterion.pk] != computed
        ):
            ctx.errors.add(
                located.row,
                key,
                "criterion_contradicts_indicators",
                _(
                    "Tiêu chí %(number)s được tính từ giá trị các chỉ tiêu là “%(computed)s”, "
                    "mâu thuẫn với giá trị ghi ở cột này."
                )
                % {"number": criterion.number, "computed": _verdict(computed)},
            )
    return conflicts


def _entry_from_value(indicator: Indicator, value) -> IndicatorEntry:
    """The entry that reproduces a recorded indicator value when re-evaluated."""
    if not indicator.is_numeric:
        return IndicatorEntry(met=value.met)
    if value.manual:
        return IndicatorEntry(
            value=value.value,
            value_secondary=value.value_secondary,
            met=value.met,
            manual_reason=value.manual_reason,
        )
    return IndicatorEntry(value=value.value, value_secondary=value.value_secondary)


def _verdict(met: bool) -> str:
    return _("đạt") if met else _("chưa đạt")


def _value_changed(recorded, outcome) -> bool:
    if outcome is None:
        return False
    if recorded is None:
        return True
    return (
        recorded.value != outcome.entry.value
        or recorded.value_secondary != outcome.entry.value_secondary
        or recorded.met != outcome.met
    )


def decide_action(plan: RowPlan, ctx: Context) -> None:
    """The row's action and the status it leaves. An empty status creates a draft and leaves
    an existing assessment's status as it is; a status is never lowered by a file."""
    assessment = plan.existing
    if assessment is None:
        plan.status = plan.status or Assessment.Status.DRAFT
        plan.action = CREATE
        _check_permissions(plan, ctx)
        return
    target = plan.status or assessment.status
    if STATUS_RANK[target] < STATUS_RANK[assessment.status]:
        ctx.errors.add(
            plan.row,
            "status",
            "status_lowered",
            _(
                "Không hạ trạng thái “%(current)s” bằng tệp nhập; hãy trả lại hoặc mở lại đánh "
                "giá trên trang của xã."
            )
            % {"current": assessment.get_status_display()},
        )
        return
    plan.status = target
    differs = plan.content_changed or bool(plan.conflicts) or target != assessment.status
    if assessment.status == Assessment.Status.APPROVED and differs and not ctx.update_approved:
        plan.action = KEPT
        plan.met_total = assessment.criteria_met
        return
    for key, code, message in plan.conflicts:
        ctx.errors.add(plan.row, key, code, message)
    if plan.conflicts:
        return
    if not plan.content_changed and target == assessment.status:
        plan.action = UNCHANGED
        return
    plan.action = UPDATE
    _check_permissions(plan, ctx)


def _check_permissions(plan: RowPlan, ctx: Context) -> None:
    """The permissions the web form asks for the same change (criteria.views)."""
    may, errors = ctx.may, ctx.errors
    current = plan.existing.status if plan.existing else None
    key = "status" if "status" in ctx.sheet.headers else ""
    if plan.action == CREATE and not may("criteria.add_assessment"):
        errors.add(plan.row, "", "no_permission_create", _("Bạn không có quyền tạo đánh giá."))
    if plan.action == UPDATE and not may("criteria.change_assessment"):
        errors.add(plan.row, "", "no_permission_change", _("Bạn không có quyền sửa đánh giá."))
    if (
        plan.action == UPDATE
        and current == Assessment.Status.APPROVED
        and not may("criteria.approve_assessment")
    ):
        errors.add(
            plan.row,
            key,
            "no_permission_change_approved",
            _("Sửa đánh giá đã phê duyệt cần quyền phê duyệt, tài khoản của bạn không có."),
        )
    rank, before = STATUS_RANK[plan.status], STATUS_RANK[current] if current else -1
    submitted = STATUS_RANK[Assessment.Status.SUBMITTED]
    approved = STATUS_RANK[Assessment.Status.APPROVED]
    if rank >= submitted > before and not may("criteria.submit_assessment"):
        errors.add(
            plan.row, key, "no_permission_submit", _("Bạn không có quyền gửi duyệt đánh giá.")
        )
    if rank == approved > before and not may("criteria.approve_assessment"):
        errors.add(
            plan.row,
            key,
            "no_permission_approve",
            _(
                "Bạn không có quyền phê duyệt đánh giá: để trống cột trạng thái (dự thảo) hoặc "
                "ghi “Đã gửi duyệt”."
            ),
        )


def lowering(plans: list[RowPlan], existing: Existing) -> list[RowWarning]:
    """Rows that, written approved, would lower an approved assessment of their year, or the
    figure of a certified commune (its latest approved assessment up to the row's year)."""
    by_commune: dict[int, list[Certification]] = {}
    for cert in existing.certifications.values():
        by_commune.setdefault(cert.commune_id, []).append(cert)
    warnings = []
    for plan in plans:
        if plan.action not in (CREATE, UPDATE) or plan.status != Assessment.Status.APPROVED:
            continue
        end = datetime.date(plan.year, 12, 31)
        certified = any(cert.is_in_force_on(end) for cert in by_commune.get(plan.commune.pk, ()))
        earlier = [
            met for year, met in existing.approved.get(plan.commune.pk, ()) if year <= plan.year
        ]
        if plan.existing is not None and plan.existing.status == Assessment.Status.APPROVED:
            old = plan.existing.criteria_met
        elif certified and earlier:
            old = earlier[-1]
        else:
            continue
        if plan.met_total < old:
            warnings.append(
                RowWarning(
                    row=plan.row.number,
                    commune_code=plan.commune.code,
                    commune_name=plan.commune.name,
                    year=plan.year,
                    old=old,
                    new=plan.met_total,
                    certified=certified,
                )
            )
    return warnings
