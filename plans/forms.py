import re

from crispy_forms.helper import FormHelper
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from communes.models import Commune, CommuneGroup, District
from criteria.forms import CommaDecimalField
from ntm.lib.years import YEAR_MAX, YEAR_MIN, parse_year
from plans.models import Plan
from plans.services import MAX_BYTES

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


class CriterionTargetsField(forms.CharField):
    """Per-criterion targets typed as "1: 40, 17: 25" -> {"1": 40, "17": 25}; which numbers
    the year's set has is the plan's rule (`Plan.check_targets`)."""

    widget = forms.Textarea(attrs={"rows": 2})

    def prepare_value(self, value):
        return format_criterion_targets(value) if isinstance(value, dict) else value

    def to_python(self, value) -> dict[str, int]:
        return parse_criterion_targets(super().to_python(value))


# A province has a few hundred communes: a plan's number of communes is bounded well inside
# its column (PositiveSmallIntegerField), so a typing slip is a form error (issue 24, N8).
TARGET_MAX = 10_000


class PlanForm(forms.ModelForm):
    year = forms.IntegerField(
        label=Plan._meta.get_field("year").verbose_name, min_value=YEAR_MIN, max_value=YEAR_MAX
    )
    target_certified = forms.IntegerField(
        label=Plan._meta.get_field("target_certified").verbose_name,
        required=False,
        min_value=0,
        max_value=TARGET_MAX,
    )
    criterion_targets = CriterionTargetsField(
        label=_("Chỉ tiêu theo tiêu chí (không bắt buộc)"),
        required=False,
        help_text=_("Số xã đạt từng tiêu chí vào cuối năm, ví dụ “1: 40, 17: 25”."),
    )
    # "6,5" and "6.5" are 6.5 (ntm.lib.numbers), never 65 as localized parsing reads "6,5"
    # in a language whose thousands separator is the comma.
    target_average = CommaDecimalField(
        label=Plan._meta.get_field("target_average").verbose_name,
        required=False,
        max_digits=4,
        decimal_places=2,
        min_value=0,
        max_value=30,
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
            "criterion_targets",
            "note",
        )
        widgets = {
            "note": forms.Textarea(attrs={"rows": 2}),
            "target_communes": forms.SelectMultiple(attrs={"size": 8}),
        }

    def __init__(self, *args, province, year: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.province = province
        if not self.is_bound and not self.instance.pk and year is not None:
            self.initial.setdefault("year", year)
        self.fields["district"].queryset = District.objects.filter(province=province)
        self.fields["district"].empty_label = _("Cả tỉnh")
        # The units of the plan's area in the plan's year (the year posted, else the plan's or
        # the page's): a 2027 plan offers the units of 2027, a 2024 plan those of 2024.
        self.fields["target_communes"].queryset = self._units_offered(province)
        self.fields["target_communes"].help_text = _(
            "Không bắt buộc; khi chọn xã mà không ghi số xã, số xã là số xã đã chọn."
        )
        self.helper = FormHelper()
        self.helper.form_tag = False

    def _units_offered(self, province):
        """The programme units of the plan's area (the province, a former district or a
        commune group) existing in the plan's year: the posted ones, else the plan's or the
        page's; none while the year cannot be read."""
        if self.is_bound:
            year = parse_year(str(self.data.get(self.add_prefix("year"), "")))
            area = {
                "district": District.objects.filter(
                    province=province, pk=self._posted_pk("district")
                ).first(),
                "commune_group": CommuneGroup.objects.filter(
                    pk=self._posted_pk("commune_group")
                ).first(),
            }
        elif self.instance.pk:
            year = self.instance.year
            area = {
                "district": self.instance.district,
                "commune_group": self.instance.commune_group,
            }
        else:
            year, area = self.initial.get("year"), {}
        offered = Commune.objects.none()
        if year is not None:
            offered = Plan(province=province, year=year, **area).communes().in_programme()
        if self.instance.pk:
            # The units a plan already names stay choices: saving it unchanged keeps them.
            offered = offered | Commune.objects.filter(
                pk__in=self.instance.target_communes.values("pk")
            )
        return offered.select_related("district")

    def _posted_pk(self, name: str) -> int | None:
        raw = str(self.data.get(self.add_prefix(name)) or "")
        return int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 10 else None

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
            and not data.get("criterion_targets")
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
        if upload.size > MAX_BYTES:
            raise ValidationError(_("Tệp quá lớn."), code="too_large")
        return upload
