from django.urls import path

from maps import views

app_name = "maps"

urlpatterns = [
    path("<str:code>/", views.boundary_list, name="boundary_list"),
    path("<str:code>/<int:pk>/", views.boundary_detail, name="boundary_detail"),
]
