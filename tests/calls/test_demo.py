"""The demo part: two programmes, the demo call open now and co-owned with health, a closed call co-owned with
health and civil affairs (each with an officer to act for it), a draft and one in review; building twice adds
nothing."""

import pytest
from django.utils import timezone

from minsheng.accounts.queries import department_officers
from minsheng.calls.models import Call, Programme
from minsheng.demo import calls as demo_calls
from minsheng.demo.builder import DemoBuilder
from minsheng.policy.models import Department

pytestmark = pytest.mark.django_db


def test_demo_calls(settings):
    builder = DemoBuilder()
    builder.build()
    call = demo_calls.demo_call()
    now = timezone.now()
    assert call.state == Call.State.PUBLISHED and call.opens_at < now < call.closes_at
    assert list(call.co_owners.values_list("code", flat=True)) == ["health"]
    assert 3 <= call.topics.count() <= 4 and 4 <= call.criteria.count() <= 5
    codes = set(call.rules.values_list("template__code", flat=True))
    assert {"verified_organisation", "not_debarred", "own_funding_share"} <= codes
    assert call.approved_by.username == "dept_health"
    closed = demo_calls.closed_call()
    assert closed.state == Call.State.PUBLISHED and closed.closes_at < now
    # Every co-owning department has an officer to approve for it and confirm its part of a funding plan.
    assert set(closed.co_owners.values_list("code", flat=True)) == {"health", "civil_affairs"}
    owners = list(Department.objects.filter(co_owned_calls__isnull=False).distinct())
    officers = department_officers(owners)
    assert owners and all(officers[d.pk] for d in owners), [d.code for d in owners if not officers[d.pk]]
    assert [u.username for u in officers[Department.objects.get(code="civil_affairs").pk]] == ["dept_civil"]
    assert Call.objects.filter(state=Call.State.DRAFT).count() == 1
    assert Call.objects.filter(state=Call.State.IN_REVIEW).count() == 1
    assert Programme.objects.filter(year=2026).count() == 2
    before = (Call.objects.count(), Programme.objects.count())
    DemoBuilder().build()
    assert (Call.objects.count(), Programme.objects.count()) == before
