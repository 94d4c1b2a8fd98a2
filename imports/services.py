"""Importing assessments from a workbook: validate every row, report, and (unless it is a dry
run or any row has an error) apply all rows in one transaction.

Writes go only through `criteria.services`: `assessments_bulk_create` for new commune-years,
`assessment_save` (which records history) for updates, `assessment_submit` /
`assessment_approve` for status changes, and `certification_create` for decisions, written
last so the assessment they rest on is already approved.
"""

import datetime
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import IO

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.roles import Scope, can_import, can_import_approved, scope_for
from communes.models import Commune, CommuneGroup, CommuneGroupAssignment
from criteria.evaluation import Catalogue, IndicatorEntry, ThresholdKey, evaluate_assessment
from criteria.models import (
    Assessment,
    Certification,
    CriteriaSet,
    CriterionResult,
    Indicator,
    IndicatorValue,
    recognised_year_error,
)
from criteria.services import (
    AssessmentInput,
    assessment_approve,
    assessment_save,
    assessment_submit,
    assessments_bulk_create,
    certification_create,
    criteria_set_for_year,
    threshold_key,
    validate_programme_date,
)
from imports import workbook
from imports.workbook import CellError, Row, Sheet, WorkbookError

CREATE, UPDATE, UNCHANGED = "create", "update", "unchanged"
KEPT = "kept"  # an approved assessment the row would change, left alone (no update_approved)
BLANK = "blank"  # no criterion, indicator, status, note or decision: never an assessment
ACTIONS = (CREATE, UPDATE, UNCHANGED, KEPT, BLANK)
STATUS_RANK = {"draft": 0, "submitted": 1, "approved": 2}
# The columns that name a row (which commune, which year); any other filled cell is data.
IDENTITY = ("commune_code", "commune_name", "district", "year")
# Columns the template fills in itself (which tier; the commune's group): they alone do not
# make a row data, so an untouched template row stays blank.
DESCRIPTIVE = ("assessment_tier", "commune_group")
IMPORTED_GROUP_NOTE = "Nhập từ Excel"

Progress = Callable[[int, int], None]


@dataclass
class RowOutcome:
    row: int
    commune_code: str
    commune_name: str
    year: int | None  # None for a blank row whose year cannot be read
    action: str  # one of ACTIONS
    criteria_met: int
    criteria_total: int
    certification: bool = False  # a new certification decision comes with the row
    status: str = ""  # the status the assessment has after the import ("" for a blank row)


@dataclass
class RowWarning:
    """A row that would lower an approved figure: applied only when the user confirms."""

    row: int
    commune_code: str
    commune_name: str
    year: int
    old: int  # criteria met before (the approved assessment of the year, or carried forward)
    new: int
    certified: bool  # the commune holds a certification in force


@dataclass
class ImportReport:
    outcomes: list[RowOutcome] = field(default_factory=list)
    errors: list[CellError] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    warnings: list[RowWarning] = field(default_factory=list)
    refused: str = ""  # why a file without errors was not written (lowering not confirmed)
    dry_run: bool = True
    applied: bool = False
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def counts(self) -> dict[str, int]:
        counted = Counter(o.action for o in self.outcomes)
        return {action: counted.get(action, 0) for action in ACTIONS}

    @property
    def changes(self) -> int:
        """Rows that write something (new or updated assessments, new decisions)."""
        c = self.counts
        certified_only = sum(
            1 for o in self.outcomes if o.certification and o.action not in (CREATE, UPDATE)
        )
        return c[CREATE] + c[UPDATE] + certified_only

    @property
    def certifications(self) -> int:
        return sum(o.certification for o in self.outcomes)

    def summary(self) -> str:
        c = self.counts
        return _(
            "%(rows)s dòng: %(create)s tạo mới, %(update)s cập nhật, %(unchanged)s không đổi, "
            "%(kept)s giữ nguyên (đã phê duyệt), %(blank)s dòng trống bỏ qua; %(certs)s quyết "
            "định công nhận mới; %(errors)s lỗi."
        ) % {
            "rows": len(self.outcomes),
            "create": c[CREATE],
            "update": c[UPDATE],
            "unchanged": c[UNCHANGED],
            "kept": c[KEPT],
            "blank": c[BLANK],
            "certs": self.certifications,
            "errors": len(self.errors),
        }

    def lines(self, max_errors: int = 200) -> list[str]:
        """The report as plain text lines (the management command prints these)."""
        out = [self.summary()]
        out.extend(self.notices)
        for w in self.warnings:
            out.append(warning_text(w))
        if self.refused:
            out.append(self.refused)
        for error in self.errors[:max_errors]:
            where = _("Dòng %(row)s") % {"row": error.row} if error.row else _("Tệp")
            if error.column:
                where += f", {error.column}"
            if error.cell:
                where += f" ({error.cell})"
            out.append(f"{where}: {error.message}")
        if len(self.errors) > max_errors:
            out.append(_("… và %(n)s lỗi khác.") % {"n": len(self.errors) - max_errors})
        return out


