"""Transfers in a real browser (M18): the applicant records an exclusive licence of its verified standard to a
registered company (typing the value in 万元, ticking the achievement, choosing the company), adds the money
received (a date before the contract is refused first, nothing recorded), the officer verifies the licence, and
the domain's public page shows the transfer rate rising from 0 to 100 per cent. Every page reads on a 390 px
phone."""

import datetime
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from minsheng.core import clock
from minsheng.core.roles import Role
from minsheng.outcomes.models import Transfer, TransferReceipt
from tests.e2e import page_checks
from tests.e2e.choices import pick
from tests.e2e.test_foundation import sign_in
from tests.e2e.test_phone import assert_no_sideways_scroll
from tests.factories import OrganisationFactory, user_for_role
from tests.factories.outcomes import accepted_project, achievement_of

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def world(db):
    project = accepted_project(on=clock.today() - datetime.timedelta(days=90))
    standard = achievement_of(project, title="社区慢病随访服务规范")
    company = OrganisationFactory(name_zh="深圳市随访科技有限公司", kind="enterprise")
    user_for_role(Role.APPLICANT, username="e2e_applicant", organisation=project.organisation)
    user_for_role(Role.OFFICER, username="e2e_officer")
    return {"project": project, "standard": standard, "company": company,
            "domain": project.call.domains.first().code}


def checked(page):
    assert_no_sideways_scroll(page)
    found = {kind: problems for kind, problems in page_checks.check_html(page.content()).items() if problems}
    assert not found, (page.url, found)


def rate_on_domain_page(page, domain) -> str:
    page.goto(f"/outcomes/domains/{domain}/")
    checked(page)
    expect(page.locator("[data-ms-rate-definition]")).to_contain_text("M18")
    return page.locator("[data-ms-transfer-rate]").inner_text().strip()


def test_the_applicant_records_a_licence_the_officer_verifies_it_and_the_rate_rises(page, world):
    standard, company, domain = world["standard"], world["company"], world["domain"]
    page.set_viewport_size({"width": 390, "height": 844})
    assert rate_on_domain_page(page, domain) == "0.0%"

    sign_in(page, "e2e_applicant")
    page.goto("/outcomes/transfers/")
    checked(page)
    page.click("[data-ms-create]")
    checked(page)
    contract_on = clock.today() - datetime.timedelta(days=30)
    page.select_option("#id_kind", "exclusive_licence")
    page.fill("#id_title", "社区慢病随访服务规范独占许可合同")
    page.check(f"input[name=achievements][value='{standard.pk}']")
    pick(page, "counterparty", company.name_zh)
    page.fill("#id_value", "120")
    page.fill("#id_contract_on", contract_on.isoformat())
    page.click("[data-ms-save]")
    expect(page.locator("[data-ms-state]").first).to_have_attribute("data-ms-state", "unverified")
    expect(page.locator("[data-ms-value]")).to_have_text("120.00")
    expect(page.locator("[data-ms-counterparty]")).to_contain_text(company.name_zh)
    checked(page)

    # Money received before the contract date is refused, nothing recorded; then the real payment.
    page.fill("#id_amount", "50")
    page.fill("#id_received_on", (contract_on - datetime.timedelta(days=1)).isoformat())
    page.click("[data-ms-add-receipt]")
    expect(page.locator("[data-ms-field='received_on'] .invalid-feedback")).to_contain_text("合同日期")
    assert not TransferReceipt.objects.exists()
    checked(page)
    page.fill("#id_amount", "50")
    page.fill("#id_received_on", (contract_on + datetime.timedelta(days=10)).isoformat())
    page.click("[data-ms-add-receipt]")
    expect(page.locator("[data-ms-received]")).to_have_text("50.00")
    page.context.clear_cookies()

    sign_in(page, "e2e_officer")
    page.goto("/outcomes/transfers/?state=unverified")
    checked(page)
    page.get_by_role("link", name="社区慢病随访服务规范独占许可合同").click()
    page.click("[data-ms-verify]")
    expect(page.locator("[data-ms-verified]")).to_be_visible()
    checked(page)
    assert Transfer.objects.get().state == "verified"
    assert Transfer.objects.get().value == Decimal("1200000")
    page.context.clear_cookies()

    assert rate_on_domain_page(page, domain) == "100.0%"
    expect(page.locator("[data-ms-project-share]")).to_have_text("100.0%")
    page.goto("/outcomes/transfer-rate/")
    checked(page)
    expect(page.locator("[data-ms-transfer-rate]")).to_have_text("100.0%")
