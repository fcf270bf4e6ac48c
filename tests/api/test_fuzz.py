"""Schema-driven fuzzing of the whole API (quality promise 14): Schemathesis generates requests from the OpenAPI
schema, valid and invalid, for every operation; whoever sends them, no answer may be a server error, and every
answer must be what the published schema says: a documented status, media type, headers and body
(tests/api/fuzzing.py names the checks and why the others are left out).

The requests go through Django's test client, so they run against the test database with the permissions of the
role that sends them (nobody, an applicant, an officer). Limits are off: fifty requests a second from one client
are the fuzzer's doing, and the throttles have their own tests (tests/api/test_throttles.py).
"""

import pytest
import schemathesis
from django.test import Client
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, settings

from minsheng.core.roles import Role
from tests.api import fuzzing
from tests.factories import user_for_role

pytestmark = [pytest.mark.django_db, pytest.mark.fuzz]

SCHEMA = schemathesis.openapi.from_dict(SchemaGenerator().get_schema(request=None, public=True))


@pytest.fixture(autouse=True)
def _limits_off(settings):
    settings.RATELIMIT_ENABLE = False


@pytest.fixture(params=["anonymous", Role.APPLICANT, Role.OFFICER])
def api_client(request):
    # A server error is answered as it would be in production (500), so it is counted, not raised in the test.
    client = Client(enforce_csrf_checks=False, raise_request_exception=False)
    if request.param != "anonymous":
        client.user = user_for_role(request.param)
        client.force_login(client.user)
    return client


@SCHEMA.parametrize()
@settings(max_examples=10, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.filter_too_much])
def test_every_answer_is_documented_and_none_is_a_server_error(case, api_client):
    response, sent = fuzzing.send(api_client, case.method, case.formatted_path, query=case.query,
                                  headers=case.headers, body=getattr(case, "body", fuzzing.NOT_SET),
                                  media=case.media_type or "application/json")
    fuzzing.check(case, response, sent)


# --- The hand-made corpus: bodies no generator thinks of, sent to every write operation -----------------------

DEEP = 5000
CORPUS = {
    "deep JSON array": ("[" * DEEP + "]" * DEEP, "application/json"),
    "deep JSON object": ('{"a":' * DEEP + "1" + "}" * DEEP, "application/json"),
    "deep JSON inside a section": ('{"version": 1, "data": {"summary": ' + "[" * DEEP + "]" * DEEP + "}}",
                                   "application/json"),
    "lone surrogate": ('{"title": "ab\\ud800cd", "version": 1, "data": {"summary": "x\\udfff"}}', "application/json"),
    "lone surrogate in a key": ('{"version": 1, "data": {"\\ud800": "x"}}', "application/json"),
    "NUL": ('{"title": "a\\u0000b", "version": 1, "data": {"summary": "\\u0000"}, "reason": "\\u0000"}',
            "application/json"),
    "NUL in a form": ("title=a%00b&reason=%00&version=1", "application/x-www-form-urlencoded"),
    "surrogate bytes in a form": ("title=%ED%A0%80&reason=%ED%A0%80", "application/x-www-form-urlencoded"),
    "huge integer": ('{"version": 123456789012345678901234567890, "call": 99999999999999999999999}',
                     "application/json"),
    "integer of 5,000 digits": ('{"version": ' + "9" * 5000 + "}", "application/json"),
    "infinite number": ('{"version": 1e999, "call": -1e999}', "application/json"),
    "NaN": ('{"version": NaN, "call": Infinity}', "application/json"),
    "wrong types": ('{"version": "x", "data": [], "call": {"a": 1}, "title": 5, "reason": []}', "application/json"),
    "a list for an object": ("[1, 2, 3]", "application/json"),
    "a bare string": ('"text"', "application/json"),
    "null": ("null", "application/json"),
    "Arabic-Indic digits": ('{"version": "١", "call": "٣", "data": {"budget": {"equipment": "١٢"}}}',
                            "application/json"),
    "full-width digits": ('{"version": "１", "call": "３", "data": {"budget": {"equipment": "１２.５"}}}',
                          "application/json"),
    "giant string": ('{"title": "' + "长" * 200_000 + '", "reason": "' + "a" * 50_000 + '"}', "application/json"),
    "body over the size limit": ('{"title": "' + "a" * 3_000_000 + '"}', "application/json"),
    "invalid UTF-8": (b'{"title": "\xff\xfe"}', "application/json"),
    "XML": ("<a><b>1</b></a>", "application/xml"),
    "plain text": ("version=1", "text/plain"),
    "multipart without a boundary": ("--x\r\n", "multipart/form-data"),
    "empty JSON": ("", "application/json"),
}
WRITES = [(path, method.upper()) for path, operations in SCHEMA.raw_schema["paths"].items()
          for method in operations if method in {"post", "put", "patch", "delete"}]


@pytest.fixture
def corpus_world(api_client):
    """Path parameters that reach the views: the id of a draft the applicant owns (others see it as 404)."""
    from minsheng.applications.models import Application
    from tests.factories.applications import ApplicationFactory
    from tests.factories.calls import CallFactory

    user = getattr(api_client, "user", None)
    organisation = getattr(user, "organisation", None)
    draft = ApplicationFactory(call=CallFactory(state="published"),
                               **({"organisation": organisation} if organisation else {}))
    assert draft.state == Application.State.DRAFT
    return {"id": draft.pk, "section": "budget", "code": "MS-2026-AAAAAAA"}


@pytest.mark.parametrize(("path", "method"), WRITES, ids=[f"{m} {p}" for p, m in WRITES])
def test_no_nasty_body_makes_a_write_fail(path, method, api_client, corpus_world):
    operation = SCHEMA[path][method]
    parameters = {name: corpus_world.get(name, 1) for name in _path_names(path)}
    target = path.format(**parameters)
    problems = []
    for name, (body, media) in CORPUS.items():
        response, sent = fuzzing.send(api_client, method, target, body=body, media=media)
        try:
            fuzzing.check(operation.Case(path_parameters=parameters), response, sent)
        except fuzzing.FAILURES as failure:
            problems.append(f"{name}: {response.status_code} {failure}")
    assert not problems, f"{method} {target}:\n" + "\n".join(problems)


def _path_names(path: str) -> list[str]:
    return [part[1:-1] for part in path.split("/") if part.startswith("{")]
