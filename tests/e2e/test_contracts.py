"""Task book and money in a real browser: the officer issues the task book, the applicant confirms it, the officer
countersigns (the project starts) and requests the first tranche; finance returns the request with a reason, the
officer reads it and requests again, finance approves it from its queue and records the payment; the applicant
records money spent and sees it in the budget, paid and spent chart."""

import pytest
from playwright.sync_api import expect

from minsheng.contracts.models import TaskBook, Tranche
from minsheng.core.roles import Role
from minsheng.funding.models import Project
from tests.e2e.test_foundation import sign_in
from tests.factories import user_for_role
from tests.factories.contracts import approved_project

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def world(db):
    project = approved_project()
    return {"project": project,
            "officer": user_for_role(Role.OFFICER, username="e2e_officer"),
            "applicant": user_for_role(Role.APPLICANT, username="e2e_applicant", organisation=project.organisation),
            "finance": user_for_role(Role.FINANCE, username="e2e_finance")}


def _sign_out(page):
    page.context.clear_cookies()


def test_confirm_countersign_and_first_tranche(page, world):
    project = world["project"]
    sign_in(page, "e2e_officer")
    page.goto("/contracts/")
    page.get_by_role("link", name=project.number).click()
    page.click("form[data-ms-issue] button")
    expect(page.locator("[data-ms-book-state]").first).to_have_attribute("data-ms-book-state", "draft")
    _sign_out(page)

    sign_in(page, "e2e_applicant")
    page.goto("/accounts/home/")
    page.locator("[data-ms-home-contracts] a").first.click()
    page.locator(f"[data-ms-project='{project.number}'] [data-ms-book-state]").click()
    expect(page.locator("[data-ms-indicators]")).to_contain_text("服务人数")
    page.click("form[data-ms-confirm-form] button")
    expect(page.locator("[data-ms-book-state]").first).to_have_attribute("data-ms-book-state", "confirmed")
    _sign_out(page)

    sign_in(page, "e2e_officer")
    book = TaskBook.objects.get(project=project)
    page.goto(f"/contracts/task-books/{book.pk}/")
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("form[data-ms-sign-form] button")
    expect(page.locator("[data-ms-signed]")).to_be_visible()
    page.goto(f"/contracts/projects/{project.pk}/")
    expect(page.locator("[data-ms-project-state]")).to_have_attribute("data-ms-project-state", "under_way")
    page.click("form[data-ms-request='1'] button")
    expect(page.locator("[data-ms-tranche='1']")).to_have_attribute("data-ms-tranche-state", "requested")
    _sign_out(page)

    sign_in(page, "e2e_finance")
    page.goto("/contracts/finance/")
    page.fill("[data-ms-queue=requested] form[data-ms-return='1'] input[name=reason]", "请附银行开户许可证")
    page.click("[data-ms-queue=requested] form[data-ms-return='1'] button")
    expect(page.locator(".alert-success")).to_contain_text("已退回项目主管")
    expect(page.locator("[data-ms-queue=requested] [data-ms-tranche='1']")).to_have_count(0)
    _sign_out(page)

    sign_in(page, "e2e_officer")
    page.goto(f"/contracts/projects/{project.pk}/")
    expect(page.locator("[data-ms-returned='1']")).to_contain_text("请附银行开户许可证")
    page.click("form[data-ms-request='1'] button")
    expect(page.locator("[data-ms-tranche='1']")).to_have_attribute("data-ms-tranche-state", "requested")
    _sign_out(page)

    sign_in(page, "e2e_finance")
    page.goto("/contracts/finance/")
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("[data-ms-queue=requested] form[data-ms-approve='1'] button")
    expect(page.locator("[data-ms-queue=approved] [data-ms-tranche='1']")).to_be_visible()
    assert Project.objects.get(pk=project.pk).state == Project.State.UNDER_WAY
    assert Tranche.objects.get(project=project, order=1).state == Tranche.State.APPROVED
    page.fill("[data-ms-queue=approved] form[data-ms-pay='1'] input[name=reference]", "ICBC-E2E-001")
    page.click("[data-ms-queue=approved] form[data-ms-pay='1'] button")
    expect(page.locator(".alert-success")).to_contain_text("支付已登记")
    _sign_out(page)

    sign_in(page, "e2e_applicant")
    page.goto(f"/contracts/projects/{project.pk}/")
    form = page.locator("form[data-ms-expenditure-form]")
    form.locator("select[name=category]").select_option("equipment")
    form.locator("input[name=amount]").fill("12.5")
    form.locator("input[name=description]").fill("购置血压计")
    form.locator("input[name=voucher]").fill("记-001")
    form.locator("button[type=submit]").click()
    expect(page.locator(".alert-success")).to_contain_text("已登记 12.5 万元的经费支出")
    expect(page.locator("[data-ms-category='equipment'] [data-ms-spent]")).to_have_text("12.50")
    expect(page.locator("[data-ms-money-chart] canvas")).to_have_count(1)
