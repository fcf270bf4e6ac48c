"""Password change (signed in) and reset by e-mail."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from minsheng.core import personal
from minsheng.core.models import AuditEvent
from tests.accounts.conftest import attempt

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Brand-New-Secret-2026"


def test_change_password_needs_the_old_one(client, alice):
    client.force_login(alice)
    response = client.post(reverse("accounts:password_change"), {
        "old_password": "not-it", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response.status_code == 200
    assert "旧密码不正确" in response.content.decode()
    alice.refresh_from_db()
    assert not alice.check_password(NEW_PASSWORD)
    assert not AuditEvent.objects.filter(action="accounts.password.change").exists()


def test_change_password_sets_an_argon2_hash_keeps_the_session_and_is_recorded(client, alice, password):
    client.force_login(alice)
    response = client.post(reverse("accounts:password_change"), {
        "old_password": password, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response.status_code == 302
    assert response.url == reverse("accounts:password_change_done")
    alice.refresh_from_db()
    assert alice.password.startswith("argon2")
    assert alice.check_password(NEW_PASSWORD)
    assert client.get(reverse("accounts:home")).status_code == 200  # still signed in
    event = AuditEvent.objects.get(action="accounts.password.change")
    assert event.actor_id == alice.pk and event.target_id == str(alice.pk)
    assert "password" not in (event.new or {})


def test_change_password_applies_the_validators(client, alice, password):
    client.force_login(alice)
    response = client.post(reverse("accounts:password_change"), {
        "old_password": password, "new_password1": "short1", "new_password2": "short1"})
    assert response.status_code == 200
    codes = [e.code for e in response.context["form"].errors.as_data()["new_password2"]]
    assert "password_too_short" in codes
    alice.refresh_from_db()
    assert alice.check_password(password)


def test_short_password_message_is_in_the_page_language():
    from django.utils import translation

    from minsheng.accounts.password_validation import MinimumLengthValidator

    validator = MinimumLengthValidator(min_length=10)
    with translation.override("zh-hans"):
        assert validator.get_error_message() == "密码长度太短。密码必须包含至少 10 个字符。"
    with translation.override("en"):
        assert validator.get_error_message() == "This password is too short. It must contain at least 10 characters."


def test_change_password_page_needs_sign_in(client):
    response = client.get(reverse("accounts:password_change"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def _reset_link(message) -> str:
    return re.search(r"https?://[^/]+(/accounts/password/reset/\S+/)", message.body).group(1)


def test_reset_sends_a_mail_whose_link_sets_a_new_password(client, alice, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("accounts:password_reset"), {"email": "ALICE@example.cn"})
    assert response.status_code == 302
    assert response.url == reverse("accounts:password_reset_done")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["alice@example.cn"]
    assert "设置民生科技平台账号的新密码" in message.subject
    assert "alice01" in message.body

    confirm = client.get(_reset_link(message))
    assert confirm.status_code == 302  # Django moves the token out of the URL into the session
    form_page = client.get(confirm.url)
    assert form_page.status_code == 200
    assert "data-ms-password-set" in form_page.content.decode()
    done = client.post(confirm.url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert done.status_code == 302
    assert done.url == reverse("accounts:password_reset_complete")
    alice.refresh_from_db()
    assert alice.check_password(NEW_PASSWORD)
    assert alice.password.startswith("argon2")
    assert attempt(client, "alice01", NEW_PASSWORD).status_code == 302
    assert AuditEvent.objects.filter(action="accounts.password_reset.request", target_id=str(alice.pk)).exists()
    assert AuditEvent.objects.filter(action="accounts.password_reset.complete", actor_id=alice.pk).exists()

    # The link works once.
    client.post(reverse("accounts:logout"))
    again = client.get(_reset_link(message))
    assert again.status_code == 200
    assert "data-ms-reset-invalid" in again.content.decode()


def test_reset_for_an_unknown_email_sends_nothing_and_answers_the_same(client, alice,
                                                                       django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        known = client.post(reverse("accounts:password_reset"), {"email": "alice@example.cn"})
        unknown = client.post(reverse("accounts:password_reset"), {"email": "nobody@example.cn"})
    assert len(mail.outbox) == 1
    assert (known.status_code, known.url) == (unknown.status_code, unknown.url)
    event = AuditEvent.objects.get(action="accounts.password_reset.request", target_id="")
    # The typed address is kept as a token: repeated requests for it can be told apart, the address cannot be read.
    assert "nobody@example.cn" not in event.target_label and personal.TOKEN.fullmatch(event.target_label)
    assert event.target_label == personal.Tokens().token("nobody@example.cn")


def test_reset_mail_in_english_for_an_english_page(client, alice, django_capture_on_commit_callbacks):
    client.cookies["minsheng_language"] = "en"
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("accounts:password_reset"), {"email": "alice@example.cn"})
    assert mail.outbox[0].subject == "Choose a new password for the livelihood S&T platform"
    assert "open this link within two hours" in mail.outbox[0].body


def test_reset_mails_to_one_address_are_limited_without_telling(client, alice, clock,
                                                                  django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        answers = [client.post(reverse("accounts:password_reset"), {"email": "alice@example.cn"},
                               REMOTE_ADDR=f"10.0.0.{n}") for n in range(5)]
    assert len(mail.outbox) == 3
    assert {(a.status_code, a.url) for a in answers} == {(302, reverse("accounts:password_reset_done"))}
    throttled = AuditEvent.objects.filter(action="accounts.password_reset.request").exclude(reason="")
    assert throttled.count() == 2


def test_reset_requests_are_rate_limited_per_address(client, clock):
    for number in range(10):
        response = client.post(reverse("accounts:password_reset"), {"email": f"someone{number}@example.cn"})
        assert response.status_code == 302
    assert client.post(reverse("accounts:password_reset"), {"email": "x@example.cn"}).status_code == 429


def test_a_completed_reset_lifts_the_account_lock(client, alice, django_capture_on_commit_callbacks):
    for _ in range(5):
        attempt(client, "alice01")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("accounts:password_reset"), {"email": "alice@example.cn"})
    confirm = client.get(_reset_link(mail.outbox[0]))
    client.post(confirm.url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert attempt(client, "alice01", NEW_PASSWORD).status_code == 302


def test_invalid_reset_link_shows_the_invalid_page(client):
    response = client.get(reverse("accounts:password_reset_confirm", kwargs={"uidb64": "MQ", "token": "bad-token"}))
    assert response.status_code == 200
    assert "data-ms-reset-invalid" in response.content.decode()
