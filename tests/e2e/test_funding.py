"""Funding decisions in a real browser: an officer builds the plan from the frozen ranking and proposes it, a
second officer approves it; the notice appears on the public portal, where a member of the public lodges an
objection; the officer records how it was handled; after the notice the projects are approved (立项) and the
decision PDF downloads."""

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from minsheng.core import clock
from minsheng.core.roles import Role
from minsheng.funding.models import FundingPlan, Objection, Project
from tests.e2e.test_foundation import sign_in
from tests.factories import user_for_role
from tests.factories.funding import frozen_call

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def _sign_out(page):
    page.context.clear_cookies()


def test_plan_notice_objection_and_approval(page, monkeypatch):
    world = frozen_call()
    call = world.call
    user_for_role(Role.OFFICER, username="e2e_fund_officer")
    user_for_role(Role.OFFICER, username="e2e_fund_officer2")

    sign_in(page, "e2e_fund_officer")
    page.goto("/funding/")
    page.locator(f"[data-ms-call='{call.code}'] a").click()
    page.click("[data-ms-plan-create]")
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("[data-ms-suggest]")
    expect(page.locator("[data-ms-cutoff]")).to_have_count(1)
    expect(page.locator("[data-ms-total]")).to_contain_text("600.00 万元 / 600.00 万元")
    page.click("[data-ms-propose]")
    expect(page.locator("[data-ms-plan-state]")).to_have_attribute("data-ms-plan-state", "proposed")
    expect(page.locator("[data-ms-approval-refusal]")).to_contain_text("须由另一名经办人员审批")

    _sign_out(page)
    sign_in(page, "e2e_fund_officer2")
    page.goto(f"/funding/calls/{call.pk}/")
    page.fill("#approve-reason", "复核无误，同意公示")
    page.click("[data-ms-approve]")
    expect(page.locator("[data-ms-plan-state]")).to_have_attribute("data-ms-plan-state", "notice")

    _sign_out(page)
    page.goto("/")
    page.click("[data-ms-notices]")
    page.get_by_role("link", name=call.title_zh).click()
    expect(page.locator("[data-ms-notice-line]")).to_have_count(3)
    page.fill("input[name=contact]", "13800000000")
    page.fill("textarea[name=text]", "第一名单位的示范点位与申报书不一致")
    page.click("[data-ms-objection-submit]")
    expect(page.locator(".alert, [role=status]").first).to_contain_text("您的异议已收到")

    sign_in(page, "e2e_fund_officer")
    page.goto(f"/funding/calls/{call.pk}/")
    objection = Objection.objects.get()
    page.fill(f"#handling-{objection.pk}", "经核实，示范点位已按任务要求调整，维持方案并电话答复。")
    page.click("[data-ms-handle]")
    expect(page.locator(f"[data-ms-objection='{objection.pk}']")).to_have_attribute(
        "data-ms-objection-state", "handled")

    later = FundingPlan.objects.get(call=call).notice_ends_at + timedelta(hours=2)
    monkeypatch.setattr(clock, "now", lambda: later)        # the notice is over by the server clock
    page.reload()
    page.fill("#decide-reason", "公示期满，准予立项")
    page.click("[data-ms-decide]")
    expect(page.locator("[data-ms-plan-state]")).to_have_attribute("data-ms-plan-state", "decided")
    first = Project.objects.order_by("number").first()
    page.locator(f"[data-ms-project='{first.number}'] a").click()
    expect(page.locator("[data-ms-number]")).to_have_text(first.number)
    with page.expect_download() as download:
        page.click("[data-ms-decision-pdf]")
    assert download.value.suggested_filename == f"{first.number}.pdf"
