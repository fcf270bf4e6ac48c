"""The fuzz stage's plumbing: requests sent through Django's test client, their answers handed to Schemathesis's
response checks, and the counts the stage prints (tests/api/conftest.py): requests sent, server errors, answers
that do not match the published schema."""

import json
from dataclasses import asdict, dataclass
from urllib.parse import urlencode

import requests
from django.test import Client
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import Failure, FailureGroup
from schemathesis.core.transport import Response
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

# What an answer must be, for every request the stage sends: never a server error, a status the operation
# documents (api/schema.py adds the shared error answers), the documented media type and headers, and a body
# that matches the documented schema. Left out: Schemathesis's checks that judge what a request should have been
# answered (negative_data_rejection, positive_data_acceptance, missing_required_header, ignored_auth, ...):
# they send requests of their own through `requests`, outside the test client and its session, or expect a
# refusal for values the API reads leniently on purpose (unknown query parameters are ignored).
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_headers_conformance,
          response_schema_conformance]
NOT_SET = object()
FAILURES = (Failure, FailureGroup)


@dataclass
class Counts:
    requests: int = 0
    server_errors: int = 0
    mismatches: int = 0

    def add(self, other: dict) -> None:
        for name, value in other.items():
            setattr(self, name, getattr(self, name) + value)

    def as_dict(self) -> dict:
        return asdict(self)


COUNTS = Counts()


def encoded(body, media: str) -> dict:
    """The body as the wire carries it: raw bytes and text as generated, structures in the media type's encoding."""
    if isinstance(body, (bytes, str)):
        return {"data": body, "content_type": media}
    if isinstance(body, dict) and ("multipart" in media or "x-www-form-urlencoded" in media):
        fields = {key: value for key, value in body.items() if value is not None}   # a form cannot carry null
        if "multipart" in media:
            return {"data": encode_multipart(BOUNDARY, fields), "content_type": MULTIPART_CONTENT}
        return {"data": urlencode(fields, doseq=True), "content_type": media}
    return {"data": json.dumps(body, default=lambda value: value.decode("latin-1")), "content_type": media}


def send(client: Client, method: str, path: str, *, query=None, headers=None, body=NOT_SET,
         media: str = "application/json"):
    """One request through the test client; returns Django's answer and the request as Schemathesis reads it."""
    if query:
        path += "?" + urlencode(query, doseq=True)
    kwargs = {} if body is NOT_SET or body is None or type(body).__name__ == "NotSet" else encoded(body, media)
    headers = {k: v for k, v in (headers or {}).items() if k.lower() not in {"cookie", "host", "content-type"}}
    COUNTS.requests += 1
    response = client.generic(method, path, headers=headers, **kwargs)
    if response.status_code >= 500:
        COUNTS.server_errors += 1
    data = kwargs.get("data", b"")
    sent = requests.Request(method, f"http://testserver{path}", data=data.encode() if isinstance(data, str) else data,
                            headers={**headers, **({"Content-Type": kwargs["content_type"]} if kwargs else {})})
    return response, sent.prepare()


def as_schemathesis(response, sent: requests.PreparedRequest) -> Response:
    headers: dict[str, list[str]] = {}
    for name, value in response.items():
        headers.setdefault(name.lower(), []).append(value)
    return Response(status_code=response.status_code, headers=headers, content=response.content, request=sent,
                    elapsed=0.0, verify=True)


def check(case, response, sent) -> None:
    """Schemathesis's response checks on one answer; a mismatch is counted and fails the test."""
    try:
        case.validate_response(as_schemathesis(response, sent), checks=CHECKS)
    except FAILURES:
        if response.status_code < 500:
            COUNTS.mismatches += 1
        raise
