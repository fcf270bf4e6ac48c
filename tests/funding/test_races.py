"""Parallel decisions on one plan (PostgreSQL): two officers approving, or two approving the projects, at once —
exactly one wins, the other gets a clear message, and only one set of projects exists."""

import threading
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from minsheng.accounts.roles import Role
from minsheng.core import clock
from minsheng.core.models import AuditEvent
from minsheng.funding import services
from minsheng.funding.models import FundingPlan, Project
from tests.factories import user_for_role
from tests.factories.funding import frozen_call, plan_in_notice

if connection.vendor != "postgresql":
    pytest.skip("SQLite's shared in-memory test database locks tables instead of waiting; the races run on "
                "PostgreSQL", allow_module_level=True)


def _race(actions):
    barrier = threading.Barrier(len(actions))
    outcomes = []

    def run(action):
        try:
            barrier.wait(timeout=10)
            action()
            outcomes.append("won")
        except (ValidationError, PermissionDenied):
            outcomes.append("refused")
        except Exception as exc:  # anything else fails the test, shown in the assertion
            outcomes.append(repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(action,)) for action in actions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return sorted(outcomes)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_officers_approving_at_once_exactly_one_wins():
    world = frozen_call()
    plan = services.create_plan(world.call, by=world.officer)
    services.apply_suggestion(plan, by=world.officer)
    services.propose(plan, by=world.officer)
    approvers = [world.second_officer, user_for_role(Role.OFFICER)]
    actions = [lambda u=u: services.approve(FundingPlan.objects.get(pk=plan.pk), by=u, reason="同意")
               for u in approvers]
    assert _race(actions) == ["refused", "won"]
    assert AuditEvent.objects.filter(action="funding.plan.approve").count() == 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_decisions_at_once_create_the_projects_once():
    world = frozen_call()
    plan = plan_in_notice(world)
    later = plan.notice_ends_at + timedelta(hours=1)

    def decide(user):
        with clock.reading(later):
            services.decide(FundingPlan.objects.get(pk=plan.pk), by=user, notify=False)

    assert _race([lambda: decide(world.officer), lambda: decide(world.second_officer)]) == ["refused", "won"]
    assert Project.objects.filter(call=world.call).count() == 3
