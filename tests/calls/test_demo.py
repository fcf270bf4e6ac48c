"""The demo part: two programmes, the demo call open now and co-owned with health, a closed call, a draft and
one in review; building twice adds nothing."""

import pytest
from django.utils import timezone

from minsheng.calls.models import Call, Programme
from minsheng.demo import calls as demo_calls
from minsheng.demo.builder import DemoBuilder

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
    assert Call.objects.filter(state=Call.State.DRAFT).count() == 1
    assert Call.objects.filter(state=Call.State.IN_REVIEW).count() == 1
    assert Programme.objects.filter(year=2026).count() == 2
    before = (Call.objects.count(), Programme.objects.count())
    DemoBuilder().build()
    assert (Call.objects.count(), Programme.objects.count()) == before
