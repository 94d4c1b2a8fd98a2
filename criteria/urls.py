from django.urls import path

from criteria import views

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
]
