"""The demo's stable-support calls (M17): every application passed the formal check and, with no ranking to wait
for, the city call's plan is in public notice with an open objection and the district call's plan is proposed; the
second officer's plan page shows it beside the programme's competitive calls; a second run writes nothing."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from minsheng.applications.models import Application
from minsheng.calls.models import Call
from minsheng.core.models import AuditEvent
from minsheng.demo import builder, stable_support
from minsheng.funding import services as funding_services
from minsheng.funding.models import FundingPlan, Objection
from minsheng.review.models import Assignment

pytestmark = pytest.mark.django_db


class Steps:
    def __init__(self):
        self.count = 0

    def __call__(self, n):
        self.count += n


def test_demo_stable_support_plans_in_notice_and_proposed_beside_competitive_calls(client):
    world = builder.DemoBuilder()
    world.build()
    calls = [Call.objects.get(title_zh=spec.title) for spec in stable_support.CALLS]
    for call in calls:
        assert call.is_stable_support and not call.criteria.exists()
        assert set(call.applications.values_list("state", flat=True)) == {Application.State.PASSED}
        assert not Assignment.objects.filter(application__call=call).exists()
        granted = sum(line.grant for line in call.funding_plan.lines.all())
        assert 0 < granted <= call.budget
    noticed, proposed = (call.funding_plan for call in calls)
    assert noticed.state == FundingPlan.State.NOTICE and funding_services.notice_open(noticed)
    assert noticed.approved_by.username == "officer2" and noticed.objections.get().state == Objection.State.OPEN
    assert proposed.state == FundingPlan.State.PROPOSED and proposed.proposed_by.username == "officer"
    assert noticed.call.programme.source.code == "city_rd" and proposed.call.programme.source.code == "district"
    public = client.get(reverse("portal:notice_detail", kwargs={"pk": noticed.pk})).content.decode()
    assert noticed.call.title_zh in public

    client.force_login(get_user_model().objects.get(username="officer2"))
    body = client.get(reverse("funding:plan", kwargs={"call_pk": noticed.call_id})).content.decode()
    assert 'data-ms-envelope="stable"' in body and 'data-ms-envelope="competitive"' in body
    assert "data-ms-stable" in body and 'data-ms-objection-state="open"' in body
    body = client.get(reverse("funding:plan", kwargs={"call_pk": proposed.call_id})).content.decode()
    assert "data-ms-approve" in body and "data-ms-stable" in body

    events = AuditEvent.objects.count()
    steps = world.progress = Steps()
    stable_support.build(world)
    assert steps.count == stable_support.STEPS and AuditEvent.objects.count() == events
