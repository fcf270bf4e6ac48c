"""The change-request pages (项目变更): the organisation asks on its project's page, officers decide on the
request's page and find what waits on the queue; bad input answers with the message and nothing written."""

import pytest
from django.urls import reverse

from minsheng.core.roles import Role
from minsheng.projects.models import ChangeRequest
from tests.factories import OrganisationFactory, PartnerFactory, PersonFactory, user_for_role

pytestmark = pytest.mark.django_db


def _ask(client, project, applicant, amount="8", **extra):
    client.force_login(applicant)
    data = {"kind": "budget", "source": "equipment", "target": "labour", "amount": amount, "reason": "设备降价",
            **extra}
    return client.post(reverse("projects:change_new", args=[project.pk]), data)


def test_a_budget_change_is_asked_in_wan_and_approved_into_version_two(client, project, applicant, officer):
    page = client.get(reverse("projects:project", args=[project.pk]))
    client.force_login(applicant)
    page = client.get(reverse("projects:project", args=[project.pk])).content.decode()
    assert "data-ms-request-change" in page
    form = client.get(reverse("projects:change_new", args=[project.pk]) + "?kind=extension").content.decode()
    assert 'name="ends_on"' in form
    form = client.get(reverse("projects:change_new", args=[project.pk]) + "?kind=partner").content.decode()
    assert 'name="add"' in form and 'name="remove"' in form
    form = client.get(reverse("projects:change_new", args=[project.pk]) + "?kind=team").content.decode()
    assert 'name="person"' in form
    form = client.get(reverse("projects:change_new", args=[project.pk]) + "?kind=indicator").content.decode()
    assert 'value="patents"' in form
    response = _ask(client, project, applicant)
    change = ChangeRequest.objects.get(project=project)
    assert response.status_code == 302 and change.proposal["amount"] == "80000.00"
    card = client.get(reverse("contracts:project", args=[project.pk])).content.decode()
    assert 'data-ms-changes-waiting="1"' in card
    client.force_login(officer)
    queue = client.get(reverse("projects:queue")).content.decode()
    assert f'data-ms-change="{change.pk}"' in queue
    response = client.post(reverse("projects:change_approve", args=[change.pk]), {"comments": "同意"})
    assert response.status_code == 302
    change.refresh_from_db()
    assert change.state == "approved" and change.result_book.number == 2
    page = client.get(reverse("projects:project", args=[project.pk])).content.decode()
    assert 'data-ms-change-version="2"' in page


def test_an_overdrawn_budget_move_answers_with_the_message(client, project, applicant):
    response = _ask(client, project, applicant, amount="100.01")
    assert response.status_code == 400
    assert ChangeRequest.objects.count() == 0
    assert "data-ms-change-form" in response.content.decode()


def test_a_rejection_needs_its_reason_and_a_second_officer_completes_four_eyes(client, project, applicant,
                                                                              officer):
    _ask(client, project, applicant, amount="20")
    change = ChangeRequest.objects.get(project=project)
    client.force_login(officer)
    assert client.post(reverse("projects:change_reject", args=[change.pk]), {"comments": ""}).status_code == 409
    client.post(reverse("projects:change_approve", args=[change.pk]), {"comments": ""})
    change.refresh_from_db()
    assert change.state == "endorsed"
    page = client.get(reverse("projects:change", args=[change.pk])).content.decode()
    assert "data-ms-change-approve" not in page and "data-ms-awaiting-second" in page
    response = client.post(reverse("projects:change_approve", args=[change.pk]), {"comments": ""})
    assert response.status_code == 409
    client.force_login(user_for_role(Role.OFFICER))
    assert client.post(reverse("projects:change_approve", args=[change.pk]), {}).status_code == 302
    change.refresh_from_db()
    assert change.state == "approved"


def test_an_unknown_kind_is_not_found(client, project, applicant):
    client.force_login(applicant)
    assert client.get(reverse("projects:change_new", args=[project.pk]) + "?kind=x").status_code == 404


def test_the_newcomer_and_the_joining_partner_are_found_by_typing(client, project, applicant):
    """The change form's search keeps its kind (?kind=team): the newcomer among the project organisation's own
    people, the joining partner among the registry's partners."""
    colleague = PersonFactory(organisation=project.organisation, name="林新人")
    PersonFactory(organisation=OrganisationFactory(), name="林外人")
    partner = PartnerFactory(name_zh="澳门某研究院")
    client.force_login(applicant)
    path = reverse("projects:change_new", args=[project.pk])
    found = client.get(path, {"kind": "team", "choose": "person", "q": "林"}).json()["results"]
    assert [row["id"] for row in found] == [colleague.pk]
    found = client.get(path, {"kind": "partner", "choose": "add", "q": "澳门某"}).json()["results"]
    assert [row["id"] for row in found] == [partner.pk]
    assert client.get(path, {"kind": "budget", "choose": "person", "q": "林"}).status_code == 404
    assert "林新人" not in client.get(path, {"kind": "team"}).content.decode()
