"""A project's whole life in a real browser (M17): the applicant signs in, finds its late report flagged in its
workspace, opens the project's page and reads the timeline, which shows the call, its application, the frozen
ranking and its task book but never the expert who reviewed it; the officer reads the same timeline with the
review and the expert's name, and moves between the project's three pages by their tabs."""

from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone
from playwright.sync_api import expect

from minsheng.contracts import services as contracts
from minsheng.contracts.models import TaskBook
from minsheng.core import audit
from minsheng.core.roles import Role
from minsheng.review.models import Panel
from tests.e2e import page_checks
from tests.e2e.test_foundation import sign_in
from tests.e2e.test_phone import assert_no_sideways_scroll
from tests.factories import PersonFactory, user_for_role
from tests.factories.calls import CallFactory
from tests.factories.contracts import approved_project
from tests.factories.review import ExpertProfileFactory, expert_user
from tests.factories.review_work import accepted, submitted_review

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

EXPERT = "评审专家乙"


@pytest.fixture
def world(db):
    project = approved_project(call=CallFactory(report_every_months=6, midterm_check=True))
    officer = user_for_role(Role.OFFICER, username="e2e_officer")
    applicant = user_for_role(Role.APPLICANT, username="e2e_applicant", organisation=project.organisation)
    expert = ExpertProfileFactory(person=PersonFactory(name=EXPERT, in_expert_pool=True))
    reviewer = expert_user(expert)
    review = submitted_review(accepted(project.application, expert), {"1": 91})
    panel = Panel.objects.create(call=project.call, convened_at=timezone.now(), convened_by=officer)
    with transaction.atomic():
        audit.record(action="calls.call.publish", by=officer, target=project.call, clause="M06")
        audit.record(action="applications.application.submit", by=applicant, target=project.application,
                     clause="M17")
        audit.record(action="review.review.submit", by=reviewer, target=review, reason="评分 91", clause="M17")
        audit.record(action="review.panel.freeze", by=officer, target=panel, clause="M17")
    book = contracts.issue(project, by=officer)
    contracts.confirm(book, revision=1, by=applicant)
    contracts.countersign(book, by=officer)
    today = timezone.localdate()      # begun eight months ago: the first period's report is late
    TaskBook.objects.filter(pk=book.pk).update(starts_on=today - timedelta(days=240),
                                               ends_on=today + timedelta(days=480))
    return {"project": project}


def test_the_applicant_and_the_officer_read_the_projects_life(page, world):
    project = world["project"]
    timeline = page.locator("[data-ms-timeline]")
    sign_in(page, "e2e_applicant")
    expect(page.locator(f"[data-ms-due='{project.number}-1']")).to_be_visible()
    expect(page.locator("[data-ms-home-late]")).to_have_attribute("data-ms-home-late", "1")
    page.locator(f"[data-ms-due='{project.number}-1'] a").first.click()
    expect(page.locator("[data-ms-tab='home']")).to_have_attribute("aria-current", "page")
    for action in ("calls.call.publish", "applications.application.submit", "review.panel.freeze",
                   "contracts.taskbook.sign", "late"):
        expect(timeline.locator(f"[data-ms-action='{action}']").first).to_be_visible()
    expect(timeline).to_contain_text("任务书")
    expect(timeline.locator("[data-ms-action='review.review.submit']")).to_have_count(0)
    expect(page.locator("body")).not_to_contain_text(EXPERT)
    expect(page.locator("body")).not_to_contain_text("评分 91")
    page.set_viewport_size({"width": 390, "height": 844})
    assert_no_sideways_scroll(page)
    found = {kind: problems for kind, problems in page_checks.check_html(page.content()).items() if problems}
    assert not found, found
    page.context.clear_cookies()

    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, "e2e_officer")
    page.goto(f"/funding/projects/{project.pk}/")
    page.click("[data-ms-tab='home']")
    entry = timeline.locator("[data-ms-action='review.review.submit']")
    expect(entry).to_contain_text(EXPERT)
    expect(entry).to_contain_text("评分 91")
    page.click("[data-ms-tab='contract']")
    expect(page.locator("[data-ms-tab='contract']")).to_have_attribute("aria-current", "page")
    page.click("[data-ms-tab='home']")
    expect(page.locator("[data-ms-figure='grant']")).to_have_text("80.00")
