"""Termination and recovery of funds (终止与经费追回, M17): requests, proposals, four eyes, the money to be paid
back, receipts, debarment, and every bad input refused with nothing half-written."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from minsheng.contracts import services as contracts
from minsheng.contracts.models import Tranche
from minsheng.core import audit, clock
from minsheng.core.models import AuditEvent
from minsheng.core.roles import Role
from minsheng.core.workflow import TransitionRefused
from minsheng.funding.models import Project
from minsheng.projects import termination as ending
from minsheng.projects.models import MidtermCheck, Recovery, RecoveryReceipt, Termination
from minsheng.registry.models import Debarment
from tests.contracts.helpers import first_paid
from tests.factories import user_for_role
from tests.factories.calls import CallFactory
from tests.factories.contracts import approved_project

pytestmark = pytest.mark.django_db
End = Termination.State
Grounds = Termination.Grounds


def refused(code: str):
    class Refused:
        def __enter__(self):
            self.raises = pytest.raises(ValidationError)
            self.caught = self.raises.__enter__()

        def __exit__(self, *exc):
            result = self.raises.__exit__(*exc)
            assert self.caught.value.code == code, self.caught.value.messages
            return result

    return Refused()


@pytest.fixture
def world(db):
    """A project under way (grant 80 万元) with its first tranche of 40 万元 paid and 15 万元 spent."""
    officer, second, finance = (user_for_role(Role.OFFICER), user_for_role(Role.OFFICER),
                                user_for_role(Role.FINANCE))
    project = approved_project(call=CallFactory(report_every_months=6, midterm_check=True))
    applicant = user_for_role(Role.APPLICANT, organisation=project.organisation)
    first_paid(project, officer, applicant, finance)
    category = project.task_books.get().budget_lines.order_by("-amount").first().category
    contracts.record_expenditure(project, by=applicant, category=category, amount=Decimal("150000"),
                                 spent_on=timezone.localdate(), description="设备采购")
    project.refresh_from_db()
    return {"project": project, "officer": officer, "second": second, "finance": finance, "applicant": applicant}


def due():
    return clock.today() + timedelta(days=30)


def test_the_recovery_is_unspent_plus_misused_and_never_more_than_paid():
    money = ending.recoverable(Decimal("400000"), Decimal("150000"), Decimal("20000"))
    assert (money.unspent, money.misused, money.total) == (Decimal("250000"), Decimal("20000"), Decimal("270000"))
    assert ending.recoverable(Decimal("400000"), Decimal("400000"), Decimal("400000")).total == Decimal("400000")
    with refused("over_paid"):
        ending.recoverable(Decimal("400000"), Decimal("150000"), Decimal("150000.01"))
    with refused("misused"):
        ending.recoverable(Decimal("1"), Decimal("0"), Decimal("-1"))


def test_an_officer_proposes_a_second_approves_the_project_ends_and_the_recovery_is_opened(world):
    project, officer, second = world["project"], world["officer"], world["second"]
    proposal = ending.propose_termination(project, by=officer, grounds=Grounds.MISCONDUCT, reason="挪用经费购车",
                                          misused=[ending.Misused(Decimal("20000"), "购置与项目无关的车辆")])
    assert proposal.state == End.PROPOSED and proposal.proposed_by == officer
    approved = ending.approve_termination(proposal, by=second, reason="情况属实", due_on=due())
    project.refresh_from_db()
    assert approved.state == End.APPROVED and project.state == Project.State.TERMINATED
    assert (approved.paid, approved.spent, approved.to_recover) == (Decimal("400000"), Decimal("150000"),
                                                                     Decimal("270000"))
    recovery = approved.recovery
    assert recovery.amount == Decimal("270000") and recovery.due_on == due() and recovery.settled_on is None
    states = set(Tranche.objects.filter(project=project).values_list("state", flat=True))
    assert states == {Tranche.State.PAID, Tranche.State.CANCELLED}
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"projects.termination.propose", "projects.termination.approve", "funding.project.terminate",
            "contracts.tranche.cancel", "projects.recovery.open"} <= actions
    event = audit.history_for(approved).filter(action="projects.termination.approve").get()
    assert event.clause == "M17" and event.new["to_recover"] == "270000.00"


def test_finance_and_the_auditors_are_told_of_the_money_to_recover(world):
    from minsheng.notifications.models import Notification
    from tests.factories import user_for_role

    finance, auditor = user_for_role(Role.FINANCE), user_for_role(Role.AUDITOR)
    proposal = ending.propose_termination(world["project"], by=world["officer"], grounds=Grounds.MISCONDUCT,
                                          reason="挪用经费购车",
                                          misused=[ending.Misused(Decimal("20000"), "购置与项目无关的车辆")])
    approved = ending.approve_termination(proposal, by=world["second"], reason="情况属实", due_on=due())
    notes = Notification.objects.filter(kind="projects.recovery_opened")
    assert {n.recipient for n in notes} >= {finance, auditor}
    assert {n.target for n in notes} == {approved.recovery}
    assert "27 万元" in notes.first().body and notes.first().url == "/projects/recoveries/"


def test_the_proposer_cannot_approve_or_reject_four_eyes(world):
    project, officer = world["project"], world["officer"]
    proposal = ending.propose_termination(project, by=officer, grounds=Grounds.OTHER, reason="承担单位注销")
    with pytest.raises(TransitionRefused) as caught:
        ending.approve_termination(proposal, by=officer, reason="同意", due_on=due())
    assert caught.value.code == "four_eyes"
    with pytest.raises(TransitionRefused):
        ending.reject_termination(proposal, by=officer, reason="不同意")
    proposal.refresh_from_db()
    project.refresh_from_db()
    assert proposal.state == End.PROPOSED and project.state == Project.State.UNDER_WAY
    assert not Recovery.objects.exists()


def test_a_second_decision_is_refused_and_changes_nothing(world):
    project, officer, second = world["project"], world["officer"], world["second"]
    proposal = ending.propose_termination(project, by=officer, grounds=Grounds.OTHER, reason="承担单位注销")
    ending.reject_termination(proposal, by=second, reason="项目仍可继续")
    third = user_for_role(Role.OFFICER)
    with pytest.raises(TransitionRefused):
        ending.approve_termination(Termination.objects.get(pk=proposal.pk), by=third, reason="同意", due_on=due())
    project.refresh_from_db()
    assert project.state == Project.State.UNDER_WAY and not Recovery.objects.exists()
    assert Tranche.objects.filter(project=project, state=Tranche.State.CANCELLED).count() == 0


def test_a_misused_amount_over_what_was_spent_is_refused_and_nothing_is_written(world):
    project, officer = world["project"], world["officer"]
    with refused("over_paid"):
        ending.propose_termination(project, by=officer, grounds=Grounds.MISCONDUCT, reason="挪用",
                                   misused=[ending.Misused(Decimal("150000.01"), "超出支出")])
    with refused("misused_reason"):
        ending.propose_termination(project, by=officer, grounds=Grounds.MISCONDUCT, reason="挪用",
                                   misused=[ending.Misused(Decimal("100"), " ")])
    with refused("misused"):
        ending.propose_termination(project, by=officer, grounds=Grounds.MISCONDUCT, reason="挪用",
                                   misused=[ending.Misused(Decimal("0"), "零")])
    assert not Termination.objects.exists() and not AuditEvent.objects.filter(action__startswith="projects.term")


def test_reason_grounds_and_a_second_open_termination_are_refused(world):
    project, officer = world["project"], world["officer"]
    with refused("reason"):
        ending.propose_termination(project, by=officer, grounds=Grounds.OTHER, reason="  ")
    with refused("grounds"):
        ending.propose_termination(project, by=officer, grounds="whim", reason="随意")
    ending.propose_termination(project, by=officer, grounds=Grounds.OTHER, reason="承担单位注销")
    with refused("open"):
        ending.propose_termination(project, by=world["second"], grounds=Grounds.OTHER, reason="再次")
    with refused("open"):                     # the organisation's request waits for the open one
        ending.request_termination(project, by=world["applicant"], reason="单位申请")
    assert Termination.objects.count() == 1


def test_the_organisation_requests_an_officer_proposes_and_another_approves(world):
    project, applicant, officer, second = world["project"], world["applicant"], world["officer"], world["second"]
    request = ending.request_termination(project, by=applicant, reason="核心团队离职，无法继续")
    assert request.state == End.REQUESTED and request.requested_by == applicant
    with pytest.raises(PermissionDenied):
        ending.request_termination(project, by=user_for_role(Role.APPLICANT), reason="别人的项目")
    ending.endorse_request(request, by=officer, review="情况属实")
    request.refresh_from_db()
    assert request.state == End.PROPOSED and request.proposed_by == officer
    with pytest.raises(TransitionRefused):
        ending.approve_termination(request, by=officer, reason="同意", due_on=due())
    ending.approve_termination(request, by=second, reason="同意终止", due_on=due())
    request.refresh_from_db()
    assert request.state == End.APPROVED and request.recovery.amount == Decimal("250000")


def test_an_officer_declines_a_request_with_a_reason(world):
    project, applicant, officer = world["project"], world["applicant"], world["officer"]
    request = ending.request_termination(project, by=applicant, reason="经费不足")
    with refused("reason"):
        ending.decline_request(request, by=officer, reason="")
    ending.decline_request(request, by=officer, reason="请先提交调整申请")
    request.refresh_from_db()
    assert request.state == End.REJECTED and request.decision_reason == "请先提交调整申请"
    with pytest.raises(PermissionDenied):
        ending.request_termination(project, by=user_for_role(Role.OFFICER), reason="官员不能代申请")


def test_a_terminated_project_cannot_be_terminated_again_nor_ask_for_money(world):
    project, officer, second = world["project"], world["officer"], world["second"]
    ending.approve_termination(ending.propose_termination(project, by=officer, grounds=Grounds.OTHER,
                                                          reason="注销"), by=second, reason="同意", due_on=due())
    project.refresh_from_db()
    with refused("state"):
        ending.propose_termination(project, by=officer, grounds=Grounds.OTHER, reason="再来")
    planned = Tranche.objects.filter(project=project, state=Tranche.State.CANCELLED).first()
    with pytest.raises(ValidationError):
        contracts.request_tranche(planned, by=officer, note="验收后")


def test_receipts_settle_the_recovery_and_never_exceed_what_is_owed(world):
    project, officer, second, finance = world["project"], world["officer"], world["second"], world["finance"]
    termination = ending.approve_termination(
        ending.propose_termination(project, by=officer, grounds=Grounds.OTHER, reason="注销"),
        by=second, reason="同意", due_on=due())
    recovery = termination.recovery
    today = clock.today()
    with refused("over_owed"):
        ending.record_receipt(recovery, by=finance, amount=Decimal("250000.01"), received_on=today,
                              bank_reference="ICBC-R1")
    with refused("required"):
        ending.record_receipt(recovery, by=finance, amount=Decimal("1"), received_on=today, bank_reference="")
    with refused("date"):
        ending.record_receipt(recovery, by=finance, amount=Decimal("1"), received_on=today + timedelta(days=1),
                              bank_reference="X")
    with pytest.raises(PermissionDenied):
        ending.record_receipt(recovery, by=officer, amount=Decimal("1"), received_on=today, bank_reference="X")
    assert not RecoveryReceipt.objects.exists()
    ending.record_receipt(recovery, by=finance, amount=Decimal("100000"), received_on=today,
                          bank_reference="ICBC-R1")
    recovery.refresh_from_db()
    assert recovery.settled_on is None and recovery.outstanding == Decimal("150000")
    with refused("over_owed"):
        ending.record_receipt(recovery, by=finance, amount=Decimal("150000.01"), received_on=today,
                              bank_reference="ICBC-R2")
    ending.record_receipt(recovery, by=finance, amount=Decimal("150000"), received_on=today,
                          bank_reference="ICBC-R2")
    recovery.refresh_from_db()
    assert recovery.settled_on == today and recovery.outstanding == 0
    with refused("settled"):
        ending.record_receipt(recovery, by=finance, amount=Decimal("1"), received_on=today, bank_reference="R3")
    assert not recovery.overdue_on(today + timedelta(days=365))


def test_an_unsettled_recovery_past_its_due_date_is_overdue(world):
    project, officer, second = world["project"], world["officer"], world["second"]
    termination = ending.approve_termination(
        ending.propose_termination(project, by=officer, grounds=Grounds.OTHER, reason="注销"),
        by=second, reason="同意", due_on=due())
    assert not termination.recovery.overdue_on(due())
    assert termination.recovery.overdue_on(due() + timedelta(days=1))


def test_the_due_date_is_required_and_after_today(world):
    project, officer, second = world["project"], world["officer"], world["second"]
    proposal = ending.propose_termination(project, by=officer, grounds=Grounds.OTHER, reason="注销")
    with refused("due_on"):
        ending.approve_termination(proposal, by=second, reason="同意", due_on=None)
    with refused("due_on"):
        ending.approve_termination(proposal, by=second, reason="同意", due_on=clock.today())
    proposal.refresh_from_db()
    assert proposal.state == End.PROPOSED


def test_a_project_with_nothing_paid_ends_without_a_recovery(db):
    officer, second = user_for_role(Role.OFFICER), user_for_role(Role.OFFICER)
    project = approved_project()
    termination = ending.approve_termination(
        ending.propose_termination(project, by=officer, grounds=Grounds.OTHER, reason="未签任务书即放弃"),
        by=second, reason="同意")
    project.refresh_from_db()
    assert project.state == Project.State.TERMINATED and termination.to_recover == 0
    assert not Recovery.objects.exists()


def test_misconduct_feeds_the_debarment_record_of_the_organisation_and_lead(world):
    project, officer, second = world["project"], world["officer"], world["second"]
    proposal = ending.propose_termination(project, by=officer, grounds=Grounds.MISCONDUCT, reason="伪造数据")
    with refused("debar_reason"):
        ending.approve_termination(proposal, by=second, reason="同意", due_on=due(),
                                   debar=ending.Debar(organisation=True, lead=True, reason=""))
    assert not Debarment.objects.exists()
    until = clock.today() + timedelta(days=3 * 365)
    ending.approve_termination(proposal, by=second, reason="同意", due_on=due(),
                               debar=ending.Debar(organisation=True, lead=True, reason="科研失信：伪造数据",
                                                  until=until))
    records = Debarment.objects.order_by("pk")
    assert [(d.organisation_id, d.person_id) for d in records] == [(project.organisation_id, None),
                                                                    (None, project.lead_id)]
    assert all(d.clause == "M17" and d.ends_on == until and d.recorded_by == second for d in records)
    proposal.refresh_from_db()
    assert set(proposal.debarments.all()) == set(records)


def test_a_debarment_is_refused_on_grounds_that_are_no_failure_of_duty(world):
    project, officer, second = world["project"], world["officer"], world["second"]
    proposal = ending.propose_termination(project, by=officer, grounds=Grounds.OTHER, reason="注销")
    with refused("debar_grounds"):
        ending.approve_termination(proposal, by=second, reason="同意", due_on=due(),
                                   debar=ending.Debar(organisation=True, reason="失信"))
    project.refresh_from_db()
    assert project.state == Project.State.UNDER_WAY and not Debarment.objects.exists()


def test_a_termination_acts_on_the_midterm_check_that_proposed_it(world):
    project, officer = world["project"], world["officer"]
    with refused("no_check"):
        ending.propose_termination(project, by=officer, grounds=Grounds.MIDTERM, reason="中期不合格",
                                   from_midterm=True)
    check = MidtermCheck.objects.create(project=project, result=MidtermCheck.Result.TERMINATE, findings="严重滞后",
                                        reason="关键节点均未完成", recorded_by=officer, recorded_at=clock.now())
    with refused("grounds"):
        ending.propose_termination(project, by=officer, grounds=Grounds.OTHER, reason="x", from_midterm=True)
    proposal = ending.propose_termination(project, by=officer, grounds=Grounds.MIDTERM, reason="关键节点均未完成",
                                          from_midterm=True)
    assert proposal.midterm_check == check
