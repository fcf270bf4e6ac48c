"""Starting the check, decisions, overrides, races, mail, comments."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from minsheng.applications import states
from minsheng.applications.models import Application, RuleResult
from minsheng.checks import services
from minsheng.checks.models import CheckDecision
from minsheng.core import clock
from minsheng.core.models import AuditEvent
from minsheng.core.roles import Role
from minsheng.core.workflow import TransitionRefused
from minsheng.notifications.models import Notification
from minsheng.notifications.services import prefixed
from tests.checks.conftest import submitted
from tests.factories import user_for_role
from tests.races import postgresql_only, race

pytestmark = pytest.mark.django_db
State = Application.State


def test_start_moves_only_submitted_applications(call, officer):
    a, b = submitted(call), submitted(call)
    Application.objects.filter(pk=b.pk).update(state=State.WITHDRAWN)
    assert services.start_check(call, by=officer) == 1
    a.refresh_from_db()
    assert a.state == State.IN_CHECK
    assert not states.WORKFLOW.can(a, "withdraw")     # no withdrawal after the check started
    assert AuditEvent.objects.filter(action="applications.application.start_check", clause="M17").count() == 1


def test_department_officer_cannot_decide(call):
    application = submitted(call)
    with pytest.raises(PermissionDenied):
        services.decide(application, by=user_for_role(Role.DEPARTMENT_OFFICER), decision="reject", reason="x")


def test_return_needs_reason_and_future_deadline(call, officer):
    application = submitted(call)
    with pytest.raises(ValidationError) as exc:
        services.decide(application, by=officer, decision="return")
    assert set(exc.value.message_dict) == {"reason", "deadline"}
    with pytest.raises(ValidationError) as exc:
        services.decide(application, by=officer, decision="return", reason="缺少盖章",
                        deadline=timezone.now() - timedelta(minutes=1))
    assert "deadline" in exc.value.message_dict
    application.refresh_from_db()
    assert application.state == State.SUBMITTED and not CheckDecision.objects.exists()


def test_the_correction_deadline_is_judged_by_the_server_clock(call, officer):
    """"In the future" means after the platform's clock (core.clock), which the tests move, not the wall clock."""
    application = submitted(call)
    deadline = timezone.now() + timedelta(days=2)
    with clock.reading(deadline + timedelta(seconds=1)), pytest.raises(ValidationError) as exc:
        services.decide(application, by=officer, decision="return", reason="缺少盖章", deadline=deadline)
    assert set(exc.value.message_dict) == {"deadline"}
    application.refresh_from_db()
    assert application.state == State.SUBMITTED
    with clock.reading(deadline - timedelta(seconds=1)):
        services.decide(application, by=officer, decision="return", reason="缺少盖章", deadline=deadline)
    application.refresh_from_db()
    assert application.state == State.RETURNED

def test_return_with_deadline_and_mail_in_chinese(call, officer, django_capture_on_commit_callbacks):
    application = submitted(call)
    deadline = timezone.now() + timedelta(days=5)
    with django_capture_on_commit_callbacks(execute=True):
        services.decide(application, by=officer, decision="return", reason="请补充合作协议", deadline=deadline)
    application.refresh_from_db()
    assert application.state == State.RETURNED and application.correction_deadline == deadline
    assert application.state_reason == "请补充合作协议"
    assert sorted(m.to[0] for m in mail.outbox) == sorted([application.created_by.email,
                                                           f"app{application.pk}@example.cn"])
    message = mail.outbox[0]
    assert application.number in message.subject
    assert "请补充合作协议" in message.body and "M19：需要在 D01 领域至少 1 项已授权" in message.body
    told = Notification.objects.filter(kind="checks.decision")
    assert sorted(n.recipient.email for n in told) == sorted(m.to[0] for m in mail.outbox)
    assert {(prefixed(n.subject), n.target, n.url) for n in told} == {
        (message.subject, application.check_decisions.get(), f"/applications/{application.pk}/")}
    event = AuditEvent.objects.get(action="applications.application.check_return")
    assert event.clause == "M17" and event.reason == "请补充合作协议"


def test_reject_needs_a_reason(call, officer):
    application = submitted(call)
    with pytest.raises(ValidationError):
        services.decide(application, by=officer, decision="reject", reason="  ")
    services.decide(application, by=officer, decision="reject", reason="不属于指南支持范围")
    application.refresh_from_db()
    assert application.state == State.REJECTED


def test_pass_with_a_failed_rule_needs_a_written_override(call, officer):
    application = submitted(call)
    failed = RuleResult.objects.get(application=application, passed=False)
    assert failed.clause_code == "M19"
    with pytest.raises(ValidationError) as exc:
        services.decide(application, by=officer, decision="pass")
    assert "overrides" in exc.value.message_dict
    with pytest.raises(ValidationError):
        services.decide(application, by=officer, decision="pass", overrides={failed.pk: "   "})
    services.decide(application, by=officer, decision="pass", overrides={failed.pk: "专利已授权，证书在附件中"})
    failed.refresh_from_db()
    assert failed.overridden_by == officer and failed.override_reason == "专利已授权，证书在附件中"
    assert AuditEvent.objects.get(action="applications.ruleresult.override").clause == "M19"
    application.refresh_from_db()
    assert application.state == State.PASSED


def test_pass_without_failed_rules_needs_no_override(call, officer):
    from tests.rules.test_facts import _ip

    application = submitted(call)
    _ip(application.organisation, 1)
    from minsheng.applications import rule_rounds
    rule_rounds.record_submission(application, by=application.created_by)      # round 2: all pass
    services.decide(application, by=officer, decision="pass")
    assert Application.objects.get(pk=application.pk).state == State.PASSED


def test_second_decision_loses_with_a_clear_message(call, officer):
    application = submitted(call)
    services.decide(application, by=officer, decision="reject", reason="重复申报")
    other = user_for_role(Role.OFFICER)
    with pytest.raises(TransitionRefused):
        services.decide(Application.objects.get(pk=application.pk), by=other, decision="return", reason="x",
                        deadline=timezone.now() + timedelta(days=1))
    assert CheckDecision.objects.count() == 1


def test_comment(call):
    application = submitted(call)
    officer = user_for_role(Role.DEPARTMENT_OFFICER)
    with pytest.raises(ValidationError):
        services.comment(application, by=officer, text=" ")
    note = services.comment(application, by=officer, text="建议关注基层适用性")
    assert note.author == officer
    assert AuditEvent.objects.get(action="applications.comment.create").clause == "M05"
    with pytest.raises(PermissionDenied):
        services.comment(application, by=user_for_role(Role.AUDITOR), text="x")


@postgresql_only
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_officers_deciding_at_once_only_one_wins():
    from tests.factories.calls import CallFactory, add_rule

    call = CallFactory()
    add_rule(call, "verified_organisation")
    application = submitted(call)
    officers = [user_for_role(Role.OFFICER), user_for_role(Role.OFFICER)]
    actions = [lambda o=officer, d=decision: services.decide(
        Application.objects.get(pk=application.pk), by=o, decision=d, reason="并发",
        deadline=timezone.now() + timedelta(days=3)) for officer, decision in zip(officers, ["reject", "return"],
                                                                              strict=True)]
    assert race(actions) == ["refused", "won"]
    assert CheckDecision.objects.filter(application=application).count() == 1
