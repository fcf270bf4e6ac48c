"""Logout (POST only, audited) and the idle timeout driven by SESSION_COOKIE_AGE."""

import datetime

import pytest
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone

from minsheng.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def _session_row(client):
    return Session.objects.get(session_key=client.session.session_key)


def test_logout_is_post_only_and_recorded(client, alice):
    client.force_login(alice)
    assert client.get(reverse("accounts:logout")).status_code == 405
    assert "_auth_user_id" in client.session
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert response.url == reverse("portal:index")
    assert "_auth_user_id" not in client.session
    event = AuditEvent.objects.get(action="accounts.logout")
    assert event.actor_id == alice.pk
    assert client.get(reverse("accounts:home")).status_code == 302


def test_anonymous_logout_records_nothing(client):
    assert client.post(reverse("accounts:logout")).status_code == 302
    assert not AuditEvent.objects.filter(action="accounts.logout").exists()


def test_every_request_pushes_the_idle_deadline_forward(client, alice, settings):
    assert settings.SESSION_COOKIE_AGE == 1800
    assert settings.SESSION_SAVE_EVERY_REQUEST
    client.force_login(alice)
    Session.objects.filter(session_key=client.session.session_key).update(
        expire_date=timezone.now() + datetime.timedelta(seconds=60))
    assert client.get(reverse("accounts:home")).status_code == 200
    remaining = (_session_row(client).expire_date - timezone.now()).total_seconds()
    assert 1790 < remaining <= 1800


def test_a_session_idle_longer_than_the_timeout_is_signed_out(client, alice, settings):
    client.force_login(alice)
    assert client.get(reverse("accounts:home")).status_code == 200
    # The last request was SESSION_COOKIE_AGE + 1 seconds ago: its deadline has passed.
    last_activity = timezone.now() - datetime.timedelta(seconds=settings.SESSION_COOKIE_AGE + 1)
    Session.objects.filter(session_key=client.session.session_key).update(
        expire_date=last_activity + datetime.timedelta(seconds=settings.SESSION_COOKIE_AGE))
    response = client.get(reverse("accounts:home"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def test_a_session_idle_just_under_the_timeout_is_kept(client, alice, settings):
    client.force_login(alice)
    last_activity = timezone.now() - datetime.timedelta(seconds=settings.SESSION_COOKIE_AGE - 30)
    Session.objects.filter(session_key=client.session.session_key).update(
        expire_date=last_activity + datetime.timedelta(seconds=settings.SESSION_COOKIE_AGE))
    assert client.get(reverse("accounts:home")).status_code == 200
