"""A money form sent again after its answer was lost is recorded once, in a real browser: the applicant records an
expenditure, the connection drops after the server recorded it (the browser shows its network error page), the
applicant presses reload, which sends the same form again, and is told that it was already recorded; the project
shows one record."""

import pytest
from playwright.sync_api import expect

from minsheng.contracts.models import Expenditure
from minsheng.core.roles import Role
from tests.contracts.helpers import first_paid
from tests.e2e.test_foundation import sign_in
from tests.factories import user_for_role
from tests.factories.contracts import approved_project

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_an_expenditure_sent_again_after_a_lost_answer_is_recorded_once(page):
    project = approved_project()
    applicant = user_for_role(Role.APPLICANT, username="e2e_spender", organisation=project.organisation)
    first_paid(project, user_for_role(Role.OFFICER), applicant)
    sign_in(page, "e2e_spender")
    page.goto(f"/contracts/projects/{project.pk}/")

    sent = []

    def lose_the_first_answer(route):
        sent.append(route.request.post_data)
        if len(sent) > 1:
            route.continue_()
            return
        route.fetch()                      # the server records the expenditure ...
        route.abort("connectionreset")     # ... and its answer never reaches the browser

    page.route(f"**/contracts/projects/{project.pk}/expenditures/", lose_the_first_answer)
    form = page.locator("form[data-ms-expenditure-form]")
    form.locator("select[name=category]").select_option("equipment")
    form.locator("input[name=amount]").fill("3")
    form.locator("input[name=description]").fill("购置血糖仪")
    form.locator("input[name=voucher]").fill("记-E2E-ONCE")
    form.locator("button[type=submit]").click()
    page.wait_for_url("chrome-error://**")
    assert Expenditure.objects.filter(voucher="记-E2E-ONCE").count() == 1

    page.reload()                          # the browser sends the same form again
    expect(page.locator(".alert-info")).to_contain_text("本次未重复登记")
    assert len(sent) == 2 and sent[0] == sent[1]
    assert Expenditure.objects.filter(voucher="记-E2E-ONCE").count() == 1
    expect(page.locator("[data-ms-category='equipment'] [data-ms-spent]")).to_have_text("3.00")
