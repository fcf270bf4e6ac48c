"""The expert pool in a real browser: an expert keeps its profile; an officer approves an invited expert and
sees the conflict of interest, with its reason, for an application of the expert's own organisation."""

import pytest
from playwright.sync_api import expect

from minsheng.core.roles import Role
from minsheng.review.models import ExpertProfile
from tests.factories import PersonFactory, domain, user_for_role
from tests.factories.applications import SubmittedApplicationFactory
from tests.factories.review import ExpertProfileFactory, expert_user

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def sign_in(page, username, password="Correct-Horse-42"):
    page.goto("/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("form[data-ms-login] button[type=submit]")


def test_the_expert_edits_its_profile(page):
    profile = ExpertProfileFactory(keywords="", description="", domains=[domain("D07")])
    user = expert_user(profile, username="e2e_expert")
    sign_in(page, user.username)
    page.click("[data-ms-link=my-expert-profile]")
    expect(page.locator("[data-ms-empty-profile]")).to_be_visible()
    form = page.locator("form[data-ms-profile-form]")
    form.locator("input[name=keywords]").fill("赤潮预警、海水淡化")
    form.locator("textarea[name=description]").fill("长期从事近岸海域赤潮预警与海水淡化工程研究。")
    form.locator("input[name=max_load]").fill("7")
    form.locator("button[type=submit]").click()
    expect(page.locator("[data-ms-empty-profile]")).to_have_count(0)
    profile.refresh_from_db()
    assert profile.keyword_list == ["赤潮预警", "海水淡化"] and profile.max_load == 7

    employer = page.locator("form[data-ms-employer-form]")
    employer.locator("input[name=employer]").fill("国家海洋局南海分局")
    employer.locator("input[name=from_year]").fill("2012")
    employer.locator("input[name=to_year]").fill("2020")
    employer.locator("button[type=submit]").click()
    expect(page.locator("[data-ms-past-employers]")).to_contain_text("国家海洋局南海分局")
    expect(page.locator("[data-ms-past-employers]")).to_contain_text("2012–2020")


def test_the_officer_approves_an_invited_expert_and_sees_a_conflict_with_its_reason(page):
    application = SubmittedApplicationFactory(title="社区慢性病远程管理平台", keywords="慢性病管理、远程医疗")
    invited = ExpertProfileFactory(state=ExpertProfile.State.INVITED,
                                   person=PersonFactory(name="柳青", organisation=application.organisation))
    officer = user_for_role(Role.OFFICER, username="e2e_pool_officer")
    sign_in(page, officer.username)
    page.goto("/review/experts/?state=invited")
    page.locator(f"[data-ms-expert='{invited.pk}'] a").click()
    page.click("[data-ms-approve]")
    expect(page.locator("[data-ms-state]").first).to_have_attribute("data-ms-state", "active")
    invited.refresh_from_db()
    assert invited.state == ExpertProfile.State.ACTIVE

    page.goto("/review/experts/")
    page.click(f"[data-ms-call-conflicts='{application.call_id}']")
    expect(page.locator("[data-ms-conflicted-pairs]")).to_have_attribute("data-ms-conflicted-pairs", "1")
    pair = page.locator(f"[data-ms-pair='{application.pk}-{invited.pk}']")
    expect(pair).to_contain_text("柳青")
    expect(pair.locator("[data-ms-reason=same_organisation]")).to_contain_text(application.organisation.name_zh)
    page.select_option("#choose-app", str(application.pk))
    page.click("form[data-ms-choose-application] button")
    row = page.locator(f"[data-ms-rank-expert='{invited.pk}']")
    expect(row.locator("[data-ms-reason=same_organisation]")).to_be_visible()
    expect(row.locator("[data-ms-terms]")).to_contain_text("慢性病管理")
