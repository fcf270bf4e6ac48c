from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApplicationsConfig(AppConfig):
    name = "minsheng.applications"
    label = "applications"
    verbose_name = _("Applications")

    def ready(self):
        # The rules register their codes in engines.rule_parameters, where policy's admin looks a template's code up.
        from minsheng.applications import eligibility  # noqa: F401
