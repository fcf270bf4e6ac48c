"""Tranches: requested by an officer, approved by finance (never the requester) or returned to the officer with a
reason, paid with date and reference; the money approved and paid never exceeds the grant, even with two approvals
at once, and an approval and a return at once leave exactly one winner (PostgreSQL)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from minsheng.contracts import services
from minsheng.contracts.models import Tranche
from minsheng.core.models import AuditEvent
from minsheng.core.roles import Role
from tests.contracts.helpers import under_way
from tests.factories import user_for_role
from tests.factories.contracts import approved_project
from tests.races import postgresql_only, race

State = Tranche.State


@pytest.mark.django_db
def test_request_approve_pay(project, officer, finance, applicant):
    first, second, _third = under_way(project, officer, applicant)
    with pytest.raises(PermissionDenied):
        services.request_tranche(first, by=finance)
    services.request_tranche(first, by=officer)
    with pytest.raises(ValidationError, match="中期"):     # a later tranche needs its basis written down
        services.request_tranche(second, by=officer)
    with pytest.raises(PermissionDenied):
        services.approve_tranche(first, by=officer)
    services.approve_tranche(first, by=finance)
    with pytest.raises(ValidationError):                  # a second approval of the same tranche
        services.approve_tranche(first, by=user_for_role(Role.FINANCE))
    with pytest.raises(ValidationError):
        services.record_payment(first, by=finance, paid_on=timezone.localdate() + timedelta(days=1),
                                reference="X1")
    with pytest.raises(ValidationError):
        services.record_payment(first, by=finance, paid_on=timezone.localdate(), reference=" ")
    services.record_payment(first, by=finance, paid_on=timezone.localdate(), reference="ICBC-20270105-001")
    first.refresh_from_db()
    assert first.state == State.PAID and first.bank_reference == "ICBC-20270105-001"
    assert services.committed(project) == Decimal("400000.00")
    assert [e.action for e in AuditEvent.objects.filter(target_type="contracts.tranche",
                                                        target_id=str(first.pk)).order_by("seq")] == [
        "contracts.tranche.plan", "contracts.tranche.request", "contracts.tranche.approve", "contracts.tranche.pay"]


@pytest.mark.django_db
def test_no_money_before_signing(project, officer):
    services.issue(project, by=officer)
    assert not Tranche.objects.filter(project=project).exists()


@pytest.mark.django_db
def test_the_requester_cannot_approve(project, officer, finance, applicant):
    first = under_way(project, officer, applicant)[0]
    Tranche.objects.filter(pk=first.pk).update(state=State.REQUESTED, requested_by=finance,
                                               requested_at=timezone.now())
    with pytest.raises(PermissionDenied, match="另一"):
        services.approve_tranche(first, by=finance)
    first.refresh_from_db()
    assert first.state == State.REQUESTED


@pytest.mark.django_db
def test_never_over_the_grant(project, officer, finance, applicant):
    first, second, _third = under_way(project, officer, applicant)
    # a tranche grown behind the platform's back: approving it would pass the grant
    Tranche.objects.filter(pk=second.pk).update(amount=Decimal("500000"))
    for tranche in (first, second):
        services.request_tranche(tranche, by=officer, note="中期检查通过")
    services.approve_tranche(first, by=finance)
    with pytest.raises(ValidationError, match="80"):
        services.approve_tranche(second, by=finance)
    second.refresh_from_db()
    assert second.state == State.REQUESTED
    assert services.committed(project) <= project.grant


@pytest.mark.django_db
def test_finance_returns_a_request_to_the_officer_with_a_reason(project, officer, finance, applicant):
    first = under_way(project, officer, applicant)[0]
    services.request_tranche(first, by=officer)
    with pytest.raises(PermissionDenied):                  # only finance returns
        services.return_tranche(first, by=officer, reason="请补充材料")
    with pytest.raises(PermissionDenied):
        services.return_tranche(first, by=applicant, reason="请补充材料")
    with pytest.raises(ValidationError, match="原因"):      # a reason is required
        services.return_tranche(first, by=finance, reason="  ")
    first.refresh_from_db()
    assert first.state == State.REQUESTED

    services.return_tranche(first, by=finance, reason="请附上任务书签订后的开户证明。")
    first.refresh_from_db()
    assert first.state == State.PLANNED
    assert (first.returned_by, first.return_reason) == (finance, "请附上任务书签订后的开户证明。")
    assert first.returned_at is not None and first.requested_by is None and first.requested_at is None
    event = AuditEvent.objects.get(action="contracts.tranche.return", target_id=str(first.pk))
    assert event.reason == "请附上任务书签订后的开户证明。" and event.actor == finance
    assert event.old["state"] == State.REQUESTED and event.new["state"] == State.PLANNED

    with pytest.raises(ValidationError, match="不能退回"):   # nothing left to return
        services.return_tranche(first, by=finance, reason="again")
    with pytest.raises(ValidationError):                   # nor to approve
        services.approve_tranche(first, by=finance)

    services.request_tranche(first, by=officer)            # the officer requests it again
    first.refresh_from_db()
    assert first.state == State.REQUESTED and first.requested_by == officer
    assert first.return_reason == "请附上任务书签订后的开户证明。"   # the last return stays readable
    services.approve_tranche(first, by=finance)
    first.refresh_from_db()
    assert first.state == State.APPROVED


@pytest.mark.django_db
def test_an_approved_or_paid_tranche_cannot_be_returned(project, officer, finance, applicant):
    first = under_way(project, officer, applicant)[0]
    services.request_tranche(first, by=officer)
    services.approve_tranche(first, by=finance)
    with pytest.raises(ValidationError, match="已审批"):
        services.return_tranche(first, by=finance, reason="晚了")
    first.refresh_from_db()
    assert first.state == State.APPROVED and not first.return_reason
    assert not AuditEvent.objects.filter(action="contracts.tranche.return").exists()


@postgresql_only
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_approvals_at_once_never_exceed_the_grant():
    officer, applicant_org_project = user_for_role(Role.OFFICER), approved_project()
    project = applicant_org_project
    applicant = user_for_role(Role.APPLICANT, organisation=project.organisation)
    first, second, _third = under_way(project, officer, applicant)
    # two tranches of 60 % each: either alone fits the grant, both together do not
    for tranche in (first, second):
        Tranche.objects.filter(pk=tranche.pk).update(amount=Decimal("480000"))
        services.request_tranche(tranche, by=officer, note="并发")
    approvers = [user_for_role(Role.FINANCE), user_for_role(Role.FINANCE)]
    actions = [lambda t=t, u=u: services.approve_tranche(Tranche.objects.get(pk=t.pk), by=u)
               for t, u in zip((first, second), approvers, strict=True)]
    assert race(actions) == ["refused", "won"]
    assert services.committed(project) == Decimal("480000")
    assert AuditEvent.objects.filter(action="contracts.tranche.approve").count() == 1


@postgresql_only
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_finance_officers_approving_one_tranche_exactly_one_wins():
    officer, project = user_for_role(Role.OFFICER), approved_project()
    applicant = user_for_role(Role.APPLICANT, organisation=project.organisation)
    first = under_way(project, officer, applicant)[0]
    services.request_tranche(first, by=officer)
    approvers = [user_for_role(Role.FINANCE), user_for_role(Role.FINANCE)]
    actions = [lambda u=u: services.approve_tranche(Tranche.objects.get(pk=first.pk), by=u) for u in approvers]
    assert race(actions) == ["refused", "won"]
    assert AuditEvent.objects.filter(action="contracts.tranche.approve").count() == 1




@postgresql_only
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_an_approval_and_a_return_at_once_exactly_one_wins():
    officer, project = user_for_role(Role.OFFICER), approved_project()
    applicant = user_for_role(Role.APPLICANT, organisation=project.organisation)
    first = under_way(project, officer, applicant)[0]
    services.request_tranche(first, by=officer)
    approver, returner = user_for_role(Role.FINANCE), user_for_role(Role.FINANCE)
    actions = [lambda: services.approve_tranche(Tranche.objects.get(pk=first.pk), by=approver),
               lambda: services.return_tranche(Tranche.objects.get(pk=first.pk), by=returner, reason="并发退回")]
    assert race(actions) == ["refused", "won"]
    first.refresh_from_db()
    approvals = AuditEvent.objects.filter(action="contracts.tranche.approve").count()
    returns = AuditEvent.objects.filter(action="contracts.tranche.return").count()
    assert approvals + returns == 1
    if approvals:
        assert first.state == State.APPROVED and not first.return_reason
    else:
        assert first.state == State.PLANNED and first.approved_by is None
