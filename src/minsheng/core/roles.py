"""The roles of the platform and who has one, as django-rules predicates: every app builds its permissions from
these, the menu and the tests read them. In core, below every app, so that no app imports another for who someone is.
"""

import rules
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


def _has_role(*roles):
    names = {str(r) for r in roles}

    @rules.predicate(name="has_role_" + "_or_".join(sorted(names)))
    def predicate(user):
        return bool(user and user.is_authenticated and user.is_active and user.role in names)

    return predicate


is_applicant = _has_role(Role.APPLICANT)
is_expert = _has_role(Role.EXPERT)
is_officer = _has_role(Role.OFFICER)
is_department_officer = _has_role(Role.DEPARTMENT_OFFICER)
is_district_officer = _has_role(Role.DISTRICT_OFFICER)
is_finance = _has_role(Role.FINANCE)
is_auditor = _has_role(Role.AUDITOR)
is_admin = _has_role(Role.ADMIN)
# The S&T department's programme staff and the administrator manage the registry.
is_staff_officer = _has_role(Role.OFFICER, Role.ADMIN)
# Everyone who oversees or runs the programme inside government may read the whole registry.
is_government = _has_role(Role.OFFICER, Role.DEPARTMENT_OFFICER, Role.DISTRICT_OFFICER, Role.FINANCE,
                          Role.AUDITOR, Role.ADMIN)
# Any of the platform's roles, signed in and active: what every "my ..." page needs.
has_a_role = _has_role(*Role)
