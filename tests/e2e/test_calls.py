"""Calls in a real browser: an officer drafts a call with a topic and submits it; a second officer approves and
publishes it; it appears on the public calls page and its PDF guide downloads."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from minsheng.calls.models import Call
from minsheng.core.roles import Role
from tests.e2e.test_foundation import sign_in
from tests.factories import user_for_role
from tests.factories.calls import ProgrammeFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def _local(days: int, hour: int) -> str:
    day = timezone.localdate() + timedelta(days=days)
    return f"{day:%Y-%m-%d}T{hour:02d}:00"


def test_draft_submit_approve_publish_and_download(page):
    user_for_role(Role.OFFICER, username="e2e_drafter")
    user_for_role(Role.OFFICER, username="e2e_approver")
    programme = ProgrammeFactory(name_zh="2026年浏览器测试专项", budget=Decimal("100000000"))

    sign_in(page, "e2e_drafter")
    page.goto("/calls/new/")
    form = page.locator("form[data-ms-call-form]")
    form.locator("select[name=programme]").select_option(str(programme.pk))
    form.locator("input[name=title_zh]").fill("2026年浏览器智慧医疗指南")
    form.locator("textarea[name=description]").fill("面向基层医疗的浏览器测试指南。")
    form.locator("[data-ms-field=domains] input[type=checkbox]").first.check()
    form.locator("select[name=funding_mode]").select_option(label="共性和关键技术攻关")
    form.locator("select[name=support_type]").select_option(label="竞争择优")
    # 万元 typed where 万元 are expected, but the grant above the whole envelope: flagged, nothing saved.
    form.locator("input[name=budget_wan]").fill("1000")
    form.locator("input[name=max_grant_wan]").fill("2000")
    form.locator("input[name=opens_at]").fill(_local(-1, 9))
    form.locator("input[name=closes_at]").fill(_local(20, 17))
    form.locator("input[name=review_ends_at]").fill(_local(60, 17))
    form.locator("input[name=notice_at]").fill(_local(70, 9))
    form.locator("input[name='topics-0-title']").fill("社区慢病远程随访")
    form.locator("input[name='criteria-0-name_zh']").fill("综合评价")
    form.locator("input[name='criteria-0-weight']").fill("100")
    form.locator("[data-ms-save]").click()
    expect(page.locator("[data-ms-field=max_grant_wan] .invalid-feedback")).to_contain_text("万元")
    assert not Call.objects.exists()
    page.locator("input[name=max_grant_wan]").fill("200")
    page.locator("[data-ms-save]").click()
    expect(page.locator("[data-ms-call-title]")).to_contain_text("2026年浏览器智慧医疗指南")
    expect(page.locator("[data-ms-topic]")).to_contain_text("社区慢病远程随访")
    page.locator("[data-ms-submit]").click()
    expect(page.locator("[data-ms-state=in_review]")).to_be_visible()
    expect(page.locator("[data-ms-four-eyes]")).to_be_visible()

    page.context.clear_cookies()
    sign_in(page, "e2e_approver")
    call = Call.objects.get()
    page.goto(f"/calls/{call.pk}/")
    page.locator("[data-ms-approve]").click()
    expect(page.locator("[data-ms-phase=open]")).to_be_visible()

    page.context.clear_cookies()
    page.goto("/calls/?when=open")
    expect(page.locator(f"[data-ms-call='{call.code}']")).to_contain_text("2026年浏览器智慧医疗指南")
    page.locator(f"[data-ms-call='{call.code}'] a").click()
    expect(page.locator("[data-ms-countdown-text]")).to_contain_text("天")
    with page.expect_download() as download:
        page.locator("[data-ms-guide]").click()
    assert download.value.suggested_filename == f"{call.code}.pdf"
    with open(download.value.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"


def test_the_call_form_shows_the_directions_of_the_domains_ticked_and_who_acts_for_a_co_owner(page):
    from minsheng.policy.models import Domain
    from tests.factories import department

    user_for_role(Role.OFFICER, username="e2e_call_form")
    user_for_role(Role.DEPARTMENT_OFFICER, department=department("health"), last_name="卫", first_name="经办")
    programme = ProgrammeFactory(name_zh="2026年浏览器方向测试专项", budget=Decimal("100000000"))
    d01, d02 = Domain.objects.get(code="D01"), Domain.objects.get(code="D02")

    sign_in(page, "e2e_call_form")
    page.goto("/calls/new/")
    form = page.locator("form[data-ms-call-form]")
    directions = form.locator("[data-ms-field=focus_directions] input[type=checkbox]:visible")
    expect(directions).to_have_count(0)                         # no domain ticked: no direction offered
    form.get_by_label(str(d01), exact=True).check()
    expect(directions).to_have_count(d01.focus_directions.count())
    form.get_by_label(str(d02), exact=True).check()
    expect(directions).to_have_count(d01.focus_directions.count() + d02.focus_directions.count())
    d01_direction = d01.focus_directions.order_by("order", "pk").first()
    form.get_by_label(f"D01 {d01_direction.name}", exact=True).check()
    form.get_by_label(str(d01), exact=True).uncheck()                       # its directions go, and are not sent
    expect(directions).to_have_count(d02.focus_directions.count())
    d02_direction = d02.focus_directions.order_by("order", "pk").first()
    form.get_by_label(f"D02 {d02_direction.name}", exact=True).check()

    # The co-owners say who acts for them; one without an officer is refused with the reason.
    expect(form.get_by_label("市卫生人口计生部门（经办人：卫经办）")).to_be_visible()
    form.get_by_label("市民政部门（平台上没有在岗的经办人，不能共同负责指南）").check()
    form.locator("select[name=programme]").select_option(str(programme.pk))
    form.locator("input[name=title_zh]").fill("2026年浏览器社区养老指南")
    form.locator("textarea[name=description]").fill("方向随领域显示的浏览器测试。")
    form.locator("select[name=funding_mode]").select_option(label="共性和关键技术攻关")
    form.locator("select[name=support_type]").select_option(label="竞争择优")
    form.locator("input[name=budget_wan]").fill("1000")
    form.locator("input[name=max_grant_wan]").fill("200")
    form.locator("input[name=opens_at]").fill(_local(-1, 9))
    form.locator("input[name=closes_at]").fill(_local(20, 17))
    form.locator("input[name=review_ends_at]").fill(_local(60, 17))
    form.locator("input[name=notice_at]").fill(_local(70, 9))
    form.locator("input[name='topics-0-title']").fill("社区养老服务")
    form.locator("input[name='criteria-0-name_zh']").fill("综合评价")
    form.locator("input[name='criteria-0-weight']").fill("100")
    form.locator("[data-ms-save]").click()
    expect(page.locator("[data-ms-field=co_owners] .invalid-feedback")).to_contain_text(
        "市民政部门在平台上没有在岗的经办人")
    assert not Call.objects.exists()
    page.get_by_label("市民政部门（平台上没有在岗的经办人，不能共同负责指南）").uncheck()
    page.get_by_label("市卫生人口计生部门（经办人：卫经办）").check()
    page.locator("[data-ms-save]").click()
    expect(page.locator("[data-ms-call-title]")).to_contain_text("2026年浏览器社区养老指南")
    call = Call.objects.get()
    assert list(call.focus_directions.all()) == [d02_direction]
    assert list(call.co_owners.values_list("code", flat=True)) == ["health"]


def test_the_programme_list_reads_each_year_once(page):
    user_for_role(Role.OFFICER, username="e2e_programmes")
    ProgrammeFactory(year=2026, name_zh="2026年区级民生科技专项资金")
    sign_in(page, "e2e_programmes")
    page.goto("/calls/programmes/")
    row = page.locator("[data-ms-programmes] tbody tr", has_text="区级民生科技专项资金")
    expect(row).to_contain_text("2026年区级民生科技专项资金")
    assert "2026 2026" not in row.inner_text().replace("\t", " ")
