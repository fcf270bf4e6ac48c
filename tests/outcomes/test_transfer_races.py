"""Two people acting on one transfer at the same moment (M18), on PostgreSQL: two officers verifying it, one
wins and the other reads that it is verified already; two payments that together would exceed the contract
value, the transfer's row lock lets one in and the other gets the warning."""

import datetime
from decimal import Decimal

import pytest

from minsheng.core.models import AuditEvent
from minsheng.core.roles import Role
from minsheng.outcomes import services
from minsheng.outcomes.models import Transfer, TransferReceipt
from tests.factories import user_for_role
from tests.factories.contracts import approved_project
from tests.factories.outcomes import achievement_of, transfer_of
from tests.races import postgresql_only, race

pytestmark = [postgresql_only, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def licence():
    project = approved_project()
    return transfer_of([achievement_of(project)], on=datetime.date(2025, 3, 1), value=1_000_000, verified=False)


def test_two_officers_verify_at_once_exactly_one_does(licence):
    officers = [user_for_role(Role.OFFICER), user_for_role(Role.OFFICER)]
    actions = [lambda user=user: services.verify(Transfer.objects.get(pk=licence.pk), by=user,
                                                          seen="unverified") for user in officers]
    assert race(actions) == ["refused", "won"]
    assert AuditEvent.objects.filter(action="outcomes.transfer.verify").count() == 1
    assert Transfer.objects.get().state == "verified"


def test_two_payments_past_the_contract_value_one_is_warned(licence):
    applicant = user_for_role(Role.APPLICANT, organisation=licence.organisation)
    actions = [lambda: services.add_receipt(Transfer.objects.get(pk=licence.pk), by=applicant,
                                            amount=Decimal("600000"), received_on=datetime.date(2025, 4, 1))] * 2
    assert race(actions) == ["refused", "won"]
    assert TransferReceipt.objects.count() == 1
