"""Sections: what each saves, what each refuses (nothing written), the budget in 万元, completeness."""

from decimal import Decimal

import pytest

from minsheng.applications import sections, services
from minsheng.applications.models import BudgetLine, TeamMember
from minsheng.core.models import AuditEvent
from minsheng.outcomes.models import IPAsset
from tests.factories import OrganisationFactory, PersonFactory
from tests.factories.applications import complete_application

pytestmark = pytest.mark.django_db


def save(app, key, data, user):
    return services.save_section(app, key, data, version=app.version, by=user)


def rows(prefix, items):
    data = {f"{prefix}-TOTAL_FORMS": str(len(items)), f"{prefix}-INITIAL_FORMS": "0"}
    for n, item in enumerate(items):
        data |= {f"{prefix}-{n}-{k}": v for k, v in item.items()}
    return data


def test_summary_saves_raises_version_and_is_audited(draft, applicant):
    version = draft.version
    bundle = save(draft, "summary", {"title": "社区慢病管理", "summary": "摘要", "keywords": "慢病, 社区, 远程",
                                     "starts_on": "2027-01-01", "ends_on": "2028-12-31"}, applicant)
    assert bundle.is_valid()
    draft.refresh_from_db()
    assert (draft.title, draft.version) == ("社区慢病管理", version + 1)
    event = AuditEvent.objects.filter(action="applications.application.section.summary").get()
    assert event.clause == "M17" and event.new["title"] == "社区慢病管理" and event.actor == applicant


def test_invalid_summary_writes_nothing(draft, applicant):
    bundle = save(draft, "summary", {"title": "新标题", "starts_on": "2028-01-01", "ends_on": "2027-01-01"}, applicant)
    assert not bundle.is_valid()
    assert "结束" in " ".join(bundle.errors()) or "end" in " ".join(bundle.errors())
    draft.refresh_from_db()
    assert draft.title != "新标题" and draft.version == 1
    assert not AuditEvent.objects.filter(action__startswith="applications.application.section").exists()


def test_budget_is_typed_in_wan_and_stored_in_yuan(draft, applicant):
    bundle = save(draft, "budget", {"budget_equipment": "80", "budget_labour": "20.5", "fund_city_rd": "40",
                                    "fund_own": "60.5", "provider_own": "本单位"}, applicant)
    assert bundle.is_valid(), bundle.errors()
    assert draft.budget_lines.get(category="equipment").amount == Decimal("800000.00")
    assert draft.funding_lines.get(source__code="own").amount == Decimal("605000.00")
    assert sections.totals(draft) == (Decimal("1005000.00"), Decimal("1005000.00"))
    assert sections.totals_message(draft) == ""


def test_totals_that_disagree_are_named_with_the_difference(draft, applicant):
    save(draft, "budget", {"budget_equipment": "100", "fund_city_rd": "50", "fund_own": "40"}, applicant)
    message = sections.totals_message(draft)
    assert "100 万元" in message and "90 万元" in message and "10 万元" in message
    budget = next(p for p in sections.completeness(draft) if p.section.key == "budget")
    assert message in budget.missing
    assert "incomplete" in services.submit_refusal(draft) or "不完整" in services.submit_refusal(draft) \
        or "预算" in services.submit_refusal(draft) or "Budget" in services.submit_refusal(draft)


def test_an_amount_10000_times_too_large_is_refused_with_what_was_meant(draft, applicant):
    # 5,000,000 万元 is 500 亿元, far above the call's 1,000 万元 envelope: yuan typed into a 万元 field.
    bundle = save(draft, "budget", {"budget_equipment": "5000000", "fund_own": "500"}, applicant)
    assert not bundle.is_valid()
    text = " ".join(bundle.errors())
    assert "5000000 万元" in text and "1000 万元" in text and "500 万元" in text
    assert not draft.budget_lines.exists() and not draft.funding_lines.exists()


