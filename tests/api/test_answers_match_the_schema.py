"""The six answers that did not match the published schema (issue 10, finding 6): a problem without a domain,
district or department, or not merged, answered null where the schema said "string"; an organisation or partner
without a website answered "" where the schema said "uri". Each is read here with data that has the missing
values and checked by Schemathesis's response checks, the same as the fuzz stage's (tests/api/fuzzing.py)."""

import pytest
import schemathesis
from django.test import Client
from drf_spectacular.generators import SchemaGenerator

from minsheng.core.roles import Role
from minsheng.problems import services as problems
from tests.api import fuzzing
from tests.factories import OrganisationFactory, PartnerFactory, user_for_role

pytestmark = pytest.mark.django_db

SCHEMA = schemathesis.openapi.from_dict(SchemaGenerator().get_schema(request=None, public=True))


@pytest.fixture
def officer_client():
    client = Client()
    client.force_login(user_for_role(Role.OFFICER))
    return client


def _conforms(client, template: str, **parameters):
    path = template.format(**parameters)
    response, sent = fuzzing.send(client, "GET", path)
    assert response.status_code == 200
    fuzzing.check(SCHEMA[template]["GET"].Case(path_parameters=parameters), response, sent)
    return response.json()


def test_a_problem_without_domain_district_or_department_reads_null_as_documented(officer_client):
    problem = problems.submit_problem(by=None, values={"title": "路灯夜里不亮",
                                                       "description": "小区门口的路灯坏了三个月"})
    listed = _conforms(officer_client, "/api/v1/problems/")
    assert listed["results"][0]["department"] is None and listed["results"][0]["merged_into"] is None
    detail = _conforms(officer_client, "/api/v1/problems/{id}/", id=problem.pk)
    assert (detail["domain"], detail["district"], detail["department"]) == (None, None, None)


def test_an_organisation_without_website_or_e_mail_reads_null_as_documented(officer_client):
    organisation = OrganisationFactory(website="", contact_email="")
    listed = _conforms(officer_client, "/api/v1/registry/organisations/")
    assert {item["website"] for item in listed["results"]} == {None}
    detail = _conforms(officer_client, "/api/v1/registry/organisations/{id}/", id=organisation.pk)
    assert (detail["website"], detail["contact_email"]) == (None, None)


def test_a_partner_without_website_reads_null_and_one_with_it_its_address(officer_client):
    partner = PartnerFactory(website="")
    PartnerFactory(website="https://hk.example.org")
    listed = _conforms(officer_client, "/api/v1/registry/partners/")
    assert {item["website"] for item in listed["results"]} == {None, "https://hk.example.org"}
    assert _conforms(officer_client, "/api/v1/registry/partners/{id}/", id=partner.pk)["website"] is None
