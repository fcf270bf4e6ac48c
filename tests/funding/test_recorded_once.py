"""Co-funding is recorded once however often its form is sent: adding the same co-funding form twice leaves one
record, and removing one twice says it was already done instead of answering "not found"."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from minsheng.core import once
from minsheng.core.models import AuditEvent
from minsheng.funding import services
from minsheng.funding.models import CoFunding
from minsheng.policy.models import FundingSource
from tests.factories.funding import WAN, frozen_call
from tests.once import token_in

pytestmark = pytest.mark.django_db
ALREADY = "本次未重复登记"


def _said(response) -> str:
    return " ".join(str(m) for m in get_messages(response.wsgi_request))


@pytest.fixture
def world(client):
    """A draft plan filled in rank order; its officer signed in."""
    world = frozen_call()
    world.plan = services.create_plan(world.call, by=world.officer)
    services.apply_suggestion(world.plan, by=world.officer)
    client.force_login(world.officer)
    return world


def _page(client, plan) -> str:
    return client.get(reverse("funding:plan", kwargs={"call_pk": plan.call_id})).content.decode()


def test_a_co_funding_form_sent_twice_is_recorded_once(client, world):
    plan = world.plan
    line = plan.lines.get(rank=2)
    token = token_in(_page(client, plan), f'data-ms-cofunding-form="{line.application.number}"')
    url = reverse("funding:cofunding_add", kwargs={"call_pk": plan.call_id, "pk": line.pk})
    form = {"source": FundingSource.objects.get(code="bank_loan").pk, "provider": "招商银行", "amount": "300",
            once.FIELD: token}
    assert "配套资金已登记" in _said(client.post(url, form))
    again = client.post(url, form)
    assert again.url == reverse("funding:plan", kwargs={"call_pk": plan.call_id}) and ALREADY in _said(again)
    assert list(line.cofunding.values_list("amount", flat=True)) == [300 * WAN]
    assert AuditEvent.objects.filter(action="funding.cofunding.add").count() == 1


def test_a_removal_sent_twice_says_it_was_already_done(client, world):
    plan = world.plan
    item = services.add_cofunding(plan.lines.get(rank=2), by=world.officer,
                                  source=FundingSource.objects.get(code="bank_loan"), provider="招商银行",
                                  amount=300 * WAN)
    token = token_in(_page(client, plan), f'id="remove-{item.pk}"')
    url = reverse("funding:cofunding_remove", kwargs={"call_pk": plan.call_id, "pk": item.pk})
    assert "配套资金已删除" in _said(client.post(url, {once.FIELD: token}))
    again = client.post(url, {once.FIELD: token})
    assert again.status_code == 302 and ALREADY in _said(again)
    assert not CoFunding.objects.filter(pk=item.pk).exists()
    assert AuditEvent.objects.filter(action="funding.cofunding.remove").count() == 1
