from django.urls import path

from plans import views

app_name = "plans"

urlpatterns = [
    path("", views.plan_home, name="plan_home"),
    path("<str:code>/", views.plan_list, name="plan_list"),
    path("<str:code>/new/", views.plan_create, name="plan_create"),
    path("<str:code>/<int:pk>/", views.plan_edit, name="plan_edit"),
    path("<str:code>/import/", views.plan_import, name="plan_import"),
]
