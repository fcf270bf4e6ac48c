"""Schema-driven fuzzing of the whole API (quality promise 14): Schemathesis generates requests from the OpenAPI
schema, valid and invalid, for every operation; none may answer with a server error, whoever sends it.

The requests go through Django's test client, so they run against the test database with the permissions of the
role that sends them (nobody, an applicant, an officer); writes carry the CSRF token, so they reach the views.
"""

import json
from urllib.parse import urlencode

import pytest
import schemathesis
from django.test import Client
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, settings

from minsheng.accounts.roles import Role
from tests.factories import user_for_role

pytestmark = pytest.mark.django_db

SCHEMA = schemathesis.openapi.from_dict(SchemaGenerator().get_schema(request=None, public=True))
NOT_SET = object()


@pytest.fixture(params=["anonymous", Role.APPLICANT, Role.OFFICER])
def api_client(request):
    client = Client(enforce_csrf_checks=False)
    if request.param != "anonymous":
        client.force_login(user_for_role(request.param))
    return client


def _send(client: Client, case):
    path = case.formatted_path
    if case.query:
        path += "?" + urlencode(case.query, doseq=True)
    body = getattr(case, "body", NOT_SET)
    kwargs = {}
    if body is not NOT_SET and body is not None and type(body).__name__ != "NotSet":
        kwargs = _encoded(body, case.media_type or "application/json")
    headers = {k: v for k, v in (case.headers or {}).items() if k.lower() not in {"cookie", "host", "content-type"}}
    return client.generic(case.method, path, headers=headers, **kwargs)


def _encoded(body, media: str) -> dict:
    """The body as the wire carries it: raw bytes and text as generated, structures in the media type's encoding."""
    if isinstance(body, (bytes, str)):
        return {"data": body, "content_type": media}
    if isinstance(body, dict) and ("multipart" in media or "x-www-form-urlencoded" in media):
        fields = {key: value for key, value in body.items() if value is not None}   # a form cannot carry null
        if "multipart" in media:
            return {"data": encode_multipart(BOUNDARY, fields), "content_type": MULTIPART_CONTENT}
        return {"data": urlencode(fields, doseq=True), "content_type": media}
    return {"data": json.dumps(body, default=lambda value: value.decode("latin-1")), "content_type": media}


@SCHEMA.parametrize()
@settings(max_examples=10, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.filter_too_much])
def test_no_request_makes_the_api_fail(case, api_client):
    response = _send(api_client, case)
    assert response.status_code < 500, (
        f"{case.method} {case.formatted_path} query={case.query!r} answered {response.status_code}")
