"""Planning an import: every row of a sheet checked against the database as it is now and turned
into a `RowPlan` (what the row would write and why), before anything is written.

The steps, in the order `plan_import` runs them: rows that name only a commune and a year are
blank; the commune code and the year are parsed; the commune-years are located (the commune
exists that year, is in the caller's scope and in the programme, a criteria set covers the
year, no row repeats another); what is stored for them is loaded once (`Existing`); each row is
read against its catalogue and evaluated (`_plan_row`); its action and status are decided
(`_decide_action`); certification columns are checked (`_plan_certifications`); and rows
lowering an approved figure are listed (`_lowering`). Errors are collected, never raised: the
report lists them all.
"""

import dataclasses
import datetime
from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db.models import F
from django.utils.translation import gettext as _

from accounts.roles import Scope
from communes.models import Commune, CommuneGroup, CommuneGroupAssignment
from criteria.applicable import (
    criteria_set_for_year,
    designated_communes,
    revision_for,
    threshold_key,
)
from criteria.evaluation import Catalogue, Evaluation, IndicatorEntry, evaluate_assessment
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
    certification_check,
    certification_eligibility,
    validate_programme_date,
)
from dossiers.services import certification_dossier_check
from imports import workbook
from imports.report import (
    BLANK,
    CREATE,
    KEPT,
    UNCHANGED,
    UPDATE,
    CellError,
    RowOutcome,
    RowWarning,
)
from imports.workbook import Row, Sheet
from ntm.lib.workbook import Budget

# How far along the workflow a status is: Assessment.Status in its order (draft first).
STATUS_RANK = {status.value: rank for rank, status in enumerate(Assessment.Status)}
# The columns that name a row (which commune, which year); any other filled cell is data.
IDENTITY = ("commune_code", "commune_name", "district", "year")
# Columns the template fills in itself (which tier; the commune's group): they alone do not
# make a row data, so an untouched template row stays blank.
DESCRIPTIVE = ("assessment_tier", "commune_group")
IMPORTED_GROUP_NOTE = "Nhập từ Excel"  # the note of a group assignment a file records
NUMBER_MAX_LENGTH = Certification._meta.get_field("decision_number").max_length

# The certification columns beyond number, date and tier: the reason for recording a decision
# without a complete dossier (dossiers.services.certification_record's rule) and the
# decision's revocation, so that an export carries revoked decisions as they are.

Permission = Callable[[str], bool]  # user.has_perm, or always True for the operator


@dataclass
class NewCertification:
    """A certification decision a row brings that is not recorded yet."""

    tier: str
    decision_number: str
    decision_date: datetime.date
    dossier_reason: str = ""


@dataclass
class Revocation:
    """A revocation a row brings: of a recorded decision (`certification`), or of the row's
    new decision (None), written after it."""

    revoked_on: datetime.date
    reason: str
    certification: Certification | None = None


@dataclass
class GivenDecision:
    """What a row's certification columns say, read and checked on their own."""

    number: str
    date: datetime.date
    tier: str
    dossier_reason: str
    revoked_on: datetime.date | None
    revocation_reason: str


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
    certification: NewCertification | None = None
    revocation: Revocation | None = None
    # Cells contradicting recorded indicators: errors only if the row is written.
    conflicts: list[tuple[str, str, str]] = field(default_factory=list)  # (key, code, message)
    group: CommuneGroup | None = None  # a first group assignment the row records

    @property
    def final_status(self) -> str:
        """The status the assessment has after the import."""
        return self.existing.status if self.action == KEPT else self.status

    def outcome(self) -> RowOutcome:
        return RowOutcome(
            row=self.row.number,
            commune_code=self.commune.code,
            commune_name=self.commune.name,
            year=self.year,
            action=self.action,
            criteria_met=self.met_total,
            criteria_total=len(self.catalogue.criteria),
            certification=self.certification is not None,
            revocation=self.revocation is not None,
            status=self.final_status,
        )


