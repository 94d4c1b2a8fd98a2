"""What a catalogue workbook upload would do to its set (`plan_catalogue`: the dry run) and
doing it (`catalogue_apply`: the same plan, re-checked and executed in one transaction).

All or nothing: any error refuses the whole upload, every error listed with its row and column.
Writes go only through `criteria.revisions` (a revision, never a rewrite): new indicators and
levels carry the revision as `added_in`, a changed level ends the old row. An indicator or
level the upload leaves out, or leaves empty, is kept: nothing is withdrawn by omission. An
upload identical to the set changes nothing and records no revision.

The page (`criteria.catalogue_views.catalogue_import`) and the command (`import_catalogue`)
both come here."""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl.utils import get_column_letter

from communes.versions import bump_data_version
from criteria import catalogue_workbook as fmt
from criteria import revisions
from criteria.catalogue import LOADED_SOURCE
from criteria.evaluation import Catalogue
from criteria.models import CriteriaSet, CriteriaSetAmendment, Criterion, Indicator, Threshold
from ntm.lib.workbook import CellError

ADDED, CHANGED, UNCHANGED = "added", "changed", "unchanged"
ACTION_LABELS = {
    ADDED: gettext_lazy("Thêm"),
    CHANGED: gettext_lazy("Sửa"),
    UNCHANGED: gettext_lazy("Giữ nguyên"),
}
WORDING = {"name_vi": fmt.NAME, "unit": fmt.UNIT}


@dataclass
class LevelPlan:
    column: str  # the key column's header ("N1", "TDMNPB", "Toàn quốc")
    key_id: int | None  # region or commune group id; None nationwide
    action: str
    old: str  # as written in the workbook
    new: str
    value: Decimal | None = None
    value_secondary: Decimal | None = None
    status: str = Threshold.Status.CONFIRMED
    threshold_id: int | None = None  # the row it changes

    @property
    def action_label(self) -> str:
        return str(ACTION_LABELS[self.action])


@dataclass
class RowPlan:
    row: int
    years: str
    year_from: int | None
    year_to: int | None
    source: str
    levels: list[LevelPlan] = field(default_factory=list)


@dataclass
class IndicatorPlan:
    row: int  # its first row
    criterion: int
    code: str
    name_vi: str
    unit: str
    kind: str
    comparison: str
    action: str
    changed: list[str] = field(default_factory=list)  # headers of the wording changed
    indicator_id: int | None = None
    rows: list[RowPlan] = field(default_factory=list)
    order: int = 0  # of a new indicator: after the criterion's others
    criterion_obj: Criterion | None = field(default=None, repr=False)

    @property
    def action_label(self) -> str:
        return str(ACTION_LABELS[self.action])


@dataclass
class Plan:
    criteria_set: CriteriaSet | None
    citation: str = ""
    effective_from: datetime.date | None = None
    indicators: list[IndicatorPlan] = field(default_factory=list)
    errors: list[CellError] = field(default_factory=list)
    revision: CriteriaSetAmendment | None = None  # where an apply wrote

    def counts(self) -> dict[str, int]:
        counts = {f"indicators_{a}": 0 for a in (ADDED, CHANGED, UNCHANGED)}
        counts.update({f"levels_{a}": 0 for a in (ADDED, CHANGED, UNCHANGED)})
        for ip in self.indicators:
            counts[f"indicators_{ip.action}"] += 1
            for row in ip.rows:
                for level in row.levels:
                    counts[f"levels_{level.action}"] += 1
        return counts

    @property
    def changes(self) -> int:
        c = self.counts()
        return sum(c[f"{what}_{a}"] for what in ("indicators", "levels") for a in (ADDED, CHANGED))


class CatalogueRefused(Exception):
    """The upload has errors (or gained some since its preview): nothing was written."""

    def __init__(self, plan: Plan):
        super().__init__(f"{len(plan.errors)} errors")
        self.plan = plan


def _error(row: int, column: str, code: str, message: str, cell: str = "") -> CellError:
    return CellError(row=row, column=column, message=message, code=code, cell=cell)


