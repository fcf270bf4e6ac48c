"""What waits in the projects under way (M17): progress reports to file (for the organisation) and to decide or
chase (for the officer), change requests to decide (the second approval never by the officer who endorsed it: four
eyes), acceptance files to examine and verdicts to record, acceptance files returned to the organisation, and
money to recover after a termination (finance collects it, the auditor watches it).

Reporting periods are computed, never stored (projects/periods.py): the late ones are found from two reads, the
signed task books' dates and the filed reports, not one read per project."""

from dataclasses import dataclass
from datetime import date

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from minsheng.contracts.models import TaskBook
from minsheng.core import clock
from minsheng.core.inbox import Tally, WaitingItem, item, tally
from minsheng.core.roles import is_applicant, is_auditor, is_finance, is_officer
from minsheng.funding.models import Project
from minsheng.projects import periods as reporting
from minsheng.projects.models import Acceptance, ChangeRequest, ProgressReport
from minsheng.projects.queries import changes_for, projects_for, recoveries_for, reports_for
from minsheng.projects.states import FILED


@dataclass(frozen=True)
class Unfiled:
    project_id: int
    period: reporting.Period


def unfiled_periods(user, today: date) -> list[Unfiled]:
    """The periods that have ended with no submitted or accepted report, across the projects under way the user
    sees."""
    under_way = projects_for(user).filter(state=Project.State.UNDER_WAY, call__report_every_months__gt=0)
    books = (TaskBook.objects.filter(project__in=under_way, state=TaskBook.State.SIGNED)
             .values_list("project_id", "starts_on", "ends_on", "project__call__report_every_months"))
    filed = set(ProgressReport.objects.filter(project__in=under_way, state__in=FILED)
                .values_list("project_id", "period"))
    return [Unfiled(project_id, period)
            for project_id, starts_on, ends_on, every in books
            for period in reporting.periods(starts_on, ends_on, every)
            if period.ends_on < today and (project_id, period.number) not in filed]


def _count(rows: list[Unfiled], today: date, *, late_only: bool) -> Tally:
    rows = [r for r in rows if r.period.due_on < today] if late_only else rows
    projects = {r.project_id for r in rows}
    return Tally(count=len(rows), targets=len(projects), first=min(projects) if projects else None,
                 deadline=min((r.period.due_on for r in rows), default=None),
                 overdue=sum(1 for r in rows if r.period.due_on < today))


def _officer(user) -> list[WaitingItem]:
    today = clock.today()
    submitted = reports_for(user).filter(state=ProgressReport.State.SUBMITTED)
    changes = (changes_for(user).filter(Q(state=ChangeRequest.State.SUBMITTED)
                                        | (Q(state=ChangeRequest.State.ENDORSED) & ~Q(endorsed_by=user))))
    acceptances = Acceptance.objects.filter(project__in=projects_for(user))
    return [
        item("projects.decide_report", _("Progress reports to decide"), tally(submitted),
             many="projects:queue", one="projects:report"),
        item("projects.late_report", _("Progress reports overdue"),
             _count(unfiled_periods(user, today), today, late_only=True), many="projects:queue"),
        item("projects.decide_change", _("Change requests to decide"), tally(changes, deadline="requested_at"),
             many="projects:queue", one="projects:change"),
        item("projects.check_acceptance", _("Acceptance files to examine"),
             tally(acceptances.filter(state=Acceptance.State.APPLIED), target="project_id"),
             many="contracts:project_list", one="projects:acceptance", query="acceptance=applied"),
        item("projects.decide_acceptance", _("Acceptance verdicts to record"),
             tally(acceptances.filter(state=Acceptance.State.REVIEW), target="project_id"),
             many="contracts:project_list", one="projects:acceptance", query="acceptance=review"),
    ]


def _applicant(user) -> list[WaitingItem]:
    today = clock.today()
    returned = Acceptance.objects.filter(project__in=projects_for(user), state=Acceptance.State.RETURNED)
    return [
        item("projects.file_report", _("Progress reports to file"),
             _count(unfiled_periods(user, today), today, late_only=False),
             many="contracts:project_list", one="projects:project"),
        item("projects.refile_acceptance", _("Returned acceptance files to correct"),
             tally(returned, target="project_id"), many="contracts:project_list", one="projects:acceptance"),
    ]


def _recoveries(user) -> list[WaitingItem]:
    """Money to recover after a termination, not yet settled: finance records the receipts, the auditor watches
    them (M17)."""
    today = clock.today()
    open_ones = recoveries_for(user).filter(settled_on__isnull=True)
    label = _("Recoveries of funds to collect") if is_finance(user) else _("Recoveries of funds still owed")
    return [item("projects.recoveries", label,
                 tally(open_ones, deadline="due_on", overdue=Q(due_on__lt=today)),
                 many="projects:recoveries", query="show=open")]


def waiting_for(user) -> list[WaitingItem]:
    if is_officer(user):
        return _officer(user)
    if is_finance(user) or is_auditor(user):
        return _recoveries(user)
    if is_applicant(user) and user.organisation_id:
        return _applicant(user)
    return []
