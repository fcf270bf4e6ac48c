"""The demo part "acceptance": a stable-support call of two years ago whose six projects ended, with acceptance in
each state (applied, returned by the check, under expert review with the demo expert still to score, passed,
closed with conditions, failed); never in the future; a second run adds nothing."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from minsheng.contracts.models import Tranche
from minsheng.core import clock
from minsheng.funding.models import Project
from minsheng.projects.models import Acceptance

pytestmark = pytest.mark.django_db


def test_the_demo_has_acceptance_in_each_state_once():
    call_command("demo", "--no-progress", stdout=io.StringIO(), stderr=io.StringIO())
    acceptances = Acceptance.objects.select_related("project")
    assert set(acceptances.values_list("state", flat=True)) == set(Acceptance.State.values)
    assert not acceptances.filter(applied_at__gt=clock.now()).exists()
    assert not acceptances.filter(decided_at__gt=clock.now()).exists()
    by_state = {a.state: a for a in acceptances}
    assert by_state["returned"].check_comments
    assert any(not r.passed for r in by_state["returned"].check_results.all())
    expert = get_user_model().objects.get(username="expert")
    review = by_state["review"]
    assert review.experts.filter(scored_at__isnull=False).exists()
    assert review.experts.filter(expert__person_id=expert.person_id, scored_at__isnull=True).exists()
    for state, project_state in (("passed", Project.State.ACCEPTED), ("conditional", Project.State.ACCEPTED),
                                 ("failed", Project.State.FAILED)):
        item = by_state[state]
        assert item.project.state == project_state and item.score is not None and item.pdf
        final = Tranche.objects.get(project=item.project, condition=Tranche.Condition.ACCEPTANCE)
        assert final.state == (Tranche.State.PLANNED if state == "failed" else Tranche.State.REQUESTED)
    assert by_state["passed"].score >= 70 and by_state["conditional"].conditions
    count = acceptances.count()
    call_command("demo", "--no-progress", stdout=io.StringIO(), stderr=io.StringIO())
    assert Acceptance.objects.count() == count
