"""The accounts app's own permissions, from the role predicates in core.roles."""

import rules

from minsheng.core.roles import has_a_role, is_admin, is_auditor

rules.add_perm("accounts.view_audit_trail", is_auditor | is_admin)
# Erasing a person's contact details on request (PIPL) is the system administrator's job (core.services).
rules.add_perm("core.erase_personal_data", is_admin)
rules.add_perm("core.view_jobs", is_admin)

rules.add_perm("accounts.view_home", has_a_role)
rules.add_perm("accounts.change_own_profile", has_a_role)
rules.add_perm("accounts.change_own_password", has_a_role)
