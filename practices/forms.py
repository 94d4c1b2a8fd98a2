from crispy_forms.helper import FormHelper
from django import forms
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from communes.models import Commune, District, Province
from criteria.models import CriteriaSet, Criterion
from ntm.lib.years import YEAR_MAX, YEAR_MIN
from practices.models import Category, Practice
from practices.uploads import check_upload, max_upload_bytes

HOUSEHOLDS_MAX = 10_000_000


def _year_range() -> str:
    return gettext("Năm phải trong khoảng %(first)s–%(last)s.") % {
        "first": YEAR_MIN,
        "last": YEAR_MAX,
    }


# Translated when shown, in the user's language.
YEAR_RANGE = lazy(_year_range, str)()


class CriterionChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Criterion) -> str:
        cset = obj.criteria_set
        years = f"{cset.first_year}–{cset.last_year or ''}"
        return f"{years} · {obj.number}. {obj.name_vi}"


class PracticeForm(forms.ModelForm):
    """Create and edit. The choices follow the user's scope: province staff pick any district
    and commune of their province, a district official only their own district."""

    criteria = CriterionChoiceField(
        queryset=Criterion.objects.none(),
        required=False,
        label=_("Tiêu chí góp phần"),
        help_text=_("Giữ Ctrl để chọn nhiều tiêu chí."),
        widget=forms.SelectMultiple(attrs={"size": 10}),
    )

    year = forms.IntegerField(
        label=Practice._meta.get_field("year").verbose_name,
        min_value=YEAR_MIN,
        max_value=YEAR_MAX,
        error_messages=dict.fromkeys(("min_value", "max_value"), YEAR_RANGE),
    )
    # Bounded well inside the column (PositiveIntegerField), so a typing slip is a form error
    # (issue 24, N8): a practice reaches at most a province's households.
    households = forms.IntegerField(
        label=Practice._meta.get_field("households").verbose_name,
        required=False,
        min_value=0,
        max_value=HOUSEHOLDS_MAX,
    )

    class Meta:
        model = Practice
        fields = (
            "title",
            "category",
            "district",
            "communes",
            "year",
            "criteria",
            "summary",
            "results",
            "households",
            "investment_million_vnd",
            "income_million_vnd",
            "contact",
            "partners",
        )
        # Vietnamese users type "45,5": read decimals in the active language's format.
        localized_fields = ("investment_million_vnd", "income_million_vnd")
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 6}),
            "results": forms.Textarea(attrs={"rows": 4}),
            "contact": forms.Textarea(attrs={"rows": 2}),
            "partners": forms.Textarea(attrs={"rows": 2}),
            "communes": forms.SelectMultiple(attrs={"size": 8}),
        }

    def __init__(self, *args, scope, **kwargs):
        super().__init__(*args, **kwargs)
        self.scope = scope
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.fields["category"].queryset = Category.objects.all()
        districts = District.objects.order_by("code")
        communes = Commune.objects.in_programme().select_related("district")
        if scope.is_district:
            districts = districts.filter(pk=scope.district.pk)
            communes = communes.filter(district=scope.district)
            self.fields["district"].required = True
            self.fields["district"].initial = scope.district.pk
            self.fields["district"].empty_label = None
        elif not scope.is_admin:
            districts = districts.filter(province=scope.province)
            communes = communes.filter(province=scope.province)
        if scope.is_admin and self.instance.pk is None:
            self.fields["province"] = forms.ModelChoiceField(
                queryset=Province.objects.all(), label=_("Tỉnh")
            )
            self.order_fields(["title", "category", "province"])
        self.fields["district"].queryset = districts
        self.fields["communes"].queryset = communes.order_by("district__code", "code")
        self.fields["criteria"].queryset = Criterion.objects.select_related(
            "criteria_set"
        ).order_by("criteria_set__first_year", "criteria_set__level", "number")
        self.fields["year"].widget.attrs.update({"min": YEAR_MIN, "max": YEAR_MAX})

    def practice_fields(self) -> dict:
        """The cleaned values of the practice's own fields (Meta.fields), as keyword arguments
        of `practices.services.practice_create` and `practice_update`."""
        return {name: self.cleaned_data[name] for name in self.Meta.fields}

    def clean(self):
        data = super().clean()
        year, criteria = data.get("year"), data.get("criteria")
        if year and criteria:
            # Any tier's set (a practice may serve an advanced-commune criterion).
            in_force = CriteriaSet.objects.for_year(year, level=None)
            wrong = [c for c in criteria if c.criteria_set not in in_force]
            if wrong:
                self.add_error(
                    "criteria",
                    forms.ValidationError(
                        _("Tiêu chí %(numbers)s không thuộc bộ tiêu chí áp dụng năm %(year)s.")
                        % {"numbers": ", ".join(str(c.number) for c in wrong), "year": year},
                        code="criteria_year",
                    ),
                )
        district = data.get("district")
        for commune in data.get("communes") or []:
            if district is not None and commune.district_id != district.pk:
                self.add_error(
                    "communes",
                    forms.ValidationError(
                        _("Xã %(name)s không thuộc huyện đã chọn.") % {"name": commune.name},
                        code="commune_district",
                    ),
                )
                break
        province = data.get("province")
        if province is not None and district is not None and district.province_id != province.pk:
            self.add_error("district", _("Huyện không thuộc tỉnh đã chọn."))
        return data


class AttachmentForm(forms.Form):
    file = forms.FileField(
        label=_("Ảnh hoặc tài liệu PDF"),
        help_text=_("JPEG, PNG, WebP, GIF hoặc PDF."),
    )
    caption = forms.CharField(label=_("Chú thích"), max_length=200, required=False)

    def __init__(self, *args, required: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].required = required
        self.fields["file"].help_text = _("JPEG, PNG, WebP, GIF hoặc PDF, tối đa %(max)s MB.") % {
            "max": max_upload_bytes() // (1024 * 1024)
        }
        self.helper = FormHelper()
        self.helper.form_tag = False

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if upload:
            check_upload(upload)
        return upload
