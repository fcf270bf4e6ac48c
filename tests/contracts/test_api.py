"""The contracts API: finance returns a requested tranche with a reason (403 for others, 409 without a reason or
once it is no longer requested); expenditures are read scoped like the pages (another organisation sees none)."""

from decimal import Decimal

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from minsheng.contracts import services
from minsheng.contracts.models import Tranche
from minsheng.core.roles import Role
from tests.contracts.helpers import first_paid, under_way
from tests.factories import user_for_role

pytestmark = pytest.mark.django_db


def _client(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_finance_returns_a_request_through_the_api(project, officer, finance, applicant):
    first = under_way(project, officer, applicant)[0]
    services.request_tranche(first, by=officer)
    url = f"/api/v1/contracts/disbursements/{first.pk}/return/"
    assert _client(officer).post(url, {"reason": "x"}, format="json").status_code == 403
    assert _client(applicant).post(url, {"reason": "x"}, format="json").status_code == 403
    answer = _client(finance).post(url, {"reason": " "}, format="json")
    assert answer.status_code == 409 and "原因" in answer.json()["detail"] and answer.json()["code"] == "reason"
    assert _client(finance).post(url, {}, format="json").status_code == 409
    answer = _client(finance).post(url, {"reason": "请补充拨付依据"}, format="json")
    assert answer.status_code == 200
    assert answer.json()["state"] == "planned" and answer.json()["return_reason"] == "请补充拨付依据"
    assert Tranche.objects.get(pk=first.pk).state == Tranche.State.PLANNED
    again = _client(finance).post(url, {"reason": "再次"}, format="json")
    assert again.status_code == 409 and again.json()["code"] == "stale"


def test_expenditures_are_read_within_the_scope(project, officer, finance, applicant):
    first_paid(project, officer, applicant, finance)
    record = services.record_expenditure(project, by=applicant, category="equipment", amount=Decimal("12500"),
                                         spent_on=timezone.localdate(), description="试剂", voucher="记-1")
    services.reverse_expenditure(record, by=finance, reason="录错")
    rows = _client(applicant).get("/api/v1/contracts/expenditures/").json()["results"]
    assert [(r["amount_wan"], r["reverses"]) for r in rows] == [("1.25", None), ("-1.25", record.pk)]
    assert len(_client(user_for_role(Role.AUDITOR)).get("/api/v1/contracts/expenditures/").json()["results"]) == 2
    stranger = _client(user_for_role(Role.APPLICANT))
    assert stranger.get("/api/v1/contracts/expenditures/").json()["results"] == []
    assert stranger.get(f"/api/v1/contracts/expenditures/{record.pk}/").status_code == 404
    assert _client(user_for_role(Role.EXPERT)).get("/api/v1/contracts/expenditures/").status_code == 403
    assert _client(finance).post("/api/v1/contracts/expenditures/", {}, format="json").status_code == 405
