"""Parallel decisions on one plan (PostgreSQL): two officers approving, or two approving the projects, at once —
exactly one wins, the other gets a clear message, and only one set of projects exists."""

from datetime import timedelta

import pytest

from minsheng.core import clock
from minsheng.core.models import AuditEvent
from minsheng.core.roles import Role
from minsheng.funding import services
from minsheng.funding.models import FundingPlan, Project
from tests.factories import user_for_role
from tests.factories.funding import frozen_call, plan_in_notice
from tests.races import postgresql_only, race

pytestmark = postgresql_only


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_officers_approving_at_once_exactly_one_wins():
    world = frozen_call()
    plan = services.create_plan(world.call, by=world.officer)
    services.apply_suggestion(plan, by=world.officer)
    services.propose(plan, by=world.officer)
    approvers = [world.second_officer, user_for_role(Role.OFFICER)]
    actions = [lambda u=u: services.approve(FundingPlan.objects.get(pk=plan.pk), by=u, reason="同意")
               for u in approvers]
    assert race(actions) == ["refused", "won"]
    assert AuditEvent.objects.filter(action="funding.plan.approve").count() == 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_decisions_at_once_create_the_projects_once():
    world = frozen_call()
    plan = plan_in_notice(world)
    later = plan.notice_ends_at + timedelta(hours=1)

    def decide(user):
        with clock.reading(later):
            services.decide(FundingPlan.objects.get(pk=plan.pk), by=user, notify=False)

    assert race([lambda: decide(world.officer), lambda: decide(world.second_officer)]) == ["refused", "won"]
    assert Project.objects.filter(call=world.call).count() == 3
