"""List pages and API lists cost the same number of queries for 1 row as for 20 (no N+1)."""

import pytest
from django.urls import reverse

from minsheng.core.roles import Role
from minsheng.registry.models import TalentTag
from tests.factories import (
    CarrierFactory,
    FacilityFactory,
    OrganisationFactory,
    PartnerFactory,
    PersonFactory,
    ServiceInstitutionFactory,
    domain,
    user_for_role,
)

pytestmark = pytest.mark.django_db

# Measured on a session already in use (its idle deadline pushed forward on an earlier page, which costs a
# database-specific number of queries once a minute: core.middleware.IdleSessionMiddleware).
# Session, user, the filter choices (districts, domains, talent tags), the facet counts, the page count,
# the page itself and its prefetches: a fixed number, whatever the rows.
PAGE_QUERIES = 14
API_QUERIES = 12
# The export adds its audit event (savepoints, the chain head, the insert) instead of the facet and page count.
EXPORT_QUERIES = 22


def _person():
    person = PersonFactory()
    person.domains.add(domain("D01"), domain("D02"))
    person.talent_tags.add(*TalentTag.objects.all()[:2])
    return person


def _service():
    institution = ServiceInstitutionFactory()
    institution.domains.add(domain("D01"))
    return institution


def _partner():
    partner = PartnerFactory()
    partner.partners_with.add(OrganisationFactory(), OrganisationFactory())
    return partner


MAKERS = {
    "organisation": OrganisationFactory,
    "person": _person,
    "carrier": CarrierFactory,
    "service": _service,
    "facility": FacilityFactory,
    "partner": _partner,
}
API = {"organisation": "organisations", "person": "people", "carrier": "carriers", "service": "services",
       "facility": "facilities", "partner": "partners"}


def _signed_in_officer(client):
    client.force_login(user_for_role(Role.OFFICER))
    client.get("/")


@pytest.mark.parametrize("kind", list(MAKERS))
@pytest.mark.parametrize("rows", [1, 20])
def test_list_page_queries_do_not_grow_with_rows(kind, rows, client, django_assert_max_num_queries):
    for _ in range(rows):
        MAKERS[kind]()
    _signed_in_officer(client)
    with django_assert_max_num_queries(PAGE_QUERIES):
        response = client.get(reverse(f"registry:{kind}_list"))
    assert response.status_code == 200
    assert response.context["page_obj"].paginator.count >= rows


@pytest.mark.parametrize("kind", list(MAKERS))
@pytest.mark.parametrize("rows", [1, 20])
def test_api_list_queries_do_not_grow_with_rows(kind, rows, client, django_assert_max_num_queries):
    for _ in range(rows):
        MAKERS[kind]()
    _signed_in_officer(client)
    with django_assert_max_num_queries(API_QUERIES):
        response = client.get(f"/api/v1/registry/{API[kind]}/")
    assert response.status_code == 200 and response.json()["count"] >= rows


@pytest.mark.parametrize("rows", [1, 20])
def test_export_queries_do_not_grow_with_rows(rows, client, django_assert_max_num_queries):
    for _ in range(rows):
        _person()
    _signed_in_officer(client)
    with django_assert_max_num_queries(EXPORT_QUERIES):
        response = client.get(reverse("registry:person_export"))
    assert response.status_code == 200
