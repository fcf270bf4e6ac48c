"""The API's throttles: anonymous callers per client address, signed-in callers per account, the schema's own rate;
a throttled call answers 429 with Retry-After in the API's error format, and a client cannot escape by writing its
own X-Forwarded-For. (Across four gunicorn workers: tests/test_limits_across_workers.py.)"""

import time

import pytest
from django.urls import reverse

from minsheng.core.roles import Role
from tests.factories import user_for_role

pytestmark = pytest.mark.django_db

PUBLIC = "/api/v1/clauses/"


@pytest.fixture(autouse=True)
def frozen_time(monkeypatch):
    """Rate windows are fixed and end at a jittered second: the clock stands still so no count is cut in two."""
    now = time.time()
    monkeypatch.setattr(time, "time", lambda: now)


@pytest.fixture
def rates(settings):
    def set_rates(**scopes):
        settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {
            **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], **scopes}}
    return set_rates


def test_the_production_rates():
    from django.conf import settings

    assert settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"] == {"anon": "120/min", "user": "600/min",
                                                                 "schema": "20/min"}


def test_anonymous_callers_are_throttled_per_address_with_a_429_in_the_api_format(client, rates):
    rates(anon="3/min")
    assert [client.get(PUBLIC).status_code for _ in range(3)] == [200] * 3
    refused = client.get(PUBLIC)
    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= 60
    body = refused.json()
    assert set(body) == {"detail", "request_id"} and body["request_id"] == refused["X-Request-ID"]
    assert body["detail"].startswith("请求已被限流")
    client.cookies["minsheng_language"] = "en"
    assert client.get(PUBLIC).json()["detail"].startswith("Request was throttled")
    # Another address is counted apart.
    assert client.get(PUBLIC, REMOTE_ADDR="10.7.7.7").status_code == 200


def test_a_client_cannot_escape_by_writing_its_own_forwarded_header(client, rates, settings):
    rates(anon="2/min")
    settings.TRUSTED_PROXY_COUNT = 0      # no proxy: X-Forwarded-For is the client's own words, never believed
    for spoof in ["1.1.1.1", "2.2.2.2"]:
        assert client.get(PUBLIC, headers={"X-Forwarded-For": spoof}).status_code == 200
    assert client.get(PUBLIC, headers={"X-Forwarded-For": "3.3.3.3"}).status_code == 429
    settings.TRUSTED_PROXY_COUNT = 1      # one proxy: only the address it appended counts
    for spoof in ["4.4.4.4", "5.5.5.5"]:
        assert client.get(PUBLIC, headers={"X-Forwarded-For": f"{spoof}, 10.8.0.1"}).status_code == 200
    assert client.get(PUBLIC, headers={"X-Forwarded-For": "6.6.6.6, 10.8.0.1"}).status_code == 429
    assert client.get(PUBLIC, headers={"X-Forwarded-For": "10.8.0.2"}).status_code == 200


def test_signed_in_callers_are_throttled_per_account_not_per_address(client, rates):
    rates(anon="1/min", user="3/min")
    first, second = user_for_role(Role.OFFICER), user_for_role(Role.OFFICER)
    client.force_login(first)
    assert [client.get(PUBLIC).status_code for _ in range(3)] == [200] * 3   # above the anonymous rate
    assert client.get(PUBLIC).status_code == 429
    client.force_login(second)                                           # same address, another account
    assert client.get(PUBLIC).status_code == 200


def test_the_schema_has_its_own_rate(client, rates):
    rates(schema="2/min")
    assert [client.get(reverse("api-schema")).status_code for _ in range(2)] == [200, 200]
    assert client.get(reverse("api-schema")).status_code == 429
    assert client.get(PUBLIC).status_code == 200     # the general anonymous quota is not used up


def test_limits_can_be_switched_off_as_a_whole(client, rates, settings):
    rates(anon="1/min")
    settings.RATELIMIT_ENABLE = False
    assert [client.get(PUBLIC).status_code for _ in range(3)] == [200] * 3


def test_a_refused_objection_says_why_in_the_users_language(client):
    from tests.factories.funding import frozen_call, plan_in_notice

    plan = plan_in_notice(frozen_call())
    body = {"plan": plan.pk, "contact": "13800000000", "text": "有异议"}
    answers = [client.post("/api/v1/funding/objections/", body, content_type="application/json")
               for _ in range(11)]
    assert [a.status_code for a in answers] == [201] * 10 + [429]
    assert answers[-1].json()["detail"] == "该地址短时间内提交的异议过多，请稍后再试。"
