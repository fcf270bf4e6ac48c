"""Two people acting on one call at the same moment: exactly one wins (conditional update), the other gets a
clear message; two drafts racing for the last of a programme's envelope: the row lock lets one through."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from minsheng.calls import services
from minsheng.calls.models import Call
from minsheng.core.models import AuditEvent
from minsheng.core.roles import Role
from tests.calls.conftest import content
from tests.factories import department, user_for_role
from tests.factories.calls import CallFactory, ProgrammeFactory, complete
from tests.races import postgresql_only, race


@pytest.mark.django_db
def test_a_stale_copy_cannot_publish_twice(officer, officer2):
    call = complete(CallFactory(drafted_by=officer, in_review=True))
    stale = Call.objects.get(pk=call.pk)
    services.publish_call(call=call, by=officer2)
    with pytest.raises(ValidationError, match="someone else acted first"):
        services.return_call(call=stale, by=officer2, reason="晚到的退回")
    assert AuditEvent.objects.filter(action="calls.call.publish").count() == 1
    assert not AuditEvent.objects.filter(action="calls.call.return").exists()


@postgresql_only
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_approvers_at_the_same_moment_exactly_one_publishes():
    drafter = user_for_role(Role.OFFICER)
    call = complete(CallFactory(drafted_by=drafter, in_review=True))
    approvers = [user_for_role(Role.OFFICER), user_for_role(Role.OFFICER)]
    actions = [lambda user=user: services.publish_call(call=Call.objects.get(pk=call.pk), by=user)
               for user in approvers]
    assert race(actions) == ["refused", "won"]
    assert AuditEvent.objects.filter(action="calls.call.publish").count() == 1


@postgresql_only
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_drafts_racing_for_the_last_of_the_envelope():
    programme = ProgrammeFactory(budget=Decimal("15000000"))  # room for one call of 1,000 万元, not two
    officers = [user_for_role(Role.OFFICER), user_for_role(Role.OFFICER)]
    user_for_role(Role.DEPARTMENT_OFFICER, department=department("health"))   # the co-owner has someone to act
    actions = [lambda user=user: services.save_call(by=user, content=content(programme)) for user in officers]
    assert race(actions) == ["refused", "won"]
    assert Call.objects.filter(programme=programme).count() == 1
