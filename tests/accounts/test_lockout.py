"""Lockout after repeated failures: per account and per address, and the same answer either way."""

import pytest
from django.urls import reverse

from minsheng.accounts import lockout
from minsheng.core.models import AuditEvent
from tests.accounts.conftest import attempt, normalised_body
from tests.core.test_cache_faults import cache_down  # noqa: F401 (a fixture)
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

LOCKED_TEXT = "登录失败次数过多"


def test_five_failures_lock_the_account_even_against_the_right_password(client, alice, password, settings):
    assert settings.LOCKOUT_ACCOUNT_FAILURES == 5
    for _ in range(4):
        assert LOCKED_TEXT not in attempt(client, "alice01").content.decode()
    fifth = attempt(client, "alice01")
    assert LOCKED_TEXT in fifth.content.decode()
    right = attempt(client, "alice01", password)
    assert right.status_code == 200
    assert LOCKED_TEXT in right.content.decode()
    assert "_auth_user_id" not in client.session
    lock_event = AuditEvent.objects.get(action="accounts.lockout")
    assert lock_event.target_label == "alice01"
    assert lock_event.new["scope"] == "account"
    assert AuditEvent.objects.filter(action="accounts.login.failure").count() == 5
    assert AuditEvent.objects.filter(action="accounts.login.refused").count() == 1


def test_the_lock_follows_the_username_not_the_address(client, alice, password):
    for number in range(5):
        attempt(client, "alice01", REMOTE_ADDR=f"10.0.0.{number + 1}")
    response = attempt(client, "alice01", password, REMOTE_ADDR="10.0.1.1")
    assert LOCKED_TEXT in response.content.decode()


def test_case_variants_of_a_username_share_one_counter(client, alice, password):
    for name in ["alice01", "ALICE01", "Alice01", " alice01", "aLiCe01"]:
        attempt(client, name)
    assert LOCKED_TEXT in attempt(client, "alice01", password).content.decode()


def test_the_locked_message_says_how_long_to_wait(client, alice, settings):
    settings.LOCKOUT_SECONDS = 15 * 60
    for _ in range(5):
        response = attempt(client, "alice01")
    assert "15 分钟" in response.content.decode()
    client.cookies["minsheng_language"] = "en"
    english = attempt(client, "alice01").content.decode()
    assert "Too many failed sign-in attempts. Please try again in 15 minutes." in english


def test_a_success_before_the_limit_resets_the_account_counter(client, alice, password):
    for _ in range(4):
        attempt(client, "alice01")
    assert attempt(client, "alice01", password).status_code == 302
    client.post(reverse("accounts:logout"))
    for _ in range(4):
        attempt(client, "alice01")
    assert attempt(client, "alice01", password).status_code == 302


def test_twenty_failures_from_one_address_lock_that_address(client, alice, password, settings):
    assert settings.LOCKOUT_ADDRESS_FAILURES == 20
    for number in range(20):
        response = attempt(client, f"guess{number:03d}")  # different usernames: no account lock
    assert LOCKED_TEXT in response.content.decode()
    refused = attempt(client, "alice01", password)
    assert LOCKED_TEXT in refused.content.decode()
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.get(action="accounts.lockout").new["scope"] == "address"
    # The same person from another address is not locked out.
    assert attempt(client, "alice01", password, REMOTE_ADDR="10.1.2.3").status_code == 302


def test_locked_answer_is_the_same_for_an_existing_and_an_unknown_username(client, alice, password):
    for _ in range(5):
        attempt(client, "alice01", REMOTE_ADDR="10.0.0.1")
        attempt(client, "nobody1", REMOTE_ADDR="10.0.0.2")
    existing = attempt(client, "alice01", password, REMOTE_ADDR="10.0.0.3")
    unknown = attempt(client, "nobody1", password, REMOTE_ADDR="10.0.0.3")
    assert existing.status_code == unknown.status_code == 200
    assert LOCKED_TEXT in existing.content.decode()
    assert normalised_body(existing, "alice01") == normalised_body(unknown, "nobody1")


def test_the_lock_ends_after_the_lockout_period(client, alice, password, settings, clock):
    for _ in range(5):
        attempt(client, "alice01")
    clock.advance(settings.LOCKOUT_SECONDS - 60)
    response = attempt(client, "alice01", password)
    assert LOCKED_TEXT in response.content.decode()
    assert "1 分钟" in response.content.decode()
    clock.advance(61)
    assert attempt(client, "alice01", password).status_code == 302


def test_counters_directly(settings):
    settings.LOCKOUT_ACCOUNT_FAILURES = 3
    settings.LOCKOUT_ADDRESS_FAILURES = 100
    for _ in range(2):
        assert lockout.register_failure(username="Zhang", address="1.2.3.4") is None
    assert lockout.current_lock(username="zhang", address="5.6.7.8") is None
    lock = lockout.register_failure(username="zhang", address="1.2.3.4")
    assert lock is not None and lock.scope == lockout.ACCOUNT
    assert 0 < lock.seconds_left <= settings.LOCKOUT_SECONDS
    assert lockout.current_lock(username="ZHANG", address="5.6.7.8").scope == lockout.ACCOUNT
    # A failure while locked does not set the lock again.
    assert lockout.register_failure(username="zhang", address="1.2.3.4") is None
    lockout.clear_account("Zhang")
    assert lockout.current_lock(username="zhang", address="5.6.7.8") is None


def test_other_users_are_not_affected_by_a_lock(client, alice, password):
    UserFactory(username="bob0001")
    for _ in range(5):
        attempt(client, "alice01")
    assert attempt(client, "bob0001", password).status_code == 302


@pytest.mark.usefixtures("cache_down")
def test_signing_in_while_the_shared_cache_is_down_answers_503_in_chinese(client, alice, password):
    """The lock-out counts in the cache: without it, sign-in cannot be judged, so it waits (503), never a 500."""
    response = attempt(client, "alice01", password)
    assert response.status_code == 503
    assert "请稍后再试" in response.content.decode()
    assert "_auth_user_id" not in client.session

