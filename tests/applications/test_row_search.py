"""The rows of a section choose among the registry by typing (core/widgets.py SearchSelect in a formset): a team
row's person among the applicant organisation's own people, a partner row's partner among the registry's partners.
The edit page answers `?choose=team-<n>-person&q=<text>` with what that row would accept, and a project's change
request answers the same for its newcomer and joining partner; the pages no longer list everyone."""

import pytest

from tests.factories import OrganisationFactory, PartnerFactory, PersonFactory

pytestmark = pytest.mark.django_db


def _ids(client, path, field, text, **more):
    response = client.get(path, {**more, "choose": field, "q": text})
    assert response.status_code == 200, (field, response.status_code)
    return [row["id"] for row in response.json()["results"]]


def test_a_team_row_offers_only_the_own_organisations_people(client, draft, applicant, organisation):
    colleague = PersonFactory(organisation=organisation, name="陈同事")
    outsider = PersonFactory(organisation=OrganisationFactory(), name="陈外人")
    client.force_login(applicant)
    path = f"/applications/{draft.pk}/edit/team/"
    assert _ids(client, path, "team-0-person", "陈") == [colleague.pk]
    assert _ids(client, path, "team-5-person", "陈同") == [colleague.pk]      # any row, blank ones included
    assert _ids(client, path, "team-0-person", str(outsider.pk)) == []       # typed by id, still not offered
    # Only the section's own search-as-you-type fields answer.
    for name in ("team-0-role", "team-x-person", "partners-0-partner", "person"):
        assert client.get(path, {"choose": name, "q": "陈"}).status_code == 404, name


def test_a_partner_row_finds_a_partner_by_either_name(client, draft, applicant):
    partner = PartnerFactory(name_zh="香港某大学", name_en="Some University of Hong Kong")
    client.force_login(applicant)
    path = f"/applications/{draft.pk}/edit/partners/"
    assert _ids(client, path, "partners-0-partner", "香港某") == [partner.pk]
    assert _ids(client, path, "partners-1-partner", "some university") == [partner.pk]


def test_another_organisations_applicant_cannot_search_in_the_application(client, draft, stranger, organisation):
    PersonFactory(organisation=organisation, name="陈同事")
    client.force_login(stranger)
    response = client.get(f"/applications/{draft.pk}/edit/team/", {"choose": "team-0-person", "q": "陈"})
    assert response.status_code in (403, 404) and "陈同事" not in response.content.decode()


def test_the_team_page_does_not_list_the_organisations_people(client, draft, applicant, organisation):
    PersonFactory.create_batch(30, organisation=organisation, name="某员工")
    client.force_login(applicant)
    page = client.get(f"/applications/{draft.pk}/edit/team/").content.decode()
    assert 'data-ms-search-select="team-0-person"' in page and "某员工" not in page


def test_a_row_sent_with_a_person_of_another_organisation_is_refused(client, draft, applicant):
    outsider = PersonFactory(organisation=OrganisationFactory(), name="陈外人")
    client.force_login(applicant)
    response = client.post(f"/applications/{draft.pk}/edit/team/", {
        "team-TOTAL_FORMS": "1", "team-INITIAL_FORMS": "0", "team-0-person": outsider.pk, "team-0-role": "lead",
        "team-0-time_share": "50", "version": draft.version})
    assert response.status_code == 422 and not draft.team.exists()
