from django.urls import path

from practices import views

app_name = "practices"

urlpatterns = [
    path("", views.practice_list, name="practice_list"),
    path("new/", views.practice_create, name="practice_create"),
    path("<int:pk>/", views.practice_detail, name="practice_detail"),
    path("<int:pk>/edit/", views.practice_edit, name="practice_edit"),
    path("<int:pk>/publish/", views.practice_publish, name="practice_publish"),
    path("<int:pk>/unpublish/", views.practice_unpublish, name="practice_unpublish"),
    path("<int:pk>/attachments/", views.attachment_add, name="attachment_add"),
    path("attachments/<int:pk>/", views.attachment_file, name="attachment_file"),
    path("attachments/<int:pk>/display/", views.attachment_display, name="attachment_display"),
    path(
        "attachments/<int:pk>/thumbnail/",
        views.attachment_thumbnail,
        name="attachment_thumbnail",
    ),
    path("attachments/<int:pk>/delete/", views.attachment_delete, name="attachment_delete"),
    path(
        "compendium/<str:province_code>/<year:year>.pdf",
        views.compendium_pdf,
        name="compendium_pdf",
    ),
]
