"""Recovery codes: shown once at set-up, stored as keyed digests, each usable once in place of the authenticator's
code (through the same lockout), counted for their owner, replaced as a set, every use and new set recorded."""

import re
import time

import pyotp
import pytest
from django.db import connection
from django.urls import reverse

from minsheng.accounts import second_factor
from minsheng.accounts.models import RecoveryCode
from minsheng.core.models import AuditEvent
from minsheng.core.roles import Role
from tests.factories import PASSWORD, user_for_role

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _second_factor_on(settings):
    settings.SECOND_FACTOR_REQUIRED = True


@pytest.fixture
def finance():
    return user_for_role(Role.FINANCE, username="finance9")


def _password(client, user):
    return client.post(reverse("accounts:login"), {"username": user.username, "password": PASSWORD})


def _codes_from(response) -> list[str]:
    return re.findall(r"data-ms-code>([^<]+)<", response.content.decode())


def _set_up(client, user) -> list[str]:
    """The first sign-in: password, QR code, first code; returns the recovery codes the page shows."""
    _password(client, user)
    client.get(reverse("accounts:second_factor"))
    code = pyotp.TOTP(second_factor.device_for(user).secret).at(time.time())
    response = client.post(reverse("accounts:second_factor"), {"code": code})
    client.post(reverse("accounts:logout"))
    return _codes_from(response)


def test_set_up_shows_ten_distinct_codes_once_and_keeps_only_digests(client, finance):
    codes = _set_up(client, finance)
    assert len(codes) == len(set(codes)) == second_factor.RECOVERY_CODE_COUNT
    assert all(len(code) == 11 and code[5] == "-" for code in codes)
    stored = list(RecoveryCode.objects.filter(device__user=finance).values_list("digest", flat=True))
    assert len(stored) == 10
    with connection.cursor() as cursor:
        cursor.execute("SELECT digest FROM accounts_recoverycode")
        raw = " ".join(row[0] for row in cursor.fetchall())
    for code in codes:
        assert code not in raw and code.replace("-", "") not in raw
    event = AuditEvent.objects.get(action="accounts.recovery_codes.generate")
    assert event.actor_id == finance.pk and event.new["recovery_codes"] == 10


def test_a_recovery_code_signs_in_once_instead_of_the_authenticator(client, finance):
    codes = _set_up(client, finance)
    _password(client, finance)
    response = client.post(reverse("accounts:second_factor"), {"code": codes[3]}, follow=True)
    assert client.session["_auth_user_id"] == str(finance.pk)
    assert "还剩 9 个恢复码" in response.content.decode()
    event = AuditEvent.objects.get(action="accounts.recovery_code.use")
    assert event.target_id == str(finance.pk) and event.new == {"recovery_codes_left": 9}
    login = AuditEvent.objects.filter(action="accounts.login").latest("seq")
    assert login.new == {"second_factor": "recovery_code"}

    client.post(reverse("accounts:logout"))
    _password(client, finance)
    again = client.post(reverse("accounts:second_factor"), {"code": codes[3]})
    assert again.status_code == 200 and "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(action="accounts.second_factor.failure").count() == 1


@pytest.mark.parametrize("typed", [lambda c: c.upper(), lambda c: c.replace("-", ""), lambda c: f" {c[:5]} {c[6:]} "])
def test_a_recovery_code_is_read_as_people_copy_it(client, finance, typed):
    codes = _set_up(client, finance)
    _password(client, finance)
    client.post(reverse("accounts:second_factor"), {"code": typed(codes[0])})
    assert client.session["_auth_user_id"] == str(finance.pk)


def test_wrong_recovery_codes_count_towards_the_lockout(client, finance, settings):
    codes = _set_up(client, finance)
    _password(client, finance)
    for _ in range(settings.LOCKOUT_ACCOUNT_FAILURES):
        client.post(reverse("accounts:second_factor"), {"code": "abcde-fghjk"})
    refused = client.post(reverse("accounts:second_factor"), {"code": codes[0]})
    assert refused.status_code == 200 and "_auth_user_id" not in client.session
    assert RecoveryCode.objects.filter(device__user=finance, used_at__isnull=True).count() == 10
    assert AuditEvent.objects.filter(action="accounts.lockout", target_id=str(finance.pk)).exists()


def test_another_users_recovery_code_does_not_work(client, finance):
    codes = _set_up(client, finance)
    other = user_for_role(Role.AUDITOR, username="auditor9")
    _set_up(client, other)
    _password(client, other)
    client.post(reverse("accounts:second_factor"), {"code": codes[0]})
    assert "_auth_user_id" not in client.session


def test_the_security_page_counts_the_codes_left_and_makes_a_new_set(client, finance):
    old = _set_up(client, finance)
    _password(client, finance)
    client.post(reverse("accounts:second_factor"), {"code": old[0]})
    page = client.get(reverse("accounts:security"))
    assert '<dd class="col-6" data-ms-codes-left>9</dd>' in page.content.decode()

    response = client.post(reverse("accounts:security"), {"password": PASSWORD})
    new = _codes_from(response)
    assert len(new) == 10 and not set(new) & set(old)
    assert RecoveryCode.objects.filter(device__user=finance).count() == 10
    event = AuditEvent.objects.filter(action="accounts.recovery_codes.generate").latest("seq")
    assert event.actor_id == finance.pk and event.new == {"recovery_codes": 10, "unused_codes_replaced": 9}

    client.post(reverse("accounts:logout"))
    _password(client, finance)
    client.post(reverse("accounts:second_factor"), {"code": old[1]})
    assert "_auth_user_id" not in client.session  # the old set no longer works
    client.post(reverse("accounts:second_factor"), {"code": new[1]})
    assert client.session["_auth_user_id"] == str(finance.pk)


def test_a_new_set_needs_the_password_and_wrong_ones_count_towards_the_lockout(client, finance, settings):
    old = _set_up(client, finance)
    _password(client, finance)
    client.post(reverse("accounts:second_factor"), {"code": old[0]})
    response = client.post(reverse("accounts:security"), {"password": "Not-The-Password-1"})
    assert response.status_code == 200 and "密码不正确" in response.content.decode()
    assert "data-ms-code>" not in response.content.decode()
    assert RecoveryCode.objects.filter(device__user=finance, used_at__isnull=True).count() == 9
    for _ in range(settings.LOCKOUT_ACCOUNT_FAILURES - 1):
        client.post(reverse("accounts:security"), {"password": "Not-The-Password-1"})
    locked = client.post(reverse("accounts:security"), {"password": PASSWORD})
    assert "data-ms-code>" not in locked.content.decode() and "分钟" in locked.content.decode()
    assert AuditEvent.objects.filter(action="accounts.lockout", target_label=finance.username).exists()


def test_roles_without_a_second_factor_see_that_they_have_none(client):
    applicant = user_for_role(Role.APPLICANT)
    client.force_login(applicant)
    page = client.get(reverse("accounts:security"))
    assert page.status_code == 200 and "不需要第二步验证" in page.content.decode()
    refused = client.post(reverse("accounts:security"), {"password": PASSWORD})
    assert refused.status_code == 200 and "data-ms-code>" not in refused.content.decode()
    assert not RecoveryCode.objects.exists()


def test_a_recovery_code_is_refused_before_the_authenticator_is_set_up(client, finance):
    _password(client, finance)
    client.get(reverse("accounts:second_factor"))
    response = client.post(reverse("accounts:second_factor"), {"code": "abcde-fghjk"})
    assert response.status_code == 200 and "_auth_user_id" not in client.session
