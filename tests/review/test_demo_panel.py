"""The demo's review panel: convened for the closed call with five members, in session with votes (reasons where
a score is adjusted), minutes recorded, not frozen; conflicted members have no vote; a second run writes nothing."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from minsheng.core.audit import AuditEvent
from minsheng.demo.calls import closed_call
from minsheng.review import panel as service
from minsheng.review.conflicts import find_conflicts
from minsheng.review.models import Panel, PanelVote

pytestmark = pytest.mark.django_db


def test_demo_panel_is_in_session_with_votes_and_minutes():
    call_command("demo", "--no-progress", stdout=io.StringIO(), stderr=io.StringIO())
    panel = Panel.objects.get(call=closed_call())
    assert panel.state == Panel.State.IN_SESSION and not panel.final_list and panel.minutes
    members = list(panel.members.select_related("expert"))
    assert len(members) == 5
    demo_expert = get_user_model().objects.get(username="expert")
    assert service.member_of(panel, demo_expert) is not None
    votes = list(PanelVote.objects.filter(panel=panel).select_related("application", "member__expert"))
    assert len({v.member_id for v in votes}) == 4 and len(votes) > 10
    assert any(v.adjusted_score is not None for v in votes)
    assert all(v.reason for v in votes if v.adjusted_score is not None)
    for v in votes:
        assert not find_conflicts([v.application], [v.member.expert]).matrix[0, 0]

    events, count = AuditEvent.objects.count(), len(votes)
    call_command("demo", "--no-progress", stdout=io.StringIO(), stderr=io.StringIO())
    assert AuditEvent.objects.count() == events and PanelVote.objects.count() == count
