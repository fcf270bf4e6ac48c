"""An officer's first sign-in in a real browser: password, the authenticator set-up page, a one-time code."""

import pyotp
import pytest
from playwright.sync_api import expect

from minsheng.accounts.roles import Role
from tests.e2e.test_foundation import sign_in
from tests.factories import user_for_role

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_officer_sets_up_the_authenticator_and_signs_in_with_a_code(page, settings):
    settings.SECOND_FACTOR_REQUIRED = True
    user_for_role(Role.OFFICER, username="e2e_2fa_officer")
    sign_in(page, "e2e_2fa_officer")
    setup = page.locator("[data-ms-second-factor=setup]")
    expect(setup).to_be_visible()
    expect(setup.locator("svg")).to_be_visible()
    secret = page.locator("[data-ms-secret]").inner_text().replace(" ", "")

    page.fill("input[name=code]", "000000")
    page.click("[data-ms-second-factor] button[type=submit]")
    expect(page.locator(".invalid-feedback, [data-ms-form-error]").first).to_be_visible()

    page.fill("input[name=code]", pyotp.TOTP(secret).now())
    page.click("[data-ms-second-factor] button[type=submit]")
    expect(page.locator("[data-ms-home='officer']")).to_be_visible()