@dataclass
class RowPlan:
    row: Row
    commune: Commune
    year: int
    catalogue: Catalogue
    status: str
    data: AssessmentInput
    met_total: int
    existing: Assessment | None
    action: str = CREATE
    content_changed: bool = False
    certification: dict | None = None
    conflicts: list[tuple[str, str]] = field(default_factory=list)  # (column key, message)
    group: CommuneGroup | None = None  # a first group assignment the row records


def report_to_data(report: ImportReport) -> dict:
    """The report as JSON-ready data, kept with an upload so its preview is not recomputed."""
    return asdict(report)


def report_from_data(data: dict) -> ImportReport:
    return ImportReport(
        outcomes=[RowOutcome(**o) for o in data["outcomes"]],
        errors=[CellError(**e) for e in data["errors"]],
        notices=data["notices"],
        warnings=[RowWarning(**w) for w in data["warnings"]],
        refused=data["refused"],
        dry_run=data["dry_run"],
        applied=data["applied"],
        seconds=data["seconds"],
    )


def warning_text(w: RowWarning) -> str:
    text = _("Dòng %(row)s: %(name)s (%(code)s), năm %(year)s: %(old)s → %(new)s tiêu chí đạt") % {
        "row": w.row,
        "name": w.commune_name,
        "code": w.commune_code,
        "year": w.year,
        "old": w.old,
        "new": w.new,
    }
    if w.certified:
        text += " · " + _("đang được công nhận")
    return text


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
    read earlier by `read_upload`) against the database as it is now and, unless `dry_run` or
    anything is wrong, write every row in one transaction. Rows that would lower an approved
    figure (`report.warnings`) are written only with `allow_lowering`.

    `user` None is the operator at the shell (the management command without --user): all
    provinces and every permission. Queries: a fixed handful to validate (communes, criteria
    sets and catalogues, existing assessments, their results and values, approved figures,
    certifications), then one bulk insert per criteria set for new rows and about a dozen per
    updated row (history is recorded).
    """
    started = time.monotonic()
    report = ImportReport(dry_run=dry_run)
    try:
        scope = _scope(user)
        if sheet is None:
            sheet = _read(file, rows)
    except WorkbookError as exc:
        report.errors.append(CellError(row=0, column="", message=exc.message))
        report.seconds = time.monotonic() - started
        return report
    report.errors.extend(sheet.errors)
    if sheet.blank_count:
        report.notices.append(
            _("Đã bỏ qua %(n)s dòng trống ở giữa bảng: %(rows)s.")
            % {"n": sheet.blank_count, "rows": _shorten(sheet.blank_rows, sheet.blank_count)}
        )
    update_approved = update_approved and can_import_approved(user)
    plans = _plan(sheet, scope, update_approved, report, _permission_check(user))
    for plan in plans:
        report.outcomes.append(
            RowOutcome(
                row=plan.row.number,
                commune_code=plan.commune.code,
                commune_name=plan.commune.name,
                year=plan.year,
                action=plan.action,
                criteria_met=plan.met_total,
                criteria_total=len(plan.catalogue.criteria),
                certification=plan.certification is not None and plan.certification["new"],
                status=plan.existing.status if plan.action == KEPT else plan.status,
            )
        )
    report.outcomes.sort(key=lambda o: o.row)
    report.errors.sort(key=lambda e: e.row)
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
            _apply(plans, user, update_approved, progress)
        except ValidationError as exc:
            row = getattr(exc, "import_row", 0)
            for message in exc.messages:
                report.errors.append(CellError(row=row, column="", message=message))
        else:
            report.applied = True
    report.seconds = time.monotonic() - started
    return report


def read_upload(path: Path) -> Sheet:
    """Read a workbook once, within the caps of the settings (raises WorkbookError)."""
    return workbook.read_sheet(
        Path(path),
        max_bytes=settings.NTM_IMPORT_MAX_BYTES,
        max_rows=settings.NTM_IMPORT_MAX_ROWS,
        max_columns=settings.NTM_IMPORT_MAX_COLUMNS,
    )


def _permission_check(user) -> Callable[[str], bool]:
    if user is None:
        return lambda perm: True
    return user.has_perm


def _scope(user) -> Scope:
    if user is None:
        return Scope(is_admin=True)
    try:
        scope = scope_for(user)
    except PermissionDenied:
        raise WorkbookError(_("Tài khoản của bạn không có quyền nhập đánh giá.")) from None
    if not can_import(user):
        # District and commune officials enter and submit; the province approves.
        if scope.is_district:
            raise WorkbookError(
                _("Cán bộ huyện không nhập đánh giá từ Excel; hãy gửi tệp cho Ban Chỉ đạo tỉnh.")
            )
        raise WorkbookError(_("Tài khoản của bạn không có quyền nhập đánh giá."))
    return scope


def _read(file, rows) -> Sheet:
    if rows is not None:
        rows = list(rows)
        headers = list(rows[0]) if rows else []
        raw = [(1, dict(enumerate(headers, start=1)), set())] + [
            (number, {i: r.get(h) for i, h in enumerate(headers, start=1)}, set())
            for number, r in enumerate(rows, start=2)
        ]
        return workbook.build_sheet(
            raw,
            max_rows=settings.NTM_IMPORT_MAX_ROWS,
            max_columns=settings.NTM_IMPORT_MAX_COLUMNS,
        )
    if file is None:
        raise WorkbookError(_("Chưa chọn tệp."))
    if isinstance(file, str | Path):
        return read_upload(Path(file))
    with tempfile.NamedTemporaryFile(suffix=".xlsx") as tmp:
        for chunk in iter(lambda: file.read(1 << 20), b""):
            tmp.write(chunk)
        tmp.flush()
        return read_upload(Path(tmp.name))


def _shorten(numbers: list[int], total: int) -> str:
    text = ", ".join(str(n) for n in numbers)
    return text + (" …" if total > len(numbers) else "")


# --- Validation -----------------------------------------------------------------------------


class _Errors:
    def __init__(self, report: ImportReport, sheet: Sheet):
        self.report, self.sheet = report, sheet
        self.rows_with_errors: set[int] = set()

    def add(self, row: Row, key: str, message: str) -> None:
        self.rows_with_errors.add(row.number)
        self.report.errors.append(
            CellError(
                row=row.number,
                column=self.sheet.headers.get(key, ""),
                cell=self.sheet.cell(row.number, key),
                message=message,
            )
        )


def _is_blank(row: Row) -> bool:
    return all(
        workbook.is_blank(v)
        for k, v in row.values.items()
        if k not in IDENTITY and k not in DESCRIPTIVE
    )


def _blank_outcome(row: Row) -> RowOutcome:
    """A row naming a commune and year but giving nothing for it (an untouched template row):
    reported, never an assessment, and not validated (a code or year typo does not matter)."""
    values = row.values
    try:
        code = workbook.parse_code(values.get("commune_code"))
    except ValueError:
        code = str(values.get("commune_code") or "")
    try:
        year = workbook.parse_year(values.get("year"))
    except ValueError:
        year = None
    name = values.get("commune_name")
    return RowOutcome(
        row=row.number,
        commune_code=code,
        commune_name="" if workbook.is_blank(name) else str(name).strip(),
        year=year,
        action=BLANK,
        criteria_met=0,
        criteria_total=0,
    )


def _plan(
    sheet: Sheet,
    scope: Scope,
    update_approved: bool,
    report: ImportReport,
    may: Callable[[str], bool],
):
    errors = _Errors(report, sheet)
    parsed: list[tuple[Row, str, int]] = []
    errors.rows_with_errors.update(e.row for e in sheet.errors)
    for row in sheet.rows:
        if row.number in errors.rows_with_errors:
            continue  # a formula without a value: reported once, not again as a bad year
        if _is_blank(row):
            report.outcomes.append(_blank_outcome(row))
            continue
        try:
            code = workbook.parse_code(row.values.get("commune_code"))
        except ValueError as exc:
            errors.add(row, "commune_code", str(exc))
            continue
        try:
            year = workbook.parse_year(row.values.get("year"))
        except ValueError as exc:
            errors.add(row, "year", str(exc))
            continue
        parsed.append((row, code, year))

    communes_by_code: dict[str, list[Commune]] = {}
    for commune in Commune.objects.filter(
        code__in={code for _r, code, _y in parsed}
    ).select_related("province", "district"):
        communes_by_code.setdefault(commune.code, []).append(commune)

    catalogues: dict[int, Catalogue | None] = {}
    for year in sorted({year for _r, _c, year in parsed}):
        try:
            criteria_set = criteria_set_for_year(year)
        except ValidationError:
            catalogues[year] = None
            continue
        by_pk = {c.criteria_set.pk: c for c in catalogues.values() if c is not None}
        catalogues[year] = by_pk.get(criteria_set.pk) or _CachedCatalogue.load(criteria_set)

    located: list[tuple[Row, Commune, int, Catalogue]] = []
    seen: dict[tuple[int, int], int] = {}
    for row, code, year in parsed:
        candidates = [c for c in communes_by_code.get(code, []) if c.exists_in(year)]
        if not candidates:
            errors.add(
                row,
                "commune_code",
                _("Không có xã nào mang mã %(code)s trong năm %(year)s.")
                % {"code": code, "year": year},
            )
            continue
        commune = candidates[0]
        if not scope.covers_commune(commune):
            errors.add(
                row,
                "commune_code",
                _("Xã mã %(code)s không thuộc phạm vi quản lý của bạn (%(scope)s).")
                % {"code": code, "scope": scope.province or ""},
            )
            continue
        if not commune.in_programme:
            errors.add(
                row,
                "commune_code",
                _("%(commune)s không thuộc chương trình nông thôn mới.") % {"commune": commune},
            )
            continue
        catalogue = catalogues[year]
        if catalogue is None:
            errors.add(
                row,
                "year",
                _("Năm %(year)s không thuộc giai đoạn của bộ tiêu chí nào.") % {"year": year},
            )
            continue
        if (commune.pk, year) in seen:
            errors.add(
                row,
                "commune_code",
                _("Trùng xã %(code)s năm %(year)s với dòng %(other)s.")
                % {"code": code, "year": year, "other": seen[(commune.pk, year)]},
            )
            continue
        seen[(commune.pk, year)] = row.number
        located.append((row, commune, year, catalogue))

    existing = _existing(located)
    plans = []
    missing_reported: set[int] = set()
    for row, commune, year, catalogue in located:
        plan = _plan_row(row, commune, year, catalogue, existing, sheet, errors, missing_reported)
        if plan is None or row.number in errors.rows_with_errors:
            continue
        _decide_action(plan, update_approved, errors, may)
        plans.append(plan)
    _plan_certifications(plans, existing["certifications"], errors, may)
    plans = [p for p in plans if p.row.number not in errors.rows_with_errors]
    report.warnings = _lowering(plans, existing)
    return plans


class _CachedCatalogue(Catalogue):
    """Every row of a province and year selects the same thresholds: select each once."""

    @classmethod
    def load(cls, criteria_set: CriteriaSet) -> "_CachedCatalogue":
        catalogue = super().load(criteria_set)
        catalogue._selected = {}
        return catalogue

    def threshold_for(self, indicator: Indicator, key: ThresholdKey):
        cache_key = (indicator.pk, key)
        if cache_key not in self._selected:
            self._selected[cache_key] = super().threshold_for(indicator, key)
        return self._selected[cache_key]


def _existing(located) -> dict:
    """Existing assessments of the file's commune-years, with their results, indicator values,
    the communes' approved figures up to the file's last year and their certification
    decisions: five queries."""
    commune_ids = {commune.pk for _r, commune, _y, _c in located}
    years = {year for _r, _c, year, _cat in located}
    assessments = {
        (a.commune_id, a.year): a
        for a in Assessment.objects.standard().filter(commune_id__in=commune_ids, year__in=years)
    }
    results: dict[int, dict[int, bool]] = {}
    for assessment_id, criterion_id, met in CriterionResult.objects.filter(
        assessment__commune_id__in=commune_ids, assessment__year__in=years
    ).values_list("assessment_id", "criterion_id", "met"):
        results.setdefault(assessment_id, {})[criterion_id] = met
    values: dict[int, dict[int, tuple]] = {}
    for value in IndicatorValue.objects.filter(
        assessment__commune_id__in=commune_ids, assessment__year__in=years
    ).values_list(
        "assessment_id",
        "indicator_id",
        "value",
        "value_secondary",
        "met",
        "manual",
        "manual_reason",
        named=True,
    ):
        values.setdefault(value.assessment_id, {})[value.indicator_id] = value
    approved: dict[int, list[tuple[int, int]]] = {}
    for commune_id, year, met in (
        Assessment.objects.standard()
        .filter(
            commune_id__in=commune_ids,
            status=Assessment.Status.APPROVED,
            year__lte=max(years, default=0),
        )
        .order_by("year")
        .values_list("commune_id", "year", "criteria_met")
    ):
        approved.setdefault(commune_id, []).append((year, met))
    certifications = {
        (c.commune_id, c.tier, c.decision_number): c
        for c in Certification.objects.filter(commune_id__in=commune_ids)
    }
    return {
        "assessments": assessments,
        "results": results,
        "values": values,
        "approved": approved,
        "certifications": certifications,
    }


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


def _row_group(row, commune, year, catalogue, errors) -> CommuneGroup | None:
    """The commune group a row gives: checked against the commune's dated assignment (one
    query, only for a filled cell); returned when the commune has none yet, to be recorded."""
    raw = row.values.get("commune_group")
    if workbook.is_blank(raw):
        return None
    try:
        code = workbook.parse_group(raw)
    except ValueError as exc:
        errors.add(row, "commune_group", str(exc))
        return None
    if catalogue.criteria_set.threshold_basis != CriteriaSet.ThresholdBasis.COMMUNE_GROUP:
        errors.add(
            row,
            "commune_group",
            _("Bộ tiêu chí năm %(year)s không phân theo nhóm xã: để trống cột Nhóm xã.")
            % {"year": year},
        )
        return None
    current = (
        CommuneGroupAssignment.objects.filter(commune=commune, year_from__lte=year)
        .exclude(year_to__lt=year)
        .select_related("group")
        .order_by("-year_from")
        .first()
    )
    if current is not None:
        if current.group.code != code:
            errors.add(
                row,
                "commune_group",
                _(
                    "Xã đã được phân vào %(group)s từ năm %(year)s; "
                    "sửa phân nhóm trong trang quản trị."
                )
                % {"group": current.group, "year": current.year_from},
            )
        return None
    group = CommuneGroup.objects.filter(code=code).first()
    if group is None:
        errors.add(row, "commune_group", _("Chưa có nhóm xã %(code)s.") % {"code": code})
    return group


def _plan_row(row, commune, year, catalogue, existing, sheet, errors, missing_reported):
    values = row.values
    if "commune_name" in values and not workbook.is_blank(values["commune_name"]):
        given = workbook.normalise(values["commune_name"])
        names = {workbook.normalise(commune.name), workbook.normalise(str(commune))}
        names.add(workbook.normalise(f"{commune.get_kind_display()} {commune.name}"))
        if given not in names:
            errors.add(
                row,
                "commune_name",
                _("Tên “%(given)s” không khớp với mã %(code)s (%(name)s).")
                % {"given": values["commune_name"], "code": commune.code, "name": commune.name},
            )
    status = None
    if not workbook.is_blank(values.get("status")):
        try:
            status = workbook.parse_status(values["status"])
        except ValueError as exc:
            errors.add(row, "status", str(exc))
    note = None
    if "note" in values:
        note = "" if values["note"] is None else str(values["note"]).strip()
    if not workbook.is_blank(values.get("assessment_tier")):
        try:
            tier = workbook.parse_tier(values["assessment_tier"])
        except ValueError as exc:
            errors.add(row, "assessment_tier", str(exc))
        else:
            if tier != Assessment.Tier.NTM:
                errors.add(
                    row,
                    "assessment_tier",
                    _("Đánh giá hạng nâng cao, kiểu mẫu chưa nhập được từ Excel."),
                )
    group = _row_group(row, commune, year, catalogue, errors)

    criteria = catalogue.criteria
    by_number = {c.number: c for c in criteria}
    flags: dict[int, bool] = {}
    explicit: dict[int, bool] = {}  # criteria with a non-blank cN
    for number in sheet.criterion_numbers:
        key = f"c{number}"
        raw = values.get(key)
        criterion = by_number.get(number)
        if criterion is None:
            if not workbook.is_blank(raw):
                errors.add(
                    row,
                    key,
                    _(
                        "Bộ tiêu chí năm %(year)s chỉ có %(n)s tiêu chí: "
                        "không có tiêu chí %(number)s."
                    )
                    % {"year": year, "n": len(criteria), "number": number},
                )
            continue
        try:
            flags[criterion.pk] = workbook.parse_met(raw)
        except ValueError as exc:
            errors.add(row, key, str(exc))
            continue
        if not workbook.is_blank(raw):
            explicit[criterion.pk] = flags[criterion.pk]

    indicators = {ind.code: ind for ind in catalogue.all_indicators()}
    entries: dict[int, IndicatorEntry] = {}
    for code in sheet.indicator_codes:
        raw = values.get(code)
        if workbook.is_blank(raw):
            continue
        indicator = indicators.get(code)
        if indicator is None:
            errors.add(
                row,
                code,
                _("Bộ tiêu chí năm %(year)s không có chỉ tiêu %(code)s.")
                % {"year": year, "code": code},
            )
            continue
        try:
            if indicator.is_numeric:
                entries[indicator.pk] = IndicatorEntry(value=workbook.parse_decimal(raw))
            else:
                entries[indicator.pk] = IndicatorEntry(met=workbook.parse_met(raw))
        except ValueError as exc:
            errors.add(row, code, str(exc))

    from_file = set(entries)
    with_entries = {ind.criterion_id for ind in indicators.values() if ind.pk in entries}
    missing = [
        c.number
        for c in criteria
        if c.number not in sheet.criterion_numbers and c.pk not in with_entries
    ]
    if missing and catalogue.criteria_set.pk not in missing_reported:
        missing_reported.add(catalogue.criteria_set.pk)
        errors.add(
            row,
            "year",
            _("Thiếu cột cho tiêu chí %(numbers)s của bộ tiêu chí năm %(year)s.")
            % {"numbers": ", ".join(f"TC{n}" for n in missing), "year": year},
        )
    elif missing:
        errors.rows_with_errors.add(row.number)

    assessment = existing["assessments"].get((commune.pk, year))
    if assessment is not None and assessment.criteria_set_id != catalogue.criteria_set.pk:
        errors.add(
            row,
            "year",
            _("Đánh giá hiện có của năm %(year)s theo bộ tiêu chí khác.") % {"year": year},
        )
        return None
    recorded = existing["values"].get(assessment.pk, {}) if assessment else {}
    by_id = {ind.pk: ind for ind in indicators.values()}
    for ind_id, value in recorded.items():
        if ind_id not in entries and ind_id in by_id:
            entries[ind_id] = _entry_from_value(by_id[ind_id], value)

    key = threshold_key(commune, year, catalogue.criteria_set)
    evaluation = evaluate_assessment(catalogue, key, entries, flags)
    for code, message in evaluation.errors.items():
        errors.add(row, code if code in sheet.headers else "", f"{code}: {message}")
    in_file = {by_id[i].criterion_id for i in from_file}
    recorded_only = {by_id[i].criterion_id for i in entries} - in_file
    # A cN cell that disagrees with what the indicators give. Not silently ignored (an emptied
    # "x" would otherwise look like a change that never happens), but only an error for a row
    # that is written: an approved assessment left alone keeps its own figures.
    conflicts: list[tuple[str, str]] = []
    for criterion in criteria:
        computed = evaluation.criteria_met[criterion.pk]
        key = f"c{criterion.number}"
        if (
            criterion.pk in recorded_only
            and criterion.pk in flags
            and flags[criterion.pk] != computed
        ):
            conflicts.append(
                (
                    key,
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
            and criterion.pk in explicit
            and explicit[criterion.pk] != computed
        ):
            errors.add(
                row,
                key,
                _(
                    "Tiêu chí %(number)s được tính từ giá trị các chỉ tiêu là “%(computed)s”, "
                    "mâu thuẫn với giá trị ghi ở cột này."
                )
                % {"number": criterion.number, "computed": _verdict(computed)},
            )

    plan = RowPlan(
        row=row,
        commune=commune,
        year=year,
        catalogue=catalogue,
        status=status or "",
        data=AssessmentInput(entries=entries, criterion_flags=flags, note=note),
        met_total=evaluation.total,
        existing=assessment,
        conflicts=conflicts,
        group=group,
    )
    if assessment is not None:
        current = existing["results"].get(assessment.pk, {})
        plan.content_changed = (
            any(current.get(cid) != met for cid, met in evaluation.criteria_met.items())
            or (note is not None and note != assessment.note)
            or any(
                _value_changed(recorded.get(ind_id), evaluation.outcomes.get(ind_id))
                for ind_id in from_file
            )
        )
    return plan


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


def _decide_action(
    plan: RowPlan, update_approved: bool, errors: _Errors, may: Callable[[str], bool]
) -> None:
    """The row's action and the status it leaves. An empty status creates a draft and leaves
    an existing assessment's status as it is; a status is never lowered by a file."""
    assessment = plan.existing
    if assessment is None:
        plan.status = plan.status or Assessment.Status.DRAFT
        plan.action = CREATE
        _check_permissions(plan, errors, may)
        return
    target = plan.status or assessment.status
    if STATUS_RANK[target] < STATUS_RANK[assessment.status]:
        errors.add(
            plan.row,
            "status",
            _(
                "Không hạ trạng thái “%(current)s” bằng tệp nhập; hãy trả lại hoặc mở lại đánh "
                "giá trên trang của xã."
            )
            % {"current": assessment.get_status_display()},
        )
        return
    plan.status = target
    differs = plan.content_changed or bool(plan.conflicts) or target != assessment.status
    if assessment.status == Assessment.Status.APPROVED and differs and not update_approved:
        plan.action = KEPT
        plan.met_total = assessment.criteria_met
        return
    for key, message in plan.conflicts:
        errors.add(plan.row, key, message)
    if plan.conflicts:
        return
    if not plan.content_changed and target == assessment.status:
        plan.action = UNCHANGED
        return
    plan.action = UPDATE
    _check_permissions(plan, errors, may)