def plan_catalogue(upload: fmt.Upload) -> Plan:
    """The dry run: what `upload` would add and change in its set, or its errors. Reads only
    (a few queries: the set, its keys, its current catalogue)."""
    errors = list(upload.errors)
    cset = CriteriaSet.objects.filter(code=upload.set_code).first() if upload.set_code else None
    plan = Plan(cset, citation=upload.citation, effective_from=upload.effective_from)
    if cset is None:
        errors.append(
            _error(
                upload.set_code_row,
                fmt.SET_CODE,
                "unknown_set",
                _("Không có bộ tiêu chí mã “%(code)s” (trang “%(sheet)s”).")
                % {"code": upload.set_code, "sheet": fmt.SET_SHEET},
            )
        )
        plan.errors = errors
        return plan
    if revisions.revision_citation_taken(cset, upload.citation):
        errors.append(
            _error(
                0,
                fmt.CITATION,
                "revision_exists",
                _(
                    "Lần sửa đổi “%(citation)s” đã có và đã có đánh giá theo nó: hãy ghi văn bản "
                    "khác hoặc để trống."
                )
                % {"citation": upload.citation},
            )
        )
    keys = dict(fmt.key_columns(cset))
    columns = _columns(upload, keys, errors)
    if columns is not None:
        _plan_rows(plan, upload, keys, columns, errors)
    plan.errors = errors
    return plan


def _columns(upload: fmt.Upload, keys: dict[str, int], errors: list) -> dict[str, str] | None:
    """Each header by meaning: a fixed column's name, or "key:<code>"; None when a required
    column is missing."""
    fixed = {fmt.fold(name): name for name in fmt.FIXED_COLUMNS}
    by_key = {fmt.fold(code): code for code in keys}
    columns: dict[str, str] = {}
    seen: set[str] = set()
    for column, header in upload.headers:
        folded = fmt.fold(header)
        meaning = fixed.get(folded) or (f"key:{by_key[folded]}" if folded in by_key else None)
        letter = get_column_letter(column)
        if meaning is None:
            errors.append(
                _error(
                    1,
                    header,
                    "unknown_group_column",
                    _(
                        "Cột “%(header)s” không phải cột của bộ tiêu chí này (các cột mức: "
                        "%(keys)s, Toàn quốc)."
                    )
                    % {"header": header, "keys": ", ".join(keys)},
                    f"{letter}1",
                )
            )
        elif meaning in seen:
            errors.append(
                _error(
                    1,
                    header,
                    "duplicate_column",
                    _("Cột “%(header)s” bị lặp.") % {"header": header},
                    f"{letter}1",
                )
            )
        else:
            seen.add(meaning)
            columns[header] = meaning
    missing = [name for name in fmt.REQUIRED_COLUMNS if name not in seen]
    if missing:
        errors.append(
            _error(
                1,
                ", ".join(missing),
                "missing_column",
                _("Thiếu cột bắt buộc: %(columns)s.") % {"columns": ", ".join(missing)},
            )
        )
        return None
    return columns


