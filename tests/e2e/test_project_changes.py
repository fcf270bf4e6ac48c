"""A change request (项目变更) in a real browser: the applicant opens its project's reports page, asks to move
20 万元 of equipment money to labour (20 % of the category, so two officers decide), types the amount and the
reason and submits; an officer gives the first approval from the queue, a second officer approves, and the new
task-book version appears on the project's page and opens. The pages read on a phone."""

import pytest
from playwright.sync_api import expect

from minsheng.contracts import services as contracts
from minsheng.contracts.models import TaskBook
from minsheng.core.roles import Role
from minsheng.projects.models import ChangeRequest
from tests.e2e import page_checks
from tests.e2e.choices import pick
from tests.e2e.test_foundation import sign_in
from tests.e2e.test_phone import assert_no_sideways_scroll
from tests.factories import PersonFactory, user_for_role
from tests.factories.calls import CallFactory
from tests.factories.contracts import approved_project

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def project(db):
    project = approved_project(call=CallFactory(report_every_months=6))
    officer = user_for_role(Role.OFFICER, username="e2e_officer")
    user_for_role(Role.OFFICER, username="e2e_officer2")
    applicant = user_for_role(Role.APPLICANT, username="e2e_applicant", organisation=project.organisation)
    book = contracts.issue(project, by=officer)
    contracts.confirm(book, revision=1, by=applicant)
    contracts.countersign(book, by=officer)
    return project


def _phone_checks(page, urls):
    page.set_viewport_size({"width": 390, "height": 844})
    for url in urls:
        page.goto(url)
        assert_no_sideways_scroll(page)
        found = {kind: problems for kind, problems in page_checks.check_html(page.content()).items() if problems}
        assert not found, (url, found)
    page.set_viewport_size({"width": 1280, "height": 900})


def test_a_budget_change_is_requested_approved_by_two_officers_and_version_two_appears(page, project):
    sign_in(page, "e2e_applicant")
    page.goto(f"/projects/{project.pk}/")
    page.click("[data-ms-request-change]")
    expect(page.locator("[data-ms-change-kind='budget']")).to_have_attribute("aria-current", "page")
    page.select_option("#id_source", "equipment")
    page.select_option("#id_target", "labour")
    page.fill("#id_amount", "200")      # more than the category holds: refused with the message, nothing kept
    page.fill("#id_reason", "设备集中采购价格下降，节余调剂用于随访人员劳务")
    page.click("[data-ms-change-submit]")
    expect(page.locator(".alert-danger, .alert-error, [role=alert]").first).to_contain_text("无法调出")
    assert not ChangeRequest.objects.exists()
    page.fill("#id_amount", "20")
    page.click("[data-ms-change-submit]")
    expect(page.locator("[data-ms-change-state]")).to_have_attribute("data-ms-change-state", "submitted")
    expect(page.locator("[data-ms-four-eyes]")).to_be_visible()
    change = ChangeRequest.objects.get(project=project)
    _phone_checks(page, [f"/projects/{project.pk}/", f"/projects/{project.pk}/changes/new/?kind=extension",
                         f"/projects/changes/{change.pk}/"])
    page.context.clear_cookies()

    sign_in(page, "e2e_officer")
    page.goto("/projects/")
    page.locator(f"[data-ms-change-queue] [data-ms-change='{change.pk}'] a[href$='/changes/{change.pk}/']").click()
    expect(page.locator("[data-ms-change-description]")).to_contain_text("20 万元")
    page.fill("textarea[name=comments]", "调剂理由充分")
    page.click("[data-ms-change-approve]")
    expect(page.locator("[data-ms-change-state]")).to_have_attribute("data-ms-change-state", "endorsed")
    expect(page.locator("[data-ms-change-approve]")).to_have_count(0)
    _phone_checks(page, ["/projects/", f"/projects/changes/{change.pk}/"])
    page.context.clear_cookies()

    sign_in(page, "e2e_officer2")
    page.goto(f"/projects/changes/{change.pk}/")
    page.click("[data-ms-change-approve]")
    expect(page.locator("[data-ms-change-state]")).to_have_attribute("data-ms-change-state", "approved")
    page.goto(f"/projects/{project.pk}/")
    page.click(f"[data-ms-change='{change.pk}'] [data-ms-change-version='2']")
    expect(page.locator("[data-ms-book-state]")).to_have_attribute("data-ms-book-state", "draft")
    expect(page.locator("body")).to_contain_text("变更申请")
    new = TaskBook.objects.get(project=project, number=2)
    amounts = {line.category: line.amount for line in new.budget_lines.all()}
    assert amounts["equipment"] == 800000 and amounts["labour"] == 1200000


def test_a_newcomer_is_found_by_typing_on_the_team_change(page, project):
    """The team change's newcomer is chosen as a person does: the 人员变更 tab, part of the name typed, the
    suggestion clicked. The search keeps the tab's ?kind=team, so it asks the team form."""
    newcomer = PersonFactory(organisation=project.organisation, name="林新来")
    PersonFactory(organisation=project.organisation, name="林另一位")
    book = TaskBook.objects.filter(project=project).latest("number")
    leaving = book.team[0]["name"]
    sign_in(page, "e2e_applicant")
    page.goto(f"/projects/{project.pk}/changes/new/")
    page.click("[data-ms-change-kind='team']")
    page.select_option("#id_replace", leaving)
    pick(page, "person", "林新来")
    page.fill("#id_reason", "原成员调离本单位")
    page.click("[data-ms-change-submit]")
    expect(page.locator("[data-ms-change-state]")).to_have_attribute("data-ms-change-state", "submitted")
    change = ChangeRequest.objects.get(project=project)
    assert (change.proposal["replace"], change.proposal["person"], change.proposal["name"]) == (
        leaving, newcomer.pk, "林新来")
