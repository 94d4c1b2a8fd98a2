from crispy_forms.helper import FormHelper
from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from communes.models import District
from criteria.certifications import validate_programme_date
from issued.models import IssuedReport
from ntm.lib.years import YEAR_MAX, YEAR_MIN


class IssueForm(forms.Form):
    kind = forms.ChoiceField(label=_("Báo cáo"), choices=IssuedReport.Kind.choices)
    district = forms.ModelChoiceField(
        label=_("Huyện (với báo cáo cấp huyện)"),
        queryset=District.objects.none(),
        to_field_name="code",
        required=False,
    )
    year = forms.IntegerField(label=_("Năm báo cáo"), min_value=YEAR_MIN, max_value=YEAR_MAX)
    number = forms.IntegerField(
        label=_("Số"),
        min_value=1,
        required=False,
        help_text=_("Để trống để lấy số tiếp theo của tỉnh trong năm."),
    )
    # The programme's bounds (N6: 0001-01-01 was accepted), the rule of every decision date.
    issued_on = forms.DateField(
        label=_("Ngày ban hành"),
        validators=[validate_programme_date],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def __init__(self, *args, province, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["district"].queryset = District.objects.filter(province=province)
        self.fields["issued_on"].initial = timezone.localdate()
        self.helper = FormHelper()
        self.helper.form_tag = False

    def clean(self):
        data = super().clean()
        district, year = data.get("district"), data.get("year")
        if data.get("kind") == IssuedReport.Kind.DISTRICT and not district:
            self.add_error("district", _("Chọn huyện của báo cáo cấp huyện."))
        elif (
            data.get("kind") == IssuedReport.Kind.DISTRICT
            and year is not None
            and district.valid_to is not None
            and year > district.valid_to.year
        ):
            # Districts ended on 30/06/2025: a former district reports on its years only.
            self.add_error(
                "year",
                ValidationError(
                    _("%(district)s đã kết thúc ngày %(day)s: không có báo cáo năm %(year)s."),
                    code="district_ended",
                    params={
                        "district": district,
                        "day": district.valid_to.strftime("%d/%m/%Y"),
                        "year": year,
                    },
                ),
            )
        return data


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Lý do thu hồi"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Cần ghi lý do thu hồi.")},
    )
