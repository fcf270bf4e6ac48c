"""The demo's second round: a call closed days ago, checked (most passed), its assignment run by `officer` and left
proposed, so that the demo holds assignments in every state and reviews in every state; the officer's page shows
the proposed run with its quality charts and the publish button; a second run writes nothing."""

from collections import Counter
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from minsheng.applications.models import Application
from minsheng.calls.models import Call
from minsheng.core.audit import AuditEvent
from minsheng.demo import builder, second_round
from minsheng.demo.calls import closed_call
from minsheng.review.assignment import overdue
from minsheng.review.models import Assignment, AssignmentRun, Review

pytestmark = pytest.mark.django_db


class Steps:
    def __init__(self):
        self.count = 0

    def __call__(self, n):
        self.count += n


def test_demo_has_every_assignment_and_review_state_and_a_proposed_run(monkeypatch, client):
    monkeypatch.setattr(builder, "PARTS", [p for p in builder.PARTS if p != "second_round"])
    world = builder.DemoBuilder()
    world.build()
    steps = world.progress = Steps()
    second_round.build(world)
    assert steps.count == second_round.STEPS

    call = second_round.second_call()
    assert call.state == Call.State.PUBLISHED and call.closes_at < timezone.now() - timedelta(days=3)
    applications = Counter(Application.objects.filter(call=call).values_list("state", flat=True))
    assert applications == {"passed": applications["passed"], "returned": 1, "rejected": 1}
    assert applications["passed"] >= 6
    pairs = Assignment.objects.filter(application__call=call)
    assert set(pairs.values_list("state", flat=True)) == {Assignment.State.PROPOSED}
    assert pairs.count() == applications["passed"] * call.reviewers_per_proposal
    assert not pairs.filter(application__state__in=["returned", "rejected"]).exists()
    run = AssignmentRun.objects.get(call=call)
    assert run.run_by.username == "officer" and run.published_at is None and run.complete
    assert not Review.objects.filter(assignment__application__call=call).exists()

    # Across the demo: every state of an assignment and of a review, and overdue reviews.
    assert set(Assignment.objects.values_list("state", flat=True)) == set(Assignment.State.values)
    assert set(Review.objects.values_list("state", flat=True)) == set(Review.State.values)
    assert overdue(closed_call()).exists()

    client.force_login(run.run_by)
    page = client.get(reverse("review:call_assignment", kwargs={"call_pk": call.pk})).content.decode()
    assert page.count('data-ms-state="proposed"') == pairs.count()
    assert "data-ms-publish" in page and 'data-ms-chart="histogram"' in page
    assert 'data-ms-x-label="申报项目数"' in page

    events = AuditEvent.objects.count()
    again = world.progress = Steps()
    second_round.build(world)
    assert again.count == second_round.STEPS and AuditEvent.objects.count() == events