def _check_permissions(plan: RowPlan, errors: _Errors, may: Callable[[str], bool]) -> None:
    """The permissions the web form asks for the same change (criteria.views)."""
    current = plan.existing.status if plan.existing else None
    key = "status" if "status" in errors.sheet.headers else ""
    if plan.action == CREATE and not may("criteria.add_assessment"):
        errors.add(plan.row, "", _("Bạn không có quyền tạo đánh giá."))
    if plan.action == UPDATE and not may("criteria.change_assessment"):
        errors.add(plan.row, "", _("Bạn không có quyền sửa đánh giá."))
    if (
        plan.action == UPDATE
        and current == Assessment.Status.APPROVED
        and not may("criteria.approve_assessment")
    ):
        errors.add(
            plan.row,
            key,
            _("Sửa đánh giá đã phê duyệt cần quyền phê duyệt, tài khoản của bạn không có."),
        )
    rank, before = STATUS_RANK[plan.status], STATUS_RANK[current] if current else -1
    if rank >= STATUS_RANK["submitted"] > before and not may("criteria.submit_assessment"):
        errors.add(plan.row, key, _("Bạn không có quyền gửi duyệt đánh giá."))
    if rank == STATUS_RANK["approved"] > before and not may("criteria.approve_assessment"):
        errors.add(
            plan.row,
            key,
            _(
                "Bạn không có quyền phê duyệt đánh giá: để trống cột trạng thái (dự thảo) hoặc "
                "ghi “Đã gửi duyệt”."
            ),
        )


