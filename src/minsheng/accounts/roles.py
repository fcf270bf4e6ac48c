"""The roles of the platform and what each one is for. One place: predicates, navigation and tests read it."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    APPLICANT = "applicant", _("Applicant")
    EXPERT = "expert", _("Expert")
    OFFICER = "officer", _("Programme officer")
    DEPARTMENT_OFFICER = "department_officer", _("Department officer")
    DISTRICT_OFFICER = "district_officer", _("District officer")
    FINANCE = "finance", _("Finance officer")
    AUDITOR = "auditor", _("Auditor")
    ADMIN = "admin", _("Administrator")


# The scope each role must belong to: an applicant to an organisation, and so on.
SCOPE_FIELD = {
    Role.APPLICANT: "organisation",
    Role.DEPARTMENT_OFFICER: "department",
    Role.DISTRICT_OFFICER: "district",
}
