"""Who a user is, as django-rules predicates. Other apps build their permissions from these."""

import rules

from minsheng.accounts.roles import Role


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

rules.add_perm("accounts.view_audit_trail", is_auditor | is_admin)
# Erasing a person's contact details on request (PIPL) is the system administrator's job (core.services).
rules.add_perm("core.erase_personal_data", is_admin)
# Any of the platform's roles, signed in and active: what every "my ..." page needs.
has_a_role = _has_role(*Role)

rules.add_perm("accounts.view_home", has_a_role)
rules.add_perm("accounts.change_own_profile", has_a_role)
rules.add_perm("accounts.change_own_password", has_a_role)
