"""Tranches: requested by an officer, approved by finance (never the requester), paid with date and reference;
the money approved and paid never exceeds the grant, even with two approvals at once (PostgreSQL)."""

import threading
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.utils import timezone

from minsheng.accounts.roles import Role
from minsheng.contracts import services
from minsheng.contracts.models import Tranche
from minsheng.core.models import AuditEvent
from tests.factories import user_for_role
from tests.factories.contracts import approved_project

State = Tranche.State


def _under_way(project, officer, applicant):
    book = services.issue(project, by=officer)
    services.confirm(book, revision=1, by=applicant)
    services.countersign(book, by=officer)
    return list(Tranche.objects.filter(project=project).order_by("order"))


@pytest.mark.django_db
def test_request_approve_pay(project, officer, finance, applicant):
    first, second, _third = _under_way(project, officer, applicant)
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
    first = _under_way(project, officer, applicant)[0]
    Tranche.objects.filter(pk=first.pk).update(state=State.REQUESTED, requested_by=finance,
                                               requested_at=timezone.now())
    with pytest.raises(PermissionDenied, match="另一"):
        services.approve_tranche(first, by=finance)
    first.refresh_from_db()
    assert first.state == State.REQUESTED


@pytest.mark.django_db
def test_never_over_the_grant(project, officer, finance, applicant):
    first, second, _third = _under_way(project, officer, applicant)
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


POSTGRES_ONLY = pytest.mark.skipif("connection.vendor != 'postgresql'",
                                   reason="SQLite's shared in-memory test database locks tables instead of "
                                          "waiting; the race runs on PostgreSQL")


def _race(actions):
    barrier = threading.Barrier(len(actions))
    outcomes = []

    def run(action):
        try:
            barrier.wait(timeout=10)
            action()
            outcomes.append("won")
        except (ValidationError, PermissionDenied):
            outcomes.append("refused")
        except Exception as exc:  # anything else fails the test, shown in the assertion
            outcomes.append(repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(action,)) for action in actions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return sorted(outcomes)


@POSTGRES_ONLY
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_approvals_at_once_never_exceed_the_grant():
    officer, applicant_org_project = user_for_role(Role.OFFICER), approved_project()
    project = applicant_org_project
    applicant = user_for_role(Role.APPLICANT, organisation=project.organisation)
    first, second, _third = _under_way(project, officer, applicant)
    # two tranches of 60 % each: either alone fits the grant, both together do not
    for tranche in (first, second):
        Tranche.objects.filter(pk=tranche.pk).update(amount=Decimal("480000"))
        services.request_tranche(tranche, by=officer, note="并发")
    approvers = [user_for_role(Role.FINANCE), user_for_role(Role.FINANCE)]
    actions = [lambda t=t, u=u: services.approve_tranche(Tranche.objects.get(pk=t.pk), by=u)
               for t, u in zip((first, second), approvers, strict=True)]
    assert _race(actions) == ["refused", "won"]
    assert services.committed(project) == Decimal("480000")
    assert AuditEvent.objects.filter(action="contracts.tranche.approve").count() == 1


@POSTGRES_ONLY
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_finance_officers_approving_one_tranche_exactly_one_wins():
    officer, project = user_for_role(Role.OFFICER), approved_project()
    applicant = user_for_role(Role.APPLICANT, organisation=project.organisation)
    first = _under_way(project, officer, applicant)[0]
    services.request_tranche(first, by=officer)
    approvers = [user_for_role(Role.FINANCE), user_for_role(Role.FINANCE)]
    actions = [lambda u=u: services.approve_tranche(Tranche.objects.get(pk=first.pk), by=u) for u in approvers]
    assert _race(actions) == ["refused", "won"]
    assert AuditEvent.objects.filter(action="contracts.tranche.approve").count() == 1


