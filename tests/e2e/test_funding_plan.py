"""The funding plan page as officers use it: grants typed by hand and saved beside each line's co-funding form, a
plan co-owned by a department that must confirm before the second officer may approve, the approval of the projects
waiting for the notice, and the plan's chart."""

import pytest
from playwright.sync_api import expect

from minsheng.core.roles import Role
from minsheng.funding import services
from minsheng.funding.models import FundingPlan
from minsheng.policy.models import FundingSource
from tests.e2e.test_foundation import sign_in
from tests.factories import department, user_for_role
from tests.factories.funding import WAN, frozen_call, plan_in_notice

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def _sign_out(page):
    page.context.clear_cookies()


def _alert(page):
    return page.locator("main .alert").first


def test_grants_by_hand_cofunding_proposal_confirmation_and_approval_by_a_second_officer(page):
    world = frozen_call(co_owners=[department("health")])
    call = world.call
    user_for_role(Role.OFFICER, username="e2e_plan_officer")
    user_for_role(Role.OFFICER, username="e2e_plan_officer2", last_name="复", first_name="核人")
    user_for_role(Role.DEPARTMENT_OFFICER, username="e2e_plan_health", department=department("health"),
                  last_name="卫", first_name="健委")
    bank = FundingSource.objects.get(code="bank_loan")

    sign_in(page, "e2e_plan_officer")
    page.goto(f"/funding/calls/{call.pk}/")
    page.click("[data-ms-plan-create]")
    first, second = world.applications[0], world.applications[1]

    # Two grants typed by hand, each cut with its reason, then saved with the button under the table.
    page.get_by_label(f"资助金额：{first.number}").fill("250")
    page.get_by_label(f"核减理由：{first.number}").fill("按指南单项资助上限核定")
    page.get_by_label(f"资助金额：{second.number}").fill("200")
    page.get_by_label(f"核减理由：{second.number}").fill("设备费测算偏高，核减50万元")
    page.click("[data-ms-save]")
    expect(_alert(page)).to_contain_text("资助方案已保存")
    expect(page.locator("[data-ms-total]")).to_contain_text("450.00 万元 / 600.00 万元")
    plan = FundingPlan.objects.get(call=call)
    grants = dict(plan.lines.values_list("application_id", "grant"))
    assert grants[first.pk] == 250 * WAN and grants[second.pk] == 200 * WAN
    # The co-owning department is named before anything is proposed, with who will confirm for it.
    expect(page.locator("[data-ms-co-owner=health]")).to_contain_text("卫健委")

    # Co-funding for the first line, in that line's own form.
    line = page.locator(f"[data-ms-line='{first.number}']")
    line.locator("summary").click()
    line.get_by_label("资金来源").select_option(label=bank.name_zh)
    line.get_by_label("出资方").fill("深圳民生银行科技支行")
    line.get_by_label("金额（万元）").fill("100")
    line.locator("[data-ms-cofunding-record]").click()
    expect(_alert(page)).to_contain_text("配套资金已登记")
    expect(page.locator(f"[data-ms-line='{first.number}'] [data-ms-cofunding=bank_loan]")).to_contain_text(
        "深圳民生银行科技支行")

    page.click("[data-ms-propose]")
    expect(page.locator("[data-ms-plan-state]")).to_have_attribute("data-ms-plan-state", "proposed")
    # The proposer is not offered the approval; the page says why.
    expect(page.locator("[data-ms-approve]")).to_have_count(0)
    expect(page.locator("[data-ms-approval-refusal]")).to_contain_text("须由另一名经办人员审批")

    _sign_out(page)
    sign_in(page, "e2e_plan_officer2")
    page.goto(f"/funding/calls/{call.pk}/")
    # The second officer sees whose confirmation the plan waits for, and no button that would only refuse.
    expect(page.locator("[data-ms-co-owner=health]")).to_contain_text("卫健委")
    expect(page.locator("[data-ms-approval-refusal]")).to_contain_text("市卫生人口计生部门")
    expect(page.locator("[data-ms-approve]")).to_have_count(0)

    _sign_out(page)
    sign_in(page, "e2e_plan_health")
    page.goto(f"/funding/calls/{call.pk}/")
    page.click("[data-ms-confirm-part]")
    expect(_alert(page)).to_contain_text("本部门部分已确认")
    expect(page.locator("[data-ms-confirmed=health]")).to_be_visible()

    _sign_out(page)
    sign_in(page, "e2e_plan_officer2")
    page.goto(f"/funding/calls/{call.pk}/")
    expect(page.locator("[data-ms-approval-refusal]")).to_have_count(0)
    page.fill("#approve-reason", "复核无误，部门已确认，同意公示")
    page.click("[data-ms-approve]")
    expect(page.locator("[data-ms-plan-state]")).to_have_attribute("data-ms-plan-state", "notice")
    plan.refresh_from_db()
    assert plan.approved_by.username == "e2e_plan_officer2"
    assert plan.lines.get(application=first).cofunding.get().amount == 100 * WAN