@dataclass
class Planned:
    """What `plan_import` found: the rows to write, the blank rows, errors and warnings."""

    plans: list[RowPlan]
    blank: list[RowOutcome]
    errors: list[CellError]
    warnings: list[RowWarning]


@dataclass
class LocatedRow:
    """A row whose commune and year are known, with the catalogue of that year's set."""

    row: Row
    commune: Commune
    year: int
    catalogue: Catalogue


@dataclass
class Existing:
    """What is stored for the file's commune-years, loaded once (`Existing.load`)."""

    assessments: dict[tuple[int, int], Assessment]  # by (commune id, year)
    results: dict[int, dict[int, bool]]  # by assessment id, then criterion id: met
    values: dict[int, dict[int, tuple]]  # by assessment id, then indicator id: a named row
    approved: dict[int, list[tuple[int, int]]]  # by commune id: (year, criteria met), by year
    certifications: dict[tuple[int, str, str], Certification]  # by (commune id, tier, number)

    @classmethod
    def load(cls, located: list[LocatedRow]) -> "Existing":
        """Existing assessments of the commune-years, with their results, indicator values,
        the communes' approved figures up to the last year and their certification decisions:
        five queries."""
        commune_ids = {r.commune.pk for r in located}
        years = {r.year for r in located}
        assessments = {
            (a.commune_id, a.year): a
            # The import writes the standard tier only (the template's tier column says so).
            for a in Assessment.objects.standard().filter(
                commune_id__in=commune_ids, year__in=years
            )
        }
        results: dict[int, dict[int, bool]] = {}
        for assessment_id, criterion_id, met in CriterionResult.objects.filter(
            assessment__commune_id__in=commune_ids,
            assessment__year__in=years,
            assessment__tier=Assessment.Tier.NTM,
        ).values_list("assessment_id", "criterion_id", "met"):
            results.setdefault(assessment_id, {})[criterion_id] = met
        values: dict[int, dict[int, tuple]] = {}
        for value in IndicatorValue.objects.filter(
            assessment__commune_id__in=commune_ids,
            assessment__year__in=years,
            assessment__tier=Assessment.Tier.NTM,
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
        return cls(assessments, results, values, approved, certifications)


class ErrorLog:
    """The errors found so far, with the rows that have one (those are not planned further)."""

    def __init__(self, sheet: Sheet):
        self.sheet = sheet
        self.errors: list[CellError] = []
        self.rows: set[int] = {e.row for e in sheet.errors}

    def add(self, row: Row, key: str, code: str, message: str) -> None:
        """An error of `row` in the column of `key` ("" for the whole row)."""
        self.rows.add(row.number)
        self.errors.append(
            CellError(
                row=row.number,
                column=self.sheet.headers.get(key, ""),
                cell=self.sheet.cell(row.number, key),
                code=code,
                message=message,
            )
        )

    def bad_value(self, row: Row, key: str, exc: workbook.BadValue) -> None:
        self.add(row, key, exc.code, str(exc))


@dataclass
class Context:
    """What every row is planned against."""

    sheet: Sheet
    errors: ErrorLog
    existing: Existing
    update_approved: bool
    may: Permission
    # Criteria sets whose missing criterion columns were reported (once per set, not per row).
    missing_reported: set[int] = field(default_factory=set)
    # By year: the communes the 318 rule keys by the northern-mountain region
    # (criteria.applicable.designated_communes), for the years whose set has the rule.
    designated: dict[int, set[int]] = field(default_factory=dict)


# Rows planned between two looks at the time budget.
BUDGET_EVERY = 200


def plan_import(
    sheet: Sheet,
    *,
    scope: Scope,
    update_approved: bool,
    may: Permission,
    budget: Budget | None = None,
) -> Planned:
    """Plan every row of `sheet` for a user with `scope` and permissions `may`. Queries: the
    communes, the criteria sets and catalogues of the years, and `Existing.load`. `budget`
    (the one the file's reading started) is looked at every BUDGET_EVERY rows: past it,
    WorkbookError `time_budget`, nothing planned."""
    errors = ErrorLog(sheet)
    blank: list[RowOutcome] = []
    parsed: list[tuple[Row, str, int]] = []
    for n, row in enumerate(sheet.rows):
        if budget is not None and n % BUDGET_EVERY == 0:
            budget.check()
        if row.number in errors.rows:
            continue  # a formula without a value: reported once, not again as a bad year
        if _is_blank(row):
            blank.append(_blank_outcome(row))
            continue
        try:
            code = workbook.parse_code(row.values.get("commune_code"))
        except workbook.BadValue as exc:
            errors.bad_value(row, "commune_code", exc)
            continue
        try:
            year = workbook.parse_year(row.values.get("year"))
        except workbook.BadValue as exc:
            errors.bad_value(row, "year", exc)
            continue
        parsed.append((row, code, year))

    located = _locate(parsed, scope, errors)
    ctx = Context(
        sheet=sheet,
        errors=errors,
        existing=Existing.load(located),
        update_approved=update_approved,
        may=may,
        designated=_designated(located),
    )
    plans = []
    for n, row in enumerate(located):
        if budget is not None and n % BUDGET_EVERY == 0:
            budget.check()
        plan = _plan_row(row, ctx)
        if plan is None or row.row.number in errors.rows:
            continue
        _decide_action(plan, ctx)
        plans.append(plan)
    _plan_certifications(plans, ctx)
    plans = [p for p in plans if p.row.number not in errors.rows]
    return Planned(
        plans=plans,
        blank=blank,
        errors=errors.errors,
        warnings=_lowering(plans, ctx.existing),
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


# --- Locating the commune-years ----------------------------------------------------------------


def _catalogues(years: set[int]) -> dict[int, Catalogue | None]:
    """The catalogue of the set covering each year (None for none) at the revision in force
    that year, loaded once per set and revision."""
    catalogues: dict[int, Catalogue | None] = {}
    loaded: dict[tuple, Catalogue] = {}
    for year in sorted(years):
        try:
            criteria_set = criteria_set_for_year(year)
        except ValidationError:
            catalogues[year] = None
            continue
        revision = revision_for(criteria_set, year)
        key = (criteria_set.pk, revision.pk if revision else None)
        if key not in loaded:
            loaded[key] = Catalogue.load(criteria_set, revision=revision)
        catalogues[year] = loaded[key]
    return catalogues


def _locate(parsed: list[tuple[Row, str, int]], scope: Scope, errors: ErrorLog) -> list[LocatedRow]:
    communes_by_code: dict[str, list[Commune]] = {}
    # A code names a unit with a year (codes were reused in 2019, 2024 and 2025): the unit of
    # the code that exists on 31/12 of the row's year, as Commune.objects.with_code(code, year)
    # picks it (current first), for all rows in one query.
    for commune in (
        Commune.objects.filter(code__in={code for _r, code, _y in parsed})
        .select_related("province", "district")
        .order_by(F("valid_to").desc(nulls_first=True))
    ):
        communes_by_code.setdefault(commune.code, []).append(commune)
    catalogues = _catalogues({year for _r, _c, year in parsed})

    located: list[LocatedRow] = []
    seen: dict[tuple[int, int], int] = {}
    for row, code, year in parsed:
        candidates = [c for c in communes_by_code.get(code, []) if c.exists_in(year)]
        if not candidates:
            errors.add(
                row,
                "commune_code",
                "unknown_commune",
                _("Không có xã nào mang mã %(code)s trong năm %(year)s.")
                % {"code": code, "year": year},
            )
            continue
        commune = candidates[0]
        if not scope.covers_commune(commune):
            errors.add(
                row,
                "commune_code",
                "out_of_scope",
                _("Xã mã %(code)s không thuộc phạm vi quản lý của bạn (%(scope)s).")
                % {"code": code, "scope": scope.province or ""},
            )
            continue
        if not commune.in_programme:
            errors.add(
                row,
                "commune_code",
                "not_in_programme",
                _("%(commune)s không thuộc chương trình nông thôn mới.") % {"commune": commune},
            )
            continue
        catalogue = catalogues[year]
        if catalogue is None:
            errors.add(
                row,
                "year",
                "no_criteria_set",
                _("Năm %(year)s không thuộc giai đoạn của bộ tiêu chí nào.") % {"year": year},
            )
            continue
        if (commune.pk, year) in seen:
            errors.add(
                row,
                "commune_code",
                "duplicate_row",
                _("Trùng xã %(code)s năm %(year)s với dòng %(other)s.")
                % {"code": code, "year": year, "other": seen[(commune.pk, year)]},
            )
            continue
        seen[(commune.pk, year)] = row.number
        located.append(LocatedRow(row=row, commune=commune, year=year, catalogue=catalogue))
    return located


def _designated(located: list[LocatedRow]) -> dict[int, set[int]]:
    """The designated communes of each year whose set has the 318 rule: one query per such
    year (none for the other sets)."""
    by_year: dict[int, list[LocatedRow]] = {}
    for r in located:
        by_year.setdefault(r.year, []).append(r)
    return {
        year: designated_communes([r.commune for r in rows], year, rows[0].catalogue.criteria_set)
        for year, rows in by_year.items()
    }


# --- One row ------------------------------------------------------------------------------------


@dataclass
class _Cells:
    """What a row's criterion and indicator columns say, parsed against the catalogue."""

    flags: dict[int, bool] = field(default_factory=dict)  # by criterion id, from cN
    explicit: dict[int, bool] = field(default_factory=dict)  # the criteria with a non-blank cN
    entries: dict[int, IndicatorEntry] = field(default_factory=dict)  # by indicator id


def _plan_row(located: LocatedRow, ctx: Context) -> RowPlan | None:
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


# --- Action, permissions, certifications, lowering ------------------------------------------------


def _decide_action(plan: RowPlan, ctx: Context) -> None:
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


def _plan_certifications(plans: list[RowPlan], ctx: Context) -> None:
    """Each row's certification columns. A row pairs with the decision of its commune, tier
    and recognised year (the row's year; the decision may be signed the year after): one
    recorded with the same number is accepted and left alone when the file says what is
    recorded (its date, its revocation), revoked when the file adds a revocation; a new one
    becomes the plan's `certification`, under the rules of the certification page (the
    eligibility and the dossier rule)."""
    in_file: dict[tuple, int] = {}
    for plan in plans:
        given = _read_decision(plan, ctx)
        if given is None:
            continue
        key = (plan.commune.pk, given.tier, given.number)
        if key in in_file:
            ctx.errors.add(
                plan.row,
                "certification_decision",
                "duplicate_decision",
                _("Quyết định này đã có ở dòng %(row)s.") % {"row": in_file[key]},
            )
            continue
        in_file[key] = plan.row.number
        recorded = ctx.existing.certifications.get(key)
        if recorded is not None:
            _pair_recorded(plan, given, recorded, ctx)
        else:
            _plan_new_decision(plan, given, ctx)


def _read_decision(plan: RowPlan, ctx: Context) -> GivenDecision | None:
    """The row's decision, or None for none or for an error (reported)."""
    errors, values = ctx.errors, plan.row.values
    decision = values.get("certification_decision")
    raw_date = values.get("certification_date")
    raw_revoked = values.get("certification_revoked_on")
    revocation_reason = _text(values.get("certification_revocation_reason"))
    if workbook.is_blank(decision):
        if not workbook.is_blank(raw_date):
            errors.add(
                plan.row,
                "certification_decision",
                "date_without_decision",
                _("Có ngày công nhận nhưng thiếu số quyết định."),
            )
        elif not workbook.is_blank(raw_revoked) or revocation_reason:
            errors.add(
                plan.row,
                "certification_decision",
                "revocation_without_decision",
                _("Có ngày hoặc lý do thu hồi nhưng thiếu số quyết định."),
            )
        return None
    decision = str(decision).strip()
    if len(decision) > NUMBER_MAX_LENGTH:
        errors.add(
            plan.row,
            "certification_decision",
            "decision_number_too_long",
            _("Số quyết định dài quá %(n)s ký tự.") % {"n": NUMBER_MAX_LENGTH},
        )
        return None
    if workbook.is_blank(raw_date):
        errors.add(
            plan.row,
            "certification_date",
            "missing_decision_date",
            _("Thiếu ngày của quyết định công nhận."),
        )
        return None
    try:
        date = workbook.parse_date(raw_date)
    except workbook.BadValue as exc:
        errors.bad_value(plan.row, "certification_date", exc)
        return None
    tier = Certification.Tier.NTM
    if not workbook.is_blank(values.get("certification_tier")):
        try:
            tier = workbook.parse_tier(values["certification_tier"])
        except workbook.BadValue as exc:
            errors.bad_value(plan.row, "certification_tier", exc)
            return None
    # The row's year is the year recognised; the decision may be signed the year after
    # (criteria.models.recognised_year_error, the form's and the admin's rule too).
    code, message = "recognised_year", recognised_year_error(plan.year, date)
    if message is None:
        code, message = _programme_date_error(date)
    if message:
        errors.add(plan.row, "certification_date", code, message)
        return None
    revoked_on = None
    if not workbook.is_blank(raw_revoked):
        try:
            revoked_on = workbook.parse_date(raw_revoked)
        except workbook.BadValue as exc:
            errors.bad_value(plan.row, "certification_revoked_on", exc)
            return None
        # certification_revoke's rules, checked before anything is written.
        code, message = _programme_date_error(revoked_on)
        if message is None and revoked_on < date:
            code = "revoked_before_decision"
            message = _("Ngày thu hồi phải sau ngày quyết định công nhận.")
        if message:
            errors.add(plan.row, "certification_revoked_on", code, message)
            return None
        if not revocation_reason:
            errors.add(
                plan.row,
                "certification_revocation_reason",
                "reason_required",
                _("Cần ghi lý do thu hồi."),
            )
            return None
    elif revocation_reason:
        errors.add(
            plan.row,
            "certification_revoked_on",
            "revocation_without_date",
            _("Có lý do thu hồi nhưng thiếu ngày thu hồi."),
        )
        return None
    return GivenDecision(
        number=decision,
        date=date,
        tier=tier,
        dossier_reason=_text(values.get("certification_dossier_reason")),
        revoked_on=revoked_on,
        revocation_reason=revocation_reason,
    )


def _text(value: object) -> str:
    return "" if workbook.is_blank(value) else str(value).strip()


def same_text(stored: str, given: str) -> bool:
    """Whether a cell says what is stored, whitespace aside: a text typed in a browser's text
    area is stored with CRLF line ends, which a workbook gives back as LF."""
    return stored.split() == given.split()


def _programme_date_error(date: datetime.date) -> tuple[str, str | None]:
    try:
        validate_programme_date(date)
    except ValidationError as exc:
        return exc.code, " ".join(exc.messages)
    return "", None


def _pair_recorded(
    plan: RowPlan, given: GivenDecision, recorded: Certification, ctx: Context
) -> None:
    """A decision the database holds: the row must say what is recorded. Its revocation, when
    the file adds one, is the only change a file makes to it (the dossier reason stays as
    recorded)."""
    errors = ctx.errors
    if recorded.recognised_year != plan.year:
        errors.add(
            plan.row,
            "certification_decision",
            "decision_of_other_year",
            _("Quyết định %(number)s đã được ghi nhận là công nhận năm %(recognised)s.")
            % {"number": given.number, "recognised": recorded.recognised_year},
        )
        return
    if recorded.decision_date != given.date:
        errors.add(
            plan.row,
            "certification_date",
            "decision_date_differs",
            _("Quyết định %(number)s đã được ghi nhận với ngày %(date)s.")
            % {"number": given.number, "date": recorded.decision_date.strftime("%d/%m/%Y")},
        )
        return
    if "certification_revoked_on" not in ctx.sheet.headers:
        return  # a file without the revocation columns says nothing about it
    if recorded.revoked_on is not None:
        if recorded.revoked_on != given.revoked_on or not same_text(
            recorded.revocation_reason, given.revocation_reason
        ):
            errors.add(
                plan.row,
                "certification_revoked_on",
                "revocation_differs",
                _(
                    "Quyết định %(number)s đã bị thu hồi ngày %(date)s, lý do: “%(reason)s”; tệp "
                    "phải ghi đúng ngày và lý do này."
                )
                % {
                    "number": given.number,
                    "date": recorded.revoked_on.strftime("%d/%m/%Y"),
                    "reason": recorded.revocation_reason,
                },
            )
        return
    if given.revoked_on is not None and _may_revoke(plan, ctx):
        plan.revocation = Revocation(
            revoked_on=given.revoked_on, reason=given.revocation_reason, certification=recorded
        )


def _may_revoke(plan: RowPlan, ctx: Context) -> bool:
    """accounts.roles.can_revoke_certification's permissions (the scope is checked already)."""
    if ctx.may("criteria.change_certification") and ctx.may("criteria.approve_assessment"):
        return True
    ctx.errors.add(
        plan.row,
        "certification_revoked_on",
        "no_permission_revoke",
        _("Bạn không có quyền thu hồi quyết định công nhận."),
    )
    return False


def _plan_new_decision(plan: RowPlan, given: GivenDecision, ctx: Context) -> None:
    """A decision not recorded yet: the permissions, the certification rule and the dossier
    rule of the certification page (accounts.roles.can_certify,
    criteria.services.certification_eligibility, dossiers.services.certification_record)."""
    errors = ctx.errors
    if not (ctx.may("criteria.add_certification") and ctx.may("criteria.approve_assessment")):
        errors.add(
            plan.row,
            "certification_decision",
            "no_permission_certify",
            _("Bạn không có quyền ghi quyết định công nhận."),
        )
        return
    # For the standard tier on the figures the row leaves; a higher tier rests on that tier's
    # assessment and on the certification of the tier below, which the file does not carry
    # (it imports standard assessments only), so they are read from the database by the same
    # rule.
    try:
        if given.tier == Certification.Tier.NTM:
            certification_eligibility(
                year=plan.year,
                status=plan.final_status,
                criteria_met=plan.met_total,
                criteria_needed=len(plan.catalogue.criteria),
            )
        else:
            certification_check(
                commune=plan.commune, year=plan.year, tier=given.tier, decision_date=given.date
            )
    except ValidationError as exc:
        errors.add(plan.row, "certification_decision", exc.code, " ".join(exc.messages))
        return
    try:
        _dossier, reason = certification_dossier_check(
            commune=plan.commune, tier=given.tier, year=plan.year, reason=given.dossier_reason
        )
    except ValidationError as exc:
        key = (
            "certification_dossier_reason"
            if "certification_dossier_reason" in ctx.sheet.headers
            else "certification_decision"
        )
        errors.add(plan.row, key, exc.code, " ".join(exc.messages))
        return
    if given.revoked_on is not None and not _may_revoke(plan, ctx):
        return
    plan.certification = NewCertification(
        tier=given.tier,
        decision_number=given.number,
        decision_date=given.date,
        dossier_reason=reason,
    )
    if given.revoked_on is not None:
        plan.revocation = Revocation(revoked_on=given.revoked_on, reason=given.revocation_reason)


def _lowering(plans: list[RowPlan], existing: Existing) -> list[RowWarning]:
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
