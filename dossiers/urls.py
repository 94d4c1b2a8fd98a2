from django.urls import path

from dossiers import views

app_name = "dossiers"

urlpatterns = [
    path("", views.dossier_list, name="dossier_list"),
    path("new/", views.dossier_create, name="dossier_create"),
    path("<int:pk>/", views.dossier_detail, name="dossier_detail"),
    path("<int:pk>/steps/", views.step_record, name="step_record"),
    path("<int:pk>/decision/", views.dossier_decide, name="dossier_decide"),
    path("<int:pk>/evidence/", views.evidence_add, name="evidence_add"),
    path(
        "<int:pk>/documents/<slug:kind>.pdf",
        views.dossier_document_pdf,
        name="dossier_document_pdf",
    ),
    path("files/<int:pk>/", views.file_serve, name="file_serve"),
]
