"""The policy catalogue: public pages and a public, read-only API. Writes happen only in admin."""

from tests.permissions.spec import NOT_ALLOWED, NOT_FOUND, Row, everyone

API_OBJECTS = {
    "clause": "M19",
    "domain": "D01",
    "department": "sti",
    "district": "nanshan",
    "funding-mode": "frontier",
    "support-type": "stable",
    "funding-source": "city_rd",
}


def _code(value):
    return lambda world: {"code": value}


ROWS = [
    Row("policy:index", everyone()),
    Row("policy:index", everyone(NOT_ALLOWED), method="POST", note="read-only"),
    Row("policy:reference", everyone()),
    Row("policy:clause_detail", everyone(), kwargs=_code("M19")),
    Row("policy:clause_detail", everyone(NOT_FOUND), kwargs=_code("M99"), note="unknown clause"),
    Row("policy:clause_detail", everyone(NOT_ALLOWED), kwargs=_code("M19"), method="POST", note="read-only"),
]

for basename, code in API_OBJECTS.items():
    ROWS += [
        Row(f"{basename}-list", everyone()),
        Row(f"{basename}-detail", everyone(), kwargs=_code(code)),
        Row(f"{basename}-list", everyone(NOT_ALLOWED), method="POST", data=lambda world: {"code": "x"},
            content_type="application/json", note="read-only"),
        Row(f"{basename}-detail", everyone(NOT_ALLOWED), kwargs=_code(code), method="DELETE", note="read-only"),
    ]

ROWS.append(Row("clause-detail", everyone(NOT_FOUND), kwargs=_code("M99"), note="unknown clause"))
