"""The calls API: published calls for everyone with topics, rules, rubric and timeline; drafts only for
officers and co-owning departments; programmes for officers."""

from decimal import Decimal

import pytest
from django.urls import reverse

from minsheng.calls.models import CallRule
from tests.factories import department, domain
from tests.factories.calls import CallFactory, ProgrammeFactory, complete

pytestmark = pytest.mark.django_db


def test_public_reads_published_calls_with_everything(client, template):
    call = complete(CallFactory(co_owners=[department("health")]))
    CallRule.objects.create(call=call, template=template, params={"min_count": 2})
    CallFactory(draft=True)
    data = client.get(reverse("calls-call-list")).json()
    rows = data["results"] if isinstance(data, dict) else data
    assert [row["code"] for row in rows] == [call.code]
    detail = client.get(reverse("calls-call-detail", args=[call.pk])).json()
    assert detail["phase"] == "open" and detail["co_owners"] == ["health"] and detail["domains"] == ["D01"]
    assert detail["topics"][0]["title"] and len(detail["criteria"]) == 2
    assert detail["rules"] == [{"code": "test_min_patents", "name": "Test patents", "kind": "eligibility",
                                "clause": "M19", "params": {"min_count": 2}, "order": 0}]
    assert detail["rules_explained"][0]["clause"] == "M19"
    assert Decimal(detail["budget"]) == call.budget and detail["closes_at"]


def test_filters(client):
    CallFactory(title_en="Health", domains=[domain("D01")])
    CallFactory(title_en="Ocean", domains=[domain("D07")], closed=True)
    def titles(query):
        data = client.get(reverse("calls-call-list") + query).json()
        return sorted(row["title_en"] for row in (data["results"] if isinstance(data, dict) else data))
    assert titles("?domain=D07") == ["Ocean"]
    assert titles("?when=open") == ["Health"]
    assert titles("?state=draft") == ["Health", "Ocean"]  # ignored for the public


def test_officers_see_drafts_and_departments_what_they_co_own(client, officer, dept_health, dept_education):
    draft = CallFactory(draft=True, co_owners=[department("health")])
    url = reverse("calls-call-detail", args=[draft.pk])
    assert client.get(url).status_code == 404
    client.force_login(dept_education)
    assert client.get(url).status_code == 404
    client.force_login(dept_health)
    assert client.get(url).status_code == 200
    client.force_login(officer)
    data = client.get(reverse("calls-call-list") + "?state=draft").json()
    rows = data["results"] if isinstance(data, dict) else data
    assert [row["id"] for row in rows] == [draft.pk]


def test_programmes_are_for_officers(client, officer):
    programme = ProgrammeFactory(budget=Decimal("10000000"))
    CallFactory(programme=programme, budget=Decimal("4000000"), max_grant=Decimal("1000000"))
    assert client.get(reverse("calls-programme-list")).status_code == 403
    client.force_login(officer)
    row = client.get(reverse("calls-programme-detail", args=[programme.pk])).json()
    assert Decimal(row["committed"]) == Decimal("4000000") and row["source"] == "city_rd"
