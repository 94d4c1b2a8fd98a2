from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PracticesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "practices"
    verbose_name = _("Mô hình, cách làm hay")

    def ready(self) -> None:
        # Compendiums print unit and criterion names (communes.versions.data_changed).
        from practices import tasks  # noqa: F401
