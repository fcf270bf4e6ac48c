"""A call whose review panel has frozen its ranking: what a funding plan starts from."""

from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from minsheng.applications.models import Application
from minsheng.core.roles import Role
from minsheng.review.models import Panel
from tests.factories import user_for_role
from tests.factories.applications import ApplicationFactory
from tests.factories.calls import CallFactory

WAN = Decimal(10000)


@dataclass
class FundingWorld:
    call: object
    applications: list
    officer: object
    second_officer: object
    users: dict = field(default_factory=dict)


def frozen_call(requests_wan=(300, 250, 200, 150), budget_wan=600, max_grant_wan=250, organisations=(),
                **call_kwargs) -> FundingWorld:
    """Applications ranked in the given order, each requesting `requests_wan[i]` 万元 of the city R&D fund."""
    now = timezone.now()
    call = CallFactory(opens_at=now - timedelta(days=90), closes_at=now - timedelta(days=60),
                       review_ends_at=now - timedelta(days=20), budget=Decimal(budget_wan) * WAN,
                       max_grant=Decimal(max_grant_wan) * WAN, **call_kwargs)
    orgs = list(organisations)
    applications = []
    for i, r in enumerate(requests_wan):
        extra = {"organisation": orgs[i]} if i < len(orgs) else {}
        applications.append(ApplicationFactory(call=call, state=Application.State.PASSED,
                                               submitted_at=now - timedelta(days=61), **extra,
                                               funding={"city_rd": Decimal(r) * WAN, "own": Decimal(r) * WAN / 2}))
    entries = [{"application": a.pk, "number": a.number, "title": a.title, "rank": i, "tie": False,
                "final": 90.0 - i, "written": 90.0 - i, "written_rank": i, "adjustment": 0.0, "adjusted_by": 0,
                "votes": {}} for i, a in enumerate(applications, start=1)]
    Panel.objects.create(call=call, convened_at=now, state=Panel.State.FROZEN, frozen_at=now, minutes="纪要",
                         final_list=entries)
    return FundingWorld(call=call, applications=applications, officer=user_for_role(Role.OFFICER),
                        second_officer=user_for_role(Role.OFFICER))


def plan_in_notice(world, *, at=None):
    """The world's plan, filled in rank order, proposed by one officer and approved by the other at `at`."""
    from minsheng.core import clock
    from minsheng.funding import services

    plan = services.create_plan(world.call, by=world.officer)
    services.apply_suggestion(plan, by=world.officer)
    services.propose(plan, by=world.officer)
    with clock.reading(at or timezone.now()):
        services.approve(plan, by=world.second_officer, reason="同意")
    plan.refresh_from_db()
    return plan


def decided_plan(world):
    """The world's plan approved 30 days ago and its projects approved now (立项)."""
    from minsheng.funding import services

    plan = plan_in_notice(world, at=timezone.now() - timedelta(days=30))
    services.decide(plan, by=world.officer, reason="公示无异议")
    plan.refresh_from_db()
    return plan