def _plan_rows(plan, upload, keys, columns, errors) -> None:
    cset = plan.criteria_set
    catalogue = Catalogue.load(cset)
    criteria = {c.number: c for c in catalogue.criteria}
    current = {
        (c.number, ind.code): ind for c in catalogue.criteria for ind in catalogue.indicators[c.pk]
    }
    # The current national levels by indicator and (key, year_from, year_to).
    levels: dict[int, dict[tuple, Threshold]] = {}
    for indicator_id, rows in catalogue.thresholds.items():
        for t in rows:
            key = fmt.key_of(cset, t)
            if key is not False:
                levels.setdefault(indicator_id, {}).setdefault((key, t.year_from, t.year_to), t)
    next_order = {
        c.pk: max((i.order for i in catalogue.indicators[c.pk]), default=0)
        for c in catalogue.criteria
    }
    meaning = {m: h for h, m in columns.items()}
    plans: dict[tuple[int, str], IndicatorPlan] = {}
    seen_rows: set[tuple] = set()

    for number, cells in upload.rows:
        by = {m: cells.get(h, "") for h, m in columns.items()}

        def err(column, code, message, _number=number):
            errors.append(_error(_number, meaning.get(column, column), code, message))

        n_text, code = by.get(fmt.CRITERION, ""), by.get(fmt.CODE, "").strip()
        criterion = criteria.get(int(n_text)) if n_text.isdigit() else None
        if criterion is None:
            err(
                fmt.CRITERION,
                "unknown_criterion",
                _("Bộ tiêu chí không có tiêu chí số “%(n)s”.") % {"n": n_text},
            )
            continue
        if not code or len(code) > Indicator._meta.get_field("code").max_length:
            err(fmt.CODE, "code_invalid", _("Mã chỉ tiêu trống hoặc dài quá 8 ký tự."))
            continue
        try:
            year_from, year_to = fmt.parse_years(by.get(fmt.YEARS, ""))
        except ValueError:
            err(
                fmt.YEARS,
                "years_unparsed",
                _("Năm “%(value)s” không đọc được (ví dụ 2025 hoặc 2022–2025).")
                % {"value": by.get(fmt.YEARS, "")},
            )
            continue
        ident = (criterion.number, code)
        if (*ident, year_from, year_to) in seen_rows:
            err(
                fmt.CODE,
                "duplicate_indicator",
                _("Chỉ tiêu %(code)s có hai dòng (cùng năm).") % {"code": code},
            )
            continue
        seen_rows.add((*ident, year_from, year_to))
        existing = current.get(ident)
        ip = plans.get(ident)
        if ip is None:
            ip = _plan_indicator(number, criterion, code, existing, by, err)
            if ip is None:
                continue
            plans[ident] = ip
            if ip.action == ADDED:
                next_order[criterion.pk] += 1
                ip.order = next_order[criterion.pk]
        elif not _same_indicator(ip, by, err):
            continue
        row = RowPlan(
            row=number,
            years=fmt.years_text(year_from, year_to),
            year_from=year_from,
            year_to=year_to,
            source=by.get(fmt.SOURCE, "")[:200],
        )
        old_levels = levels.get(existing.pk, {}) if existing else {}
        for m, header in meaning.items():
            if not (m.startswith("key:") or m == fmt.NATIONAL):
                continue
            key_id = keys[m[4:]] if m.startswith("key:") else None
            level = _plan_level(ip, header, key_id, by.get(m, ""), existing, err)
            if level is None:
                continue
            old = old_levels.get((key_id, year_from, year_to))
            _compare(level, old, ip)
            row.levels.append(level)
        ip.rows.append(row)
    plan.indicators = list(plans.values())


def _plan_indicator(number, criterion, code, existing, by, err) -> IndicatorPlan | None:
    kind_text = by.get(fmt.KIND, "")
    try:
        kind = fmt.parse_kind(kind_text) if kind_text else (existing.kind if existing else None)
    except ValueError:
        kind = None
    if kind is None:
        err(
            fmt.KIND,
            "kind_unknown",
            _("Loại “%(value)s” không nhận ra (Đạt / không đạt, Tỷ lệ (%%), Số lượng, Xếp loại).")
            % {"value": kind_text},
        )
        return None
    if existing is not None and kind != existing.kind:
        err(
            fmt.KIND,
            "kind_changed",
            _("Không đổi được loại của chỉ tiêu %(code)s đã có (%(kind)s).")
            % {"code": code, "kind": fmt.kind_text(existing.kind)},
        )
        return None
    name = " ".join(by.get(fmt.NAME, "").split())
    if existing is not None and name == " ".join(existing.name_vi.split()):
        name = existing.name_vi  # the same words, spaced otherwise in the database
    if not name and existing is None:
        err(fmt.NAME, "name_missing", _("Chỉ tiêu mới cần nội dung."))
        return None
    ip = IndicatorPlan(
        row=number,
        criterion=criterion.number,
        code=code,
        name_vi=name or existing.name_vi,
        unit=by.get(fmt.UNIT, "")[:60] if fmt.UNIT in by else (existing.unit if existing else ""),
        kind=kind,
        comparison=existing.comparison if existing else "",
        action=ADDED if existing is None else UNCHANGED,
        indicator_id=existing.pk if existing else None,
        criterion_obj=criterion,
    )
    if existing is not None:
        for attr, header in WORDING.items():
            if getattr(ip, attr) != getattr(existing, attr):
                ip.changed.append(header)
        if ip.changed:
            ip.action = CHANGED
    return ip


