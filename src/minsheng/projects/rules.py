"""Who may do what with a project under way (M17), as django-rules permissions.

- Applicants of the project's organisation file its progress reports.
- Programme officers accept or return reports and record the mid-term check.
- The organisation requests changes (项目变更) of a project under way and may withdraw one while it waits;
  programme officers decide them (the second approval of a four-eyes change is a different officer: the
  workflow's four_eyes in states.py).
- Applicants of the project's organisation apply for its acceptance; officers check the file, pick the panel and
  record the verdict; an expert on the panel scores it.
- Finance, auditors and administrators read, and with officers export a call's projects and reports; nobody
  else reads anything here (views narrow to queries.projects_for first, so a project outside the user's scope
  answers 404).
- Termination (终止): the organisation's applicants request it; an officer proposes it (or declines a request);
  another officer approves or rejects the proposal (four eyes, in the table in states.py). Finance records the
  money paid back against a recovery (经费追回); officers, finance, auditors and administrators read recoveries.
"""

import rules

from minsheng.core.roles import is_admin, is_applicant, is_auditor, is_expert, is_finance, is_officer
from minsheng.funding.models import Project
from minsheng.projects.models import Acceptance, MidtermCheck, ProgressReport, Termination


@rules.predicate
def of_own_organisation(user, project) -> bool:
    if project is None:
        return True
    return bool(user.organisation_id) and project.organisation_id == user.organisation_id


@rules.predicate
def is_under_way(user, project) -> bool:
    return project is None or project.state == Project.State.UNDER_WAY


@rules.predicate
def call_has_midterm_check(user, project) -> bool:
    return project is not None and project.call.midterm_check


@rules.predicate
def has_accepted_report(user, project) -> bool:
    return project is not None and project.progress_reports.filter(state=ProgressReport.State.ACCEPTED).exists()


@rules.predicate
def has_midterm_check(user, project) -> bool:
    return project is not None and MidtermCheck.objects.filter(project=project).exists()


# The states a project can be terminated from (funding.states.PROJECT "terminate").
TERMINABLE = (Project.State.APPROVED, Project.State.UNDER_WAY, Project.State.FAILED)


@rules.predicate
def is_terminable(user, project) -> bool:
    return project is None or project.state in TERMINABLE


@rules.predicate
def has_open_termination(user, project) -> bool:
    return project is not None and Termination.objects.filter(project=project, state__in=Termination.OPEN).exists()


rules.add_perm("projects.view", is_officer | is_finance | is_auditor | is_admin | (is_applicant & of_own_organisation))
rules.add_perm("projects.view_queue", is_officer | is_auditor | is_admin)
# A call's projects and progress reports in Excel: the government readers, never an organisation
rules.add_perm("projects.export", is_officer | is_finance | is_auditor | is_admin)
rules.add_perm("projects.file_report", is_applicant & of_own_organisation & is_under_way)
rules.add_perm("projects.decide_report", is_officer)
rules.add_perm("projects.record_midterm", is_officer)
# What the reports page offers now: the check once, for a call that has it, after an accepted report
rules.add_perm("projects.record_midterm_now", is_officer & is_under_way & call_has_midterm_check
               & has_accepted_report & ~has_midterm_check)
rules.add_perm("projects.request_change", is_applicant & of_own_organisation & is_under_way)
rules.add_perm("projects.decide_change", is_officer)


# --- Acceptance (验收) ---------------------------------------------------------------------------------

def _acceptance(obj):
    """The acceptance a predicate is asked about: an acceptance, or the acceptance of a project."""
    if obj is None or isinstance(obj, Acceptance):
        return obj
    return Acceptance.objects.filter(project=obj).first()


@rules.predicate
def on_acceptance_panel(user, obj) -> bool:
    acceptance = _acceptance(obj)
    if acceptance is None:
        return obj is None
    person = getattr(user, "person_id", None)
    return bool(person) and acceptance.experts.filter(expert__person_id=person).exists()


@rules.predicate
def acceptance_of_own_organisation(user, obj) -> bool:
    if obj is None:
        return True
    project = obj.project if isinstance(obj, Acceptance) else obj
    return of_own_organisation(user, project)


@rules.predicate
def acceptance_under_review(user, obj) -> bool:
    acceptance = _acceptance(obj)
    return obj is None or (acceptance is not None and acceptance.state == Acceptance.State.REVIEW)


# the applicant applies (and files again after a return) for a project under way of its organisation
rules.add_perm("projects.apply_acceptance", is_applicant & of_own_organisation & is_under_way)
rules.add_perm("projects.check_acceptance", is_officer)
rules.add_perm("projects.pick_acceptance_panel", is_officer)
rules.add_perm("projects.decide_acceptance", is_officer)
rules.add_perm("projects.score_acceptance", is_expert & on_acceptance_panel & acceptance_under_review)
rules.add_perm("projects.view_acceptance", is_officer | is_finance | is_auditor | is_admin
               | (is_applicant & acceptance_of_own_organisation) | (is_expert & on_acceptance_panel))


rules.add_perm("projects.request_termination", is_applicant & of_own_organisation & is_terminable
               & ~has_open_termination)
rules.add_perm("projects.propose_termination", is_officer)
rules.add_perm("projects.decide_termination", is_officer)
# What the project page offers an officer now: a new proposal, while none is open
rules.add_perm("projects.start_termination", is_officer & is_terminable & ~has_open_termination)
rules.add_perm("projects.view_recoveries", is_officer | is_finance | is_auditor | is_admin)
rules.add_perm("projects.record_receipt", is_finance)
