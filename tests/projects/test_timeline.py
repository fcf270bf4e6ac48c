"""A project's page tells its whole life (M17): the timeline gathers the trail's events of the project, of every
object that points at it, of its application and review, and of the public milestones of its call; each role reads
what it may (projects/timeline.py)."""

import re

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from minsheng.applications.models import Application
from minsheng.calls.models import Topic
from minsheng.contracts import services as contracts
from minsheng.contracts.models import Tranche
from minsheng.core import audit
from minsheng.core.roles import Role
from minsheng.funding.models import FundingPlan, Project
from minsheng.problems import services as problems
from minsheng.projects import timeline
from minsheng.review.models import Panel, PanelVote
from tests.factories import PersonFactory, user_for_role
from tests.factories.calls import CallFactory
from tests.factories.contracts import approved_project
from tests.factories.review import ExpertProfileFactory, expert_user
from tests.factories.review_work import accepted, submitted_review

pytestmark = pytest.mark.django_db

EXPERT = "评审专家甲"


def record(action, by, target, **extra):
    with transaction.atomic():
        audit.record(action=action, by=by, target=target, **extra)


@pytest.fixture
def life(project, officer, applicant):
    """The project's life before it began, as the trail records it: the call published, the application submitted
    and passed, an expert's review with a score of 87, the panel's vote and frozen ranking; then a tranche paid."""
    application = project.application
    expert = ExpertProfileFactory(person=PersonFactory(name=EXPERT, in_expert_pool=True))
    reviewer = expert_user(expert)
    problem = problems.submit_problem(by=None, values={"title": "社区老人慢病随访难",
                                                       "description": "独居老人缺少定期随访"})
    topic = Topic.objects.create(call=project.call, title="慢病随访")
    topic.problems.add(problem)
    Application.objects.filter(pk=application.pk).update(topic=topic)
    project.application.refresh_from_db()
    record("calls.problem.topic", officer, problem, clause="M05")
    record("calls.call.publish", officer, project.call, clause="M06")
    record("applications.application.submit", applicant, application, clause="M17")
    record("applications.application.check_pass", officer, application, clause="M17")
    assignment = accepted(application, expert)
    record("review.assignment.accept", reviewer, assignment, clause="M17")
    review = submitted_review(assignment, {"1": 87})
    record("review.review.submit", reviewer, review, new={"scores": {"1": 87}}, reason="创新性突出，评分 87",
           clause="M17")
    panel = Panel.objects.create(call=project.call, convened_at=timezone.now(), convened_by=officer)
    member = panel.members.create(expert=expert)
    vote = PanelVote.objects.create(panel=panel, member=member, application=application, vote="fund")
    record("review.panel.vote", reviewer, vote, clause="M17")
    record("review.panel.convene", officer, panel, clause="M17")
    record("review.panel.freeze", officer, panel, reason="会评结束", clause="M17")
    plan = FundingPlan.objects.create(call=project.call)
    record("funding.plan.propose", officer, plan, clause="M17")
    record("funding.plan.approve", officer, plan, reason="同意公示", clause="M17")
    record("funding.plan.update", officer, plan, reason="调整其他项目", clause="M17")
    record("funding.plan.decide", officer, plan, clause="M17")
    # an expert's individual opinion on a later stage of the project, recorded on the project itself
    record("funding.project.update", reviewer, project, reason="专家个人意见", clause="M17")
    finance = user_for_role(Role.FINANCE)
    first = Tranche.objects.filter(project=project).order_by("order").first()
    contracts.request_tranche(first, by=officer)
    contracts.approve_tranche(first, by=finance)
    contracts.record_payment(first, by=finance, paid_on=timezone.localdate(), reference="ICBC-0001")
    return {"finance": finance, "reviewer": reviewer}


def actions(entries):
    return [entry.action for entry in entries]


def test_the_officer_reads_every_step_with_who_did_it(project, officer, life):
    entries = timeline.entries(project, officer)
    seen = actions(entries)
    assert "funding.plan.update" not in seen                  # about the call's other applications
    for code in ("calls.problem.topic", "funding.plan.propose", "funding.plan.approve", "calls.call.publish",
                 "applications.application.submit", "applications.application.check_pass",
                 "review.assignment.accept", "review.review.submit", "review.panel.vote", "review.panel.convene",
                 "review.panel.freeze", "contracts.taskbook.issue", "contracts.taskbook.sign",
                 "contracts.tranche.pay", "funding.plan.decide"):
        assert code in seen, code
    review = next(e for e in entries if e.action == "review.review.submit")
    assert review.actor and review.stage == "review"
    assert [e.when for e in entries] == sorted(e.when for e in entries)


