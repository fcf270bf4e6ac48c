"""Who may do what with funding plans, notices and projects (M16, M17, M20).

- Programme officers and administrators build, propose, approve (never their own proposal, and only once every
  co-owning department has confirmed: `approval_refusal` says why not), publish, handle objections and approve
  projects (立项).
- Department officers of a department co-owning the call confirm their part; district officers commit their
  district's special funds to projects of organisations in their district (administrators too).
- A project starts (under way) when the programme officer countersigns its first task book.
- Everyone in government reads plans and projects; an applicant reads its own organisation's projects.
- The public reads the notice and lodges objections (portal, rate-limited).
"""

import rules
from django.utils.translation import gettext as _

from minsheng.core.roles import (
    is_admin,
    is_applicant,
    is_auditor,
    is_department_officer,
    is_district_officer,
    is_finance,
    is_government,
    is_officer,
    is_staff_officer,
)
from minsheng.funding.models import FundingPlan
from minsheng.funding.queries import missing_confirmations


def approval_refusal(user, plan: FundingPlan) -> str:
    """Why `user` may not approve the proposed `plan` now, in the user's language; empty when they may.

    One rule for the page (which shows this instead of the button), the service and the API: never the officer who
    proposed it (four eyes, M17), and not before every co-owning department has confirmed its part (M05)."""
    if user is not None and plan.proposed_by_id is not None and plan.proposed_by_id == user.pk:
        return _("You proposed this plan, so another officer must approve it (four eyes).")
    waiting = list(missing_confirmations(plan))
    if waiting:
        return _("Waiting for the co-owning departments to confirm: %(names)s.") % {
            "names": "、".join(d.name for d in waiting)}
    return ""


@rules.predicate
def may_approve_now(user, plan):
    """Without a plan: the role may approve plans. With one: this plan is proposed and nothing stands in the way."""
    return plan is None or (plan.state == FundingPlan.State.PROPOSED and not approval_refusal(user, plan))


@rules.predicate
def is_co_owner(user, plan):
    if plan is None or not getattr(user, "department_id", None):
        return False
    return plan.call.co_owners.filter(pk=user.department_id).exists()


@rules.predicate
def is_proposed(user, plan):
    return plan is not None and plan.state == FundingPlan.State.PROPOSED


@rules.predicate
def is_in_notice(user, plan):
    return plan is not None and plan.state == FundingPlan.State.NOTICE


@rules.predicate
def has_confirmed(user, plan):
    """The user's department has confirmed its part of the plan already."""
    return plan is not None and plan.confirmations.filter(department_id=user.department_id).exists()


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
rules.add_perm("funding.approve_plan", is_staff_officer & may_approve_now)
rules.add_perm("funding.return_plan", is_staff_officer)
rules.add_perm("funding.confirm_plan", is_department_officer & is_co_owner)
# The administrator too, as the matrix has it: the rule says so, since a superuser holds no blanket pass
# (core/permissions.py).
rules.add_perm("funding.commit_district_funds", (is_district_officer & is_in_district) | is_admin)
rules.add_perm("funding.record_cofunding", is_staff_officer)
rules.add_perm("funding.handle_objection", is_staff_officer)
rules.add_perm("funding.decide", is_staff_officer)
rules.add_perm("funding.export_decisions", is_staff_officer | is_finance | is_auditor)
rules.add_perm("funding.view_project", is_government | (is_applicant & is_own_project))
# The project starts (approved → under way) when the programme officer countersigns its task book.
rules.add_perm("funding.start_project", is_officer)
rules.add_perm("funding.conclude_project", is_staff_officer)     # the acceptance verdict closes the project
rules.add_perm("funding.terminate_project", is_staff_officer)    # the second officer's approval of a termination

# What a plan's page offers now, state included (the steps of the plan's table are asked as `funding.plan.<step>`).
can_confirm_part = is_department_officer & is_co_owner & is_proposed & ~has_confirmed
rules.add_perm("funding.confirm_plan_part", can_confirm_part)
rules.add_perm("funding.handle_plan_objections", is_staff_officer & is_in_notice)
# Who approves plans reads, on a proposed plan they may not approve now, why not (`approval_refusal`).
rules.add_perm("funding.see_approval_refusal", is_staff_officer & is_proposed)
