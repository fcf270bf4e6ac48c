import re
import time

import pytest
from django.urls import reverse

from tests.factories import PASSWORD, UserFactory

_CSRF = re.compile(r'(name="csrfmiddlewaretoken" value="|"X-CSRFToken": ")[^"]+')


def normalised_body(response, *replace: str) -> str:
    """The page without what differs between two identical answers: CSRF tokens and the typed username."""
    body = _CSRF.sub(r"\1TOKEN", response.content.decode())
    for value in replace:
        body = body.replace(value, "TYPED")
    return body


def attempt(client, username, password="Wrong-Password-1", **extra):
    return client.post(reverse("accounts:login"), {"username": username, "password": password}, **extra)


@pytest.fixture
def alice(db):
    return UserFactory(username="alice01", email="alice@example.cn")


@pytest.fixture
def password():
    return PASSWORD


class Clock:
    """The time the cache-based counters (rate limits, lockout, cache expiry) see; it moves only when told,
    so that a count never straddles the edge of a rate-limit window."""

    def __init__(self):
        self.now = time.time()

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock(monkeypatch):
    frozen = Clock()
    monkeypatch.setattr(time, "time", lambda: frozen.now)
    return frozen
