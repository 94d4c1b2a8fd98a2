from django.urls import path

from pages import plans as views

# The plans' pages keep their namespace and names (`plans:plan_list`): they moved here from the
# plans app only because the list shows each plan against the reports' figures.
app_name = "plans"

urlpatterns = [
    path("", views.plan_home, name="plan_home"),
    path("<str:code>/", views.plan_list, name="plan_list"),
    path("<str:code>/new/", views.plan_create, name="plan_create"),
    path("<str:code>/<int:pk>/", views.plan_edit, name="plan_edit"),
    path("<str:code>/import/", views.plan_import, name="plan_import"),
]
