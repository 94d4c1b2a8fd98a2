from crispy_forms.helper import FormHelper
from django import forms
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from communes.models import Commune
from criteria.models import Certification, Criterion, Indicator
from criteria.naming import localized_name
from criteria.services import PROGRAMME_FIRST_DATE, validate_programme_date
from dossiers.models import Step
from ntm.lib.years import YEAR_MAX

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class _Form(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False


class DossierCreateForm(_Form):
    commune = forms.ModelChoiceField(
        label=_("Xã"), queryset=Commune.objects.none(), to_field_name="code"
    )
    tier = forms.ChoiceField(label=_("Hạng"), choices=Certification.Tier.choices)
    year = forms.IntegerField(
        label=_("Năm xét công nhận"), min_value=PROGRAMME_FIRST_DATE.year, max_value=YEAR_MAX
    )

    def __init__(self, *args, communes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["commune"].queryset = communes


class StepForm(_Form):
    step = forms.ChoiceField(
        label=_("Bước"), choices=[(s.value, s.label) for s in Step if s != Step.DECISION]
    )
    done_on = forms.DateField(label=_("Ngày (bắt đầu)"), widget=DATE)
    end_on = forms.DateField(label=_("Đến ngày (công khai)"), widget=DATE, required=False)
    votes_for = forms.IntegerField(label=_("Số phiếu đồng ý"), min_value=0, required=False)
    votes_against = forms.IntegerField(
        label=_("Số phiếu không đồng ý"), min_value=0, required=False
    )
    note = forms.CharField(
        label=_("Ghi chú, ý kiến nhận được"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    # Not "file": the evidence form on the same page has one (ids must stay unique).
    document = forms.FileField(label=_("Tài liệu của bước (PDF hoặc ảnh)"), required=False)


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
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Chỉ cần khi hồ sơ còn thiếu bước hoặc tài liệu."),
    )


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
