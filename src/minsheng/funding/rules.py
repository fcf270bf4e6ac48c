"""Who may do what with funding plans, notices and projects (M16, M17, M20).

- Programme officers and administrators build, propose, approve (never their own proposal: services check it),
  publish, handle objections and approve projects (立项).
- Department officers of a department co-owning the call confirm their part; district officers commit their
  district's special funds to projects of organisations in their district.
- Everyone in government reads plans and projects; an applicant reads its own organisation's projects.
- The public reads the notice and lodges objections (portal, rate-limited).
"""

import rules

from minsheng.accounts.rules import (
    is_applicant,
    is_auditor,
    is_department_officer,
    is_district_officer,
    is_finance,
    is_government,
    is_staff_officer,
)


@rules.predicate
def is_co_owner(user, plan):
    if plan is None or not getattr(user, "department_id", None):
        return False
    return plan.call.co_owners.filter(pk=user.department_id).exists()


@rules.predicate
def is_own_project(user, project):
    return project is None or (user.organisation_id is not None and project.organisation_id == user.organisation_id)


@rules.predicate
def is_in_district(user, line):
    if line is None:
        return True
    return bool(user.district_id) and line.application.organisation.district_id == user.district_id


rules.add_perm("funding.view_plan", is_government)
rules.add_perm("funding.manage_plan", is_staff_officer)
rules.add_perm("funding.approve_plan", is_staff_officer)
rules.add_perm("funding.confirm_plan", is_department_officer & is_co_owner)
rules.add_perm("funding.commit_district_funds", is_district_officer & is_in_district)
rules.add_perm("funding.record_cofunding", is_staff_officer)
rules.add_perm("funding.handle_objection", is_staff_officer)
rules.add_perm("funding.decide", is_staff_officer)
rules.add_perm("funding.export_decisions", is_staff_officer | is_finance | is_auditor)
rules.add_perm("funding.view_project", is_government | (is_applicant & is_own_project))
