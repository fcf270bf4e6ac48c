"""The formal check in a real browser: the officer starts the check for a call, returns one application with a
deadline and passes another; the department officer sees only the applications of calls its department
co-owns, and comments."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from minsheng.applications.models import Application
from minsheng.core.roles import Role
from tests.checks.conftest import submitted
from tests.e2e.test_foundation import sign_in
from tests.factories import department, user_for_role
from tests.factories.calls import CallFactory, add_rule
from tests.rules.test_facts import _ip

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def world(db):
    call = CallFactory(co_owners=[department("health")], title_zh="社区健康形式审查测试")
    add_rule(call, "verified_organisation")
    add_rule(call, "ip_in_domain", min_count=1, ip_kinds=["invention_patent"])
    good, poor = submitted(call), submitted(call)
    _ip(good.organisation, 1)
    from minsheng.applications import rule_rounds
    rule_rounds.record_submission(good, by=good.created_by)          # round 2: passes every rule
    other_call = CallFactory(co_owners=[department("transport")], title_zh="交通形式审查测试")
    add_rule(other_call, "verified_organisation")
    hidden = submitted(other_call)
    return {"call": call, "good": good, "poor": poor, "other_call": other_call, "hidden": hidden,
            "officer": user_for_role(Role.OFFICER, username="e2e_officer"),
            "health": user_for_role(Role.DEPARTMENT_OFFICER, username="e2e_health",
                                    department=department("health"))}


def test_officer_returns_one_and_passes_another(page, world):
    call, good, poor = world["call"], world["good"], world["poor"]
    sign_in(page, "e2e_officer")
    page.goto("/checks/")
    page.get_by_role("link", name=call.title_zh).click()
    table = page.locator("[data-ms-check-table]")
    expect(table).to_contain_text(good.number)
    expect(page.locator(f"[data-ms-application='{poor.number}'] [data-ms-result=fail]")).to_have_count(1)
    # the explanation, with its clause, opens in place
    page.locator(f"[data-ms-application='{poor.number}'] [data-ms-result=fail] summary").click()
    expect(page.locator(f"[data-ms-application='{poor.number}']")).to_contain_text("M19：需要在 D01 领域至少 1 项")

    page.once("dialog", lambda dialog: dialog.accept())
    page.click("form[data-ms-start-check] button")
    expect(page.locator(f"[data-ms-application='{good.number}'] [data-ms-state]")).to_have_attribute(
        "data-ms-state", "in_check")

    # return the one that fails M19, with a reason and a deadline
    page.get_by_role("link", name=poor.number).click()
    page.check("input[name=decision][value=return]")
    page.fill("textarea[name=reason]", "请补充发明专利授权证书")
    deadline = (timezone.localtime() + timedelta(days=5)).strftime("%Y-%m-%dT%H:%M")
    page.fill("input[name=deadline]", deadline)
    page.click("form[data-ms-decide] button[type=submit]")
    expect(page.locator(f"[data-ms-application='{poor.number}'] [data-ms-state]")).to_have_attribute(
        "data-ms-state", "returned")

    # pass the one that meets every rule
    page.get_by_role("link", name=good.number).click()
    page.check("input[name=decision][value=pass]")
    page.click("form[data-ms-decide] button[type=submit]")
    expect(page.locator(f"[data-ms-application='{good.number}'] [data-ms-state]")).to_have_attribute(
        "data-ms-state", "passed")
    assert Application.objects.get(pk=poor.pk).state == Application.State.RETURNED
    assert Application.objects.get(pk=good.pk).state == Application.State.PASSED


def test_department_officer_sees_only_co_owned_calls(page, world):
    sign_in(page, "e2e_health")
    page.goto("/checks/")
    calls = page.locator("[data-ms-check-calls]")
    expect(calls).to_contain_text(world["call"].title_zh)
    expect(calls).not_to_contain_text(world["other_call"].title_zh)
    page.get_by_role("link", name=world["call"].title_zh).click()
    expect(page.locator("form[data-ms-start-check]")).to_have_count(0)
    page.get_by_role("link", name=world["poor"].number).click()
    expect(page.locator("form[data-ms-decide]")).to_have_count(0)
    page.fill("form[data-ms-comment] textarea[name=text]", "建议关注社区老年人使用的便利性")
    page.click("form[data-ms-comment] button[type=submit]")
    expect(page.locator("[data-ms-comments]")).to_contain_text("建议关注社区老年人使用的便利性")
    # another department's call: not found (asked with the same signed-in session, without opening the page)
    assert page.request.get(f"/checks/applications/{world['hidden'].pk}/").status == 404
    assert page.request.get(f"/checks/calls/{world['other_call'].pk}/").status == 404