def test_the_applicant_never_sees_experts_or_their_scores(client, project, applicant, life):
    entries = timeline.entries(project, applicant)
    seen = actions(entries)
    assert not {"review.assignment.accept", "review.review.submit", "review.panel.vote",
                "review.panel.convene"} & set(seen)
    assert "funding.project.update" not in seen              # what an expert did, on any object
    assert {"calls.problem.topic", "calls.call.publish", "applications.application.submit", "review.panel.freeze",
            "funding.plan.approve", "funding.plan.decide", "contracts.taskbook.sign",
            "contracts.tranche.pay"} <= set(seen)
    assert "funding.plan.propose" not in seen and "funding.plan.update" not in seen
    problem = next(e for e in entries if e.action == "calls.problem.topic")
    assert problem.actor == "" and problem.stage == "origin"
    freeze = next(e for e in entries if e.action == "review.panel.freeze")
    assert freeze.actor == "" and freeze.reason == ""         # a public milestone, without who froze it
    client.force_login(applicant)
    page = client.get(reverse("projects:project", args=[project.pk])).content.decode()
    assert "data-ms-timeline" in page and 'data-ms-action="review.panel.freeze"' in page
    # the score as a number of its own in the timeline (the page's random tokens may hold the digits 87 anywhere)
    history = page[page.index("data-ms-timeline"):]
    assert EXPERT not in page and not re.search(r"(?<![0-9A-Za-z])87(?![0-9A-Za-z])", history)
    assert life["reviewer"].username not in page


def test_finance_sees_the_money_and_the_state_only(project, life):
    entries = timeline.entries(project, life["finance"])
    seen = set(actions(entries))
    assert {"contracts.tranche.request", "contracts.tranche.approve", "contracts.tranche.pay",
            "contracts.taskbook.sign", "funding.plan.decide"} <= seen
    assert not seen & {"applications.application.submit", "review.panel.freeze", "review.review.submit",
                       "calls.call.publish", "contracts.taskbook.issue"}


def test_a_late_report_counts_on_the_timeline(client, project, applicant):
    from datetime import timedelta

    from minsheng.contracts.models import TaskBook
    today = timezone.localdate()
    TaskBook.objects.filter(project=project, state=TaskBook.State.SIGNED).update(
        starts_on=today - timedelta(days=240), ends_on=today + timedelta(days=480))
    client.force_login(applicant)
    page = client.get(reverse("projects:project", args=[project.pk])).content.decode()
    assert 'data-ms-action="late"' in page


def test_someone_without_a_role_here_reads_nothing(project):
    assert timeline.entries(project, user_for_role(Role.EXPERT)) == []


def test_a_model_pointing_at_the_project_joins_the_timeline_by_itself():
    labels = {model._meta.label_lower for model in timeline.linked_models()}
    assert {"contracts.taskbook", "contracts.tranche", "contracts.expenditure", "projects.progressreport",
            "projects.midtermcheck"} <= labels
    assert all(model._meta.get_field("project").related_model is Project for model in timeline.linked_models())


def test_the_number_of_queries_does_not_grow_with_the_events(client, project, officer, life):
    def count():
        with CaptureQueriesContext(connection) as queries:
            timeline.entries(project, officer)
        page = CaptureQueriesContext(connection)
        client.force_login(officer)
        with page:
            assert client.get(reverse("projects:project", args=[project.pk])).status_code == 200
        return len(queries), len(page)

    count()                      # the first request of a session also reads the session's own rows
    before = count()
    for n in range(25):
        record("funding.project.update", officer, project, reason=f"第 {n} 次", clause="M17")
        record("applications.application.check_pass", officer, project.application, clause="M17")
    assert count() == before
    assert before[0] <= 2


def test_the_page_stays_within_its_query_budget(client, project, officer, life, django_assert_max_num_queries):
    """A fixed number whatever the project's history: the timeline, reports, changes, termination, the
    acceptance card and the results (achievements, transfers, sites with their quarters) each read a fixed number
    of row sets."""
    client.force_login(officer)
    with django_assert_max_num_queries(32):      # 31, and the header bell's unread count
        assert client.get(reverse("projects:project", args=[project.pk])).status_code == 200


def test_every_page_of_the_project_links_its_home(client, project, applicant):
    client.force_login(applicant)
    home = reverse("projects:project", args=[project.pk])
    for name in ("contracts:project", "funding:project_detail"):
        page = client.get(reverse(name, args=[project.pk])).content.decode()
        assert f'href="{home}" data-ms-tab="home"' in page, name
    page = client.get(home).content.decode()
    assert reverse("contracts:project", args=[project.pk]) in page
    assert reverse("funding:project_detail", args=[project.pk]) in page


def test_a_project_of_another_organisation_is_not_found(client, project):
    other = approved_project(call=CallFactory())
    client.force_login(user_for_role(Role.APPLICANT, organisation=other.organisation))
    assert client.get(reverse("projects:project", args=[project.pk])).status_code == 404


def test_a_decision_the_trail_did_not_record_still_shows_on_its_date(project, officer):
    decisions = [e for e in timeline.entries(project, officer) if e.action == "funding.plan.decide"]
    assert [e.when for e in decisions] == [project.approved_at]
