"""The audit trail in a real browser, read by the people it is for: a citizen reports a problem with a phone number,
an officer accepts it and reads its history as sentences, the auditor reads the trail in words with the citizen's
number nowhere, and the administrator erases the number on the citizen's request."""

import re

import pytest
from playwright.sync_api import expect

from minsheng.core import audit
from minsheng.core.roles import Role
from minsheng.problems.models import Problem
from tests.e2e.test_foundation import sign_in
from tests.factories import user_for_role

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PHONE = "13912345678"


def _new_page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, locale="zh-CN", timezone_id="Asia/Shanghai")
    context.set_default_timeout(15_000)
    return context.new_page()


def test_the_trail_reads_in_words_keeps_no_phone_and_forgets_it_on_request(page, browser, live_server):
    officer = user_for_role(Role.OFFICER, username="e2e_reader", last_name="张", first_name="三")
    auditor = user_for_role(Role.AUDITOR, username="e2e_auditor")
    admin = user_for_role(Role.ADMIN, username="e2e_admin")

    # The citizen types a phone number into the problem form.
    page.goto("/problems/new/")
    form = page.locator("form[data-ms-problem-form]")
    form.locator("input[name=title]").fill("路口行人绿灯时间太短")
    form.locator("textarea[name=description]").fill("某路口行人绿灯只有十五秒，老人和残疾人走到一半就变红灯。")
    form.locator("input[name=contact_phone]").fill(PHONE)
    form.locator("button[type=submit]").click()
    code = page.locator("[data-ms-tracking-code]").inner_text().strip()
    problem = Problem.objects.get(tracking_code=code)

    # The officer accepts it and reads the history: a sentence, no field names, no phone number.
    officer_page = _new_page(browser, live_server)
    sign_in(officer_page, officer.username)
    officer_page.goto(f"/problems/{problem.pk}/")
    officer_page.locator("form[data-ms-accept] button[type=submit]").click()
    history = officer_page.locator("[data-ms-history]")
    expect(history).to_contain_text("张三 将状态从「已收到」改为「已受理」")
    expect(history).to_contain_text("公众：提交民生需求")
    text = history.inner_text()
    assert PHONE not in text and "contact_phone" not in text and "search_tokens" not in text

    # The auditor reads the trail: actions and kinds of record by name, the number nowhere, not even in details.
    auditor_page = _new_page(browser, live_server)
    sign_in(auditor_page, auditor.username)
    auditor_page.goto("/audit/")
    row = auditor_page.locator("[data-ms-audit-table] tr[data-ms-event]", has_text="受理民生需求").first
    expect(row).to_contain_text("民生需求")
    button = row.get_by_role("button", name="详情")
    details = auditor_page.locator(f"#{button.get_attribute('aria-controls')}")
    button.click()
    expect(details).to_be_visible()
    expect(details).to_contain_text("张三 将状态从「已收到」改为「已受理」")
    expect(details).to_contain_text("已受理")
    whole = auditor_page.locator("main").inner_text()
    assert PHONE not in whole
    assert not re.search(r"\bcalls\.problem\.", whole)
    auditor_page.locator("select[name=action]").select_option(label="民生需求 › 提交民生需求")
    auditor_page.get_by_role("button", name="筛选").click()
    expect(auditor_page.locator("[data-ms-audit-table] tr[data-ms-event]")).to_have_count(1)
    html = auditor_page.content()   # the collapsed details too
    assert "〔个人信息〕" in html and PHONE not in html

    # The administrator erases the number on the citizen's request, from the admin's list.
    admin_page = _new_page(browser, live_server)
    sign_in(admin_page, admin.username)
    admin_page.goto("/admin/problems/problem/")
    admin_page.locator(f"input[name=_selected_action][value='{problem.pk}']").check()
    admin_page.locator("select[name=action]").select_option("erase_personal_data")
    admin_page.locator("button[name=index], input[name=index]").first.click()
    admin_page.locator("textarea[name=erase_reason]").fill("市民来电要求删除联系方式")
    admin_page.get_by_role("button", name="删除个人信息").click()
    expect(admin_page.locator(".messagelist")).to_contain_text("已删除 1 条记录中的个人信息")
    problem.refresh_from_db()
    assert problem.contact_phone == ""
    assert list(audit.verify()) == []

    officer_page.goto(f"/problems/{problem.pk}/")
    expect(officer_page.locator("[data-ms-erased]")).to_contain_text("应提交人要求删除")
    expect(officer_page.locator("[data-ms-history]")).to_contain_text("应请求删除了个人信息：联系电话")
