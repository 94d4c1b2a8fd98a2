from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.templatetags.static import static
from django.urls import include, path, register_converter
from django.utils.translation import gettext_lazy as _
from django.views.generic.base import RedirectView

from ntm.lib.years import YearConverter
from ops import views as ops_views
from pages import home

# Before the includes: their patterns use <year:...>.
register_converter(YearConverter, "year")


class FaviconRedirect(RedirectView):
    """The static file's URL is looked up per request: with the manifest storage it exists only
    after collectstatic, so it cannot be computed when the URLs are imported."""

    permanent = True

    def get_redirect_url(self, *args, **kwargs) -> str:
        return static("favicon.ico")


admin.site.site_header = _("Quản trị hệ thống NTM")
admin.site.site_title = _("Quản trị hệ thống NTM")
admin.site.index_title = _("Quản trị hệ thống NTM")

urlpatterns = [
    path("", home.home, name="home"),
    path("queue/count.json", home.queue_count, name="queue_count"),
    path("", include("reports.urls")),
    path("communes/", include("pages.urls")),
    path("practices/", include("practices.urls")),
    path("imports/", include("imports.urls")),
    path("plans/", include("pages.plan_urls")),
    path("reports/issued/", include("issued.urls")),
    path("dossiers/", include("dossiers.urls")),
    path("maps/", include("maps.urls")),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/", include("accounts.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    # Browsers ask for /favicon.ico whatever the page links; answer with the static file.
    # Probes of the load balancer and the monitor (docs/deployment.md, "Health checks").
    path("healthz", ops_views.healthz, name="healthz"),
    path("readyz", ops_views.readyz, name="readyz"),
    path("favicon.ico", login_not_required(FaviconRedirect.as_view())),
]

handler500 = "ntm.lib.errors.server_error"
