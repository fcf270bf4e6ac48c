"""An applicant in a real browser: starts an application in an open call, fills in every section (one by
autosave alone), sees on the review page that the own-money rule fails with its clause (M20), fixes the
budget, and submits."""

import pytest
from playwright.sync_api import expect

from minsheng.applications.models import Application
from tests.e2e.choices import pick
from tests.e2e.test_foundation import sign_in
from tests.factories import OrganisationFactory, PersonFactory, user_for_role
from tests.factories.applications import ApplicationFactory
from tests.factories.calls import CallFactory, add_rule

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def save_section(page, pk, key, fill):
    page.goto(f"/applications/{pk}/edit/{key}/")
    fill(page)
    page.click("form[data-ms-autosave] button[type=submit]")
    expect(page.locator(".alert-success")).to_be_visible()


def test_applicant_fills_in_sees_a_rule_fail_fixes_it_and_submits(page):
    organisation = OrganisationFactory(name_zh="深圳市浏览器测试健康科技有限公司")
    lead = PersonFactory(organisation=organisation, name="陈浏览")
    applicant = user_for_role("applicant", organisation=organisation, username="e2e_applicant")
    call = CallFactory(title_zh="浏览器测试智慧医疗专项")
    add_rule(call, "own_funding_share", min_percent=50)

    sign_in(page, applicant.username)
    page.goto("/applications/")
    page.click(f"[data-ms-open-calls] a[href$='?call={call.pk}']")
    page.fill("#id_title", "社区慢病远程随访平台")
    page.click("form[action*='/applications/new/'] button[type=submit]")
    expect(page.locator("[data-ms-state=draft]")).to_be_visible()
    pk = Application.objects.get(organisation=organisation).pk

    def summary(p):
        p.fill("[name=keywords]", "慢病, 随访, 社区")
        p.fill("[name=summary]", "以社区卫生服务中心为节点开展慢病远程随访。")
        p.fill("[name=starts_on]", "2027-01-01")
        p.fill("[name=ends_on]", "2028-12-31")

    save_section(page, pk, "summary", summary)
    save_section(page, pk, "objectives", lambda p: p.fill("[name=objectives]", "管理慢病患者一万人。"))
    # the technical route saves by itself, a moment after typing, without pressing Save
    page.goto(f"/applications/{pk}/edit/route/")
    page.fill("[name=technical_route]", "可穿戴设备采集，云端预警。")
    expect(page.locator("[data-ms-autosave-status]")).to_contain_text("✓")
    assert Application.objects.get(pk=pk).technical_route == "可穿戴设备采集，云端预警。"
    save_section(page, pk, "indicators", lambda p: p.fill("[name=expected_patents]", "2"))

    def team(p):
        pick(p, "team-0-person", "陈浏览")
        p.select_option("[name=team-0-role]", "lead")

    save_section(page, pk, "team", team)
    assert Application.objects.get(pk=pk).lead == lead     # the person picked by typing, saved as the lead

    def budget(city, own):
        def fill(p):
            p.fill("[name=budget_equipment]", "100")
            p.fill("[name=fund_city_rd]", city)
            p.fill("[name=fund_own]", own)
        return fill

    save_section(page, pk, "budget", budget("80", "20"))      # own money 20%: the call asks for 50%
    save_section(page, pk, "ip", lambda p: p.fill("[name=promised-0-description]", "远程随访方法"))

    def milestones(p):
        p.fill("[name=milestones-0-title]", "平台上线")
        p.fill("[name=milestones-0-due_on]", "2027-12-31")

    save_section(page, pk, "milestones", milestones)

    page.goto(f"/applications/{pk}/submit/")
    failed = page.locator("[data-ms-outcome=fail]")
    expect(failed).to_contain_text("M20")
    expect(failed).to_contain_text("20.0%")

    save_section(page, pk, "budget", budget("40", "60"))
    page.goto(f"/applications/{pk}/submit/")
    expect(page.locator("[data-ms-outcome=fail]")).to_have_count(0)
    expect(page.locator("[data-ms-outcome=pass]")).to_contain_text("M20")
    page.click("[data-ms-submit] button[type=submit]")
    expect(page.locator("[data-ms-state=submitted]")).to_be_visible()
    application = Application.objects.get(pk=pk)
    assert application.state == Application.State.SUBMITTED
    assert application.rule_results.get().passed


