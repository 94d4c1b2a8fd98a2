import re

from crispy_forms.helper import FormHelper
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from communes.models import Commune, District
from plans.models import Plan

PAIR = re.compile(r"^\s*(\d{1,2})\s*[:=]\s*(\d{1,5})\s*$")


def parse_criterion_targets(text: str) -> dict[str, int]:
    """ "1: 40, 2: 35" (commas or new lines) -> {"1": 40, "2": 35}."""
    targets: dict[str, int] = {}
    for part in re.split(r"[,;\n]", text):
        if not part.strip():
            continue
        match = PAIR.match(part)
        if not match:
            raise ValidationError(
                _("Không đọc được “%(part)s”: ghi theo dạng “số tiêu chí: số xã”, ví dụ “1: 40”."),
                code="bad_pair",
                params={"part": part.strip()},
            )
        number, count = match.groups()
        if int(number) < 1:
            raise ValidationError(_("Số tiêu chí bắt đầu từ 1."), code="bad_number")
        if number in targets:
            raise ValidationError(
                _("Tiêu chí %(n)s ghi hai lần."), code="duplicate", params={"n": number}
            )
        targets[str(int(number))] = int(count)
    return targets


def format_criterion_targets(targets: dict) -> str:
    return ", ".join(f"{n}: {t}" for n, t in sorted(targets.items(), key=lambda kv: int(kv[0])))


class PlanForm(forms.ModelForm):
    criterion_targets_text = forms.CharField(
        label=_("Chỉ tiêu theo tiêu chí (không bắt buộc)"),
        required=False,
        help_text=_("Số xã đạt từng tiêu chí vào cuối năm, ví dụ “1: 40, 17: 25”."),
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    class Meta:
        model = Plan
        fields = (
            "year",
            "district",
            "commune_group",
            "tier",
            "title",
            "target_certified",
            "target_communes",
            "target_average",
            "note",
        )
        widgets = {
            "note": forms.Textarea(attrs={"rows": 2}),
            "target_communes": forms.SelectMultiple(attrs={"size": 8}),
        }

    def __init__(self, *args, province, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.province = province
        self.fields["district"].queryset = District.objects.filter(province=province)
        self.fields["district"].empty_label = _("Cả tỉnh")
        self.fields["target_communes"].queryset = (
            Commune.objects.in_programme()
            .filter(district__province=province, valid_to__isnull=True)
            .select_related("district")
        )
        self.fields["target_communes"].help_text = _(
            "Không bắt buộc; khi chọn xã mà không ghi số xã, số xã là số xã đã chọn."
        )
        # "11,5" as people write it in Vietnamese.
        self.fields["target_average"].localize = True
        self.fields["target_average"].widget.is_localized = True
        if self.instance.pk:
            self.fields["criterion_targets_text"].initial = format_criterion_targets(
                self.instance.criterion_targets
            )
        self.helper = FormHelper()
        self.helper.form_tag = False

    def clean_criterion_targets_text(self) -> dict[str, int]:
        return parse_criterion_targets(self.cleaned_data["criterion_targets_text"])

    def clean(self):
        data = super().clean()
        named = data.get("target_communes")
        count = data.get("target_certified")
        if named and count is None:
            data["target_certified"] = len(named)
        elif named and count < len(named):
            self.add_error(
                "target_certified",
                ValidationError(
                    _("Số xã (%(count)s) ít hơn số xã đã chọn (%(named)s)."),
                    code="fewer_than_named",
                    params={"count": count, "named": len(named)},
                ),
            )
        if (
            count is None
            and not named
            and data.get("target_average") is None
            and not data.get("criterion_targets_text")
        ):
            raise ValidationError(_("Kế hoạch cần ít nhất một chỉ tiêu."), code="empty")
        keys = {k: data.get(k) for k in ("year", "tier", "district", "commune_group")}
        if keys["year"] and keys["tier"]:
            clash = Plan.objects.filter(province=self.instance.province, **keys).exclude(
                pk=self.instance.pk
            )
            if clash.exists():
                raise ValidationError(
                    _("Đã có kế hoạch năm %(year)s cho phạm vi và hạng này."),
                    code="duplicate",
                    params={"year": keys["year"]},
                )
        return data

    def save(self, commit=True):
        self.instance.criterion_targets = self.cleaned_data["criterion_targets_text"]
        return super().save(commit)


class PlanImportForm(forms.Form):
    file = forms.FileField(label=_("Tệp Excel (.xlsx)"))
    replace = forms.BooleanField(
        label=_("Ghi đè kế hoạch đã có"),
        required=False,
        help_text=_("Không chọn thì dòng trùng với kế hoạch đã có bị báo lỗi, không ghi gì."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > settings.NTM_IMPORT_MAX_BYTES:
            raise ValidationError(_("Tệp quá lớn."), code="too_large")
        return upload
