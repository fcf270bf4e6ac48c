"""Authenticator secrets at rest: encrypted with a key kept outside the database, read back in clear, encrypted by
the migration where they were stored in clear, and still readable while a key is being replaced."""

import time

import pyotp
import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

from minsheng.accounts import crypto, second_factor
from minsheng.accounts.models import SecondFactor
from minsheng.core.roles import Role
from tests.factories import PASSWORD, user_for_role

BEFORE = ("accounts", "0004_second_factor")
AFTER = ("accounts", "0005_second_factor_secrets_encrypted_recovery_codes")


def _column(device_pk) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT secret_encrypted FROM accounts_secondfactor WHERE id = %s", [device_pk])
        return cursor.fetchone()[0]


@pytest.mark.django_db
def test_the_database_column_does_not_hold_the_secret():
    officer = user_for_role(Role.OFFICER)
    device = second_factor.device_for(officer)
    secret = SecondFactor.objects.get(pk=device.pk).secret
    assert len(secret) == 32 and set(secret) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
    stored = _column(device.pk)
    assert secret not in stored and secret.lower() not in stored.lower()
    assert crypto.decrypt(stored) == secret


@pytest.mark.django_db
def test_the_same_secret_encrypts_differently_each_time():
    assert crypto.encrypt("JBSWY3DPEHPK3PXP") != crypto.encrypt("JBSWY3DPEHPK3PXP")


@pytest.mark.django_db
def test_another_key_cannot_read_the_secrets_and_says_what_to_do(settings):
    device = second_factor.device_for(user_for_role(Role.AUDITOR))
    settings.SECOND_FACTOR_KEY = "a-different-key-" + "x" * 40
    with pytest.raises(ImproperlyConfigured, match="SECOND_FACTOR_KEY"):
        SecondFactor.objects.get(pk=device.pk).secret  # noqa: B018


@pytest.mark.django_db
def test_a_replaced_key_still_reads_and_the_next_sign_in_moves_the_secret_to_the_new_key(client, settings):
    settings.SECOND_FACTOR_REQUIRED = True
    officer = user_for_role(Role.OFFICER, username="rotate01")
    old_key = settings.SECOND_FACTOR_KEY
    device = second_factor.device_for(officer)
    secret = device.secret
    settings.SECOND_FACTOR_KEY = f"the-new-key-{'y' * 40},{old_key}"
    assert SecondFactor.objects.get(pk=device.pk).secret == secret

    client.post(reverse("accounts:login"), {"username": "rotate01", "password": PASSWORD})
    client.post(reverse("accounts:second_factor"), {"code": pyotp.TOTP(secret).at(time.time())})
    assert client.session["_auth_user_id"] == str(officer.pk)
    settings.SECOND_FACTOR_KEY = f"the-new-key-{'y' * 40}"  # the old key retired
    assert SecondFactor.objects.get(pk=device.pk).secret == secret


@pytest.mark.django_db(transaction=True)
def test_the_migration_encrypts_secrets_stored_in_clear_and_going_back_decrypts_them():
    officer = user_for_role(Role.OFFICER, username="migrate01")
    executor = MigrationExecutor(connection)
    executor.migrate([BEFORE])
    old = executor.loader.project_state([BEFORE]).apps.get_model("accounts", "SecondFactor")
    old.objects.create(user_id=officer.pk, secret="JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP", last_step=0)

    executor = MigrationExecutor(connection)
    executor.migrate([AFTER])
    device = SecondFactor.objects.get(user=officer)
    assert "JBSWY3DP" not in _column(device.pk)
    assert device.secret == "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"

    executor = MigrationExecutor(connection)
    executor.migrate([BEFORE])
    with connection.cursor() as cursor:
        cursor.execute("SELECT secret FROM accounts_secondfactor WHERE user_id = %s", [officer.pk])
        assert cursor.fetchone()[0] == "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
