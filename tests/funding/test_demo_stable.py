"""The demo's stable-support call (M17): closed weeks ago, every application passed the formal check, and with no
ranking to wait for the officer has proposed its funding plan; the second officer's plan page shows it beside the
programme's competitive calls; a second run writes nothing."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from minsheng.applications.models import Application
from minsheng.core.models import AuditEvent
from minsheng.demo import builder, stable_support
from minsheng.funding.models import FundingPlan
from minsheng.review.models import Assignment

pytestmark = pytest.mark.django_db


class Steps:
    def __init__(self):
        self.count = 0

    def __call__(self, n):
        self.count += n


def test_demo_stable_support_call_has_a_proposed_plan_beside_competitive_calls(client):
    world = builder.DemoBuilder()
    world.build()
    call = stable_support.stable_call()
    assert call.is_stable_support and not call.criteria.exists()
    assert set(call.applications.values_list("state", flat=True)) == {Application.State.PASSED}
    assert not Assignment.objects.filter(application__call=call).exists()
    plan = call.funding_plan
    assert plan.state == FundingPlan.State.PROPOSED and plan.proposed_by.username == "officer"
    granted = sum(line.grant for line in plan.lines.all())
    assert 0 < granted <= call.budget and all(line.funded for line in plan.lines.all())

    client.force_login(get_user_model().objects.get(username="officer2"))
    body = client.get(reverse("funding:plan", kwargs={"call_pk": call.pk})).content.decode()
    assert 'data-ms-envelope="stable"' in body and 'data-ms-envelope="competitive"' in body
    assert "data-ms-approve" in body and "data-ms-stable" in body

    events = AuditEvent.objects.count()
    steps = world.progress = Steps()
    stable_support.build(world)
    assert steps.count == stable_support.STEPS and AuditEvent.objects.count() == events
