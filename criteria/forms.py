"""Forms of the commune and assessment pages.

`AssessmentForm` is built from the catalogue of the assessment's criteria set (as many criteria
and indicators as the set has) and turns what the user typed into the `AssessmentInput` that
`criteria.services.assessment_save` takes; it only parses and draws, the service evaluates.
"""

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from criteria.certifications import validate_programme_date
from criteria.evaluation import (
    Catalogue,
    Evaluation,
    IndicatorEntry,
    ThresholdKey,
    manual_reason_missing,
)
from criteria.models import (
    Certification,
    Criterion,
    CriterionGroup,
    CriterionResult,
    Indicator,
    IndicatorValue,
    Threshold,
)
from criteria.services import AssessmentInput
from ntm.lib.numbers import parse_decimal_comma, plain_number
from ntm.lib.widgets import FastWidgetRenderer
from ntm.lib.years import PROGRAMME_FIRST_YEAR, YEAR_MAX

NUMBER_ERRORS = {
    "invalid": _("Cần nhập một số, ví dụ 85,5."),
    "min_value": _("Giá trị không được âm."),
    "max_value": _("Tỷ lệ phải nằm trong khoảng 0–100%%."),
    "max_digits": _("Số quá lớn."),
    "max_decimal_places": _("Chỉ ghi tối đa 2 chữ số thập phân."),
    "max_whole_digits": _("Số quá lớn."),
}
SIGNS = {">=": "≥", "<=": "≤", "=": "="}
MET_CHOICES = [("", _("— Chưa đánh giá —")), ("1", _("Đạt")), ("0", _("Không đạt"))]

# The catalogue keeps the units of its sources (English); the form speaks Vietnamese.
UNITS_VI = {
    "houses": _("nhà"),
    "million VND per person per year": _("triệu đồng/người/năm"),
    "rating": _("xếp loại"),
}


def unit_label(indicator: Indicator) -> str:
    if indicator.kind == Indicator.Kind.PERCENT:
        return "%"
    return str(UNITS_VI.get(indicator.unit, indicator.unit))


class DecimalInput(forms.TextInput):
    input_type = "text"

    def format_value(self, value):
        if isinstance(value, Decimal):
            return plain_number(value)
        return super().format_value(value)


class CommaDecimalField(forms.DecimalField):
    """A decimal typed with a comma (Vietnamese) or a point; never a thousands separator, so
    "80.5" is 80,5 and not 805 as Django's localized parsing would read it
    (`ntm.lib.numbers.parse_decimal_comma`, the import's rule too)."""

    widget = DecimalInput

    def to_python(self, value):
        if isinstance(value, str) and value.strip():
            try:
                return parse_decimal_comma(value)
            except ValueError:
                raise ValidationError(self.error_messages["invalid"], code="invalid") from None
        return super().to_python(value)

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        attrs.pop("step", None)
        attrs["inputmode"] = "decimal"
        attrs["autocomplete"] = "off"
        return attrs


# The assessment form's field names, the one definition: the form, its template (through the
# rows below), assessment-form.js (through the `data-part` of each indicator input), the tests
# and the load test all take them from here.
IndicatorPart = Literal["value", "value2", "met", "reason", "carried"]
CriterionPart = Literal["met", "note"]


def indicator_field(indicator_pk: int, part: IndicatorPart) -> str:
    """The form field of an indicator: its value ("value", and "value2" for the second value
    of a pair), its met / not met ("met"), the reason of a manual decision ("reason"), or the
    hidden mark of a value carried over from last year and not yet confirmed ("carried")."""
    return f"i{indicator_pk}_{part}"


def criterion_field(criterion_pk: int, part: CriterionPart) -> str:
    """The form field of a criterion: met / not met for a criterion judged as a whole ("met"),
    or its note ("note")."""
    return f"c{criterion_pk}_{part}"


def _met_choice(met: bool | None) -> str:
    return "" if met is None else ("1" if met else "0")


def _judged(criterion: Criterion, result: CriterionResult | None) -> bool | None:
    """A whole-criterion mark as the form shows it again: None (not judged yet) for a criterion
    that needs a reason and has neither a reason nor a "met". A draft saved with criteria left
    "— Chưa đánh giá —" stores them as not met (they count 0); shown back as "Không đạt",
    they would each ask for a reason at the next save."""
    if result is None:
        return None
    if criterion.whole_reason and not result.met and not result.note.strip():
        return None
    return result.met


