"""The second sign-in step for government roles: set-up, codes, replay, lockout, expiry, admin reset."""

import time

import pyotp
import pytest
from django.urls import reverse

from minsheng.accounts import second_factor
from minsheng.accounts.models import SecondFactor
from minsheng.accounts.roles import Role
from minsheng.core.models import AuditEvent
from tests.factories import PASSWORD, user_for_role

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _second_factor_on(settings):
    settings.SECOND_FACTOR_REQUIRED = True


@pytest.fixture
def officer():
    return user_for_role(Role.OFFICER, username="officer9")


def _password(client, user, **extra):
    return client.post(reverse("accounts:login"), {"username": user.username, "password": PASSWORD, **extra})


def _code(user, offset_steps=0):
    device = second_factor.device_for(user)
    return pyotp.TOTP(device.secret).at(time.time() + 30 * offset_steps)


def test_the_right_password_alone_does_not_sign_an_officer_in(client, officer):
    response = _password(client, officer)
    assert response.status_code == 302 and response.url == reverse("accounts:second_factor")
    assert "_auth_user_id" not in client.session
    assert not AuditEvent.objects.filter(action="accounts.login").exists()


def test_first_sign_in_sets_up_the_authenticator_with_a_qr_code_then_signs_in(client, officer):
    _password(client, officer, next=reverse("accounts:profile"))
    page = client.get(reverse("accounts:second_factor"))
    body = page.content.decode()
    assert page.status_code == 200
    assert "<svg" in body and 'data-ms-second-factor="setup"' in body
    device = SecondFactor.objects.get(user=officer)
    assert second_factor.grouped_secret(device) in body
    assert device.confirmed_at is None

    response = client.post(reverse("accounts:second_factor"), {"code": _code(officer)})
    assert response.status_code == 302 and response.url == reverse("accounts:profile")
    assert client.session["_auth_user_id"] == str(officer.pk)
    device.refresh_from_db()
    assert device.confirmed_at is not None
    actions = list(AuditEvent.objects.filter(target_id=str(officer.pk)).values_list("action", flat=True))
    assert "accounts.second_factor.confirm" in actions and "accounts.login" in actions


def test_after_set_up_the_page_asks_only_for_the_code(client, officer):
    _password(client, officer)
    client.post(reverse("accounts:second_factor"), {"code": _code(officer)})
    client.post(reverse("accounts:logout"))
    _password(client, officer)
    body = client.get(reverse("accounts:second_factor")).content.decode()
    assert 'data-ms-second-factor="code"' in body and "<svg" not in body


def test_a_code_is_accepted_once_only(client, officer):
    _password(client, officer)
    code = _code(officer)
    client.post(reverse("accounts:second_factor"), {"code": code})
    client.post(reverse("accounts:logout"))
    _password(client, officer)
    response = client.post(reverse("accounts:second_factor"), {"code": code})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert "已经使用过" in response.content.decode()


def test_the_neighbouring_step_is_accepted_for_clock_drift_but_not_two_steps_away(client, officer):
    _password(client, officer)
    second_factor.device_for(officer)
    far = client.post(reverse("accounts:second_factor"), {"code": _code(officer, offset_steps=3)})
    assert far.status_code == 200 and "_auth_user_id" not in client.session
    near = client.post(reverse("accounts:second_factor"), {"code": _code(officer, offset_steps=-1)})
    assert near.status_code == 302


@pytest.mark.parametrize("code", ["", "12345", "abcdef", "1234567"])
def test_malformed_codes_are_refused_with_a_message(client, officer, code):
    _password(client, officer)
    response = client.post(reverse("accounts:second_factor"), {"code": code})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_wrong_codes_count_towards_the_account_lockout(client, officer, settings):
    _password(client, officer)
    second_factor.device_for(officer)
    for _ in range(settings.LOCKOUT_ACCOUNT_FAILURES):
        response = client.post(reverse("accounts:second_factor"), {"code": "000000"})
    assert "请" in response.content.decode() and "分钟" in response.content.decode()
    # Even the right code is refused while the lock lasts.
    refused = client.post(reverse("accounts:second_factor"), {"code": _code(officer)})
    assert refused.status_code == 200 and "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(action="accounts.lockout").exists()
    assert AuditEvent.objects.filter(action="accounts.login.failure", reason="一次性验证码错误").exists()


def test_the_pending_sign_in_expires(client, officer, monkeypatch):
    _password(client, officer)
    later = time.time() + second_factor.PENDING_SECONDS + 1
    monkeypatch.setattr(second_factor.time, "time", lambda: later)
    response = client.get(reverse("accounts:second_factor"))
    assert response.status_code == 302 and response.url == reverse("accounts:login")


def test_the_page_without_a_password_first_sends_to_sign_in(client):
    response = client.get(reverse("accounts:second_factor"))
    assert response.status_code == 302 and response.url == reverse("accounts:login")


def test_applicants_and_experts_sign_in_with_the_password(client):
    for role in (Role.APPLICANT, Role.EXPERT):
        user = user_for_role(role)
        response = _password(client, user)
        assert response.url == reverse("accounts:home")
        client.post(reverse("accounts:logout"))


def test_when_switched_off_officers_sign_in_with_the_password(client, officer, settings):
    settings.SECOND_FACTOR_REQUIRED = False
    assert _password(client, officer).url == reverse("accounts:home")


def test_admin_reset_removes_the_authenticator_and_records_it(client, officer):
    admin = user_for_role(Role.ADMIN)
    device = second_factor.device_for(officer)
    client.force_login(admin)
    response = client.post(reverse("admin:accounts_user_changelist"),
                           {"action": "reset_second_factor", "_selected_action": [officer.pk]})
    assert response.status_code == 302
    assert not SecondFactor.objects.filter(pk=device.pk).exists()
    event = AuditEvent.objects.get(action="accounts.second_factor.reset")
    assert event.actor_id == admin.pk and event.target_id == str(officer.pk)
