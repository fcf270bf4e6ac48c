"""The second sign-in step for government roles: set-up, codes, replay, lockout, expiry, admin reset."""

import time

import pyotp
import pytest
from django.urls import reverse

from minsheng.accounts import second_factor
from minsheng.accounts.models import RecoveryCode, SecondFactor
from minsheng.core.models import AuditEvent
from minsheng.core.roles import Role
from tests.factories import PASSWORD, sign_in_past_second_factor, user_for_role

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
    # Signed in; the recovery codes are shown once, then on to where the officer was going.
    assert response.status_code == 200 and "data-ms-recovery-codes" in response.content.decode()
    assert f'href="{reverse("accounts:profile")}" data-ms-continue' in response.content.decode()
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
    client.post(reverse("accounts:second_factor"), {"code": _code(officer, offset_steps=-1)})
    assert client.session["_auth_user_id"] == str(officer.pk)


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
    lock = AuditEvent.objects.get(action="accounts.lockout")
    assert lock.target_id == str(officer.pk)
    failures = AuditEvent.objects.filter(action="accounts.second_factor.failure", target_id=str(officer.pk))
    assert failures.count() == settings.LOCKOUT_ACCOUNT_FAILURES
    assert {event.reason for event in failures} == {"一次性验证码错误"}
    assert AuditEvent.objects.filter(action="accounts.login.refused", target_id=str(officer.pk)).exists()


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


def test_the_password_step_is_recorded_before_the_code(client, officer):
    _password(client, officer)
    event = AuditEvent.objects.get(action="accounts.login.password_accepted")
    assert event.target_id == str(officer.pk) and event.actor_id is None


def test_signing_in_records_how_the_second_step_was_passed(client, officer):
    _password(client, officer)
    client.post(reverse("accounts:second_factor"), {"code": _code(officer)})
    event = AuditEvent.objects.get(action="accounts.login")
    assert event.actor_id == officer.pk and event.new == {"second_factor": "authenticator"}


def _reset(client, admin, user, reason):
    sign_in_past_second_factor(client, admin)  # the admin's own sign-in is tested in test_admin_sign_in.py
    return client.post(reverse("admin:accounts_user_changelist"), {
        "action": "reset_second_factor", "_selected_action": [user.pk], "apply": "yes", "reason": reason})


def test_admin_reset_asks_for_a_reason_first(client, officer):
    admin = user_for_role(Role.ADMIN)
    device = second_factor.device_for(officer)
    sign_in_past_second_factor(client, admin)
    page = client.post(reverse("admin:accounts_user_changelist"),
                       {"action": "reset_second_factor", "_selected_action": [officer.pk]})
    assert page.status_code == 200 and 'name="reason"' in page.content.decode()
    empty = _reset(client, admin, officer, "   ")
    assert empty.status_code == 200 and "请说明重置的原因" in empty.content.decode()
    assert SecondFactor.objects.filter(pk=device.pk).exists()
    assert not AuditEvent.objects.filter(action="accounts.second_factor.reset").exists()


def test_admin_reset_removes_the_authenticator_and_codes_and_records_who_whom_and_why(client, officer):
    admin = user_for_role(Role.ADMIN)
    _password(client, officer)
    client.post(reverse("accounts:second_factor"), {"code": _code(officer)})  # set up, with recovery codes
    client.post(reverse("accounts:logout"))
    assert RecoveryCode.objects.filter(device__user=officer).count() == second_factor.RECOVERY_CODE_COUNT

    response = _reset(client, admin, officer, "手机遗失，已电话核实本人")
    assert response.status_code == 302
    assert not SecondFactor.objects.filter(user=officer).exists()
    assert not RecoveryCode.objects.filter(device__user=officer).exists()
    event = AuditEvent.objects.get(action="accounts.second_factor.reset")
    assert event.actor_id == admin.pk and event.target_id == str(officer.pk)
    assert event.reason == "手机遗失，已电话核实本人"
    assert event.old["recovery_codes_left"] == second_factor.RECOVERY_CODE_COUNT and event.old["set_up_at"]

    # The person sets up a new authenticator at the next sign-in.
    client.post(reverse("accounts:logout"))
    _password(client, officer)
    assert 'data-ms-second-factor="setup"' in client.get(reverse("accounts:second_factor")).content.decode()


def test_a_session_signed_in_with_a_reset_authenticator_ends(client, officer):
    admin = user_for_role(Role.ADMIN)
    _password(client, officer)
    client.post(reverse("accounts:second_factor"), {"code": _code(officer)})
    assert client.get(reverse("accounts:home")).status_code == 200
    second_factor.reset(officer, by=admin, reason="stolen phone")
    response = client.get(reverse("accounts:home"))
    assert response.status_code == 302 and response.url.startswith(reverse("accounts:login"))
    assert "_auth_user_id" not in client.session


def test_only_those_who_may_change_users_can_reset(client, officer):
    auditor = user_for_role(Role.AUDITOR, is_staff=True)
    device = second_factor.device_for(officer)
    sign_in_past_second_factor(client, auditor)
    client.post(reverse("admin:accounts_user_changelist"), {
        "action": "reset_second_factor", "_selected_action": [officer.pk], "apply": "yes", "reason": "try"})
    assert SecondFactor.objects.filter(pk=device.pk).exists()
