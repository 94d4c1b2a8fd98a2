"""The forms of the report pages."""

from django import forms
from django.utils.translation import gettext_lazy as _

from criteria.models import CriteriaSet
from criteria.naming import localized_name


class SetChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: CriteriaSet) -> str:
        return f"{localized_name(obj)} ({obj.legal_basis})"


class RescoringForm(forms.Form):
    """What the re-scoring preview judges the stored values under: a commune-level set by
    code (`?set=`). When none is asked: the set of the year after `year` (the values of 2025
    judged under the 2026-2030 set), else the newest."""

    set = SetChoiceField(
        label=_("Chấm lại theo bộ tiêu chí"),
        queryset=CriteriaSet.objects.filter(level=CriteriaSet.Level.COMMUNE).order_by(
            "-first_year", "code"
        ),
        to_field_name="code",
        empty_label=None,
        widget=forms.Select(attrs={"class": "form-select form-select-sm w-auto"}),
        error_messages={
            "invalid_choice": _("Không có bộ tiêu chí xã nông thôn mới mã “%(value)s”."),
            "required": _("Cần chọn bộ tiêu chí để chấm lại."),
        },
    )

    def __init__(self, data, *, year: int, **kwargs):
        if not data.get("set"):
            level = CriteriaSet.Level.COMMUNE
            default = (
                CriteriaSet.objects.for_year(year + 1, level).first()
                or self.base_fields["set"].queryset.first()
            )
            data = data.copy()
            if default is not None:
                data["set"] = default.code
        super().__init__(data, **kwargs)
        # Read once (not counted first): drawing the select reads its choices twice, for the
        # options and for whether the first is empty (the `required` attribute).
        self.fields["set"].widget.choices = list(iter(self.fields["set"].choices))
