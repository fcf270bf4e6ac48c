import re

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
