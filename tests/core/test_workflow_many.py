"""`workflow.move_many`: one step on many rows at once (a call's assignments published or expired together)."""

import pytest
from django.core.exceptions import PermissionDenied

from minsheng.core import audit, workflow
from minsheng.core.models import AuditEvent
from minsheng.core.permissions import SYSTEM
from minsheng.core.roles import Role
from minsheng.core.workflow import TransitionRefused
from minsheng.review.models import Assignment
from tests.factories import user_for_role
from tests.factories.applications import ApplicationFactory
from tests.factories.review import ExpertProfileFactory

pytestmark = pytest.mark.django_db
S = Assignment.State


@pytest.fixture
def pairs():
    application = ApplicationFactory()
    states = [S.PROPOSED, S.PROPOSED, S.PUBLISHED, S.PROPOSED, S.DECLINED]
    return [Assignment.objects.create(application=application, expert=ExpertProfileFactory(), state=state)
            for state in states]


def test_moves_only_the_rows_in_a_source_state_with_one_event_each_in_order(pairs):
    officer = user_for_role(Role.OFFICER)
    moved = workflow.move_many(Assignment.objects.filter(pk__in=[p.pk for p in pairs]), "publish", by=officer,
                               reason="发布")
    proposed = [p.pk for p in pairs if p.state == S.PROPOSED]
    assert [m.pk for m in moved] == proposed
    states = dict(Assignment.objects.values_list("pk", "state"))
    assert [states[p.pk] for p in pairs] == [S.PUBLISHED] * 4 + [S.DECLINED]
    events = list(AuditEvent.objects.filter(action="review.assignment.publish").order_by("seq"))
    assert [e.target_id for e in events] == [str(pk) for pk in proposed]
    assert all(e.old == {"state": "proposed"} and e.new == {"state": "published"} and e.clause == "M17"
               and e.reason == "发布" and e.actor_id == officer.pk for e in events)
    assert list(audit.verify()) == []                                    # the chain holds


def test_without_the_permission_nothing_moves(pairs):
    events = AuditEvent.objects.count()
    with pytest.raises(PermissionDenied):
        workflow.move_many(Assignment.objects.all(), "publish", by=user_for_role(Role.EXPERT))
    assert Assignment.objects.filter(state=S.PROPOSED).count() == 3 and AuditEvent.objects.count() == events


def test_no_row_in_a_source_state_moves_nothing_and_an_unknown_step_is_refused(pairs):
    assert workflow.move_many(Assignment.objects.filter(state=S.DECLINED), "publish", by=SYSTEM) == []
    with pytest.raises(TransitionRefused):
        workflow.move_many(Assignment.objects.all(), "nope", by=SYSTEM)
