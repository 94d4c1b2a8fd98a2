from django.urls import path

from criteria import views

# Pages about communes and their assessments; the namespace follows the path (/communes/).
app_name = "communes"

urlpatterns = [
    path("", views.commune_list, name="commune_list"),
]