def _plan_certifications(
    plans: list[RowPlan], certifications: dict, errors: _Errors, may: Callable[[str], bool]
) -> None:
    in_file: dict[tuple, int] = {}
    for plan in plans:
        values = plan.row.values
        decision = values.get("certification_decision")
        raw_date = values.get("certification_date")
        if workbook.is_blank(decision):
            if not workbook.is_blank(raw_date):
                errors.add(
                    plan.row,
                    "certification_decision",
                    _("Có ngày công nhận nhưng thiếu số quyết định."),
                )
            continue
        decision = str(decision).strip()
        if workbook.is_blank(raw_date):
            errors.add(plan.row, "certification_date", _("Thiếu ngày của quyết định công nhận."))
            continue
        try:
            date = workbook.parse_date(raw_date)
        except ValueError as exc:
            errors.add(plan.row, "certification_date", str(exc))
            continue
        tier = Certification.Tier.NTM
        if not workbook.is_blank(values.get("certification_tier")):
            try:
                tier = workbook.parse_tier(values["certification_tier"])
            except ValueError as exc:
                errors.add(plan.row, "certification_tier", str(exc))
                continue
        # The row's year is the year recognised; the decision may be signed the year after
        # (criteria.models.recognised_year_error, the form's and the admin's rule too).
        message = recognised_year_error(plan.year, date)
        if message is None:
            try:
                validate_programme_date(date)
            except ValidationError as exc:
                message = " ".join(exc.messages)
        if message:
            errors.add(plan.row, "certification_date", message)
            continue
        key = (plan.commune.pk, tier, decision)
        if key in in_file:
            errors.add(
                plan.row,
                "certification_decision",
                _("Quyết định này đã có ở dòng %(row)s.") % {"row": in_file[key]},
            )
            continue
        in_file[key] = plan.row.number
        recorded = certifications.get(key)
        if recorded is not None:
            if recorded.decision_date != date:
                errors.add(
                    plan.row,
                    "certification_date",
                    _("Quyết định %(number)s đã được ghi nhận với ngày %(date)s.")
                    % {"number": decision, "date": recorded.decision_date.strftime("%d/%m/%Y")},
                )
            else:
                plan.certification = {"new": False}
            continue
        if not (may("criteria.add_certification") and may("criteria.approve_assessment")):
            errors.add(
                plan.row,
                "certification_decision",
                _("Bạn không có quyền ghi quyết định công nhận."),
            )
            continue
        final_status = plan.existing.status if plan.action == KEPT else plan.status
        needed = len(plan.catalogue.criteria)
        if final_status != Assessment.Status.APPROVED or plan.met_total < needed:
            errors.add(
                plan.row,
                "certification_decision",
                _(
                    "Chưa đủ điều kiện công nhận: cần đánh giá đã phê duyệt đạt đủ %(needed)s "
                    "tiêu chí (dòng này: %(met)s, %(status)s)."
                )
                % {
                    "needed": needed,
                    "met": plan.met_total,
                    "status": Assessment.Status(final_status).label,
                },
            )
            continue
        plan.certification = {
            "new": True,
            "tier": tier,
            "decision_number": decision,
            "decision_date": date,
        }


