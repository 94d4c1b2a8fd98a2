from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IssuedConfig(AppConfig):
    name = "issued"
    verbose_name = _("Báo cáo đã ban hành")
