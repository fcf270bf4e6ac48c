"""core/limits.py: one helper and one rule for whom a limit counts (the account when signed in, else the address)."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory

from minsheng.core import limits
from minsheng.core.roles import Role
from tests.factories import user_for_role

pytestmark = pytest.mark.django_db

RATE = "3/h"


def _request(address: str, user=None, forwarded: str = ""):
    extra = {"REMOTE_ADDR": address}
    if forwarded:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    request = RequestFactory().get("/", **extra)
    request.user = user or AnonymousUser()
    return request


def _answers(requests, group="test.limits"):
    return [limits.limited(request, group, RATE) for request in requests]


def test_a_signed_in_user_is_counted_by_account_across_addresses():
    user = user_for_role(Role.APPLICANT)
    answers = _answers([_request("10.9.0.1", user), _request("10.9.0.2", user), _request("10.9.0.3", user),
                        _request("10.9.0.4", user)])
    assert answers == [False, False, False, True]
    assert limits.caller(_request("10.9.0.1", user)) == f"user:{user.pk}"


def test_anonymous_callers_are_counted_by_address():
    answers = _answers([_request("10.9.1.1") for _ in range(4)])
    assert answers == [False, False, False, True]
    # Another address has its own count; so has a signed-in user coming from the address that is over.
    assert _answers([_request("10.9.1.2")]) == [False]
    assert _answers([_request("10.9.1.1", user_for_role(Role.APPLICANT))]) == [False]


def test_the_address_is_the_one_the_lockout_counts(settings):
    """A client writing its own X-Forwarded-For is not believed beyond the trusted proxies."""
    settings.TRUSTED_PROXY_COUNT = 1
    forged = [_request("192.0.2.1", forwarded=f"203.0.113.{n}, 10.9.2.1") for n in range(4)]
    assert {limits.caller(r) for r in forged} == {"address:10.9.2.1"}
    assert _answers(forged) == [False, False, False, True]


def test_groups_count_apart_and_a_key_replaces_the_caller_rule():
    request = _request("10.9.3.1")
    assert _answers([request] * 4, group="test.a") == [False, False, False, True]
    assert _answers([request], group="test.b") == [False]
    by_mailbox = [limits.limited(_request(f"10.9.3.{n}"), "test.mail", RATE, key=lambda group, request: "x@example.cn")
                  for n in range(2, 6)]
    assert by_mailbox == [False, False, False, True]