def test_team_needs_exactly_one_lead_and_people_of_the_own_organisation(draft, applicant, organisation):
    a, b = PersonFactory(organisation=organisation), PersonFactory(organisation=organisation)
    two_leads = rows("team", [{"person": a.pk, "role": "lead", "time_share": 50},
                              {"person": b.pk, "role": "lead", "time_share": 50}])
    assert not save(draft, "team", two_leads, applicant).is_valid()
    outsider = PersonFactory(organisation=OrganisationFactory())
    assert not save(draft, "team", rows("team", [{"person": outsider.pk, "role": "lead", "time_share": 50}]),
                    applicant).is_valid()
    assert not draft.team.exists()
    one_lead = rows("team", [{"person": a.pk, "role": "lead", "time_share": 60},
                             {"person": b.pk, "role": "core", "task": "算法", "time_share": 30}])
    assert save(draft, "team", one_lead, applicant).is_valid()
    draft.refresh_from_db()
    assert draft.lead == a and draft.team.filter(role=TeamMember.Role.CORE).get().person == b
    assert next(p for p in sections.completeness(draft) if p.section.key == "team").done


def test_milestones_lie_within_the_project_period(draft, applicant):
    draft.starts_on, draft.ends_on = "2027-01-01", "2027-12-31"
    draft.save()
    draft.refresh_from_db()
    late = rows("milestones", [{"title": "验收", "due_on": "2028-06-30"}])
    bundle = save(draft, "milestones", late, applicant)
    assert not bundle.is_valid() and "2028-06-30" in " ".join(bundle.errors())
    assert save(draft, "milestones", rows("milestones", [{"title": "验收", "due_on": "2027-06-30"}]),
                applicant).is_valid()
    assert draft.milestones.get().title == "验收"


def test_ip_held_only_from_the_own_organisation(draft, applicant, organisation):
    own = IPAsset.objects.create(kind="invention_patent", number="ZL202110000001.1", title="血压算法",
                                 owner=organisation, status=IPAsset.Status.GRANTED)
    other = IPAsset.objects.create(kind="invention_patent", number="ZL202110000002.X", title="他人专利",
                                   owner=OrganisationFactory(), status=IPAsset.Status.GRANTED)
    data = rows("promised", []) | {"held": [str(other.pk)]}
    assert not save(draft, "ip", data, applicant).is_valid()
    data = rows("promised", [{"ip_kind": "software_copyright", "count": 1, "description": "平台"}])
    data["held"] = [str(own.pk)]
    assert save(draft, "ip", data, applicant).is_valid()
    assert sorted(draft.ip_claims.values_list("kind", flat=True)) == ["held", "promised"]


def test_completeness_lists_what_is_missing_until_complete(draft):
    progress = sections.completeness(draft)
    assert sections.percent(progress) < 100
    missing = {p.section.key for p in progress if not p.done}
    assert {"objectives", "route", "team", "budget", "milestones"} <= missing
    complete_application(draft)
    progress = sections.completeness(draft)
    assert all(p.done for p in progress), [(p.section.key, p.missing) for p in progress if p.missing]
    assert sections.percent(progress) == 100
    assert BudgetLine.objects.filter(application=draft).count() == 2


@pytest.mark.parametrize("typed", ["慢病；社区；远程", "慢病，社区，远程", "慢病、社区、远程", "慢病, 社区;远程",
                                   "慢病\n社区\n远程"])
def test_keywords_are_split_once_saved_as_counted_and_counted_as_saved(draft, applicant, typed):
    assert save(draft, "summary", {"title": "社区慢病管理", "summary": "摘要", "keywords": typed}, applicant).is_valid()
    draft.refresh_from_db()
    assert draft.keywords == "慢病、社区、远程"
    summary = next(p for p in sections.completeness(draft) if p.section.key == "summary")
    assert not any("关键词" in m or "keywords" in m for m in summary.missing)


def test_one_keyword_is_one_keyword_however_it_is_spaced(draft, applicant):
    save(draft, "summary", {"title": "社区慢病管理", "summary": "摘要", "keywords": "machine learning 慢病 社区"},
         applicant)
    draft.refresh_from_db()
    summary = next(p for p in sections.completeness(draft) if p.section.key == "summary")
    assert any("3" in m for m in summary.missing)          # one keyword: at least 3 are asked for
