from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from accounts.roles import Scope
from communes.models import District, Province
from criteria.models import CriteriaSet
from ntm.lib.years import YEAR_MAX, YEAR_MIN

MAX_EXPORT_YEARS = 15


class UploadForm(forms.Form):
    file = forms.FileField(label=_("Tệp Excel (.xlsx)"))
    update_approved = forms.BooleanField(
        label=_("Cập nhật cả đánh giá đã phê duyệt"),
        required=False,
        help_text=_("Không chọn thì đánh giá đã phê duyệt được giữ nguyên."),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        limit = settings.NTM_IMPORT_MAX_BYTES
        if upload.size > limit:
            raise ValidationError(
                _("Tệp quá lớn (%(size)s MB); giới hạn là %(limit)s MB."),
                code="too_large",
                params={"size": f"{upload.size / 1e6:.1f}", "limit": f"{limit / 1e6:.0f}"},
            )
        return upload


class ApplyForm(forms.Form):
    allow_lowering = forms.BooleanField(
        label=_("Tôi đã xem các dòng trên và đồng ý ghi cả những dòng làm giảm số tiêu chí đạt."),
        required=False,
    )


def _has_set(year: int) -> bool:
    return CriteriaSet.objects.for_year(year).exists()


class _ScopedForm(forms.Form):
    province = forms.ModelChoiceField(
        label=_("Tỉnh"), queryset=Province.objects.none(), to_field_name="code"
    )

    def __init__(self, *args, scope: Scope, **kwargs):
        super().__init__(*args, **kwargs)
        provinces = Province.objects.all()
        if not scope.is_admin:
            provinces = provinces.filter(pk=scope.province.pk)
            self.fields["province"].initial = scope.province.code
        self.fields["province"].queryset = provinces


class TemplateForm(_ScopedForm):
    district = forms.ModelChoiceField(
        label=_("Huyện"),
        queryset=District.objects.none(),
        to_field_name="code",
        required=False,
        empty_label=_("Cả tỉnh"),
    )
    year = forms.IntegerField(label=_("Năm"), min_value=YEAR_MIN, max_value=YEAR_MAX)

    def __init__(self, *args, scope: Scope, **kwargs):
        super().__init__(*args, scope=scope, **kwargs)
        self.fields["district"].queryset = District.objects.filter(
            province__in=self.fields["province"].queryset
        ).order_by("code")

    def clean_year(self) -> int:
        year = self.cleaned_data["year"]
        if not _has_set(year):
            raise ValidationError(
                _("Năm %(year)s không thuộc giai đoạn của bộ tiêu chí nào."),
                code="no_criteria_set",
                params={"year": year},
            )
        return year

    def clean(self):
        data = super().clean()
        province, district = data.get("province"), data.get("district")
        if province and district and district.province_id != province.pk:
            self.add_error("district", _("Huyện không thuộc tỉnh đã chọn."))
        return data


class ExportForm(_ScopedForm):
    first = forms.IntegerField(label=_("Từ năm"), min_value=YEAR_MIN, max_value=YEAR_MAX)
    last = forms.IntegerField(label=_("Đến năm"), min_value=YEAR_MIN, max_value=YEAR_MAX)

    def clean(self):
        data = super().clean()
        first, last = data.get("first"), data.get("last")
        if first and last:
            if first > last:
                self.add_error("last", _("Năm cuối phải từ năm đầu trở đi."))
            elif last - first >= MAX_EXPORT_YEARS:
                self.add_error(
                    "last", _("Xuất tối đa %(n)s năm một lần.") % {"n": MAX_EXPORT_YEARS}
                )
        return data
