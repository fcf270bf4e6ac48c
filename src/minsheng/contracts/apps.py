from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContractsConfig(AppConfig):
    name = "minsheng.contracts"
    verbose_name = _("Task books and disbursements")
