from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "minsheng.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self):
        from minsheng.core import (
            checks,  # noqa: F401  (registers the system checks)
            workflow,
        )

        # Every model's table, so that each step's permission exists before a page asks it (see core/workflow.py).
        workflow.registered()
