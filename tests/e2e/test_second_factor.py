"""The second sign-in step in a real browser: an officer's first sign-in with the authenticator set-up and the
recovery codes, the administrator reaching the admin through the platform's sign-in, a recovery code in place of
the phone."""

import re

import pyotp
import pytest
from django.utils import timezone
from playwright.sync_api import expect

from minsheng.accounts.models import SecondFactor
from minsheng.core.roles import Role
from tests.e2e.test_foundation import sign_in
from tests.factories import PASSWORD, user_for_role

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture(autouse=True)
def _second_factor_on(settings):
    settings.SECOND_FACTOR_REQUIRED = True


def _submit_code(page, code):
    page.fill("input[name=code]", code)
    page.click("[data-ms-second-factor] button[type=submit]")


def _set_up_in_the_browser(page, username) -> list[str]:
    """Password, QR code page, first code; returns the recovery codes the page shows, then continues."""
    sign_in(page, username)
    setup = page.locator("[data-ms-second-factor=setup]")
    expect(setup).to_be_visible()
    expect(setup.locator("svg")).to_be_visible()
    secret = page.locator("[data-ms-secret]").inner_text().replace(" ", "")
    _submit_code(page, pyotp.TOTP(secret).now())
    expect(page.locator("[data-ms-recovery-codes]")).to_be_visible()
    codes = page.locator("[data-ms-code]").all_inner_texts()
    page.click("[data-ms-continue]")
    return codes


def test_officer_sets_up_the_authenticator_saves_the_codes_and_signs_in(page):
    user_for_role(Role.OFFICER, username="e2e_2fa_officer")
    sign_in(page, "e2e_2fa_officer")
    secret = page.locator("[data-ms-secret]").inner_text().replace(" ", "")

    _submit_code(page, "000000")
    expect(page.locator(".invalid-feedback, [data-ms-form-error]").first).to_be_visible()

    _submit_code(page, pyotp.TOTP(secret).now())
    expect(page.locator("[data-ms-recovery-codes]")).to_contain_text("只显示这一次")
    codes = page.locator("[data-ms-code]").all_inner_texts()
    assert len(codes) == 10 and all(re.fullmatch(r"[a-z2-9]{5}-[a-z2-9]{5}", code) for code in codes)
    page.click("[data-ms-continue]")
    expect(page.locator("[data-ms-home='officer']")).to_be_visible()


def test_the_administrator_reaches_the_admin_through_the_platform_sign_in(page):
    admin = user_for_role(Role.ADMIN, username="e2e_root")
    secret = pyotp.random_base32()
    SecondFactor.objects.create(user=admin, secret=secret, confirmed_at=timezone.now())

    page.goto("/admin/login/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/admin/$"))
    page.fill("input[name=username]", "e2e_root")
    page.fill("input[name=password]", PASSWORD)
    page.click("form[data-ms-login] button[type=submit]")

    expect(page.locator("[data-ms-second-factor=code]")).to_be_visible()
    page.goto("/admin/")  # the password alone opens nothing: back to sign in
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    page.fill("input[name=username]", "e2e_root")
    page.fill("input[name=password]", PASSWORD)
    page.click("form[data-ms-login] button[type=submit]")
    _submit_code(page, pyotp.TOTP(secret).now())

    expect(page).to_have_url(re.compile(r"/admin/$"))
    expect(page.locator("#site-name")).to_contain_text("民生")
    page.click("a[href='/admin/accounts/user/']")
    expect(page.locator("#result_list")).to_contain_text("e2e_root")


def test_a_recovery_code_signs_in_when_the_phone_is_not_at_hand(page):
    user_for_role(Role.FINANCE, username="e2e_2fa_finance")
    codes = _set_up_in_the_browser(page, "e2e_2fa_finance")
    expect(page.locator("[data-ms-home='finance']")).to_be_visible()
    page.click("[data-ms-user] .dropdown-toggle")
    page.get_by_role("button", name="退出登录").click()

    sign_in(page, "e2e_2fa_finance")
    expect(page.locator("[data-ms-second-factor=code]")).to_contain_text("恢复码")
    _submit_code(page, codes[0].upper())
    expect(page.locator("[data-ms-home='finance']")).to_be_visible()
    expect(page.locator(".alert").first).to_contain_text("还剩 9 个恢复码")

    page.goto("/accounts/security/")
    expect(page.locator("[data-ms-codes-left]")).to_have_text("9")
