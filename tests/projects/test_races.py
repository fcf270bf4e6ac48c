"""Two people at once on PostgreSQL (tests/races.py): two officers deciding one report, two filings of one
period, two mid-term checks of one project; two officers deciding one termination, two proposals at once, two
receipts at once against one recovery. Exactly one wins; the other gets a clear refusal and nothing of it is
written."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from minsheng.contracts import services as contracts
from minsheng.core import clock
from minsheng.core.models import AuditEvent
from minsheng.core.roles import Role
from minsheng.projects import services
from minsheng.projects import termination as ending
from minsheng.projects.models import MidtermCheck, ProgressReport, Recovery, RecoveryReceipt, Termination
from tests.contracts.helpers import first_paid, under_way
from tests.factories import user_for_role
from tests.factories.calls import CallFactory
from tests.factories.contracts import approved_project
from tests.projects.conftest import moment
from tests.projects.test_services import filing
from tests.races import postgresql_only, race

pytestmark = [postgresql_only, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def _project():
    officer = user_for_role(Role.OFFICER)
    project = approved_project(call=CallFactory(report_every_months=6, midterm_check=True))
    applicant = user_for_role(Role.APPLICANT, organisation=project.organisation)
    under_way(project, officer, applicant)
    return project, officer, applicant


def _submit(project, applicant):
    from minsheng.core import clock

    with clock.reading(moment(2027, 7, 2)):
        return services.submit_report(project, 1, filing(project), by=applicant)


def test_two_officers_deciding_one_report_exactly_one_wins():
    project, officer, applicant = _project()
    report = _submit(project, applicant)
    other = user_for_role(Role.OFFICER)
    actions = [lambda: services.accept_report(ProgressReport.objects.get(pk=report.pk), by=officer),
               lambda: services.return_report(ProgressReport.objects.get(pk=report.pk), by=other, comments="补充")]
    assert race(actions) == ["refused", "won"]
    decided = AuditEvent.objects.filter(action__in=["projects.progressreport.accept",
                                                    "projects.progressreport.return"])
    assert decided.count() == 1


def test_two_filings_of_one_period_make_one_report():
    project, _officer, applicant = _project()
    assert race([lambda: _submit(project, applicant), lambda: _submit(project, applicant)]) == ["refused", "won"]
    assert ProgressReport.objects.filter(project=project).count() == 1
    assert AuditEvent.objects.filter(action="projects.progressreport.submit").count() == 1


def test_two_midterm_checks_at_once_record_one():
    project, officer, applicant = _project()
    services.accept_report(_submit(project, applicant), by=officer)
    other = user_for_role(Role.OFFICER)
    actions = [lambda u=u: services.record_midterm(project, by=u, result="pass", findings="正常")
               for u in (officer, other)]
    assert race(actions) == ["refused", "won"]
    assert MidtermCheck.objects.filter(project=project).count() == 1


def _change(project, applicant, amount="10000"):
    from minsheng.projects.models import ChangeRequest

    return services.request_change(project, by=applicant, kind=ChangeRequest.Kind.BUDGET, reason="设备降价",
                                   proposal={"from": "equipment", "to": "labour", "amount": amount})


def test_two_officers_deciding_one_change_exactly_one_wins_and_one_version_is_made():
    from minsheng.contracts.models import TaskBook
    from minsheng.projects.models import ChangeRequest

    project, officer, applicant = _project()
    change = _change(project, applicant)
    other = user_for_role(Role.OFFICER)
    actions = [lambda: services.approve_change(ChangeRequest.objects.get(pk=change.pk), by=officer),
               lambda: services.approve_change(ChangeRequest.objects.get(pk=change.pk), by=other)]
    assert race(actions) == ["refused", "won"]
    assert TaskBook.objects.filter(project=project).count() == 2
    assert AuditEvent.objects.filter(action="projects.changerequest.approve").count() == 1
    assert AuditEvent.objects.filter(action="contracts.taskbook.revise").count() == 1


def test_an_approval_and_a_rejection_at_once_leave_one_decision():
    from minsheng.contracts.models import TaskBook
    from minsheng.projects.models import ChangeRequest

    project, officer, applicant = _project()
    change = _change(project, applicant)
    other = user_for_role(Role.OFFICER)
    actions = [lambda: services.approve_change(ChangeRequest.objects.get(pk=change.pk), by=officer),
               lambda: services.reject_change(ChangeRequest.objects.get(pk=change.pk), by=other, reason="不同意")]
    assert race(actions) == ["refused", "won"]
    change.refresh_from_db()
    versions = TaskBook.objects.filter(project=project).count()
    assert (change.state, versions) in {(ChangeRequest.State.APPROVED, 2), (ChangeRequest.State.REJECTED, 1)}


def test_two_second_approvals_at_once_make_one_version():
    from minsheng.contracts.models import TaskBook
    from minsheng.projects.models import ChangeRequest

    project, officer, applicant = _project()
    change = _change(project, applicant, amount="500000")     # 50 % of the category: four eyes
    services.approve_change(change, by=officer)
    seconds = [user_for_role(Role.OFFICER), user_for_role(Role.OFFICER)]
    actions = [lambda u=u: services.approve_change(ChangeRequest.objects.get(pk=change.pk), by=u) for u in seconds]
    assert race(actions) == ["refused", "won"]
    assert TaskBook.objects.filter(project=project).count() == 2


def test_two_requests_at_once_leave_one_waiting():
    from minsheng.projects.models import ChangeRequest

    project, _officer, applicant = _project()
    assert race([lambda: _change(project, applicant), lambda: _change(project, applicant)]) == ["refused", "won"]
    assert ChangeRequest.objects.filter(project=project).count() == 1


# --- Termination and recovery of funds (终止与经费追回) ---

def _paid_project():
    officer = user_for_role(Role.OFFICER)
    project = approved_project()
    applicant = user_for_role(Role.APPLICANT, organisation=project.organisation)
    first_paid(project, officer, applicant)
    category = project.task_books.get().budget_lines.order_by("-amount").first().category
    contracts.record_expenditure(project, by=applicant, category=category, amount=Decimal("150000"),
                                 spent_on=timezone.localdate(), description="设备采购")
    return project, officer


def test_two_officers_deciding_one_termination_exactly_one_wins():
    project, officer = _paid_project()
    proposal = ending.propose_termination(project, by=officer, grounds="other", reason="单位注销")
    second, third = user_for_role(Role.OFFICER), user_for_role(Role.OFFICER)
    due = clock.today() + timedelta(days=30)
    actions = [lambda: ending.approve_termination(Termination.objects.get(pk=proposal.pk), by=second,
                                                  reason="同意", due_on=due),
               lambda: ending.reject_termination(Termination.objects.get(pk=proposal.pk), by=third,
                                                 reason="不同意")]
    assert race(actions) == ["refused", "won"]
    decided = AuditEvent.objects.filter(action__in=["projects.termination.approve", "projects.termination.reject"])
    assert decided.count() == 1
    assert Recovery.objects.count() == (1 if decided.get().action.endswith("approve") else 0)


def test_two_proposals_at_once_open_one_termination():
    project, officer = _paid_project()
    other = user_for_role(Role.OFFICER)
    actions = [lambda u=u: ending.propose_termination(project, by=u, grounds="other", reason="注销")
               for u in (officer, other)]
    assert race(actions) == ["refused", "won"]
    assert Termination.objects.filter(project=project).count() == 1


def test_two_receipts_at_once_never_exceed_what_is_owed():
    project, officer = _paid_project()
    termination = ending.approve_termination(
        ending.propose_termination(project, by=officer, grounds="other", reason="注销"),
        by=user_for_role(Role.OFFICER), reason="同意", due_on=clock.today() + timedelta(days=30))
    finance = [user_for_role(Role.FINANCE), user_for_role(Role.FINANCE)]
    actions = [lambda u=u, n=n: ending.record_receipt(Recovery.objects.get(pk=termination.recovery.pk), by=u,
                                                      amount=Decimal("200000"), received_on=clock.today(),
                                                      bank_reference=f"ICBC-{n}")
               for n, u in enumerate(finance)]
    assert race(actions) == ["refused", "won"]
    assert RecoveryReceipt.objects.count() == 1