def _same_indicator(ip: IndicatorPlan, by: dict, err) -> bool:
    """A further row (another year range) of an indicator: its wording, if written, agrees."""
    for column, value in (
        (fmt.NAME, " ".join(by.get(fmt.NAME, "").split())),
        (fmt.UNIT, by.get(fmt.UNIT, "")),
    ):
        attr = "name_vi" if column == fmt.NAME else "unit"
        if value and value != getattr(ip, attr):
            err(
                column,
                "indicator_mismatch",
                _("Dòng này ghi chỉ tiêu %(code)s khác dòng %(row)s.")
                % {"code": ip.code, "row": ip.row},
            )
            return False
    return True


def _plan_level(ip, header, key_id, text, existing, err) -> LevelPlan | None:
    try:
        level = fmt.parse_level(text)
    except ValueError:
        err(
            header,
            "level_unparsed",
            _("Mức “%(value)s” không đọc được (ví dụ ≥ 90, ≤ 5, = 100, 70,5 hoặc Đạt).")
            % {"value": text},
        )
        return None
    if level is None:
        return None
    numeric = ip.kind in (Indicator.Kind.PERCENT, Indicator.Kind.NUMBER)
    if level.met:
        if numeric:
            err(
                header,
                "level_unparsed",
                _("Chỉ tiêu %(code)s cần mức bằng số.") % {"code": ip.code},
            )
        return None  # an indicator judged met or not has no level to store
    if not numeric:
        err(
            header,
            "level_unparsed",
            _("Chỉ tiêu %(code)s được đánh giá Đạt / không đạt: chỉ ghi “Đạt” hoặc để trống.")
            % {"code": ip.code},
        )
        return None
    if level.comparison:
        if ip.comparison and level.comparison != ip.comparison:
            err(
                header,
                "comparison_mismatch",
                _("Phép so sánh “%(op)s” khác với của chỉ tiêu %(code)s (%(own)s).")
                % {
                    "op": fmt.SYMBOL[level.comparison],
                    "code": ip.code,
                    "own": fmt.SYMBOL[ip.comparison],
                },
            )
            return None
        ip.comparison = level.comparison
    secondary_label = existing.secondary_label if existing else ""
    if level.value_secondary is not None and not secondary_label:
        err(
            header,
            "level_unparsed",
            _("Chỉ tiêu %(code)s không có giá trị thứ hai: bỏ phần “/ …”.") % {"code": ip.code},
        )
        return None
    return LevelPlan(
        column=header,
        key_id=key_id,
        action=ADDED,
        old="",
        new=text.strip(),
        value=level.value,
        value_secondary=level.value_secondary,
        status=Threshold.Status.UNKNOWN if level.unknown else Threshold.Status.CONFIRMED,
    )


def _compare(level: LevelPlan, old: Threshold | None, ip: IndicatorPlan) -> None:
    """The level's action against the row it would replace; levels are written as the
    indicator's comparison says, so the texts are compared in that form."""
    if old is None:
        return
    level.threshold_id = old.pk
    level.old = _written(ip, old.value, old.value_secondary)
    level.new = _written(ip, level.value, level.value_secondary)
    same = old.value == level.value and old.value_secondary == level.value_secondary
    level.action = UNCHANGED if same else CHANGED


def _written(ip: IndicatorPlan, value, secondary) -> str:
    if value is None:
        return fmt.UNKNOWN
    ind = Indicator(kind=ip.kind, comparison=ip.comparison or ">=")
    return fmt.level_text(ind, Threshold(value=value, value_secondary=secondary))


def catalogue_apply(upload: fmt.Upload, *, user=None) -> Plan:
    """Plan `upload` again against the set as it stands, under a lock on the set, and write it
    in one transaction; CatalogueRefused (nothing written) when it has errors. Returns the plan
    with the revision written to (None when nothing differed)."""
    with transaction.atomic():
        CriteriaSet.objects.select_for_update().filter(code=upload.set_code).first()
        plan = plan_catalogue(upload)
        if plan.errors:
            raise CatalogueRefused(plan)
        if not plan.changes:
            return plan
        cset = plan.criteria_set
        revision = revisions.revision_for_upload(
            cset, citation=plan.citation, effective_from=plan.effective_from, user=user
        )
        plan.revision = revision
        for ip in plan.indicators:
            _apply_indicator(ip, revision)
        bump_data_version()
    return plan