@dataclass
class IndicatorRow:
    indicator: Indicator
    threshold: Threshold | None
    mode: str  # "computed" (numeric with a threshold), "manual" (numeric without), "choice"
    unit: str
    met: bool | None
    fields: list = field(default_factory=list)  # bound fields (value, second value, met)
    reason: object = None  # bound field, for a manual decision (a full-width row)
    carried: bool = False  # prefilled from last year's approved assessment, not yet confirmed

    @property
    def carried_field(self) -> str:
        return indicator_field(self.indicator.pk, "carried")

    @property
    def shown(self) -> list[tuple[str, str]]:
        """(label, value as text) of each field: the read-only page."""
        fields = self.fields if self.reason is None else [*self.fields, self.reason]
        return [(str(f.label), shown_value(f)) for f in fields]

    @property
    def threshold_text(self) -> str:
        """ "≥ 80%", "= 0 nhà", "≥ 95% · trong đó nước sạch ≥ 60%"; "" when none is known."""
        t = self.threshold
        if t is None or t.value is None:
            return ""
        sign = SIGNS[self.indicator.comparison]
        unit = self.unit if self.unit == "%" else f" {self.unit}"
        text = f"{sign} {plain_number(t.value)}{unit}"
        if self.indicator.secondary_label and t.value_secondary is not None:
            second = plain_number(t.value_secondary)
            text += f" · {self.indicator.secondary_label} {sign} {second}{unit}"
        return text

    @property
    def threshold_scope(self) -> str:
        t = self.threshold
        if t is None:
            return ""
        if t.province_id:
            where = _("mức của tỉnh")
        elif t.region_id or t.commune_group_id:
            where = _("mức của vùng") if t.region_id else _("mức của nhóm xã")
        else:
            where = _("mức toàn quốc")
        if t.status != Threshold.Status.CONFIRMED:
            return _("%(where)s, chưa xác nhận") % {"where": where}
        return str(where)


@dataclass
class CriterionFormRow:
    criterion: Criterion
    met: bool
    indicators: list[IndicatorRow]
    note: object  # bound field
    flag: object = None  # bound field, for a criterion without indicators

    @property
    def shown(self) -> list[tuple[str, str]]:
        """(label, value as text) of the flag and the note: the read-only page."""
        fields = [self.flag, self.note] if self.flag is not None else [self.note]
        return [(str(f.label), shown_value(f)) for f in fields]

    @property
    def mark(self) -> bool | None:
        """Met, missed, or None while nothing says it is missed and something is not entered
        yet ("chưa nhập", not "chưa đạt"). The live mark of assessment-form.js says the same."""
        if self.met:
            return True
        if self.indicators:
            if any(row.met is False for row in self.indicators):
                return False
            return None
        value = self.flag.value() if self.flag is not None else ""
        return None if value in ("", None) else False


@dataclass
class GroupRow:
    group: CriterionGroup
    criteria: list[CriterionFormRow]


