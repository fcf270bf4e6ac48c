"""Funding API: four-eyes approval, the public notice (approved fields only), objections (rate-limited), projects
scoped to the applicant's organisation."""

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from minsheng.core.roles import Role
from minsheng.funding import services
from minsheng.funding.models import FundingPlan, Objection
from tests.factories import OrganisationFactory, user_for_role
from tests.factories.funding import decided_plan, frozen_call, plan_in_notice

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clear_limits():
    cache.clear()
    yield
    cache.clear()


def test_approval_needs_a_second_officer():
    world = frozen_call()
    plan = services.create_plan(world.call, by=world.officer)
    services.apply_suggestion(plan, by=world.officer)
    services.propose(plan, by=world.officer)
    client = APIClient()
    client.force_authenticate(world.officer)
    url = f"/api/v1/funding/plans/{plan.pk}/approve/"
    answer = client.post(url, {"reason": "同意"}, format="json")
    assert answer.status_code == 400
    client.force_authenticate(world.second_officer)
    answer = client.post(url, {"reason": "同意"}, format="json")
    assert answer.status_code == 200 and answer.json()["state"] == FundingPlan.State.NOTICE
    assert client.post(url, {"reason": "同意"}, format="json").status_code == 409
    detail = client.get(f"/api/v1/funding/plans/{plan.pk}/").json()
    assert detail["lines"][0]["rank"] == 1 and detail["total"]


def test_public_notice_shows_only_the_public_fields_and_takes_objections():
    world = frozen_call()
    plan = plan_in_notice(world)
    client = APIClient()
    notice = client.get(f"/api/v1/funding/notices/{plan.pk}/").json()
    assert notice["open"] is True
    assert set(notice["projects"][0]) == {"id", "title", "organisation", "lead", "grant"}
    body = {"plan": plan.pk, "contact": "13800000000", "text": "有异议"}
    created = client.post("/api/v1/funding/objections/", body, format="json")
    assert created.status_code == 201 and "handling" not in created.json()
    assert client.post("/api/v1/funding/objections/", {"plan": plan.pk, "text": "x"}, format="json").status_code == 400
    assert client.get("/api/v1/funding/objections/").status_code == 403          # only government reads them
    codes = [client.post("/api/v1/funding/objections/", body, format="json").status_code for _ in range(12)]
    assert 429 in codes
    assert Objection.objects.count() == codes.count(201) + 1


def test_applicants_see_only_their_organisations_projects():
    own = OrganisationFactory()
    world = frozen_call(organisations=[own])
    decided_plan(world)
    applicant = user_for_role(Role.APPLICANT, organisation=own)
    client = APIClient()
    client.force_authenticate(applicant)
    rows = client.get("/api/v1/funding/projects/").json()
    results = rows["results"] if isinstance(rows, dict) else rows
    assert [r["organisation"] for r in results] == [own.pk]
    other = world.call.projects.exclude(organisation=own).first()
    assert client.get(f"/api/v1/funding/projects/{other.pk}/").status_code == 404
