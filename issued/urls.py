from django.urls import path

from issued import views

# Mounted at /reports/issued/.
app_name = "issued"

urlpatterns = [
    path("", views.issued_list, name="issued_list"),
    path("new/", views.issued_create, name="issued_create"),
    path("<str:code>/", views.issued_detail, name="issued_detail"),
    path("<str:code>.pdf", views.issued_pdf, name="issued_pdf"),
    path("<str:code>/withdraw/", views.issued_withdraw, name="issued_withdraw"),
]
