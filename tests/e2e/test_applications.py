"""An applicant in a real browser: starts an application in an open call, fills in every section (one by
autosave alone), sees on the review page that the own-money rule fails with its clause (M20), fixes the
budget, and submits."""

import pytest
from playwright.sync_api import expect

from minsheng.applications.models import Application
from tests.e2e.test_foundation import sign_in
from tests.factories import OrganisationFactory, PersonFactory, user_for_role
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
        p.select_option("[name=team-0-person]", str(lead.pk))
        p.select_option("[name=team-0-role]", "lead")

    save_section(page, pk, "team", team)

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
