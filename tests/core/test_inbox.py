"""The to-do inbox (issue 15, point 4): what waits for each role, within the role's own scope, counted by aggregate
queries, sorted overdue first, each row gone once it is acted on."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from minsheng.applications.models import Application
from minsheng.calls.models import Call
from minsheng.contracts import services as contracts
from minsheng.contracts.models import TaskBook, Tranche
from minsheng.core import inbox
from minsheng.core.inbox import WaitingItem
from minsheng.core.roles import Role
from minsheng.funding.models import FundingPlan
from minsheng.problems.models import Problem
from minsheng.registry import services as registry
from minsheng.registry.models import Organisation
from minsheng.review.models import Assignment
from tests.factories import OrganisationFactory, department, district, user_for_role
from tests.factories.applications import ApplicationFactory, SubmittedApplicationFactory
from tests.factories.calls import CallFactory
from tests.factories.contracts import approved_project
from tests.factories.funding import frozen_call
from tests.factories.outcomes import IPAssetFactory
from tests.factories.review_work import review_world

pytestmark = pytest.mark.django_db

# The most queries the inbox of any role may take, however many rows wait (the officer's is the longest).
INBOX_MAX_QUERIES = 22


def rows(user) -> dict[str, WaitingItem]:
    return {row.key: row for row in inbox.waiting_for(user)}


def problem(**extra) -> Problem:
    fields = {"title": "公交站没有实时到站信息", "description": "老人等车久。", "district": district(),
              "source": Problem.Source.PUBLIC, "tracking_code": f"P{Problem.objects.count():08d}"}
    fields.update(extra)
    return Problem.objects.create(**fields)


def test_an_officer_sees_organisations_to_verify_and_the_row_goes_when_verified():
    officer = user_for_role(Role.OFFICER)
    first, second = OrganisationFactory(state=Organisation.State.PENDING), OrganisationFactory(
        state=Organisation.State.PENDING)
    OrganisationFactory(state=Organisation.State.VERIFIED)
    row = rows(officer)["registry.verify"]
    assert row.count == 2
    assert row.url == reverse("registry:organisation_list") + "?state=pending"
    assert str(row.label) == "待核验的单位"

    registry.verify_organisation(organisation=first, by=officer)
    row = rows(officer)["registry.verify"]
    # one left: the row opens that organisation itself
    assert row.count == 1 and row.url == reverse("registry:organisation_detail", args=[second.pk])
    registry.verify_organisation(organisation=second, by=officer)
    assert "registry.verify" not in rows(officer)


def test_calls_to_approve_never_by_their_drafter_and_a_department_confirms_only_its_own():
    drafter, other = user_for_role(Role.OFFICER), user_for_role(Role.OFFICER)
    health, transport = department("health"), department("transport")
    CallFactory(in_review=True, drafted_by=drafter, co_owners=[health])
    CallFactory(in_review=True, drafted_by=drafter)
    CallFactory(draft=True, drafted_by=drafter)
    assert "calls.approve" not in rows(drafter)         # four eyes: the drafter does not approve
    assert rows(other)["calls.approve"].count == 2
    assert rows(other)["calls.approve"].url == reverse("calls:list") + "?state=in_review"
    assert rows(user_for_role(Role.DEPARTMENT_OFFICER, department=health))["calls.confirm"].count == 1
    assert "calls.confirm" not in rows(user_for_role(Role.DEPARTMENT_OFFICER, department=transport))


def test_problems_to_triage_and_applications_in_the_formal_check():
    officer = user_for_role(Role.OFFICER)
    problem()
    problem(state=Problem.State.REJECTED)
    call = CallFactory(closed=True)
    SubmittedApplicationFactory(call=call)
    SubmittedApplicationFactory(call=call, state=Application.State.IN_CHECK)
    ApplicationFactory(call=call)                       # a draft is the applicant's business
    found = rows(officer)
    assert found["problems.triage"].count == 1 and found["problems.triage"].clause == "M05"
    assert found["checks.check"].count == 2
    assert found["checks.check"].url == reverse("checks:call_table", args=[call.pk])   # one call: its table


def test_an_applicant_sees_drafts_near_the_deadline_and_returned_applications_of_its_own_organisation():
    mine, theirs = OrganisationFactory(), OrganisationFactory()
    applicant = user_for_role(Role.APPLICANT, organisation=mine)
    closing = CallFactory(closes_at=timezone.now() + timedelta(days=3))
    far = CallFactory(closes_at=timezone.now() + timedelta(days=90))
    draft = ApplicationFactory(call=closing, organisation=mine)
    ApplicationFactory(call=far, organisation=mine)                 # not near its deadline
    ApplicationFactory(call=closing, organisation=theirs)           # another organisation's
    late = timezone.now() - timedelta(days=1)
    ApplicationFactory(call=closing, organisation=mine, state=Application.State.RETURNED, correction_deadline=late,
                       submitted_at=late)
    ApplicationFactory(call=closing, organisation=theirs, state=Application.State.RETURNED,
                       correction_deadline=late, submitted_at=late)
    found = rows(applicant)
    assert found["applications.drafts"].count == 1
    assert found["applications.drafts"].url == reverse("applications:detail", args=[draft.pk])
    assert found["applications.returned"].count == 1 and found["applications.returned"].overdue == 1
    # overdue first
    assert next(iter(found)) == "applications.returned"


def test_task_books_to_confirm_to_countersign_and_tranches_for_finance():
    officer, finance = user_for_role(Role.OFFICER), user_for_role(Role.FINANCE)
    project = approved_project()
    other = approved_project()
    applicant = user_for_role(Role.APPLICANT, organisation=project.organisation)
    book = contracts.issue(project, by=officer)
    contracts.issue(other, by=officer)
    assert rows(applicant)["contracts.confirm"].count == 1          # not the other organisation's task book
    assert rows(applicant)["contracts.confirm"].url == reverse("contracts:task_book", args=[book.pk])
    contracts.confirm(book, revision=1, by=applicant)
    assert "contracts.confirm" not in rows(applicant)
    assert rows(officer)["contracts.countersign"].count == 1
    contracts.countersign(book, by=officer)
    assert "contracts.countersign" not in rows(officer)

    first = Tranche.objects.filter(project=project).order_by("order").first()
    contracts.request_tranche(first, by=officer)
    assert rows(finance)["contracts.approve_tranche"].count == 1
    contracts.approve_tranche(first, by=finance)
    found = rows(finance)
    assert "contracts.approve_tranche" not in found and found["contracts.pay"].count == 1
    assert found["contracts.pay"].url == reverse("contracts:finance_queue")


def test_the_contracts_list_filters_to_the_inbox_rows(client):
    officer = user_for_role(Role.OFFICER)
    project, other = approved_project(), approved_project()
    applicant = user_for_role(Role.APPLICANT, organisation=project.organisation)
    contracts.confirm(contracts.issue(project, by=officer), revision=1, by=applicant)
    contracts.issue(other, by=officer)
    client.force_login(officer)
    text = client.get(reverse("contracts:project_list") + "?book=confirmed").content.decode()
    assert project.number in text and other.number not in text
    assert TaskBook.objects.filter(state=TaskBook.State.CONFIRMED).count() == 1


def test_an_expert_sees_invitations_and_reviews_due_and_an_officer_the_pairs_to_publish():
    world = review_world(n_applications=2, n_experts=2)
    expert = world.experts[0]
    user = world.users[expert.pk]
    Assignment.objects.create(application=world.applications[0], expert=expert, state=Assignment.State.PUBLISHED,
                              due_at=timezone.now() + timedelta(days=5))
    Assignment.objects.create(application=world.applications[1], expert=expert, state=Assignment.State.ACCEPTED,
                              due_at=timezone.now() - timedelta(days=1))
    Assignment.objects.create(application=world.applications[0], expert=world.experts[1],
                              state=Assignment.State.PROPOSED)
    found = rows(user)
    assert found["review.respond"].count == 1
    assert found["review.write"].count == 1 and found["review.write"].overdue == 1
    # the other expert's proposal is not this expert's work
    assert set(found) == {"review.respond", "review.write"}
    officer = rows(world.officer)
    assert officer["review.publish"].count == 1
    assert officer["review.publish"].url == reverse("review:call_assignment", args=[world.call.pk]) + "?pair=proposed"
    assert officer["review.overdue"].count == 1 and officer["review.overdue"].is_overdue


def test_plans_to_approve_by_the_other_officer_and_co_funding_for_the_district():
    futian, luohu = district("futian"), district("luohu")
    world = frozen_call(organisations=[OrganisationFactory(district=futian)])
    from minsheng.funding import services as funding

    plan = funding.create_plan(world.call, by=world.officer)
    funding.apply_suggestion(plan, by=world.officer)
    mine = rows(user_for_role(Role.DISTRICT_OFFICER, district=futian))["funding.cofund"]
    assert mine.count == 1 and mine.url == reverse("funding:plan", args=[world.call.pk])
    # no funded line of an organisation in Luohu: nothing, and nothing of Futian's counted
    assert "funding.cofund" not in rows(user_for_role(Role.DISTRICT_OFFICER, district=luohu))
    funding.propose(plan, by=world.officer)
    assert "funding.approve" not in rows(world.officer)
    assert rows(world.second_officer)["funding.approve"].count == 1
    funding.approve(plan, by=world.second_officer, reason="同意")
    assert "funding.approve" not in rows(world.second_officer)
    assert FundingPlan.objects.get(pk=plan.pk).state == FundingPlan.State.NOTICE


def test_ip_warnings_for_the_owner_only():
    mine, theirs = OrganisationFactory(), OrganisationFactory()
    soon = timezone.localdate() + timedelta(days=10)
    IPAssetFactory(owner=mine, next_fee_due=soon)
    IPAssetFactory(owner=theirs, next_fee_due=soon)
    IPAssetFactory(owner=mine, next_fee_due=soon + timedelta(days=365))
    found = rows(user_for_role(Role.APPLICANT, organisation=mine))
    assert found["outcomes.ip_fee"].count == 1 and found["outcomes.ip_fee"].clause == "M19"
    assert rows(user_for_role(Role.OFFICER))["outcomes.ip_fee"].count == 2


def test_nothing_waits_for_an_auditor_or_a_visitor():
    from django.contrib.auth.models import AnonymousUser

    OrganisationFactory(state=Organisation.State.PENDING)
    assert inbox.waiting_for(user_for_role(Role.AUDITOR)) == []
    assert inbox.waiting_for(AnonymousUser()) == []


def test_the_inbox_is_counted_not_loaded(django_assert_max_num_queries):
    officer = user_for_role(Role.OFFICER)
    for _ in range(30):
        OrganisationFactory(state=Organisation.State.PENDING)
        problem()
        CallFactory(in_review=True)
    with django_assert_max_num_queries(INBOX_MAX_QUERIES):
        found = rows(officer)
    assert found["registry.verify"].count == 30 and found["problems.triage"].count == 30
    assert found["calls.approve"].count == 30
    assert Call.objects.filter(state=Call.State.IN_REVIEW).count() == 30


@pytest.mark.parametrize("role", [str(r) for r in Role])
def test_every_role_inbox_stays_within_its_bound(role, django_assert_max_num_queries):
    user = user_for_role(role)
    with django_assert_max_num_queries(INBOX_MAX_QUERIES):
        inbox.waiting_for(user)


def test_the_workbench_shows_the_inbox_and_an_empty_one_says_so(client):
    officer = user_for_role(Role.OFFICER)
    client.force_login(officer)
    text = client.get(reverse("accounts:home")).content.decode()
    assert "data-ms-inbox-empty" in text and "目前没有等待您处理的事项" in text
    OrganisationFactory(state=Organisation.State.PENDING)
    text = client.get(reverse("accounts:home")).content.decode()
    assert 'data-ms-inbox-row="registry.verify"' in text and "待核验的单位" in text


def test_the_ip_list_filters_to_the_warned_rights(client):
    mine = OrganisationFactory()
    warned = IPAssetFactory(owner=mine, next_fee_due=timezone.localdate() + timedelta(days=5), title="快到期的专利")
    IPAssetFactory(owner=mine, next_fee_due=timezone.localdate() + timedelta(days=300), title="还早的专利")
    client.force_login(user_for_role(Role.APPLICANT, organisation=mine))
    row = rows(user_for_role(Role.APPLICANT, organisation=mine))["outcomes.ip_fee"]
    assert row.url == reverse("outcomes:detail", args=[warned.pk])
    text = client.get(reverse("outcomes:list") + "?warning=yes").content.decode()
    assert "快到期的专利" in text and "还早的专利" not in text


def test_the_funding_list_filters_by_the_plan_state(client):
    world = frozen_call()
    other = frozen_call()
    from minsheng.funding import services as funding

    plan = funding.create_plan(world.call, by=world.officer)
    funding.apply_suggestion(plan, by=world.officer)
    funding.propose(plan, by=world.officer)
    client.force_login(world.second_officer)
    text = client.get(reverse("funding:call_list") + "?state=proposed").content.decode()
    assert world.call.code in text and other.call.code not in text
    text = client.get(reverse("funding:call_list")).content.decode()
    assert world.call.code in text and other.call.code in text


def test_the_workbench_shows_deadlines_of_dates_and_of_times(client):
    mine = OrganisationFactory()
    applicant = user_for_role(Role.APPLICANT, organisation=mine)
    due = timezone.localdate() + timedelta(days=5)
    IPAssetFactory(owner=mine, next_fee_due=due)
    deadline = timezone.now() + timedelta(days=2)
    ApplicationFactory(organisation=mine, state=Application.State.RETURNED, correction_deadline=deadline,
                       submitted_at=timezone.now())
    client.force_login(applicant)
    text = client.get(reverse("accounts:home")).content.decode()
    assert f"最早截止 {due:%Y-%m-%d}<" in text
    assert f"最早截止 {timezone.localtime(deadline):%Y-%m-%d %H:%M}<" in text
