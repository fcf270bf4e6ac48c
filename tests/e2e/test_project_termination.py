"""Termination and recovery of funds in a real browser (终止与经费追回, M17): an officer opens a project under way
and proposes its termination for misconduct with the reason and a misused amount, typed as a person types them;
the same officer finds no way to decide it (four eyes); a second officer opens it, types the reason, the due date
and a debarment of the lead, and approves: the project is terminated and the recovery computed (unspent + misused).
Finance opens the recoveries from its home page, tries a receipt larger than what is owed and is told so, then
records a first receipt and reads what is still owed."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from minsheng.contracts import services as contracts
from minsheng.core.roles import Role
from minsheng.funding.models import Project
from minsheng.projects.models import Recovery, RecoveryReceipt, Termination
from minsheng.registry.models import Debarment
from tests.contracts.helpers import first_paid
from tests.e2e import page_checks
from tests.e2e.test_foundation import sign_in
from tests.e2e.test_phone import assert_no_sideways_scroll
from tests.factories import user_for_role
from tests.factories.calls import CallFactory
from tests.factories.contracts import approved_project

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def project(db):
    """Under way, 40 万元 paid and 15 万元 spent."""
    project = approved_project(call=CallFactory(report_every_months=6, midterm_check=True))
    officer = user_for_role(Role.OFFICER, username="e2e_proposer")
    user_for_role(Role.OFFICER, username="e2e_approver")
    finance = user_for_role(Role.FINANCE, username="e2e_finance")
    applicant = user_for_role(Role.APPLICANT, organisation=project.organisation)
    first_paid(project, officer, applicant, finance)
    category = project.task_books.get().budget_lines.order_by("-amount").first().category
    contracts.record_expenditure(project, by=applicant, category=category, amount=Decimal("150000"),
                                 spent_on=timezone.localdate(), description="设备采购")
    return project


def _checked(page, url):
    page.goto(url)
    assert_no_sideways_scroll(page)
    found = {kind: problems for kind, problems in page_checks.check_html(page.content()).items() if problems}
    assert not found, (url, found)


def test_an_officer_proposes_a_second_approves_and_finance_records_the_money_paid_back(page, project):
    sign_in(page, "e2e_proposer")
    page.goto(f"/projects/{project.pk}/")
    page.click("[data-ms-propose-termination]")
    page.check("input[name=grounds][value=misconduct]")
    page.fill("textarea[name=reason]", "审计发现项目经费被用于购置与任务书无关的车辆")
    page.fill("input[name=misused_1]", "2")
    page.fill("input[name=misused_1_reason]", "购置办公车辆")
    page.click("[data-ms-propose]")
    expect(page.locator("[data-ms-termination-state]")).to_have_attribute("data-ms-termination-state", "proposed")
    expect(page.locator("[data-ms-to-recover]")).to_contain_text("27.00")
    expect(page.locator("[data-ms-awaiting-second]")).to_be_visible()      # four eyes: no decision for the proposer
    expect(page.locator("[data-ms-approve]")).to_have_count(0)
    url = page.url
    page.context.clear_cookies()

    sign_in(page, "e2e_approver")
    page.goto(url)
    page.fill("form[data-ms-approve-form] textarea[name=reason]", "审计结论清楚，同意终止")
    page.fill("input[name=due_on]", (timezone.localdate() + timedelta(days=30)).isoformat())
    page.check("input[name=debar_lead]")
    page.fill("textarea[name=debar_reason]", "挪用财政科研资金")
    page.click("[data-ms-approve]")
    expect(page.locator("[data-ms-termination-state]")).to_have_attribute("data-ms-termination-state", "approved")
    expect(page.locator("[data-ms-to-recover]")).to_contain_text("27.00")
    expect(page.locator("[data-ms-debarments]")).to_contain_text("挪用财政科研资金")
    project.refresh_from_db()
    assert project.state == Project.State.TERMINATED
    page.context.clear_cookies()

    sign_in(page, "e2e_finance")
    page.click("[data-ms-recoveries-link]")
    expect(page.locator(f"[data-ms-recovery-row='{project.number}']")).to_contain_text("27.00")
    page.locator(f"[data-ms-recovery-row='{project.number}'] a").click()
    page.fill("input[name=amount]", "30")
    page.fill("input[name=bank_reference]", "ICBC-R-0001")
    page.click("[data-ms-record-receipt]")
    expect(page.locator(".alert-danger, .alert-error").first).to_contain_text("27")
    assert not RecoveryReceipt.objects.exists()
    page.fill("input[name=amount]", "10")
    page.fill("input[name=bank_reference]", "ICBC-R-0001")
    page.click("[data-ms-record-receipt]")
    expect(page.locator("[data-ms-receipt='ICBC-R-0001']")).to_be_visible()
    expect(page.locator("[data-ms-outstanding]")).to_contain_text("17.00")

    recovery = Recovery.objects.get()
    assert (recovery.amount, recovery.outstanding) == (Decimal("270000"), Decimal("170000"))
    termination = Termination.objects.get()
    assert termination.proposed_by.username == "e2e_proposer" and termination.decided_by.username == "e2e_approver"
    assert Debarment.objects.get().person_id == project.lead_id

    # On a phone every new page reads without scrolling sideways and passes the page checks.
    page.set_viewport_size({"width": 390, "height": 844})
    for url in (f"/projects/terminations/{termination.pk}/", "/projects/recoveries/", "/projects/recoveries/?show=all",
                f"/projects/{project.pk}/"):
        _checked(page, url)


def test_the_organisation_asks_an_officer_proposes_and_a_second_rejects(page, project):
    user_for_role(Role.APPLICANT, username="e2e_org", organisation=project.organisation)
    sign_in(page, "e2e_org")
    page.goto(f"/projects/{project.pk}/")
    page.locator("[data-ms-request-termination] summary").click()
    page.fill("[data-ms-request-termination] textarea[name=reason]", "核心技术人员离职，无法继续实施")
    page.click("[data-ms-send-request]")
    expect(page.locator("[data-ms-termination-state]")).to_have_attribute("data-ms-termination-state", "requested")
    url = page.url
    page.context.clear_cookies()

    sign_in(page, "e2e_proposer")
    page.goto(f"/projects/{project.pk}/")
    page.locator("[data-ms-termination] a").click()
    page.fill("form[data-ms-review-form] textarea[name=reason]", "经核实，情况属实")
    page.click("[data-ms-endorse]")
    expect(page.locator("[data-ms-termination-state]")).to_have_attribute("data-ms-termination-state", "proposed")
    page.context.clear_cookies()

    sign_in(page, "e2e_approver")
    page.goto(url)
    page.fill("#reject-reason", "可调整任务书后继续实施")
    page.click("[data-ms-reject]")
    expect(page.locator("[data-ms-termination-state]")).to_have_attribute("data-ms-termination-state", "rejected")
    expect(page.locator("[data-ms-decision-reason]")).to_contain_text("可调整任务书后继续实施")
    project.refresh_from_db()
    assert project.state == Project.State.UNDER_WAY and not Recovery.objects.exists()


def test_the_officer_starts_the_termination_from_a_midterm_check_that_proposed_it(page, project):
    from minsheng.core import clock
    from minsheng.projects.models import MidtermCheck

    MidtermCheck.objects.create(project=project, result=MidtermCheck.Result.TERMINATE, findings="关键节点全部滞后",
                                reason="项目组无法按任务书实施", recorded_by=user_for_role(Role.OFFICER),
                                recorded_at=clock.now())
    sign_in(page, "e2e_proposer")
    page.set_viewport_size({"width": 390, "height": 844})
    _checked(page, f"/projects/{project.pk}/")
    page.click("[data-ms-terminate-from-check]")
    expect(page.locator("[data-ms-from-check]")).to_be_visible()
    expect(page.locator("input[name=grounds][value=midterm]")).to_be_checked()
    expect(page.locator("textarea[name=reason]")).to_have_value("项目组无法按任务书实施")
    _checked(page, page.url)
    page.click("[data-ms-propose]")
    expect(page.locator("[data-ms-grounds]")).to_have_attribute("data-ms-grounds", "midterm")
    assert Termination.objects.get().midterm_check is not None
