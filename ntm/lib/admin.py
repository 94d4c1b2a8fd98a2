"""Admin pieces shared by several apps."""

from django.contrib import admin
from django.forms.models import BaseInlineFormSet
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from ntm.lib.text import fold


class FoldedSearchMixin:
    """Search without diacritics: `search_fields` name folded columns (and codes), and the term
    is folded the same way before Django's search (ntm.lib.text.fold). Also serves the
    autocomplete widgets that search this admin."""

    def get_search_results(self, request, queryset, search_term):
        return super().get_search_results(request, queryset, fold(search_term))


class LabelledInlineFormSet(BaseInlineFormSet):
    """A tabular inline names its fields only in the column headers, which a screen reader does
    not tie to the inputs below (axe-core: "Form elements must have labels", critical). Each
    input gets an aria-label from its field's label and its row: "Mã (dòng 2)", "Mã (dòng mới)"."""

    def add_fields(self, form, index):
        super().add_fields(form, index)
        row = _("dòng mới") if index is None else _("dòng %(n)s") % {"n": index + 1}
        for field in form.fields.values():
            # A ForeignKey's select sits inside the admin's wrapper, which draws the inner one.
            widget = getattr(field.widget, "widget", field.widget)
            if not widget.is_hidden:
                widget.attrs.setdefault("aria-label", f"{capfirst(field.label or '')} ({row})")


class LabelledTabularInline(admin.TabularInline):
    """admin.TabularInline whose every input has an accessible label (LabelledInlineFormSet)."""

    formset = LabelledInlineFormSet
