"""The forms of the report pages."""

from django import forms
from django.utils.translation import gettext_lazy as _

from criteria.evaluation import LATEST
from criteria.models import CriteriaSet
from criteria.naming import localized_name
from criteria.rescoring import revision_label


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

    # "" (or absent): the set as it stands now; ORIGINAL: its text before any revision; else
    # the id of one of the chosen set's revisions (CriteriaSetAmendment).
    revision = forms.CharField(label=_("Theo lần sửa đổi"), required=False, max_length=20)

    ORIGINAL = "original"

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
        self.revisions = []  # the chosen set's, once `set` is valid (clean)
        # Read once (not counted first): drawing the select reads its choices twice, for the
        # options and for whether the first is empty (the `required` attribute).
        self.fields["set"].widget.choices = list(iter(self.fields["set"].choices))

    def clean(self):
        cleaned = super().clean()
        criteria_set = cleaned.get("set")
        raw = cleaned.get("revision", "")
        self.revisions = []
        if criteria_set is None:
            return cleaned
        self.revisions = list(criteria_set.amendments.order_by("pk"))  # one query
        if raw == "":
            cleaned["revision"] = LATEST
        elif raw == self.ORIGINAL:
            cleaned["revision"] = None
        else:
            chosen = [r for r in self.revisions if str(r.pk) == raw]
            if not chosen:
                self.add_error(
                    "revision",
                    forms.ValidationError(
                        _("Bộ tiêu chí đã chọn không có lần sửa đổi này; hãy chọn lại."),
                        code="unknown_revision",
                    ),
                )
            else:
                cleaned["revision"] = chosen[0]
        return cleaned

    def revision_choices(self) -> list[tuple[str, str]]:
        """The revisions of the chosen set to choose from (value, label); none when it has
        none (the set has one text)."""
        if not self.revisions:
            return []
        return [("", revision_label(LATEST)), (self.ORIGINAL, revision_label(None))] + [
            (str(r.pk), revision_label(r)) for r in self.revisions
        ]
