"""The formal-check API: decisions (officer create/read; department officer read for co-owned calls), rule
results (read), scopes and races."""

from datetime import timedelta

import pytest
from django.utils import timezone

from minsheng.applications.models import Application, RuleResult
from minsheng.core.roles import Role
from tests.checks.conftest import submitted
from tests.factories import department, user_for_role
from tests.factories.calls import CallFactory, add_rule

pytestmark = pytest.mark.django_db
URL = "/api/v1/checks/decisions/"


def test_officer_returns_through_the_api(client, call, officer):
    a = submitted(call)
    client.force_login(officer)
    deadline = (timezone.now() + timedelta(days=3)).isoformat()
    response = client.post(URL, {"application": a.pk, "decision": "return", "reason": "补材料", "deadline": deadline},
                           content_type="application/json")
    assert response.status_code == 201, response.content
    assert response.json()["decision"] == "return"
    assert Application.objects.get(pk=a.pk).state == Application.State.RETURNED
    again = client.post(URL, {"application": a.pk, "decision": "reject", "reason": "x"},
                        content_type="application/json")
    assert again.status_code == 409


def test_api_validation_messages(client, call, officer):
    a = submitted(call)
    client.force_login(officer)
    response = client.post(URL, {"application": a.pk, "decision": "pass"}, content_type="application/json")
    assert response.status_code == 400 and "overrides" in response.json()
    failed = RuleResult.objects.get(application=a, passed=False)
    response = client.post(URL, {"application": a.pk, "decision": "pass", "overrides": {str(failed.pk): "已核实"}},
                           content_type="application/json")
    assert response.status_code == 201
    assert RuleResult.objects.get(pk=failed.pk).override_reason == "已核实"
    assert client.post(URL, {"application": 999999, "decision": "pass"},
                       content_type="application/json").status_code == 400


def test_department_officer_reads_only_co_owned_and_cannot_create(client, call, officer):
    mine = submitted(call)
    other_call = CallFactory(co_owners=[department("transport")])
    add_rule(other_call, "verified_organisation")
    theirs = submitted(other_call)
    from minsheng.checks import services as check_services

    check_services.decide(mine, by=officer, decision="reject", reason="不符合")
    check_services.decide(theirs, by=officer, decision="reject", reason="不符合")
    client.force_login(user_for_role(Role.DEPARTMENT_OFFICER, department=department("health")))
    listed = client.get(URL).json()
    items = listed["results"] if isinstance(listed, dict) else listed
    assert [d["application"] for d in items] == [mine.pk]
    theirs_decision = theirs.check_decisions.get()
    assert client.get(f"{URL}{theirs_decision.pk}/").status_code == 404
    assert client.post(URL, {"application": mine.pk, "decision": "reject", "reason": "x"},
                       content_type="application/json").status_code == 403
    results = client.get("/api/v1/checks/rule-results/", {"application": theirs.pk}).json()
    results = results["results"] if isinstance(results, dict) else results
    assert results == []


def test_rule_results_read(client, call, officer):
    a = submitted(call)
    client.force_login(officer)
    data = client.get("/api/v1/checks/rule-results/", {"application": a.pk}).json()
    items = data["results"] if isinstance(data, dict) else data
    assert {r["clause_code"] for r in items} == {"M17", "M19", "M20"}
    assert any(r["explanation_en"].startswith("M19: needs at least 1 granted") for r in items)


@pytest.mark.parametrize("role", [Role.APPLICANT, Role.EXPERT, Role.FINANCE, Role.DISTRICT_OFFICER])
def test_other_roles_are_refused(client, call, role):
    client.force_login(user_for_role(role))
    assert client.get(URL).status_code == 403
    assert client.get("/api/v1/checks/rule-results/").status_code == 403
