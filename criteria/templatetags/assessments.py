"""An assessment's marks, written in Python (the assessment form draws one per indicator and
criterion, the commune list one per row; as included templates they cost a template context
each):

- `{{ status|status_label }}`: a status by its label in Assessment.Status, the one place the
  labels are written ("" when there is no status);
- `{{ status|status_badge }}`: the status as a badge ("Chưa có" when there is none);
- `{{ met|met_mark }}`: met (True), missed (False) or not entered (None), as the form's script
  (static/js/assessment-form.js) also writes it.
"""

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext

from criteria.models import Assessment

register = template.Library()

_BADGE = {
    Assessment.Status.APPROVED: "text-bg-success",
    Assessment.Status.SUBMITTED: "text-bg-warning",
    Assessment.Status.DRAFT: "text-bg-secondary",
}


@register.filter
def status_label(status: str | None) -> str:
    return str(Assessment.Status(status).label) if status else ""


@register.filter
def status_badge(status: str | None) -> str:
    css = _BADGE.get(status) if status else None
    if css is None:
        return format_html('<span class="badge text-bg-light border">{}</span>', gettext("Chưa có"))
    return format_html('<span class="badge {}">{}</span>', css, status_label(status))


@register.filter
def met_mark(met: bool | None) -> str:
    if met is True:
        css, text = "criterion-met", "✔ " + gettext("Đạt")
    elif met is False:
        css, text = "criterion-missed", "✘ " + gettext("Chưa đạt")
    else:
        css, text = "text-body-secondary", "— " + gettext("Chưa nhập")
    return format_html('<span class="met-mark {}" data-mark>{}</span>', css, text)
