"""The search-as-you-type choice (core/widgets.py SearchSelect): the form page answers `?choose=<field>&q=<text>`
with at most 20 rows of the field's own queryset for that user, never one the user could not pick; an id from
outside that queryset is still refused when the form is sent; and the empty form no longer grows with the number
of organisations, people or projects."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from minsheng.core.widgets import MATCHES
from minsheng.outcomes.models import DemonstrationSite
from minsheng.policy.models import District
from minsheng.registry.models import InnovationCarrier
from minsheng.review.models import ExpertProfile
from tests.factories import OrganisationFactory, PersonFactory
from tests.factories.contracts import approved_project

pytestmark = pytest.mark.django_db


def _search(client, path, field, text):
    response = client.get(path, {"choose": field, "q": text})
    return response.status_code, response.json()["results"] if response.status_code == 200 else []


def _aged(project):
    approved = timezone.make_aware(datetime.datetime(2024, 3, 1, 10))
    type(project).objects.filter(pk=project.pk).update(approved_at=approved)
    project.refresh_from_db()
    return project


def test_an_applicant_finds_only_its_own_organisation_and_projects(client, applicant, own_org, other_org):
    own_project = approved_project(organisation=own_org)
    other_project = approved_project(organisation=other_org)
    client.force_login(applicant)
    status, rows = _search(client, "/outcomes/sites/new/", "projects", other_project.number)
    assert status == 200 and rows == []                                 # typed exactly, still not found
    status, rows = _search(client, "/outcomes/sites/new/", "projects", own_project.number)
    assert [r["id"] for r in rows] == [own_project.pk]
    # The applicant's site is its own organisation's: the form has no organisation to search.
    assert _search(client, "/outcomes/sites/new/", "organisation", "测试")[0] == 404
    # The registry's host: the applicant's own organisation only.
    status, rows = _search(client, "/registry/carriers/new/", "host", "深圳市")
    assert status == 200 and [r["id"] for r in rows] == [own_org.pk]
    # Typed by the other organisation's name or code, it is still not offered (the own one may match a digit).
    for typed in (other_org.name_zh, other_org.credit_code, str(other_org.pk)):
        assert other_org.pk not in [r["id"] for r in _search(client, "/registry/carriers/new/", "host", typed)[1]]
    # The expert invitation is an officer's page: no search for anyone else.
    assert client.get("/review/experts/invite/", {"choose": "person", "q": "测试"}).status_code == 403


def test_an_officer_finds_any_organisation_by_name_or_code_and_at_most_twenty(client, officer, other_org):
    OrganisationFactory.create_batch(MATCHES + 5)
    client.force_login(officer)
    response = client.get("/outcomes/transfers/new/", {"choose": "counterparty", "q": "测试科技"})
    assert len(response.json()["results"]) == MATCHES and response.json()["more"] is True
    status, rows = _search(client, "/outcomes/transfers/new/", "counterparty", other_org.credit_code)
    assert status == 200
    assert [(r["id"], r["label"]) for r in rows] == [(other_org.pk, str(other_org))]
    rows = _search(client, "/outcomes/transfers/new/", "organisation", "他单位")[1]
    assert [r["id"] for r in rows] == [other_org.pk]


def test_the_invitation_finds_only_people_not_yet_in_the_pool(client, officer):
    outside = PersonFactory(name="王小明")
    inside = PersonFactory(name="王小红")
    ExpertProfile.objects.create(person=inside)
    client.force_login(officer)
    rows = _search(client, "/review/experts/invite/", "person", "王小")[1]
    assert [r["id"] for r in rows] == [outside.pk]
    # Sent anyway, the one already in the pool is refused by the form, as before.
    response = client.post("/review/experts/invite/", {"person": inside.pk})
    assert response.status_code == 200 and "person" in response.context["form"].errors


def test_an_id_from_outside_the_queryset_is_refused_and_nothing_is_saved(client, applicant, other_org):
    client.force_login(applicant)
    response = client.post("/registry/carriers/new/", {
        "name_zh": "某重点实验室", "kind": "key_lab", "level": "city", "host": other_org.pk})
    assert response.status_code == 200 and "host" in response.context["form"].errors
    assert not InnovationCarrier.objects.exists()
    response = client.post("/outcomes/sites/new/", {
        "kind": "school", "name": "某学校", "district": District.objects.first().pk, "address": "某路",
        "since": "2024-09-01", "projects": f"{_aged(approved_project(organisation=other_org)).pk}"})
    assert response.status_code == 200 and "projects" in response.context["form"].errors
    assert not DemonstrationSite.objects.exists()


def test_the_empty_forms_do_not_grow_with_the_registry(client, officer):
    officer_pages = ["/outcomes/sites/new/", "/outcomes/new/", "/outcomes/achievements/new/",
                     "/outcomes/transfers/new/", "/registry/people/new/", "/registry/partners/new/",
                     "/review/experts/invite/"]
    client.force_login(officer)

    def cost():
        sizes = {}
        for path in officer_pages:
            with CaptureQueriesContext(connection) as queries:
                response = client.get(path)
            assert response.status_code == 200, path
            sizes[path] = (len(queries), len(response.content))
        return sizes

    approved_project(organisation=OrganisationFactory())
    cost()                                                              # the session and caches warmed
    before = cost()
    for _ in range(5):
        approved_project(organisation=OrganisationFactory())
    PersonFactory.create_batch(20)
    OrganisationFactory.create_batch(20)
    after = cost()
    for path in officer_pages:
        assert after[path][0] == before[path][0], path                  # the same queries
        assert abs(after[path][1] - before[path][1]) < 200, path        # and the same page, give or take a count
