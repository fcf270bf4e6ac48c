"""The public read-only API of the policy catalogue."""

import pytest
from django.urls import reverse

from tests.factories import user_for_role

pytestmark = pytest.mark.django_db


def _all(client, url):
    """Every row of a paginated list."""
    rows = []
    while url:
        body = client.get(url).json()
        rows += body["results"]
        url = body["next"]
    return rows


def test_clause_list_is_public_and_complete(client):
    response = client.get(reverse("clause-list"))
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 24
    assert [c["code"] for c in body["results"]] == [f"M{n:02d}" for n in range(1, 25)]
    first = body["results"][0]
    assert set(first) == {"code", "number", "part", "part_label", "version", "title_zh", "title_en", "text_zh",
                          "asks_en", "platform_zh", "platform_en"}
    assert first["version"] == "深府办〔2012〕53号"


def test_clause_list_filtered_by_part(client):
    body = client.get(reverse("clause-list"), {"part": "II"}).json()
    assert [c["code"] for c in body["results"]] == [f"M{n:02d}" for n in range(5, 16)]
    assert client.get(reverse("clause-list"), {"part": "IV"}).json()["count"] == 0


def test_clause_detail(client):
    response = client.get(reverse("clause-detail", args=["M19"]))
    assert response.status_code == 200
    body = response.json()
    assert body["code"] == "M19" and "知识产权" in body["text_zh"]
    assert body["part"] == "III"


def test_unknown_codes_are_404(client):
    assert client.get("/api/v1/clauses/M99/").status_code == 404
    assert client.get(reverse("domain-detail", args=["D99"])).status_code == 404
    assert client.get(reverse("district-detail", args=["atlantis"])).status_code == 404


def test_domains_with_focus_directions_and_lead_department(client):
    rows = _all(client, reverse("domain-list"))
    assert [d["code"] for d in rows] == [f"D{n:02d}" for n in range(1, 11)]
    d01 = client.get(reverse("domain-detail", args=["D01"])).json()
    assert d01["clause_code"] == "M06" and d01["lead_department"] == "health"
    assert len(d01["focus_directions"]) >= 3
    assert d01["focus_directions"][0] == {"name_zh": "慢性病类适宜技术",
                                          "name_en": "Appropriate technologies for chronic disease", "order": 1}


def test_domain_list_query_count(client, django_assert_max_num_queries):
    with django_assert_max_num_queries(4):
        client.get(reverse("domain-list"))


@pytest.mark.parametrize("basename,code,count,field,value", [
    ("department", "sti", 8, "is_coordinator", True),
    ("district", "dapeng", 10, "division_code", "440300"),
    ("funding-mode", "infrastructure", 6, "clause_code", "M01"),
    ("support-type", "competitive", 2, "clause_code", "M17"),
    ("funding-source", "city_rd", 9, "is_government", True),
])
def test_reference_lists_and_details(client, basename, code, count, field, value):
    assert client.get(reverse(f"{basename}-list")).json()["count"] == count
    detail = client.get(reverse(f"{basename}-detail", args=[code]))
    assert detail.status_code == 200
    assert detail.json()["code"] == code and detail.json()[field] == value


def test_funding_source_government_flags(client):
    rows = _all(client, reverse("funding-source-list"))
    assert {r["code"] for r in rows if r["is_government"]} == {"city_rd", "industry", "district"}


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_no_writes_through_the_api_even_for_an_administrator(client, method):
    client.force_login(user_for_role("admin"))
    url = reverse("clause-list") if method == "post" else reverse("clause-detail", args=["M19"])
    response = getattr(client, method)(url, data={"title_zh": "改"}, content_type="application/json")
    assert response.status_code == 405


def test_schema_lists_the_policy_routes(client):
    response = client.get(reverse("api-schema"), headers={"accept": "application/json"})
    assert response.status_code == 200
    paths = response.json()["paths"] if response["content-type"].startswith("application/json") else None
    text = response.content.decode()
    for path in ("/api/v1/clauses/", "/api/v1/clauses/{code}/", "/api/v1/domains/", "/api/v1/departments/",
                 "/api/v1/districts/", "/api/v1/funding-modes/", "/api/v1/support-types/",
                 "/api/v1/funding-sources/"):
        assert (path in paths) if paths is not None else (path in text)


def test_the_policy_api_schema_is_valid_and_has_no_warnings():
    from django.urls import include, path
    from drf_spectacular.drainage import GENERATOR_STATS
    from drf_spectacular.generators import SchemaGenerator
    from drf_spectacular.validation import validate_schema
    from rest_framework.routers import DefaultRouter

    from minsheng.policy.api import ROUTES

    router = DefaultRouter()
    for prefix, viewset, basename in ROUTES:
        router.register(prefix, viewset, basename=basename)
    GENERATOR_STATS.reset()
    with GENERATOR_STATS.silence():
        schema = SchemaGenerator(patterns=[path("api/v1/", include(router.urls))]).get_schema(request=None,
                                                                                             public=True)
    assert not GENERATOR_STATS, f"schema warnings or errors: {dict(GENERATOR_STATS._warn_cache)} " \
                                f"{dict(GENERATOR_STATS._error_cache)}"
    validate_schema(schema)
    assert len(schema["paths"]) == 2 * len(ROUTES)
