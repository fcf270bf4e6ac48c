"""The demo part: the closed call ends with passed, returned, rejected, overridden and waiting applications."""

from collections import Counter
from datetime import timedelta

import pytest
from django.utils import timezone

from minsheng.applications.models import Application, RuleResult
from minsheng.checks.models import CheckDecision
from minsheng.core.roles import Role
from minsheng.demo import checks as demo_checks
from minsheng.demo.calls import CLOSED_CALL_TITLE
from minsheng.notifications.models import Notification
from tests.checks.conftest import submitted
from tests.factories import user_for_role
from tests.factories.calls import CallFactory, add_rule
from tests.rules.test_facts import _ip

pytestmark = pytest.mark.django_db


class Builder:
    def __init__(self):
        self.steps = 0

    def progress(self, n):
        self.steps += n


def test_demo_part_decides_the_closed_call(django_capture_on_commit_callbacks):
    user_for_role(Role.OFFICER, username="officer")
    now = timezone.now()
    call = CallFactory(title_zh=CLOSED_CALL_TITLE, opens_at=now - timedelta(days=40),
                       closes_at=now - timedelta(days=3))
    add_rule(call, "ip_in_domain", min_count=1, ip_kinds=["invention_patent"])
    applications = [submitted(call) for _ in range(10)]
    for application in applications[:6]:
        _ip(application.organisation, 1)
    for application in applications:      # the resubmitted round the applicant part would record
        from minsheng.applications import rule_rounds
        rule_rounds.record_submission(application, by=application.created_by)

    builder = Builder()
    with django_capture_on_commit_callbacks(execute=True):
        demo_checks.build(builder)
    states = Counter(Application.objects.filter(call=call).values_list("state", flat=True))
    assert states["passed"] >= 2 and states["returned"] >= 1 and states["rejected"] >= 1
    assert states["in_check"] >= 1 and states["submitted"] == 0
    assert RuleResult.objects.filter(application__call=call, overridden_by__isnull=False).count() == 1
    assert all(d.deadline for d in CheckDecision.objects.filter(decision="return"))
    assert builder.steps == demo_checks.STEPS
    # each decision told its applicants under the bell, as the real step does (the demo command sends their mail
    # nowhere: tests/demo/test_demo.py)
    for decision in CheckDecision.objects.select_related("application__organisation"):
        applicants = set(decision.application.organisation.users.filter(role=Role.APPLICANT))
        assert {n.recipient for n in Notification.objects.filter(kind="checks.decision",
                                                                  target_id=decision.pk)} == applicants

    demo_checks.build(Builder())      # idempotent
    assert CheckDecision.objects.count() == sum(states[s] for s in ("passed", "returned", "rejected"))


def test_demo_part_without_the_call_does_nothing():
    builder = Builder()
    demo_checks.build(builder)
    assert builder.steps == demo_checks.STEPS and not CheckDecision.objects.exists()


def test_demo_part_shows_every_decision_even_when_every_application_meets_the_rules():
    user_for_role(Role.OFFICER, username="officer")
    call = CallFactory(title_zh=CLOSED_CALL_TITLE)
    add_rule(call, "verified_organisation")
    for _ in range(6):
        submitted(call)
    demo_checks.build(Builder())
    states = Counter(Application.objects.filter(call=call).values_list("state", flat=True))
    assert states == {"passed": 3, "returned": 1, "rejected": 1, "in_check": 1}
    assert not RuleResult.objects.filter(overridden_by__isnull=False).exists()
