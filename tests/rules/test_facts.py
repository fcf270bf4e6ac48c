"""gather() against the database, and the rounds recorded on submission."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from minsheng.applications import rule_rounds
from minsheng.applications.facts import gather
from minsheng.applications.models import Application, ApplicationPartner, RuleResult
from minsheng.core.models import AuditEvent
from minsheng.outcomes.models import IPAsset
from minsheng.registry.models import CooperationPartner, Debarment
from tests.factories import domain
from tests.factories.applications import ApplicationFactory
from tests.factories.calls import add_rule

pytestmark = pytest.mark.django_db


def _ip(owner, n, kind="invention_patent", status="granted", domain_code="D01"):
    for i in range(n):
        IPAsset.objects.create(kind=kind, number=f"ZL{owner.pk}{kind[:2]}{status[:2]}{domain_code}{i}", title="专利",
                               owner=owner, domain=domain(domain_code), status=status)


def test_gather_reads_every_fact():
    app = ApplicationFactory(funding={"city_rd": 1_000_000, "district": 500_000, "own": 500_000})
    org = app.organisation
    _ip(org, 2)
    _ip(org, 1, status="filed")
    _ip(org, 1, kind="utility_model", domain_code="D02")
    ApplicationFactory(call=app.call, organisation=org)                               # a second one in the call
    ApplicationFactory(call=app.call, organisation=org, state=Application.State.WITHDRAWN)   # not counted
    ApplicationFactory(lead=app.lead, organisation=org, state=Application.State.PASSED)      # under way
    hk = CooperationPartner.objects.create(name_zh="香港某大学", region="HK", kind="university")
    ApplicationPartner.objects.create(application=app, partner=hk)
    today = timezone.localdate()
    Debarment.objects.create(person=app.lead, reason="验收不通过", starts_on=today - timedelta(days=1))
    Debarment.objects.create(organisation=org, reason="已过期", starts_on=today - timedelta(days=9),
                             ends_on=today - timedelta(days=1))

    facts = gather(app)
    assert facts.organisation_kind == "enterprise" and facts.organisation_verified
    assert facts.region_code == "440305"
    assert facts.granted_ip == {("invention_patent", "D01"): 2, ("utility_model", "D02"): 1}
    assert facts.total_budget == Decimal("2000000") and facts.city_money == Decimal("1000000")
    assert facts.organisation_other_applications == 1
    assert facts.lead_projects_under_way == 1
    assert facts.partner_regions == ("HK",)
    assert facts.lead_debarred and not facts.organisation_debarred
    assert facts.call_domains == ("D01",)
    assert facts.lead_age == timezone.localtime(app.call.closes_at).year - 1980
    assert facts.lead_title == "associate"


def test_gather_without_a_lead():
    facts = gather(ApplicationFactory(lead=None))
    assert facts.lead_title == "" and facts.lead_age is None and not facts.lead_debarred


def test_preview_writes_nothing_and_record_makes_rounds():
    app = ApplicationFactory(funding={"city_rd": 1_000_000, "own": 500_000})
    add_rule(app.call, "verified_organisation")
    add_rule(app.call, "ip_in_domain", min_count=1, ip_kinds=["invention_patent"])
    add_rule(app.call, "own_funding_share", min_percent=50)
    outcomes = rule_rounds.preview(app)
    assert [o.passed for o in outcomes] == [True, False, False]
    assert outcomes[1].explanation_zh.startswith("M19：") and outcomes[2].clause_code == "M20"
    assert not RuleResult.objects.exists()

    events = AuditEvent.objects.count()
    first = rule_rounds.record_submission(app, by=app.created_by)
    assert [r.round for r in first] == [1, 1, 1]
    assert AuditEvent.objects.count() == events + 3
    assert set(AuditEvent.objects.order_by("-seq").values_list("clause", flat=True)[:3]) == {"M17", "M19", "M20"}

    _ip(app.organisation, 1)
    second = rule_rounds.record_submission(app, by=app.created_by)
    assert [r.round for r in second] == [2, 2, 2]
    assert [r.passed for r in second] == [True, True, False]
    assert rule_rounds.latest_round(app) == 2
    assert second[1].facts["granted_ip"] == [["invention_patent", "D01", 1]]


def test_a_misconfigured_rule_fails_with_a_message_not_an_error():
    app = ApplicationFactory()
    add_rule(app.call, "applications_per_organisation", max="many")
    (outcome,) = rule_rounds.preview(app)
    assert not outcome.passed and "无法评估" in outcome.explanation_zh and outcome.error
    (result,) = rule_rounds.record_submission(app, by=app.created_by)
    assert not result.passed and result.clause_code == "M17"
