"""`{{ status|status_label }}`: an assessment status by its label in Assessment.Status, the one
place the labels are written ("" when there is no status)."""

from django import template

from criteria.models import Assessment

register = template.Library()


@register.filter
def status_label(status: str | None) -> str:
    return str(Assessment.Status(status).label) if status else ""
