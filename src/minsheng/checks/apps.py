from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChecksConfig(AppConfig):
    name = "minsheng.checks"
    label = "checks"
    verbose_name = _("Formal check")
