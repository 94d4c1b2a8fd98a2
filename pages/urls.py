from django.urls import path, register_converter

from criteria.models import TIER_SLUG
from pages import assessments, communes


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

# Pages about communes and their assessments, under /communes/ (namespace "pages").
app_name = "pages"

urlpatterns = [
    path("", communes.commune_list, name="commune_list"),
    path("<str:code>/", communes.commune_detail, name="commune_detail"),
    path(
        "<str:code>/certifications/",
        communes.certification_create,
        name="certification_create",
    ),
    path(
        "<str:code>/certifications/<int:pk>/revoke/",
        communes.certification_revoke,
        name="certification_revoke",
    ),
    path("<str:code>/<year:year>/", assessments.assessment_edit, name="assessment_edit"),
    path("<str:code>/<year:year>/submit/", assessments.assessment_submit, name="assessment_submit"),
    path(
        "<str:code>/<year:year>/approve/", assessments.assessment_approve, name="assessment_approve"
    ),
    path("<str:code>/<year:year>/return/", assessments.assessment_return, name="assessment_return"),
    path("<str:code>/<year:year>/reopen/", assessments.assessment_reopen, name="assessment_reopen"),
    # The advanced, model and modern assessments: the same pages and workflow, one tier each.
    path(
        "<str:code>/<year:year>/<tier:tier>/",
        assessments.assessment_edit,
        name="tier_assessment_edit",
    ),
    path(
        "<str:code>/<year:year>/<tier:tier>/submit/",
        assessments.assessment_submit,
        name="tier_assessment_submit",
    ),
    path(
        "<str:code>/<year:year>/<tier:tier>/approve/",
        assessments.assessment_approve,
        name="tier_assessment_approve",
    ),
    path(
        "<str:code>/<year:year>/<tier:tier>/return/",
        assessments.assessment_return,
        name="tier_assessment_return",
    ),
    path(
        "<str:code>/<year:year>/<tier:tier>/reopen/",
        assessments.assessment_reopen,
        name="tier_assessment_reopen",
    ),
]
