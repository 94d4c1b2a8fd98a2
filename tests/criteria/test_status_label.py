"""Status labels in pages come from Assessment.Status (criteria/templatetags/assessments.py)."""

from django.template import Context, Template
from django.utils import translation

from criteria.models import Assessment


def render(status) -> str:
    return Template("{% load assessments %}{{ status|status_label }}").render(
        Context({"status": status})
    )


def test_a_status_reads_as_its_label():
    for status in Assessment.Status:
        assert render(status.value) == status.label
    assert render(None) == "" and render("") == ""


def test_the_label_follows_the_language():
    with translation.override("en"):
        assert render("approved") == str(Assessment.Status.APPROVED.label)
        assert render("approved") != "Đã phê duyệt"
