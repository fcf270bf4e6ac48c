"""Logout (POST only, audited) and the idle timeout driven by SESSION_COOKIE_AGE, pushed forward at most once every
SESSION_REFRESH_SECONDS."""

import datetime

import pytest
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from minsheng.core import clock
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


def _remaining(client) -> float:
    return (_session_row(client).expire_date - timezone.now()).total_seconds()


def test_a_request_pushes_the_idle_deadline_forward(client, alice, settings):
    assert settings.SESSION_COOKIE_AGE == 1800
    client.force_login(alice)
    Session.objects.filter(session_key=client.session.session_key).update(
        expire_date=timezone.now() + datetime.timedelta(seconds=60))
    assert client.get(reverse("accounts:home")).status_code == 200
    assert 1790 < _remaining(client) <= 1800


def test_reads_write_the_session_at_most_once_a_minute(client, alice, settings):
    """The deadline moves at most once every SESSION_REFRESH_SECONDS, so most reads write nothing and still work
    while the database takes no writes; a session still ends at most SESSION_COOKIE_AGE after the last push."""
    assert settings.SESSION_REFRESH_SECONDS == 60
    client.force_login(alice)
    home = reverse("accounts:home")
    assert client.get(home).status_code == 200                      # the first request pushes
    pushed = _session_row(client).expire_date
    soon = timezone.now() + datetime.timedelta(seconds=settings.SESSION_REFRESH_SECONDS - 5)
    with clock.reading(soon), CaptureQueriesContext(connection) as queries:
        assert client.get(home).status_code == 200
    writes = [q["sql"] for q in queries if "django_session" in q["sql"] and not q["sql"].startswith("SELECT")]
    assert writes == [] and _session_row(client).expire_date == pushed
    later = timezone.now() + datetime.timedelta(seconds=settings.SESSION_REFRESH_SECONDS + 1)
    Session.objects.filter(session_key=client.session.session_key).update(
        expire_date=timezone.now() + datetime.timedelta(seconds=600))
    with clock.reading(later):
        assert client.get(home).status_code == 200                  # a minute on: pushed again
    assert 1790 < _remaining(client) <= 1800


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
