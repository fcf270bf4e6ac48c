"""The registry API: the same scopes as the pages, no personal data beyond what the reader manages."""

import pytest

from minsheng.core.roles import Role
from minsheng.registry.models import Organisation
from tests.factories import CarrierFactory, FacilityFactory, OrganisationFactory, PartnerFactory, user_for_role
from tests.registry.conftest import login

pytestmark = pytest.mark.django_db
BASE = "/api/v1/registry"


def test_applicant_lists_only_its_own_organisation(client, applicant, own_org, other_org):
    login(client, applicant)
    data = client.get(f"{BASE}/organisations/").json()
    assert [row["id"] for row in data["results"]] == [own_org.pk]


def test_government_filters_organisations_like_the_list_page(client, officer):
    pending = OrganisationFactory(state=Organisation.State.PENDING)
    OrganisationFactory()
    login(client, officer)
    data = client.get(f"{BASE}/organisations/", {"state": "pending"}).json()
    assert [row["id"] for row in data["results"]] == [pending.pk]
    assert data["results"][0]["district"] == "nanshan"


def test_person_contacts_are_null_for_those_who_do_not_manage_the_person(client, applicant, own_person):
    login(client, applicant)
    mine = client.get(f"{BASE}/people/{own_person.pk}/").json()
    assert mine["phone"] == own_person.phone and mine["id_number_masked"] == own_person.id_number_masked
    login(client, user_for_role(Role.AUDITOR))
    seen = client.get(f"{BASE}/people/{own_person.pk}/").json()
    assert seen["name"] == own_person.name
    assert all(seen[name] is None for name in ("phone", "email", "id_number_masked", "birth_year", "gender"))


def test_expert_reads_only_its_own_record(client, own_person, other_person):
    login(client, user_for_role(Role.EXPERT, person=own_person))
    data = client.get(f"{BASE}/people/").json()
    assert [row["id"] for row in data["results"]] == [own_person.pk]
    assert data["results"][0]["email"] == own_person.email
    assert client.get(f"{BASE}/people/{other_person.pk}/").status_code == 404
    assert client.get(f"{BASE}/organisations/").status_code == 403


def test_public_directories_answer_anonymous_callers(client):
    carrier, facility = CarrierFactory(), FacilityFactory()
    assert client.get(f"{BASE}/carriers/").json()["results"][0]["name_zh"] == carrier.name_zh
    assert client.get(f"{BASE}/facilities/{facility.pk}/").json()["host"] == facility.host_id
    assert client.get(f"{BASE}/services/").status_code == 200
    assert client.get(f"{BASE}/people/").status_code == 403
    assert client.get(f"{BASE}/partners/").status_code == 403


def test_partner_links_in_full_for_government_only(client, applicant, own_org, other_org, officer):
    partner = PartnerFactory()
    partner.partners_with.add(own_org, other_org)
    login(client, officer)
    assert client.get(f"{BASE}/partners/{partner.pk}/").json()["partners_with"] == sorted([own_org.pk, other_org.pk])
    login(client, applicant)
    assert client.get(f"{BASE}/partners/{partner.pk}/").json()["partners_with"] == [own_org.pk]


def test_the_api_is_read_only(client, officer, own_org):
    login(client, officer)
    response = client.patch(f"{BASE}/organisations/{own_org.pk}/", {"name_zh": "改名"}, content_type="application/json")
    assert response.status_code == 405
    own_org.refresh_from_db()
    assert own_org.name_zh != "改名"