def _apply_indicator(ip: IndicatorPlan, revision: CriteriaSetAmendment) -> None:
    if ip.action == ADDED:
        numeric = ip.kind in (Indicator.Kind.PERCENT, Indicator.Kind.NUMBER)
        indicator = revisions.indicator_add(
            criterion=ip.criterion_obj,
            revision=revision,
            code=ip.code,
            order=ip.order,
            name_vi=ip.name_vi,
            unit=ip.unit,
            kind=ip.kind,
            comparison=(ip.comparison or ">=") if numeric else "",
            wording_confirmed=True,
        )
    else:
        indicator = Indicator.objects.get(pk=ip.indicator_id)
        if ip.action == CHANGED:
            revisions.indicator_update_wording(indicator, name_vi=ip.name_vi, unit=ip.unit)
    for row in ip.rows:
        # A row marked as the loader's own would be replaced by the next `load_criteria`.
        source = row.source if row.source not in ("", LOADED_SOURCE) else revision.citation[:200]
        for level in row.levels:
            fields = {
                "value": level.value,
                "value_secondary": level.value_secondary,
                "status": level.status,
                "source": source,
            }
            if level.action == ADDED:
                by_group = (
                    ip.criterion_obj.criteria_set.threshold_basis
                    == CriteriaSet.ThresholdBasis.COMMUNE_GROUP
                )
                revisions.threshold_add(
                    indicator=indicator,
                    revision=revision,
                    region_id=None if by_group else level.key_id,
                    commune_group_id=level.key_id if by_group else None,
                    year_from=row.year_from,
                    year_to=row.year_to,
                    **fields,
                )
            elif level.action == CHANGED:
                old = Threshold.objects.get(pk=level.threshold_id)
                revisions.threshold_change(old, revision, **fields)


def plan_lines(plan: Plan) -> list[str]:
    """The plan as lines of text, for the command (the page draws the same plan as a table)."""
    lines = []
    for e in plan.errors:
        lines.append(
            _("Lỗi dòng %(row)s, cột %(column)s [%(code)s]: %(message)s")
            % {"row": e.row, "column": e.column or "-", "code": e.code, "message": e.message}
        )
    for ip in plan.indicators:
        for row in ip.rows:
            changed = [lv for lv in row.levels if lv.action != UNCHANGED]
            if ip.action == UNCHANGED and not changed:
                continue
            levels = ", ".join(
                f"{lv.column}: {lv.old + ' → ' if lv.old else ''}{lv.new} ({lv.action_label})"
                for lv in changed
            )
            head = f"{_('Dòng')} {row.row} · {ip.code}"
            if row.years:
                head += f" ({row.years})"
            if row.row == ip.row:
                head += f" · {_('chỉ tiêu')}: {ip.action_label}"
                if ip.changed:
                    head += f" ({', '.join(ip.changed)})"
            lines.append(f"{head}{' · ' + levels if levels else ''}")
    c = plan.counts()
    lines.append(
        _(
            "Chỉ tiêu: thêm %(ia)s, sửa %(ic)s, giữ nguyên %(iu)s. "
            "Mức: thêm %(la)s, sửa %(lc)s, giữ nguyên %(lu)s."
        )
        % {
            "ia": c["indicators_added"],
            "ic": c["indicators_changed"],
            "iu": c["indicators_unchanged"],
            "la": c["levels_added"],
            "lc": c["levels_changed"],
            "lu": c["levels_unchanged"],
        }
    )
    return lines


def other_set_error(upload: fmt.Upload, criteria_set: CriteriaSet) -> CellError:
    """An upload for another set than the page's."""
    return _error(
        upload.set_code_row,
        fmt.SET_CODE,
        "other_set",
        _("Tệp là của bộ tiêu chí “%(file)s”, không phải “%(page)s”.")
        % {"file": upload.set_code, "page": criteria_set.code},
    )