def _lowering(plans: list[RowPlan], existing: dict) -> list[RowWarning]:
    """Rows that, written approved, would lower an approved assessment of their year, or the
    figure of a certified commune (its latest approved assessment up to the row's year)."""
    by_commune: dict[int, list[Certification]] = {}
    for cert in existing["certifications"].values():
        by_commune.setdefault(cert.commune_id, []).append(cert)
    warnings = []
    for plan in plans:
        if plan.action not in (CREATE, UPDATE) or plan.status != Assessment.Status.APPROVED:
            continue
        end = datetime.date(plan.year, 12, 31)
        certified = any(
            cert.decision_date <= end and (cert.revoked_on is None or cert.revoked_on > end)
            for cert in by_commune.get(plan.commune.pk, ())
        )
        earlier = [
            met for year, met in existing["approved"].get(plan.commune.pk, ()) if year <= plan.year
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


# --- Writing --------------------------------------------------------------------------------


def _apply(plans: list[RowPlan], user, update_approved: bool, progress: Progress | None) -> None:
    """Write every plan in one transaction. A ValidationError from a service (the database
    changed since validation) rolls everything back; it carries the row in `import_row`."""
    total = len(plans)
    done = 0
    with transaction.atomic():
        # First group assignments before the assessments, whose thresholds follow the group.
        CommuneGroupAssignment.objects.bulk_create(
            CommuneGroupAssignment(
                commune=p.commune, group=p.group, year_from=p.year, note=IMPORTED_GROUP_NOTE
            )
            for p in plans
            if p.group is not None
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
            if plan.certification and plan.certification["new"]:
                cert = plan.certification
                with _row_context(plan):
                    certification_create(
                        commune=plan.commune,
                        tier=cert["tier"],
                        decision_number=cert["decision_number"],
                        decision_date=cert["decision_date"],
                        recognised_year=plan.year,
                        # Stored data in the decision's own language, not the user's.
                        authority=f"Chủ tịch UBND tỉnh {plan.commune.province.name}",
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


class _row_context:
    """Tag a ValidationError raised while writing a row with that row's number."""

    def __init__(self, plan: RowPlan):
        self.number = plan.row.number

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        if exc_type is not None and issubclass(exc_type, ValidationError):
            exc.import_row = self.number
        return False


def criteria_sets_for_years(first: int, last: int) -> dict[int, CriteriaSet]:
    """The set in force for each year of a range that has one (for templates and exports)."""
    found = {}
    for year in range(first, last + 1):
        try:
            found[year] = criteria_set_for_year(year)
        except ValidationError:
            continue
    return found
