"""Digits outside 0–9, as a person meets them (core/strict_input.py, docs/decisions.md): an applicant typing a
budget with a Chinese input method in full-width mode, and a citizen whose phone number comes out full-width."""

import pytest
from playwright.sync_api import expect

from minsheng.applications.models import BudgetLine
from minsheng.problems.models import Problem
from tests.e2e.test_foundation import sign_in
from tests.factories import OrganisationFactory, user_for_role
from tests.factories.applications import ApplicationFactory
from tests.factories.calls import CallFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_an_applicant_types_a_budget_in_full_width_and_arabic_indic_digits(page):
    organisation = OrganisationFactory(name_zh="深圳市全角数字康复科技有限公司")
    applicant = user_for_role("applicant", organisation=organisation, username="e2e_digits")
    draft = ApplicationFactory(call=CallFactory(), organisation=organisation, created_by=applicant)
    sign_in(page, applicant.username)
    page.goto(f"/applications/{draft.pk}/edit/budget/")

    # The amount fields are number fields: the browser itself reads full-width digits as 0–9 ...
    page.locator("[name=budget_equipment]").press_sequentially("１２.５")
    expect(page.locator("[name=budget_equipment]")).to_have_value("12.5")
    # ... and takes no Arabic-Indic digit at all, so nothing appears and nothing is guessed.
    page.locator("[name=fund_city_rd]").press_sequentially("٣")
    expect(page.locator("[name=fund_city_rd]")).to_have_value("")
    page.locator("[name=fund_city_rd]").press_sequentially("5")
    page.locator("[name=fund_own]").press_sequentially("7.5")
    page.click("form[data-ms-autosave] button[type=submit]")
    expect(page.locator("[name=budget_equipment]")).to_have_value("12.5")
    assert BudgetLine.objects.get(application=draft, category="equipment").amount == 125000


def test_a_citizen_whose_phone_number_comes_out_full_width_is_told_the_figure_and_keeps_the_report(page):
    page.goto("/problems/new/")
    form = page.locator("form[data-ms-problem-form]")
    form.locator("input[name=title]").fill("路灯夜里不亮")
    form.locator("textarea[name=description]").fill("小区门口的三盏路灯坏了三个月，晚上老人出门容易摔倒。")
    form.locator("input[name=contact_phone]").fill("１３８００１３８０００")
    form.locator("button[type=submit]").click()
    expect(page.locator("h1")).to_have_text("无法接受该请求")
    expect(page.locator("main")).to_contain_text(
        "数字和日期请用 0–9 书写：“１３８００１３８０００”应写作“13800138000”。")
    expect(page.locator("main")).to_contain_text("本次未保存任何内容")
    assert not Problem.objects.exists()

    # Back in the form, the report is still there; the number in 0–9 is accepted.
    page.go_back()
    form = page.locator("form[data-ms-problem-form]")
    expect(form.locator("textarea[name=description]")).to_have_value("小区门口的三盏路灯坏了三个月，晚上老人出门容易摔倒。")
    form.locator("input[name=contact_phone]").fill("13800138000")
    form.locator("button[type=submit]").click()
    code = page.locator("[data-ms-tracking-code]").inner_text().strip()
    assert Problem.objects.get(tracking_code=code).contact_phone == "13800138000"
