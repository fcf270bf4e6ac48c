"""The demo's expert pool: profiles for the 60 experts, in every state, with conflicts to show."""

import io

import pytest
from django.core.management import call_command

from minsheng.calls.models import STABLE_SUPPORT, Call
from minsheng.review.conflicts import find_conflicts
from minsheng.review.models import Availability, ExpertProfile, PastEmployer
from minsheng.review.queries import active_experts, call_affinity, call_applications

pytestmark = pytest.mark.django_db


def test_demo_builds_the_pool_once_with_conflicts_and_meaningful_affinity():
    call_command("demo", "--no-progress", stdout=io.StringIO(), stderr=io.StringIO())
    profiles = ExpertProfile.objects.all()
    assert profiles.count() == 60
    assert set(profiles.values_list("state", flat=True)) == set(ExpertProfile.State.values)
    assert not profiles.filter(description="").exists() and not profiles.filter(keywords="").exists()
    assert profiles.filter(domains__code="D01").count() >= 15
    assert PastEmployer.objects.count() >= 10 and Availability.objects.count() == 60
    assert profiles.get(person__user__username="expert").state == ExpertProfile.State.ACTIVE

    # Conflicts and affinity on every call with applications under review (stable support is never reviewed).
    experts = list(active_experts())
    for call in Call.objects.exclude(support_type__code=STABLE_SUPPORT):
        applications = list(call_applications(call))
        if not applications:
            continue
        result = find_conflicts(applications, experts)
        assert result.matrix.any()
        scores = call_affinity(applications, experts)
        for row in range(len(applications)):      # the best match of every application shares words with it
            best = scores.explain(row, int(scores.scores[row].argmax()))
            assert best.terms and best.text_score > 0.1, applications[row].title

    call_command("demo", "--no-progress", stdout=io.StringIO(), stderr=io.StringIO())
    assert ExpertProfile.objects.count() == 60
