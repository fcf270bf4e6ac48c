"""Passwords are hashed with Argon2id at the cost chosen for the server, never below OWASP's minimum; a hash made
with other parameters keeps working and is redone with these at the next sign-in."""

import argon2
import pytest
from django.contrib.auth.hashers import check_password, identify_hasher, make_password
from django.urls import reverse

from minsheng.core.checks import password_hashing
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def test_new_hashes_are_argon2id_with_the_configured_cost(settings):
    assert (settings.ARGON2_MEMORY_KIB, settings.ARGON2_TIME_COST, settings.ARGON2_PARALLELISM) == (19456, 2, 1)
    encoded = make_password("Minsheng@2026")
    assert encoded.startswith("argon2$argon2id$v=19$m=19456,t=2,p=1$")
    assert check_password("Minsheng@2026", encoded) and not check_password("Minsheng@2027", encoded)
    settings.ARGON2_MEMORY_KIB, settings.ARGON2_TIME_COST = 47104, 1
    assert make_password("x").startswith("argon2$argon2id$v=19$m=47104,t=1,p=1$")


def test_a_hash_with_djangos_old_cost_still_signs_in_and_is_redone(client):
    old = "argon2" + argon2.PasswordHasher(time_cost=2, memory_cost=102400, parallelism=8).hash(PASSWORD)
    user = UserFactory(username="older01")
    user.password = old
    user.save(update_fields=["password"])
    assert identify_hasher(old).must_update(old)
    response = client.post(reverse("accounts:login"), {"username": "older01", "password": PASSWORD})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.password.startswith("argon2$argon2id$v=19$m=19456,t=2,p=1$")


@pytest.mark.parametrize(("memory", "passes", "lanes", "refused"), [
    (19456, 2, 1, False), (47104, 1, 1, False), (12288, 3, 1, False), (9216, 4, 1, False), (7168, 5, 1, False),
    (7168, 9, 2, False), (102400, 2, 8, False),
    (19455, 2, 1, True), (19456, 1, 1, True), (8192, 3, 1, True), (7000, 6, 1, True), (19456, 2, 0, True),
])
def test_the_check_refuses_a_cost_below_owasps_minimum(settings, memory, passes, lanes, refused):
    settings.ARGON2_MEMORY_KIB, settings.ARGON2_TIME_COST, settings.ARGON2_PARALLELISM = memory, passes, lanes
    assert [m.id for m in password_hashing()] == (["minsheng.E112"] if refused else [])


def test_the_check_refuses_another_algorithm_first(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    assert [m.id for m in password_hashing()] == ["minsheng.E111"]
