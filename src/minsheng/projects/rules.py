"""Who may do what with a project under way (M17), as django-rules permissions.

- Applicants of the project's organisation file its progress reports.
- Programme officers accept or return reports and record the mid-term check.
- Finance, auditors and administrators read, and with officers export a call's projects and reports; nobody
  else reads anything here (views narrow to queries.projects_for first, so a project outside the user's scope
  answers 404).
"""

import rules

from minsheng.core.roles import is_admin, is_applicant, is_auditor, is_finance, is_officer
from minsheng.funding.models import Project
from minsheng.projects.models import MidtermCheck, ProgressReport


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