class AssessmentForm(forms.Form):
    """One field per thing a person states: a value (and the pair's second value) for numeric
    indicators, met / not met for boolean and level ones, met / not met with a reason for numeric
    indicators without a known threshold, a note per criterion and one for the assessment.

    Its ~270 widgets are written in Python (ntm.lib.widgets), character for character as
    Django's templates draw them (tests/test_widgets.py): half of the page's rendering time."""

    default_renderer = FastWidgetRenderer()

    # Bounded to the column (PositiveIntegerField: 2**31 - 1 on PostgreSQL), so a forged
    # version is a form error, never an overflow in the query comparing it.
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, max_value=2**31 - 1)
    note = forms.CharField(
        label=_("Ghi chú chung"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(
        self,
        *args,
        catalogue: Catalogue,
        key: ThresholdKey,
        values: dict[int, IndicatorValue] | None = None,
        results: dict[int, CriterionResult] | None = None,
        note: str = "",
        version: int = 0,
        disabled: bool = False,
        carried: frozenset[int] = frozenset(),
        **kwargs,
    ):
        values = values or {}
        results = results or {}
        initial = kwargs.pop("initial", None) or {}
        initial.update({"version": version, "note": note})
        super().__init__(*args, initial=initial, **kwargs)
        self.catalogue = catalogue
        self.key = key
        self.carried = carried  # indicator ids
        self.modes: dict[int, str] = {}
        self.thresholds: dict[int, Threshold | None] = {}
        for criterion in catalogue.criteria:
            indicators = catalogue.indicators[criterion.pk]
            for ind in indicators:
                self._add_indicator_fields(ind, values.get(ind.pk))
            result = results.get(criterion.pk)
            note = criterion_field(criterion.pk, "note")
            self.fields[note] = forms.CharField(
                label=_("Ghi chú tiêu chí %(n)s") % {"n": criterion.number},
                required=False,
                max_length=2000,
            )
            self.initial[note] = result.note if result else ""
            if not indicators:
                flag = criterion_field(criterion.pk, "met")
                self.fields[flag] = forms.ChoiceField(
                    label=_("Kết quả tiêu chí %(n)s") % {"n": criterion.number},
                    choices=MET_CHOICES,
                    required=False,
                )
                # A locked page shows the stored mark: what the approved figures count.
                met = result.met if disabled and result else _judged(criterion, result)
                self.initial[flag] = _met_choice(met)
        if disabled:
            for f in self.fields.values():
                f.disabled = True

    def _add(self, ind: Indicator, part: IndicatorPart, form_field, initial) -> None:
        # data-part: what assessment-form.js reads the input as, whatever its name.
        form_field.widget.attrs["data-part"] = part
        name = indicator_field(ind.pk, part)
        self.fields[name] = form_field
        self.initial[name] = initial

    def _add_indicator_fields(self, ind: Indicator, saved: IndicatorValue | None) -> None:
        threshold = self.catalogue.threshold_for(ind, self.key)
        self.thresholds[ind.pk] = threshold
        if ind.is_numeric:
            known = threshold is not None and threshold.value is not None
            self.modes[ind.pk] = "computed" if known else "manual"
            limits = {"min_value": Decimal(0), "error_messages": NUMBER_ERRORS}
            if ind.kind == Indicator.Kind.PERCENT:
                limits["max_value"] = Decimal(100)
            value = CommaDecimalField(
                label=_("%(code)s – giá trị (%(unit)s)")
                % {"code": ind.code, "unit": unit_label(ind)},
                required=False,
                max_digits=12,
                decimal_places=2,
                **limits,
            )
            self._add(ind, "value", value, saved.value if saved else None)
            if ind.secondary_label:
                second = CommaDecimalField(
                    label=_("%(code)s – %(label)s (%(unit)s)")
                    % {"code": ind.code, "label": ind.secondary_label, "unit": unit_label(ind)},
                    required=False,
                    max_digits=12,
                    decimal_places=2,
                    **limits,
                )
                self._add(ind, "value2", second, saved.value_secondary if saved else None)
            if not known:
                met = forms.ChoiceField(
                    label=_("%(code)s – tự đánh giá") % {"code": ind.code},
                    choices=MET_CHOICES,
                    required=False,
                )
                reason = forms.CharField(
                    label=_("%(code)s – lý do tự đánh giá") % {"code": ind.code},
                    required=False,
                    max_length=2000,
                )
                self._add(ind, "met", met, _met_choice(saved.met if saved else None))
                self._add(ind, "reason", reason, saved.manual_reason if saved else "")
        else:
            self.modes[ind.pk] = "choice"
            met = forms.ChoiceField(
                label=_("%(code)s – kết quả") % {"code": ind.code},
                choices=MET_CHOICES,
                required=False,
            )
            self._add(ind, "met", met, _met_choice(saved.met if saved else None))

    def clean(self):
        cleaned = super().clean()
        for criterion in self.catalogue.criteria:
            # Judged as a whole (no indicators known): a manual decision, so it needs a reason.
            note_field = criterion_field(criterion.pk, "note")
            note = (cleaned.get(note_field) or "").strip()
            if (
                criterion.whole_reason
                and cleaned.get(criterion_field(criterion.pk, "met"))
                and not note
            ):
                self.add_error(
                    note_field,
                    ValidationError(
                        _("Tiêu chí được đánh giá cả tiêu chí: cần ghi lý do trong ghi chú."),
                        code="reason_required",
                    ),
                )
        for ind_id, mode in self.modes.items():
            if mode != "manual":
                continue
            met = cleaned.get(indicator_field(ind_id, "met")) or ""
            reason = cleaned.get(indicator_field(ind_id, "reason")) or ""
            if message := manual_reason_missing(None if met == "" else met == "1", reason):
                self.add_error(
                    indicator_field(ind_id, "reason"),
                    ValidationError(message, code="reason_required"),
                )
        return cleaned

    # --- Reading what was typed -------------------------------------------------------------

    def _data(self) -> dict:
        """Cleaned data once validated (fields with errors are absent), else the initial data."""
        if self.is_bound:
            return getattr(self, "cleaned_data", {})
        return {name: self.initial.get(name) for name in self.fields}

    def to_input(self) -> AssessmentInput:
        data = self._data()
        entries: dict[int, IndicatorEntry] = {}
        flags: dict[int, bool] = {}
        notes: dict[int, str] = {}
        for criterion in self.catalogue.criteria:
            for ind in self.catalogue.indicators[criterion.pk]:
                mode = self.modes[ind.pk]
                met = data.get(indicator_field(ind.pk, "met")) or ""
                reason = data.get(indicator_field(ind.pk, "reason")) or ""
                entries[ind.pk] = IndicatorEntry(
                    value=data.get(indicator_field(ind.pk, "value")),
                    value_secondary=data.get(indicator_field(ind.pk, "value2")),
                    met=None if mode == "computed" or met == "" else met == "1",
                    manual_reason=reason if mode == "manual" else "",
                )
            if not self.catalogue.indicators[criterion.pk]:
                flags[criterion.pk] = data.get(criterion_field(criterion.pk, "met")) == "1"
            notes[criterion.pk] = (data.get(criterion_field(criterion.pk, "note")) or "").strip()
        return AssessmentInput(
            entries=entries,
            criterion_flags=flags,
            criterion_notes=notes,
            note=(data.get("note") or "").strip(),
        )

    def add_service_errors(self, error: ValidationError) -> None:
        """Put the service's errors (keyed by indicator code) next to their fields."""
        by_code = {ind.code: ind for ind in self.catalogue.all_indicators()}
        if not hasattr(error, "error_dict"):
            self.add_error(None, error)
            return
        for code, errors in error.error_dict.items():
            ind = by_code.get(code)
            if ind is None:
                self.add_error(None, errors)
                continue
            part = "reason" if self.modes[ind.pk] == "manual" else "value"
            name = indicator_field(ind.pk, part)
            if name not in self.fields:
                name = indicator_field(ind.pk, "met")
            self.add_error(name, errors)

    def groups(self, evaluation: Evaluation) -> list[GroupRow]:
        """The form laid out as the catalogue is: groups, criteria, indicators, with the
        evaluation's met marks."""
        out: list[GroupRow] = []
        for criterion in self.catalogue.criteria:
            if not out or out[-1].group.pk != criterion.group_id:
                out.append(GroupRow(criterion.group, []))
            rows = []
            for ind in self.catalogue.indicators[criterion.pk]:
                outcome = evaluation.outcomes.get(ind.pk)
                names = [indicator_field(ind.pk, part) for part in ("value", "value2", "met")]
                reason = indicator_field(ind.pk, "reason")
                rows.append(
                    IndicatorRow(
                        indicator=ind,
                        threshold=self.thresholds[ind.pk],
                        mode=self.modes[ind.pk],
                        unit=unit_label(ind),
                        met=outcome.met if outcome else None,
                        fields=[self[n] for n in names if n in self.fields],
                        reason=self[reason] if reason in self.fields else None,
                        carried=ind.pk in self.carried,
                    )
                )
            flag = criterion_field(criterion.pk, "met")
            out[-1].criteria.append(
                CriterionFormRow(
                    criterion=criterion,
                    met=evaluation.criteria_met.get(criterion.pk, False),
                    indicators=rows,
                    note=self[criterion_field(criterion.pk, "note")],
                    flag=self[flag] if flag in self.fields else None,
                )
            )
        return out

    def error_summary(self) -> list[tuple[str, str, str]]:
        """(field id, label, message) for every field error, in the order of the page: what the
        summary above a refused form links to."""
        return [
            (bound.auto_id, str(bound.label), str(message))
            for bound in self
            if bound.errors
            for message in bound.errors
        ]

    def changes_against(
        self, values: dict[int, IndicatorValue], results: dict[int, CriterionResult], note: str
    ) -> list[tuple[str, str, str]]:
        """(what, the user's value, the current value) wherever the two differ: what a refused
        stale save shows."""
        data = self._data()
        changes = []

        def differ(label, mine, current):
            if mine != current:
                changes.append((label, mine, current))

        for criterion in self.catalogue.criteria:
            for ind in self.catalogue.indicators[criterion.pk]:
                mode, saved = self.modes[ind.pk], values.get(ind.pk)
                if ind.is_numeric:
                    differ(
                        _("Chỉ tiêu %(code)s: giá trị") % {"code": ind.code},
                        plain_number(data.get(indicator_field(ind.pk, "value"))),
                        plain_number(saved.value if saved else None),
                    )
                    if ind.secondary_label:
                        differ(
                            _("Chỉ tiêu %(code)s: %(label)s")
                            % {"code": ind.code, "label": ind.secondary_label},
                            plain_number(data.get(indicator_field(ind.pk, "value2"))),
                            plain_number(saved.value_secondary if saved else None),
                        )
                if mode != "computed":
                    differ(
                        _("Chỉ tiêu %(code)s: kết quả") % {"code": ind.code},
                        _met_label(data.get(indicator_field(ind.pk, "met")) or ""),
                        _met_label(_met_choice(saved.met if saved else None)),
                    )
                if mode == "manual":
                    differ(
                        _("Chỉ tiêu %(code)s: lý do") % {"code": ind.code},
                        (data.get(indicator_field(ind.pk, "reason")) or "").strip(),
                        saved.manual_reason if saved else "",
                    )
            result = results.get(criterion.pk)
            differ(
                _("Tiêu chí %(n)s: ghi chú") % {"n": criterion.number},
                (data.get(criterion_field(criterion.pk, "note")) or "").strip(),
                result.note if result else "",
            )
        differ(_("Ghi chú chung"), (data.get("note") or "").strip(), note)
        return changes


def shown_value(bound) -> str:
    """A field's value as text, for the read-only page (no disabled inputs to tab through)."""
    value = bound.value()
    if isinstance(bound.field, forms.ChoiceField):
        return _met_label(value or "")
    if isinstance(value, Decimal):
        return plain_number(value)
    return str(value) if value not in (None, "") else "—"


def _met_label(choice: str) -> str:
    return str(dict(MET_CHOICES)[choice]) if choice else "—"


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Lý do"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Cần ghi lý do.")},
    )


