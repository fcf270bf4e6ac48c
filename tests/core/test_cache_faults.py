"""A shared cache (Redis) that does not answer is a passing fault like a database out of reach: sign-in answers 503
"try again in a moment" in the user's language, never a 500, and /healthz tells the load balancer which part is
not ready."""

import pytest
import redis.exceptions
from django.urls import reverse

from minsheng.core import faults

pytestmark = pytest.mark.django_db
# A port where nothing listens: redis-py's connection is refused at once.
NOBODY = "redis://127.0.0.1:9/0"


@pytest.fixture
def cache_down(settings):
    """The shared cache is Redis at an address where nothing answers."""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": NOBODY,
                                   "OPTIONS": {"socket_connect_timeout": 1}}}


def test_redis_errors_of_reach_are_passing_faults_and_others_are_not():
    assert faults.unavailable_reason(redis.exceptions.ConnectionError("refused")) == faults.UNREACHABLE
    assert faults.unavailable_reason(redis.exceptions.TimeoutError("slow")) == faults.UNREACHABLE
    assert faults.unavailable_reason(redis.exceptions.ResponseError("WRONGTYPE")) is None


def test_healthz_names_the_cache_when_it_does_not_answer(client, cache_down):
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "cache": "unreachable"}
    assert response["Retry-After"]
    assert client.get(reverse("livez")).status_code == 200

