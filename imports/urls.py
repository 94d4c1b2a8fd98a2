from django.urls import path

from imports import views

app_name = "imports"

urlpatterns = [
    path("", views.import_upload, name="import_upload"),
    path("preview/<slug:token>/", views.import_preview, name="import_preview"),
    path("preview/<slug:token>/apply/", views.import_apply, name="import_apply"),
    path("preview/<slug:token>/cancel/", views.import_cancel, name="import_cancel"),
    path("template.xlsx", views.template_download, name="template_download"),
    path("export.xlsx", views.export_download, name="export_download"),
]
