"""The demo's review round: the closed call has assignments and reviews in every state, and a ranking."""

import io

import pytest
from django.core.management import call_command

from minsheng.demo import builder
from minsheng.demo.calls import closed_call
from minsheng.review import reviewing
from minsheng.review.models import Assignment, AssignmentRun, Review

pytestmark = pytest.mark.django_db


def test_demo_review_round_has_every_state_and_a_ranking(monkeypatch):
    parts = [p for p in builder.PARTS if p != "reviews"]
    if "checks" not in parts:   # the formal check passes the applications the round reviews
        parts.insert(parts.index("applications") + 1, "checks")
    monkeypatch.setattr(builder, "PARTS", [*parts, "reviews"])
    call_command("demo", "--no-progress", stdout=io.StringIO(), stderr=io.StringIO())
    call = closed_call()
    pairs = Assignment.objects.filter(application__call=call)
    states = set(pairs.values_list("state", flat=True))
    assert {"published", "accepted", "completed", "declined"} <= states
    assert AssignmentRun.objects.filter(call=call, published_at__isnull=False).exists()
    assert set(Review.objects.filter(assignment__application__call=call).values_list("state", flat=True)) == {
        "draft", "submitted"}
    from minsheng.review.assignment import overdue

    assert overdue(call).exists()
    rows, _result = reviewing.ranking(call)
    assert any(r.result.rank == 1 for r in rows)
    assert any(r.result.normalised_mean is not None for r in rows)

    before = pairs.count()
    call_command("demo", "--no-progress", stdout=io.StringIO(), stderr=io.StringIO())
    assert Assignment.objects.filter(application__call=call).count() == before
