"""The foundation in a real browser: each role's home page, registering and verifying an organisation,
the policy page, the language switch."""


import pytest
from playwright.sync_api import expect

from minsheng.core.roles import Role
from minsheng.registry.models import Organisation
from tests.factories import PASSWORD, user_for_role

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def sign_in(page, username, password=PASSWORD):
    page.goto("/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("form[data-ms-login] button[type=submit]")


@pytest.mark.parametrize("role", [str(r) for r in Role])
def test_each_role_lands_on_its_home_page(page, role):
    user = user_for_role(role, username=f"e2e_{role}")
    sign_in(page, user.username)
    expect(page.locator(f"[data-ms-home='{role}']")).to_be_visible()
    expect(page.locator("[data-ms-user]")).to_contain_text(str(user.get_role_display()))


def test_policy_page_lists_the_24_measures(page):
    page.goto("/policy/")
    expect(page.locator("h1")).to_contain_text("政策与措施")
    for number in range(1, 25):
        expect(page.locator(f"#M{number:02d}")).to_be_visible()
    expect(page.locator("#M19")).to_contain_text("知识产权")


def test_language_switch_turns_the_page_english_and_back(page):
    page.goto("/policy/")
    page.click("form[data-ms-language] button[value=en]")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("h1")).to_contain_text("Policy")
    page.click("form[data-ms-language] button[value=zh-hans]")
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")


def test_applicant_registers_an_organisation_and_an_officer_verifies_it(page, browser, live_server):
    officer = user_for_role(Role.OFFICER, username="e2e_officer")
    page.goto("/accounts/register/")
    form = page.locator("form[data-ms-register]")
    # A wrong check character is refused with a message, and nothing is saved.
    form.locator("input[name=credit_code]").fill("91440300MA5FXXXXX1")
    form.locator("input[name=name_zh]").fill("深圳浏览器测试科技有限公司")
    form.locator("input[name=name_en]").fill("Shenzhen Browser Test Technology Co., Ltd.")
    form.locator("select[name=kind]").select_option("enterprise")
    form.locator("select[name=district]").select_option(label="南山区")
    form.locator("input[name=address]").fill("深圳市南山区科技园1号")
    form.locator("input[name=contact_name]").fill("李四")
    form.locator("input[name=contact_phone]").fill("0755-26000001")
    form.locator("input[name=last_name]").fill("李")
    form.locator("input[name=first_name]").fill("四")
    form.locator("input[name=username]").fill("e2e_applicant_new")
    form.locator("input[name=email]").fill("lisi@browser-test.cn")
    form.locator("input[name=password1]").fill(PASSWORD)
    form.locator("input[name=password2]").fill(PASSWORD)
    form.locator("button[type=submit]").click()
    expect(page.locator(".invalid-feedback, .errorlist").first).to_be_visible()
    assert not Organisation.objects.filter(name_zh="深圳浏览器测试科技有限公司").exists()

    page.locator("input[name=credit_code]").fill("91440300MA5FXXXXXM")
    page.locator("input[name=password1]").fill(PASSWORD)
    page.locator("input[name=password2]").fill(PASSWORD)
    page.locator("form[data-ms-register] button[type=submit]").click()
    expect(page.locator("[data-ms-home='applicant']")).to_be_visible()
    expect(page.locator("[data-ms-home='applicant']")).to_contain_text("待审核")
    organisation = Organisation.objects.get(name_zh="深圳浏览器测试科技有限公司")
    assert organisation.state == Organisation.State.PENDING

    officer_context = browser.new_context(base_url=live_server.url, locale="zh-CN")
    officer_page = officer_context.new_page()
    sign_in(officer_page, officer.username)
    officer_page.locator("[data-ms-home='officer']").get_by_role(
        "link", name="深圳浏览器测试科技有限公司").click()
    officer_page.locator("form[data-ms-verify] button[type=submit]").click()
    expect(officer_page.locator(".alert-success")).to_be_visible()
    officer_context.close()
    organisation.refresh_from_db()
    assert organisation.state == Organisation.State.VERIFIED
