from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path, register_converter

from ntm.lib.years import YearConverter

# Before the includes: their patterns use <year:...>.
register_converter(YearConverter, "year")

urlpatterns = [
    path("", include("reports.urls")),
    path("communes/", include("criteria.urls")),
    path("practices/", include("practices.urls")),
    path("imports/", include("imports.urls")),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]

handler500 = "ntm.lib.errors.server_error"
