from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Báo cáo")

    def ready(self) -> None:
        # Re-render the reports a change of data makes stale (communes.versions.data_changed).
        from reports import tasks  # noqa: F401
