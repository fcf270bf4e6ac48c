"""The answers every operation may give besides its own, written into the published schema once.

Each view documents its successes and its own refusals; these come from the layers around every view and were
missing from the schema, so a client (and the fuzz stage, tests/api/test_fuzz.py) met statuses the schema did not
name: 400 from the input rule (core/strict_input.py) and DRF's validation, 403 for a caller not allowed, 404 for
what is outside the caller's scope or a page past the end, 415 for a body in a media type not accepted, 429 from
the throttles (api/throttles.py) and 503 while the database is out of reach (core/views.database_unavailable).
Their body is the API's error format (api/errors.py): `detail`, often `code`, `request_id`, or a field's errors.
"""

ERROR = "Error"
_WRITES = {"post", "put", "patch"}
_SHARED = {
    "400": "The request is malformed or refused by the input rule (too-deep JSON, NUL, a lone surrogate, digits "
           "outside 0–9), or its fields are invalid: `detail`, `code` and `field`, or each field's errors.",
    "403": "Not signed in, or your role may not do this.",
    "404": "No such object within what you may see, or a page past the end.",
    "429": "Too many requests: wait the seconds in Retry-After.",
    "503": "The database is busy or out of reach: try again after the seconds in Retry-After.",
}
_BODY_ONLY = {"415": "The body's media type is not one this operation accepts."}


def _error_schema() -> dict:
    return {
        "type": "object",
        "description": "The API's error format. Validation errors name each invalid field with its messages.",
        "properties": {
            "detail": {"description": "What is wrong, in the caller's language (a text, or details by field)."},
            "code": {"type": "string"},
            "field": {"type": "string"},
            "request_id": {"type": "string", "description": "Quote it when reporting a problem."},
        },
        "additionalProperties": True,
    }


def add_shared_errors(result, generator, request, public):
    """drf-spectacular postprocessing hook: the shared error answers on every operation that lacks them."""
    result.setdefault("components", {}).setdefault("schemas", {})[ERROR] = _error_schema()
    content = {"application/json": {"schema": {"$ref": f"#/components/schemas/{ERROR}"}}}
    for operations in result.get("paths", {}).values():
        for method, operation in operations.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            shared = {**_SHARED, **(_BODY_ONLY if method in _WRITES else {})}
            for status, description in shared.items():
                answer = operation["responses"].setdefault(status, {"description": description})
                answer.setdefault("content", content)
    return result
