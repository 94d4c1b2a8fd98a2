from collections.abc import Callable

from crispy_forms.helper import FormHelper
from django import forms
from django.db.models import QuerySet
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from communes.models import Commune
from criteria.certifications import validate_programme_date
from criteria.models import Certification, Criterion, Indicator
from criteria.naming import localized_name
from dossiers.models import Step
from ntm.lib.years import PROGRAMME_FIRST_YEAR, YEAR_MAX, parse_year

# Bounds of what a user may send: a council has tens of members; notes are a few paragraphs.
VOTES_MAX = 1000
TEXT_MAX = 4000

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class _Form(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False


class DossierCreateForm(_Form):
    """A dossier for a unit named by its code and the dossier's year (codes were reused:
    06475 was xã Gia Lộc until 30/06/2025 and is xã Bằng Mạc since). `units(year)` gives the
    units the user may pick for a year (those of the area at the end of the year); the list
    offered is that of `year` (bound: the year posted)."""

    year = forms.IntegerField(
        label=_("Năm xét công nhận"),
        min_value=PROGRAMME_FIRST_YEAR,
        max_value=YEAR_MAX,
        widget=forms.HiddenInput,
    )
    commune = forms.ChoiceField(label=_("Xã"))
    tier = forms.ChoiceField(label=_("Hạng"), choices=Certification.Tier.choices)

    def __init__(self, *args, units: Callable[[int], QuerySet[Commune]], year: int, **kwargs):
        super().__init__(*args, **kwargs)
        if self.is_bound:
            posted = parse_year(str(self.data.get("year", "")))
            year = posted if posted is not None else year
        self.units = units
        self.fields["year"].initial = year
        self.fields["commune"].choices = [("", "---------")] + [
            (c.code, f"{c.name} ({c.code})") for c in units(year)
        ]

    def clean(self):
        data = super().clean()
        code, year = data.get("commune"), data.get("year")
        if code and year:
            # The choices were those of this year; a code names one unit on a day.
            data["commune"] = self.units(year).with_code(code, year).first()
            if data["commune"] is None:
                self.add_error("commune", _("Không có xã này vào cuối năm đã chọn."))
        return data


class StepForm(_Form):
    """A step of the dossier's procedure (`steps`: its ProcedureSteps), the decision apart."""

    step = forms.ChoiceField(label=_("Bước"))
    done_on = forms.DateField(
        label=_("Ngày (bắt đầu)"), widget=DATE, validators=[validate_programme_date]
    )
    end_on = forms.DateField(
        label=_("Đến ngày (công khai)"),
        widget=DATE,
        required=False,
        validators=[validate_programme_date],
    )
    votes_for = forms.IntegerField(
        label=_("Số phiếu đồng ý"), min_value=0, max_value=VOTES_MAX, required=False
    )
    votes_against = forms.IntegerField(
        label=_("Số phiếu không đồng ý"), min_value=0, max_value=VOTES_MAX, required=False
    )
    note = forms.CharField(
        label=_("Ghi chú, ý kiến nhận được"),
        max_length=TEXT_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    # Not "file": the evidence form on the same page has one (ids must stay unique).
    document = forms.FileField(label=_("Tài liệu của bước (PDF hoặc ảnh)"), required=False)

    def __init__(self, *args, steps, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["step"].choices = [
            (s.step, s.get_step_display()) for s in steps if s.step != Step.DECISION
        ]


class DecisionForm(_Form):
    decision_number = forms.CharField(label=_("Số quyết định"), max_length=60)
    decision_date = forms.DateField(
        label=_("Ngày quyết định"), widget=DATE, validators=[validate_programme_date]
    )
    authority = forms.CharField(
        label=_("Cơ quan ban hành"), max_length=200, initial="Chủ tịch UBND tỉnh"
    )
    reason = forms.CharField(
        label=_("Lý do công nhận khi hồ sơ chưa đủ"),
        max_length=TEXT_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Chỉ cần khi hồ sơ còn thiếu bước hoặc tài liệu."),
    )


def _criterion_label(criterion: Criterion) -> str:
    # Without the set's code of Criterion.__str__: a dossier's criteria are of one set.
    return f"{criterion.number}. {criterion.name_vi}"


def _indicator_label(indicator: Indicator) -> str:
    return f"{indicator.code} – {Truncator(localized_name(indicator)).chars(80)}"


class EvidenceForm(_Form):
    """Evidence for a criterion, or for one of its indicators (then the criterion may be left
    blank: it is the indicator's)."""

    criterion = forms.ModelChoiceField(
        label=_("Tiêu chí"), queryset=Criterion.objects.none(), required=False
    )
    indicator = forms.ModelChoiceField(
        label=_("Chỉ tiêu"),
        queryset=Indicator.objects.none(),
        required=False,
        help_text=_("Để trống nếu minh chứng cho cả tiêu chí."),
    )
    file = forms.FileField(label=_("Tệp minh chứng (PDF hoặc ảnh)"))
    caption = forms.CharField(label=_("Mô tả"), max_length=200, required=False)

    def __init__(self, *args, criteria, indicators, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["criterion"].queryset = criteria
        self.fields["indicator"].queryset = indicators
        self.fields["criterion"].label_from_instance = _criterion_label
        self.fields["indicator"].label_from_instance = _indicator_label

    def clean(self):
        data = super().clean()
        criterion, indicator = data.get("criterion"), data.get("indicator")
        if indicator is not None:
            if criterion is not None and indicator.criterion_id != criterion.pk:
                self.add_error(
                    "indicator",
                    forms.ValidationError(
                        _("Chỉ tiêu này không thuộc tiêu chí đã chọn."), code="other_criterion"
                    ),
                )
            data["criterion"] = indicator.criterion
        elif criterion is None and not self.has_error("criterion"):
            self.add_error(
                "criterion",
                forms.ValidationError(_("Chọn tiêu chí hoặc chỉ tiêu."), code="required"),
            )
        return data
