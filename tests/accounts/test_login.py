"""Sign-in: the happy path, the answer for wrong input, the audit events, the session key."""

import pytest
from django.contrib.auth.hashers import Argon2PasswordHasher
from django.contrib.sessions.models import Session
from django.urls import reverse

from minsheng.core.models import AuditEvent
from tests.accounts.conftest import attempt, normalised_body
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_right_password_signs_in_and_lands_on_home(client, alice, password):
    response = attempt(client, "alice01", password)
    assert response.status_code == 302
    assert response.url == reverse("accounts:home")
    assert client.session["_auth_user_id"] == str(alice.pk)
    event = AuditEvent.objects.get(action="accounts.login")
    assert event.actor_id == alice.pk
    assert event.target_id == str(alice.pk)
    assert event.address == "127.0.0.1"


def test_next_parameter_is_followed_within_the_site_only(client, alice, password):
    inside = client.post(reverse("accounts:login"), {"username": "alice01", "password": password,
                                                     "next": reverse("accounts:profile")})
    assert inside.url == reverse("accounts:profile")
    client.logout()
    outside = client.post(reverse("accounts:login"), {"username": "alice01", "password": password,
                                                      "next": "https://evil.example.com/"})
    assert outside.url == reverse("accounts:home")


def test_login_gives_a_new_session_key(client, alice, password):
    session = client.session
    session["visited"] = True
    session.save()
    before = session.session_key
    assert before
    attempt(client, "alice01", password)
    after = client.session.session_key
    assert after and after != before
    assert not Session.objects.filter(session_key=before).exists()


def test_wrong_password_and_unknown_user_get_the_same_answer(client, alice):
    wrong_password = attempt(client, "alice01", "Not-Her-Password-9")
    unknown_user = attempt(client, "nobody1", "Not-Her-Password-9")
    assert wrong_password.status_code == unknown_user.status_code == 200
    assert normalised_body(wrong_password, "alice01") == normalised_body(unknown_user, "nobody1")
    assert "用户名或密码不正确" in wrong_password.content.decode()
    assert "_auth_user_id" not in client.session


def test_unknown_user_costs_one_run_of_the_password_hasher(client, alice, monkeypatch):
    """The timing of the two answers stays alike: an unknown username still runs Argon2 once."""
    runs = []
    original_encode, original_verify = Argon2PasswordHasher.encode, Argon2PasswordHasher.verify
    monkeypatch.setattr(Argon2PasswordHasher, "encode",
                        lambda self, *a, **k: runs.append("encode") or original_encode(self, *a, **k))
    monkeypatch.setattr(Argon2PasswordHasher, "verify",
                        lambda self, *a, **k: runs.append("verify") or original_verify(self, *a, **k))
    attempt(client, "nobody1")
    assert runs == ["encode"]
    runs.clear()
    attempt(client, "alice01")
    assert runs == ["verify"]


def test_inactive_account_gets_the_generic_answer(client, password):
    UserFactory(username="gone001", is_active=False)
    inactive = attempt(client, "gone001", password)
    unknown = attempt(client, "nobody1", password)
    assert normalised_body(inactive, "gone001") == normalised_body(unknown, "nobody1")
    assert "_auth_user_id" not in client.session


def test_failed_login_is_recorded_with_the_typed_name_and_no_actor(client, alice):
    attempt(client, "nobody1")
    event = AuditEvent.objects.get(action="accounts.login.failure")
    assert event.actor_id is None
    assert event.actor_label == ""
    assert event.target_label == "nobody1"
    assert event.target_id == ""


def test_signed_in_user_opening_login_goes_home(client, alice):
    client.force_login(alice)
    response = client.get(reverse("accounts:login"))
    assert response.status_code == 302
    assert response.url == reverse("accounts:home")


def test_login_page_in_english_when_the_language_is_english(client, alice):
    client.cookies["minsheng_language"] = "en"
    response = attempt(client, "alice01")
    assert "The username or password is not correct" in response.content.decode()


def test_login_posts_are_rate_limited_per_address(client, clock):
    for _ in range(30):
        assert attempt(client, "nobody1").status_code == 200
    response = attempt(client, "nobody1")
    assert response.status_code == 429
    assert response["Retry-After"]
    # Another address is not affected.
    assert attempt(client, "nobody2", REMOTE_ADDR="10.9.8.7").status_code == 200


def test_passwords_are_hashed_with_argon2(alice):
    alice.refresh_from_db()
    assert alice.password.startswith("argon2")
