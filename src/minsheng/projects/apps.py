from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    name = "minsheng.projects"
    label = "projects"
    verbose_name = _("Projects under way")

    def ready(self):
        # contracts asks for the basis of a mid-term tranche through its registry; projects answers (M17)
        from minsheng.contracts import bases
        from minsheng.projects import acceptance, services

        bases.PROVIDERS[bases.MIDTERM] = services.midterm_basis
        bases.PROVIDERS[bases.ACCEPTANCE] = acceptance.basis
