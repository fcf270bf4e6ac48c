"""A citizen on a phone (390 px wide): the header is one compact line, the menu opens from its button, and the
problem is reported and followed by its tracking code without the page ever scrolling sideways."""

import pytest
from django.utils import translation
from django.utils.translation import gettext
from playwright.sync_api import expect

from minsheng.problems.models import Problem

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def phone(page):
    page.set_viewport_size(PHONE)
    return page


def zh(text: str) -> str:
    with translation.override("zh-hans"):
        return gettext(text)


def assert_no_sideways_scroll(page):
    width = page.evaluate("() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert width[0] <= width[1], f"{page.url} scrolls sideways: {width[0]}px on a {width[1]}px screen"


def test_a_citizen_on_a_phone_opens_the_menu_and_reports_a_problem(phone):
    page = phone
    page.goto("/")
    header = page.locator("header.ms-masthead")
    # One line: the brand, the language switch and the menu button; the menu itself is closed.
    assert header.bounding_box()["height"] <= 72, "the header takes more than one line on a phone"
    for button in page.locator("form[data-ms-language] button").all():
        box = button.bounding_box()
        assert box["height"] <= 40 and box["width"] <= 60, f"language switch wraps: {button.inner_text()!r} {box}"
    assert page.locator("form[data-ms-language] button[value=en]").inner_text().strip() == "EN"
    menu = page.locator("#ms-menu")
    toggle = page.locator("[data-ms-menu-toggle]")
    expect(menu).to_be_hidden()
    expect(toggle).to_have_attribute("aria-expanded", "false")
    assert_no_sideways_scroll(page)

    # The menu opens from the keyboard as well as by a tap, and says so to a screen reader.
    toggle.focus()
    page.keyboard.press("Enter")
    expect(menu).to_be_visible()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    menu.get_by_role("link", name=zh("Report a problem")).click()

    form = page.locator("form[data-ms-problem-form]")
    expect(form).to_be_visible()
    expect(page.locator("#ms-menu")).to_be_hidden()
    assert_no_sideways_scroll(page)
    form.locator("input[name=title]").fill("公交站没有实时到站信息")
    form.locator("textarea[name=description]").fill("小区门口的公交站没有电子站牌，老人不会用手机查车，经常在站台等很久。")
    form.locator("select[name=district]").select_option(label="龙岗区")
    form.locator("input[name=affected]").fill("老年乘客")
    form.locator("button[type=submit]").click()
    code_text = page.locator("[data-ms-tracking-code]")
    expect(code_text).to_be_visible()
    code = code_text.inner_text().strip()
    assert Problem.objects.filter(tracking_code=code, title="公交站没有实时到站信息").exists()
    assert_no_sideways_scroll(page)

    # Following it: the tracking page, reached from the menu, reads the progress.
    page.locator("[data-ms-menu-toggle]").click()
    page.goto("/problems/track/")
    page.fill("input[name=code]", code)
    page.click("form[data-ms-track-form] button[type=submit]")
    expect(page.locator(f"[data-ms-tracking='{code}'] [data-ms-step=new]")).to_be_visible()
    assert_no_sideways_scroll(page)


def test_calls_and_notices_read_on_a_phone(phone):
    page = phone
    for path in ("/calls/", "/notices/", "/policy/"):
        page.goto(path)
        expect(page.locator("h1")).to_be_visible()
        assert_no_sideways_scroll(page)


def test_an_officer_reads_the_grouped_menu_on_a_phone(phone):
    from minsheng.core.roles import Role
    from minsheng.registry.models import Organisation
    from tests.e2e.test_foundation import sign_in
    from tests.factories import OrganisationFactory, user_for_role

    page = phone
    user_for_role(Role.OFFICER, username="phone_officer")
    OrganisationFactory(state=Organisation.State.PENDING)
    sign_in(page, "phone_officer")
    page.goto("/calls/")
    assert_no_sideways_scroll(page)
    page.locator("[data-ms-menu-toggle]").click()
    menu = page.locator("#ms-menu")
    expect(menu).to_be_visible()
    # every stage of the officer's work, its entries listed under it without a second tap
    for name in ("需求与指南", "申报与审查", "专家评审", "立项与合同", "执行与成果", "登记库"):
        expect(menu.locator(".dropdown-toggle", has_text=name)).to_be_visible()
    expect(menu.locator("[data-ms-nav-count=registers]")).to_have_text("1 项待办")
    assert_no_sideways_scroll(page)
    menu.get_by_role("link", name=zh("Funding plans")).click()
    expect(page.locator("h1")).to_be_visible()
    assert_no_sideways_scroll(page)


def test_an_officer_on_a_laptop_reads_every_stage_in_one_row_and_signs_out_from_the_own_menu(page):
    """At 1,280 px the stages, the workspace and the person's own menu share one row; signing out is in that menu."""
    from minsheng.core.roles import Role
    from tests.e2e.test_foundation import sign_in
    from tests.factories import user_for_role

    page.set_viewport_size({"width": 1280, "height": 800})
    user = user_for_role(Role.OFFICER, username="laptop_officer")
    sign_in(page, "laptop_officer")
    page.goto("/calls/")
    tops = {round(entry.bounding_box()["y"]) for entry in page.locator("#ms-menu .nav-link").all()}
    assert len(tops) == 1, f"the officer's menu takes {len(tops)} rows at 1,280 px"
    page.locator("[data-ms-user] .dropdown-toggle").click()
    expect(page.locator("[data-ms-user]")).to_contain_text(str(user.get_role_display()))
    page.get_by_role("button", name=zh("Sign out")).click()
    expect(page.get_by_role("link", name=zh("Sign in"))).to_be_visible()
