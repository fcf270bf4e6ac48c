"""The applications API: start, save sections with the version, submit once, read; officers read only."""

import pytest

from minsheng.applications.models import Application
from tests.factories import PersonFactory
from tests.factories.applications import complete_application

pytestmark = pytest.mark.django_db
API = "/api/v1/applications/"


def put(client, app_id, section, version, data):
    return client.put(f"{API}{app_id}/sections/{section}/", {"version": version, "data": data},
                      content_type="application/json")


def test_applicant_starts_fills_and_submits(client, applicant, call, organisation):
    client.force_login(applicant)
    created = client.post(API, {"call": call.pk, "title": "智慧养老监测"}, content_type="application/json")
    assert created.status_code == 201
    app_id, version = created.json()["id"], created.json()["version"]
    response = put(client, app_id, "budget", version, {"budget": {"equipment": "100"},
                                                       "funding": {"city_rd": "40", "own": "60"}})
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["budget_lines"][0]["amount"] == "1000000.00" and body["budget_lines"][0]["amount_wan"] == "100"
    assert put(client, app_id, "objectives", version, {"objectives": "旧版本"}).status_code == 409
    lead = PersonFactory(organisation=organisation)
    response = put(client, app_id, "team", body["version"], {"rows": [{"person": lead.pk, "role": "lead",
                                                                       "time_share": 50}]})
    assert response.status_code == 200 and response.json()["lead"] == lead.pk
    invalid = put(client, app_id, "budget", response.json()["version"], {"budget": {"equipment": "abc"}})
    assert invalid.status_code == 400 and invalid.json()["code"] == "invalid"
    assert client.post(f"{API}{app_id}/submit/").status_code == 400  # incomplete
    complete_application(Application.objects.get(pk=app_id))
    first, second = client.post(f"{API}{app_id}/submit/"), client.post(f"{API}{app_id}/submit/")
    assert first.status_code == second.status_code == 200
    assert (first.json()["already_submitted"], second.json()["already_submitted"]) == (False, True)
    assert first.json()["state"] == "submitted"


def test_officer_reads_all_but_writes_nothing(client, officer, draft):
    client.force_login(officer)
    assert client.get(f"{API}{draft.pk}/").json()["number"] == draft.number
    assert put(client, draft.pk, "objectives", draft.version, {"objectives": "x"}).status_code == 403
    assert client.post(API, {"call": draft.call_id}, content_type="application/json").status_code == 403


def test_no_reviewer_or_officer_identity_in_answers(client, applicant, draft):
    client.force_login(applicant)
    body = client.get(f"{API}{draft.pk}/").json()
    text = str(body)
    for word in ("reviewer", "overridden_by", "decided_by", "expert", "created_by"):
        assert word not in text