def test_what_the_sections_say_after_saving_is_what_the_sidebar_says(page):
    organisation = OrganisationFactory(name_zh="深圳市浏览器测试康复科技有限公司")
    applicant = user_for_role("applicant", organisation=organisation, username="e2e_sections")
    draft = ApplicationFactory(call=CallFactory(), organisation=organisation, created_by=applicant)
    sign_in(page, applicant.username)

    # Keywords separated by full-width semicolons are three keywords, saved as the three that were counted.
    page.goto(f"/applications/{draft.pk}/edit/summary/")
    page.fill("[name=keywords]", "慢病；随访；社区")
    page.click("form[data-ms-autosave] button[type=submit]")
    expect(page.locator("[name=keywords]")).to_have_value("慢病、随访、社区")
    expect(page.locator("li[data-ms-section=summary] li", has_text="关键词")).to_have_count(0)

    # A budget whose totals disagree is saved, and the page says so instead of a green "saved".
    page.goto(f"/applications/{draft.pk}/edit/budget/")
    page.fill("[name=budget_equipment]", "100")
    page.fill("[name=fund_city_rd]", "50")
    page.fill("[name=fund_own]", "40")
    page.click("form[data-ms-autosave] button[type=submit]")
    expect(page.locator(".alert-warning")).to_contain_text("已保存，但尚未完成")
    expect(page.locator(".alert-warning")).to_contain_text("相差 10 万元")
    expect(page.locator(".alert-success")).to_have_count(0)
    # Autosave says the same, and the sidebar's entry follows it.
    page.fill("[name=fund_own]", "45")
    expect(page.locator("[data-ms-autosave-status]")).to_contain_text("相差 5 万元")
    expect(page.locator("li[data-ms-section=budget]")).to_contain_text("相差 5 万元")
    page.fill("[name=fund_own]", "50")
    expect(page.locator("[data-ms-autosave-status]")).to_contain_text("✓")
    expect(page.locator("li[data-ms-section=budget] ul")).to_have_count(0)

    # A refused upload is explained once, under its field.
    page.goto(f"/applications/{draft.pk}/attachments/")
    page.set_input_files("[name=file]", files=[{"name": "承诺书.pdf", "mimeType": "application/pdf",
                                                "buffer": "这只是文本".encode()}])
    page.click("form[enctype] button[type=submit]")
    expect(page.locator("[data-ms-field=file] .invalid-feedback")).to_contain_text("不是 PDF、PNG 或 JPEG")
    expect(page.get_by_text("不是 PDF、PNG 或 JPEG")).to_have_count(1)


def test_a_draft_is_discarded_from_its_overview_not_withdrawn(page):
    organisation = OrganisationFactory(name_zh="深圳市浏览器测试养老科技有限公司")
    applicant = user_for_role("applicant", organisation=organisation, username="e2e_discard")
    draft = ApplicationFactory(call=CallFactory(), organisation=organisation, created_by=applicant)
    sign_in(page, applicant.username)
    page.goto(f"/applications/{draft.pk}/")
    expect(page.locator("[data-ms-withdraw]")).to_have_count(0)
    expect(page.get_by_role("button", name="撤回")).to_have_count(0)
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("[data-ms-discard]")
    expect(page.locator("main .alert-success")).to_contain_text(f"草稿 {draft.number} 已放弃")
    expect(page.locator("[data-ms-state=withdrawn]")).to_be_visible()
    expect(page.locator("[data-ms-withdrawn]")).to_contain_text("草稿在提交前已放弃")
