"""The to-do inbox in a real browser (issue 15): the officer's workbench shows what waits with the counts the
database holds, the menu's stage carries the same count, one click opens the rows, acting on one takes it off."""

import re

import pytest
from playwright.sync_api import expect

from minsheng.calls.models import Call
from minsheng.core.roles import Role
from minsheng.registry.models import Organisation
from tests.e2e.test_foundation import sign_in
from tests.factories import OrganisationFactory, user_for_role
from tests.factories.calls import CallFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def count_of(page, key: str) -> int:
    return int(page.locator(f"[data-ms-inbox-row='{key}'] [data-ms-inbox-count]").inner_text())


def test_the_officer_acts_on_one_row_and_its_count_goes_down(page):
    user_for_role(Role.OFFICER, username="e2e_officer")
    drafter = user_for_role(Role.OFFICER, username="e2e_drafter")
    names = ["深圳康养服务中心", "南山社区医院", "福田智慧养老科技有限公司"]
    for name in names:
        OrganisationFactory(state=Organisation.State.PENDING, name_zh=name)
    CallFactory(in_review=True, drafted_by=drafter)

    sign_in(page, "e2e_officer")
    expect(page).not_to_have_url(re.compile("/accounts/login/"))
    page.goto("/accounts/home/")
    inbox = page.locator("[data-ms-inbox]")
    expect(inbox).to_contain_text("待办事项")
    pending = Organisation.objects.filter(state=Organisation.State.PENDING).count()
    assert count_of(page, "registry.verify") == pending == 3
    assert count_of(page, "calls.approve") == Call.objects.filter(state=Call.State.IN_REVIEW).count() == 1
    expect(page.locator("[data-ms-nav-count=registers]")).to_have_text("3 项待办")

    # one click: the organisations waiting, and only those
    page.locator("[data-ms-inbox-row='registry.verify'] a").click()
    for name in names:
        expect(page.locator("main")).to_contain_text(name)
    # the menu of this page fetched its counts after loading
    expect(page.locator("[data-ms-nav-count=registers]")).to_have_text("3 项待办")
    page.get_by_role("link", name=names[0]).click()
    page.click("form[data-ms-verify] button")
    expect(page.locator(".alert")).to_be_visible()
    assert Organisation.objects.get(name_zh=names[0]).state == Organisation.State.VERIFIED

    page.goto("/accounts/home/")
    assert count_of(page, "registry.verify") == pending - 1
    expect(page.locator("[data-ms-nav-count=registers]")).to_have_text("2 项待办")


def test_the_demo_officer_finds_the_demo_work_waiting(page):
    """On the demo: the counts the workbench shows are those the database holds; verifying one organisation from
    the inbox takes one off its row."""
    import io

    from django.core.management import call_command

    from minsheng.applications.models import Application
    from minsheng.contracts.models import TaskBook
    from minsheng.demo.builder import PASSWORD as DEMO_PASSWORD
    from minsheng.problems.models import Problem

    call_command("demo", "--no-progress", stdout=io.StringIO(), stderr=io.StringIO())
    expected = {
        "registry.verify": Organisation.objects.filter(state=Organisation.State.PENDING).count(),
        "problems.triage": Problem.objects.filter(state=Problem.State.NEW).count(),
        "checks.check": Application.objects.filter(
            state__in=(Application.State.SUBMITTED, Application.State.IN_CHECK)).count(),
        "contracts.countersign": TaskBook.objects.filter(state=TaskBook.State.CONFIRMED).count(),
    }
    assert all(expected.values()), expected
    sign_in(page, "officer", DEMO_PASSWORD)
    expect(page).not_to_have_url(re.compile("/accounts/login/"))
    page.goto("/accounts/home/")
    for key, count in expected.items():
        assert count_of(page, key) == count, key
    # overdue rows come first
    first = page.locator("[data-ms-inbox-row]").first
    expect(first.locator("[data-ms-inbox-overdue]")).to_be_visible()

    page.locator("[data-ms-inbox-row='registry.verify'] a").click()
    page.locator("main tbody a[href*='/registry/organisations/']").first.click()
    page.click("form[data-ms-verify] button")
    expect(page.locator(".alert")).to_be_visible()
    page.goto("/accounts/home/")
    assert count_of(page, "registry.verify") == expected["registry.verify"] - 1
