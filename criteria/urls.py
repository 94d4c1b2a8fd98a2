from django.urls import path, register_converter

from criteria import views
from criteria.models import TIER_SLUG


class TierConverter:
    """A higher tier in an assessment's address: its slug (models.TIER_SLUG) in the path, the
    tier's value in the view. The standard tier has no slug: its pages keep their paths."""

    regex = "|".join(TIER_SLUG.values())

    def to_python(self, value: str) -> str:
        return next(tier for tier, slug in TIER_SLUG.items() if slug == value)

    def to_url(self, value: str) -> str:
        try:
            return TIER_SLUG[value]
        except KeyError:
            raise ValueError(value) from None


register_converter(TierConverter, "tier")

# Pages about communes and their assessments (served by this app under /communes/).
app_name = "criteria"

urlpatterns = [
    path("", views.commune_list, name="commune_list"),
    path("<str:code>/", views.commune_detail, name="commune_detail"),
    path(
        "<str:code>/certifications/",
        views.certification_create,
        name="certification_create",
    ),
    path(
        "<str:code>/certifications/<int:pk>/revoke/",
        views.certification_revoke,
        name="certification_revoke",
    ),
    path("<str:code>/<year:year>/", views.assessment_edit, name="assessment_edit"),
    path("<str:code>/<year:year>/submit/", views.assessment_submit, name="assessment_submit"),
    path("<str:code>/<year:year>/approve/", views.assessment_approve, name="assessment_approve"),
    path("<str:code>/<year:year>/return/", views.assessment_return, name="assessment_return"),
    path("<str:code>/<year:year>/reopen/", views.assessment_reopen, name="assessment_reopen"),
    # The advanced, model and modern assessments: the same pages and workflow, one tier each.
    path(
        "<str:code>/<year:year>/<tier:tier>/",
        views.assessment_edit,
        name="tier_assessment_edit",
    ),
    path(
        "<str:code>/<year:year>/<tier:tier>/submit/",
        views.assessment_submit,
        name="tier_assessment_submit",
    ),
    path(
        "<str:code>/<year:year>/<tier:tier>/approve/",
        views.assessment_approve,
        name="tier_assessment_approve",
    ),
    path(
        "<str:code>/<year:year>/<tier:tier>/return/",
        views.assessment_return,
        name="tier_assessment_return",
    ),
    path(
        "<str:code>/<year:year>/<tier:tier>/reopen/",
        views.assessment_reopen,
        name="tier_assessment_reopen",
    ),
]
