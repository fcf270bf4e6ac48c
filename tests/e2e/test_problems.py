"""Livelihood problems in a real browser: a citizen reports one and follows it by its code; a programme officer
finds it, sees the similar report, and turns it into a topic of a draft call; the citizen's tracking page says so."""

import pytest
from playwright.sync_api import expect

from minsheng.core.roles import Role
from minsheng.problems import services as problems
from minsheng.problems.models import Problem
from tests.e2e.test_foundation import sign_in
from tests.factories import user_for_role
from tests.factories.calls import CallFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_a_citizen_reports_a_problem_and_an_officer_turns_it_into_a_call_topic(page, browser, live_server):
    officer = user_for_role(Role.OFFICER, username="e2e_triage")
    call = CallFactory(draft=True, title_zh="2026年智慧养老示范应用")
    problems.submit_problem(by=None, values={"title": "独居老人慢病用药无人提醒",
                                             "description": "独居老人经常忘记吃药或重复吃药，希望有智能药盒提醒服务。"})

    # The citizen, not signed in, reports from the home page.
    page.goto("/")
    page.click("[data-ms-report-problem]")
    form = page.locator("form[data-ms-problem-form]")
    form.locator("input[name=title]").fill("老人忘记服药")
    form.locator("textarea[name=description]").fill("我父亲独居，经常忘记按时吃药，血压控制不好。希望有智能药盒提醒。")
    form.locator("select[name=district]").select_option(label="福田区")
    form.locator("input[name=affected]").fill("独居老人")
    form.locator("button[type=submit]").click()
    code = page.locator("[data-ms-tracking-code]").inner_text().strip()
    assert Problem.objects.filter(tracking_code=code).exists()

    # A typo in the code gets a message, the right code the progress.
    page.goto("/problems/track/")
    page.fill("input[name=code]", code[:-1] + ("A" if code[-1] != "A" else "B"))
    page.click("form[data-ms-track-form] button[type=submit]")
    expect(page.locator("[data-ms-field=code] .invalid-feedback")).to_be_visible()
    page.fill("input[name=code]", code.lower())
    page.click("form[data-ms-track-form] button[type=submit]")
    expect(page.locator(f"[data-ms-tracking='{code}'] [data-ms-step=new]")).to_be_visible()

    # The officer triages: the similar earlier report is suggested; the new one becomes a topic.
    officer_context = browser.new_context(base_url=live_server.url, locale="zh-CN", timezone_id="Asia/Shanghai")
    officer_page = officer_context.new_page()
    sign_in(officer_page, officer.username)
    officer_page.goto("/problems/?state=new")
    officer_page.locator("[data-ms-list=problem] a", has_text=code).click()
    expect(officer_page.locator("[data-ms-similar] tbody tr").first).to_contain_text("独居老人慢病用药无人提醒")
    topic_form = officer_page.locator("form[data-ms-topic]")
    topic_form.locator("select[name=call]").select_option(str(call.pk))
    topic_form.locator("input[name=title]").fill("独居老人智能用药提醒")
    topic_form.locator("button[type=submit]").click()
    expect(officer_page.locator("[data-ms-topics]")).to_contain_text("独居老人智能用药提醒")
    assert call.topics.get().problems.get().tracking_code == code
    officer_context.close()

    # The citizen's page shows the step, without the name of the call still in draft.
    page.goto(f"/problems/track/?code={code}")
    expect(page.locator(f"[data-ms-tracking='{code}'] [data-ms-step=topic]")).to_be_visible()
    expect(page.locator("main")).not_to_contain_text("2026年智慧养老示范应用")