def test_typed_grants_are_not_dropped_without_a_word_when_another_form_is_sent(page):
    world = frozen_call()
    officer = user_for_role(Role.OFFICER, username="e2e_plan_keep")
    plan = services.create_plan(world.call, by=officer)
    services.apply_suggestion(plan, by=officer)
    first = world.applications[0]

    sign_in(page, "e2e_plan_keep")
    page.goto(f"/funding/calls/{world.call.pk}/")
    page.get_by_label(f"资助金额：{first.number}").fill("240")
    line = page.locator(f"[data-ms-line='{first.number}']")
    line.locator("summary").click()
    line.get_by_label("资金来源").select_option(label=FundingSource.objects.get(code="bank_loan").name_zh)
    line.get_by_label("出资方").fill("深圳民生银行科技支行")
    line.get_by_label("金额（万元）").fill("50")
    questions = []
    page.once("dialog", lambda dialog: (questions.append(dialog.message), dialog.dismiss()))
    line.locator("[data-ms-cofunding-record]").click()
    expect(page.get_by_label(f"资助金额：{first.number}")).to_have_value("240")
    assert questions and "尚未保存" in questions[0]
    assert not plan.lines.get(application=first).cofunding.exists()


def test_the_projects_wait_for_the_notice_and_the_page_says_so(page):
    world = frozen_call()
    user_for_role(Role.OFFICER, username="e2e_plan_decide")
    plan_in_notice(world)

    sign_in(page, "e2e_plan_decide")
    page.goto(f"/funding/calls/{world.call.pk}/")
    expect(page.locator("[data-ms-decide-waits]")).to_contain_text("公示期结束后")
    expect(page.locator("[data-ms-decide]")).to_be_disabled()
    expect(page.locator("#decide-reason")).to_be_disabled()


def test_the_chart_labels_fit_inside_the_chart(page):
    world = frozen_call(requests_wan=(120, 110, 100, 90, 80, 70, 60, 50), budget_wan=500, max_grant_wan=150)
    for index, application in enumerate(world.applications, start=1):     # numbers as long as real ones
        application.number = f"MSZN-2026-{world.call.pk:03d}-{index:04d}"
        application.save(update_fields=["number"])
    officer = user_for_role(Role.OFFICER, username="e2e_plan_chart")
    plan = services.create_plan(world.call, by=officer)
    services.apply_suggestion(plan, by=officer)

    sign_in(page, "e2e_plan_chart")
    page.goto(f"/funding/calls/{world.call.pk}/")
    for selector in ("[data-ms-funding-chart]", "[data-ms-envelope-chart]"):
        chart = page.locator(selector)
        texts = chart.locator("svg text")
        expect(texts.first).to_be_attached()
        box = chart.bounding_box()
        labels = texts.evaluate_all("nodes => nodes.filter(n => n.textContent.trim()).map(n => {"
                                    "const r = n.getBoundingClientRect(); return [n.textContent, r.left, r.top, "
                                    "r.right, r.bottom]; })")
        assert any(world.applications[0].number in label[0] for label in labels) or selector != (
            "[data-ms-funding-chart]")
        for text, left, top, right, bottom in labels:
            assert left >= box["x"] - 1 and right <= box["x"] + box["width"] + 1, (selector, text)
            assert top >= box["y"] - 1 and bottom <= box["y"] + box["height"] + 1, (selector, text)