class CertificationForm(forms.ModelForm):
    # Blank: the decision's own year (criteria.certifications.certification_create).
    recognised_year = forms.IntegerField(
        label=_("Năm được công nhận"),
        required=False,
        min_value=PROGRAMME_FIRST_YEAR,
        max_value=YEAR_MAX,
        help_text=_("Để trống nếu quyết định công nhận cho chính năm ký quyết định."),
    )

    class Meta:
        model = Certification
        fields = (
            "tier",
            "decision_number",
            "decision_date",
            "recognised_year",
            "authority",
            # The conditions of 18/2022/QĐ-TTg (the first is checked by the rule itself).
            "satisfaction_met",
            "satisfaction_note",
            "no_construction_debt",
            "construction_debt_note",
            "security_stable",
            "security_note",
            "dossier_reason",
        )
        widgets = {
            "decision_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "dossier_reason": forms.Textarea(attrs={"rows": 2}),
            "satisfaction_note": forms.Textarea(attrs={"rows": 1}),
            "construction_debt_note": forms.Textarea(attrs={"rows": 1}),
            "security_note": forms.Textarea(attrs={"rows": 1}),
        }

        help_texts = {
            "dossier_reason": _(
                "Bắt buộc khi xã chưa có hồ sơ xét công nhận của hạng và năm được công nhận, "
                "hoặc hồ sơ còn thiếu bước, tài liệu."
            ),
        }

    def conditions(self) -> dict:
        """The 18/2022 conditions of the cleaned data, for certification_create."""
        names = {name for pair in Certification.CONDITIONS for name in pair}
        return {k: v for k, v in self.cleaned_data.items() if k in names}

    def clean_decision_date(self):
        date = self.cleaned_data["decision_date"]
        validate_programme_date(date)
        return date


class RevocationForm(forms.Form):
    revoked_on = forms.DateField(
        label=_("Ngày thu hồi"),
        validators=[validate_programme_date],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    reason = forms.CharField(
        label=_("Lý do thu hồi"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Cần ghi lý do thu hồi.")},
    )


class CatalogueUploadForm(forms.Form):
    """The catalogue workbook of a criteria set (criteria.catalogue_workbook), for its preview."""

    file = forms.FileField(
        label=_("Tệp bộ tiêu chí (.xlsx)"),
        help_text=_("Tệp tải về từ nút “Tải bộ tiêu chí (xlsx)”, đã điền chỉ tiêu và mức."),
    )
